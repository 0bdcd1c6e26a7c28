"""Sign-in with the organisation's OpenID Connect provider (Entra ID, Keycloak, …) for
facilitators and editors, on mozilla-django-oidc (the code flow with PKCE, nonce and state;
ID-token signature checked against the provider's keys).

Who someone is: the provider's `sub`, never the e-mail address (an address can be re-issued or
match a local account; `sub` is the provider's own, stable id). Their account is
`oidc-<sub>`, without a usable password, so it can only be reached through the provider.

What they may do: the roles come from one claim (OIDC_ROLE_CLAIM, e.g. "groups" or "roles";
a list or a single value), whose values are mapped to *Samtalsledare* and *Redaktör*
(OIDC_FACILITATOR_VALUES, OIDC_EDITOR_VALUES). They are applied at every login: a role the
provider no longer gives is taken away. Someone whose claims give no role is refused with a
page that says so, and no account is made for them. Local accounts keep working beside it.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.contrib.auth.views import LogoutView
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_GET
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from topp25.oidc_discovery import DiscoveryFailed

from .access import Role, role
from .roles import EDITOR_ROLE, FACILITATOR_ROLE

logger = logging.getLogger(__name__)

USERNAME_PREFIX = "oidc-"
# Why the last sign-in through the provider was refused, for the page that says so.
REFUSED_KEY = "topp25_oidc_refused"
NO_ROLE = "no_role"
PROVIDER_ERROR = "provider_error"


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_ENABLED", False))


def roles_from_claims(claims: dict[str, Any]) -> set[str]:
    """The topp25 roles the provider's claims give (matched exactly, case as configured)."""
    value = claims.get(settings.OIDC_ROLE_CLAIM)
    if isinstance(value, str):
        given = {value}
    elif isinstance(value, list | tuple):
        given = {str(item) for item in value}
    else:
        given = set()
    roles = set()
    if given & set(settings.OIDC_FACILITATOR_VALUES):
        roles.add(FACILITATOR_ROLE)
    if given & set(settings.OIDC_EDITOR_VALUES):
        roles.add(EDITOR_ROLE)
    return roles


def username_for(subject: str) -> str:
    """`oidc-<sub>` when `sub` is short and plain, else a digest of it (usernames are ≤ 150)."""
    if re.fullmatch(r"[\w.@+-]{1,120}", subject, flags=re.ASCII):
        return USERNAME_PREFIX + subject
    return USERNAME_PREFIX + hashlib.sha256(subject.encode()).hexdigest()[:40]


def _names(claims: dict[str, Any]) -> tuple[str, str]:
    first = str(claims.get("given_name") or "")[:150]
    last = str(claims.get("family_name") or "")[:150]
    if not first and not last:
        first = str(claims.get("name") or "")[:150]
    return first, last


@transaction.atomic
def apply_login(*, subject: str, claims: dict[str, Any], roles: set[str]) -> User | None:
    """Create or update the account of `subject` and give it exactly `roles` among topp25's
    roles (other groups are left alone). No account is made for someone without a role."""
    username = username_for(subject)
    user = User.objects.select_for_update().filter(username=username).first()
    if user is None and not roles:
        return None
    first, last = _names(claims)
    email = str(claims.get("email") or "")[:254]
    if user is None:
        user = User(username=username)
        user.set_unusable_password()
    user.first_name, user.last_name, user.email = first, last, email
    user.save()
    role_groups = AuthGroup.objects.filter(name__in=[FACILITATOR_ROLE, EDITOR_ROLE])
    user.groups.remove(*[group for group in role_groups if group.name not in roles])
    user.groups.add(*[group for group in role_groups if group.name in roles])
    return user


class RoleClaimsBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, matching people by `sub` and roles by a claim. Inert
    (answers nobody) while the provider is not configured, so local logins never need it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if enabled():
            super().__init__(*args, **kwargs)
        self.UserModel = User

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not enabled() or request is None:
            return None
        try:
            user: User | None = super().authenticate(request, **kwargs)
        except requests.RequestException:
            # The provider refused the code or did not answer: a page that says so, not a 500.
            logger.warning("OIDC sign-in failed at the provider", exc_info=True)
            request.session[REFUSED_KEY] = PROVIDER_ERROR
            return None
        return user

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        subject = str(payload.get("sub") or "")
        if not subject or str(userinfo.get("sub") or subject) != subject:
            raise SuspiciousOperation("userinfo is about someone else than the ID token")
        # Role claims may come in the ID token (Entra ID) or from userinfo (Keycloak).
        claims = {**payload, **userinfo}
        roles = roles_from_claims(claims)
        user = apply_login(subject=subject, claims=claims, roles=roles)
        if not roles:
            self.request.session[REFUSED_KEY] = NO_ROLE
            logger.info("OIDC sign-in refused: the role claim gives no topp25 role")
            return None
        if user is None or not user.is_active:
            return None
        self.request.session.pop(REFUSED_KEY, None)
        return user


def provider_logout_url(request: HttpRequest) -> str:
    """Where the browser goes after the local logout: to the provider's end-session endpoint
    when this session came from it and the provider has one (RP-initiated logout), which
    sends it back to our start page; otherwise straight to the start page."""
    back = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    id_token = request.session.get("oidc_id_token")
    if not (enabled() and id_token):
        return back
    try:
        endpoint = str(settings.OIDC_OP_LOGOUT_ENDPOINT)
    except DiscoveryFailed:
        # The provider's document cannot be read now: the local session ends all the same.
        logger.warning("OIDC logout: the provider's discovery document", exc_info=True)
        return back
    if not endpoint:
        return back
    query = urlencode(
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": back,
            "client_id": settings.OIDC_RP_CLIENT_ID,
        }
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


# --- Views: the library's, present only while a provider is configured ---------------------


def _configured() -> None:
    if not enabled():
        raise Http404


@role(Role.PUBLIC)
def login_start(request: HttpRequest) -> HttpResponse:
    _configured()
    request.session.pop(REFUSED_KEY, None)
    try:
        response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    except DiscoveryFailed:
        # OIDC_OP_ISSUER's document could not be read: the page that says the provider did
        # not answer, not a 500 (the next try reads it again).
        logger.warning("OIDC sign-in: the provider's discovery document", exc_info=True)
        request.session[REFUSED_KEY] = PROVIDER_ERROR
        return redirect("oidc_refused")
    return response


@role(Role.PUBLIC)
def login_callback(request: HttpRequest) -> HttpResponse:
    _configured()
    response: HttpResponse = OIDCAuthenticationCallbackView.as_view()(request)
    return response


def logout(request: HttpRequest) -> HttpResponse:
    """Ends the local session, and the provider's too when the session came from it."""
    if not enabled():
        response: HttpResponse = LogoutView.as_view()(request)
        return response
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    response = OIDCLogoutView.as_view()(request)
    return response


@role(Role.PUBLIC)
@require_GET
def refused(request: HttpRequest) -> HttpResponse:
    """Where a refused or failed sign-in through the provider lands: in Swedish, saying why."""
    _configured()
    reason = request.session.pop(REFUSED_KEY, None)
    return render(
        request,
        "registration/oidc_refused.html",
        {"no_role": reason == NO_ROLE},
        status=403,
    )
