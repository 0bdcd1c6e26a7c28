"""Sign-in with the organisation's provider, server side: roles from a configurable claim,
applied at every login; local accounts beside it; nothing of it while it is not configured.
(The whole flow against a real provider in Chromium: tests/browser/test_oidc.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from meetings import oidc
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE

from .conftest import ROOT


@pytest.fixture
def provider_configured(settings: Any) -> Any:
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "topp25"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example.se/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://login.example.se/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://login.example.se/me"
    settings.OIDC_OP_JWKS_ENDPOINT = "https://login.example.se/jwks"
    settings.OIDC_OP_LOGOUT_ENDPOINT = ""
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_FACILITATOR_VALUES = ["topp25-ledare", "Skolchefer"]
    settings.OIDC_EDITOR_VALUES = ["topp25-redaktor"]
    settings.OIDC_LOGIN_LABEL = ""
    return settings


@pytest.mark.parametrize(
    ("claims", "roles"),
    [
        ({"groups": ["topp25-ledare"]}, {FACILITATOR_ROLE}),
        ({"groups": ["topp25-redaktor", "Skolchefer", "alla"]}, {FACILITATOR_ROLE, EDITOR_ROLE}),
        ({"groups": "topp25-redaktor"}, {EDITOR_ROLE}),  # a single value
        ({"groups": ["TOPP25-LEDARE"]}, set()),  # values match exactly
        ({"groups": []}, set()),
        ({"roles": ["topp25-ledare"]}, set()),  # another claim than the configured one
        ({}, set()),
        ({"groups": {"topp25-ledare": True}}, set()),  # not a list or a string
    ],
)
def test_roles_come_from_the_configured_claim(
    provider_configured: Any, claims: dict[str, Any], roles: set[str]
) -> None:
    assert oidc.roles_from_claims(claims) == roles


def test_usernames_are_the_subject_never_the_address() -> None:
    assert oidc.username_for("leda") == "oidc-leda"
    long_subject = "x" * 300
    assert len(oidc.username_for(long_subject)) <= 150
    assert oidc.username_for("a b/c") != oidc.username_for("a_b_c")


def role_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


@pytest.mark.django_db
def test_roles_are_applied_at_every_login(provider_configured: Any) -> None:
    claims = {"given_name": "Lena", "family_name": "Ledare", "email": "lena@example.se"}
    user = oidc.apply_login(subject="leda", claims=claims, roles={EDITOR_ROLE})
    assert user is not None and role_names(user) == {EDITOR_ROLE}
    assert (user.username, user.get_full_name()) == ("oidc-leda", "Lena Ledare")
    assert not user.has_usable_password()  # only the provider leads to this account
    other, _ = AuthGroup.objects.get_or_create(name="Något annat")
    user.groups.add(other)

    # Next login: the provider now says facilitator, not editor.
    again = oidc.apply_login(
        subject="leda", claims={**claims, "email": "ny@example.se"}, roles={FACILITATOR_ROLE}
    )
    assert again is not None and again.pk == user.pk
    assert role_names(again) == {FACILITATOR_ROLE, "Något annat"}
    assert again.email == "ny@example.se"

    # And then no role at all: topp25's roles are taken away, the account stays.
    gone = oidc.apply_login(subject="leda", claims=claims, roles=set())
    assert gone is not None and role_names(gone) == {"Något annat"}


@pytest.mark.django_db
def test_no_account_is_made_for_someone_without_a_role(provider_configured: Any) -> None:
    assert oidc.apply_login(subject="utan", claims={}, roles=set()) is None
    assert not User.objects.filter(username__startswith="oidc-").exists()


@pytest.mark.django_db
def test_a_local_account_with_the_same_address_is_not_taken_over(
    provider_configured: Any, facilitator: User
) -> None:
    facilitator.email = "anna@example.se"
    facilitator.save()
    user = oidc.apply_login(
        subject="anna", claims={"email": "anna@example.se"}, roles={FACILITATOR_ROLE}
    )
    assert user is not None and user.pk != facilitator.pk


@pytest.mark.django_db
def test_the_login_page_offers_both_when_configured(
    client: Client, provider_configured: Any
) -> None:
    html = client.get(reverse("login") + "?next=/console/meetings/1/").content.decode()
    assert 'id="oidc-login"' in html and "Logga in med organisationens konto" in html
    assert "/accounts/oidc/login/?next=/console/meetings/1/" in html
    assert 'name="password"' in html  # the local form is still there
    provider_configured.OIDC_LOGIN_LABEL = "Logga in med kommunens konto"
    assert "Logga in med kommunens konto" in client.get(reverse("login")).content.decode()
    # The sign-in starts at the provider, with PKCE, state and nonce.
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    location = start["Location"]
    assert location.startswith("https://login.example.se/auth?")
    for part in ("client_id=topp25", "code_challenge=", "state=", "nonce=", "response_type=code"):
        assert part in location, part


@pytest.mark.django_db
def test_local_accounts_keep_working_beside_the_provider(
    client: Client, provider_configured: Any, facilitator: User
) -> None:
    answer = client.post(reverse("login"), {"username": "anna", "password": "hemligt-losen-1"})
    assert answer.status_code == 302 and answer["Location"] == reverse("meetings:console")
    assert client.get(reverse("meetings:console")).status_code == 200
    # A local session has no provider session to end: logout goes to the start page.
    out = client.post(reverse("logout"))
    assert out.status_code == 302 and out["Location"].endswith(reverse("meetings:start"))
    assert client.get(reverse("meetings:console")).status_code == 302


@pytest.mark.django_db
def test_without_a_provider_there_is_no_trace_of_it(client: Client, settings: Any) -> None:
    settings.OIDC_ENABLED = False
    assert 'id="oidc-login"' not in client.get(reverse("login")).content.decode()
    for name in ("oidc_authentication_init", "oidc_authentication_callback", "oidc_refused"):
        assert client.get(reverse(name)).status_code == 404, name


@pytest.mark.django_db
def test_a_failed_sign_in_says_so_in_swedish(client: Client, provider_configured: Any) -> None:
    # The provider sent the person back with an error (they cancelled, say).
    back = client.get(reverse("oidc_authentication_callback"), {"error": "access_denied"})
    assert back.status_code == 302 and back["Location"] == "/accounts/oidc/refused/"
    page = client.get(back["Location"])
    assert page.status_code == 403
    assert "Inloggningen med organisationens konto gick inte att slutföra" in page.content.decode()


def start_with(env_changes: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_changes}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "topp25.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_half_configured_provider_stops_the_start() -> None:
    result = start_with({"OIDC_RP_CLIENT_ID": "topp25"})
    assert result.returncode != 0
    assert "OIDC_OP_TOKEN_ENDPOINT" in result.stderr
    endpoints = {
        "OIDC_RP_CLIENT_SECRET": "s",
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://l/auth",
        "OIDC_OP_TOKEN_ENDPOINT": "https://l/token",
        "OIDC_OP_USER_ENDPOINT": "https://l/me",
        "OIDC_OP_JWKS_ENDPOINT": "https://l/jwks",
    }
    result = start_with({"OIDC_RP_CLIENT_ID": "topp25", **endpoints})
    assert result.returncode != 0 and "OIDC_FACILITATOR_VALUES" in result.stderr
    result = start_with(
        {"OIDC_RP_CLIENT_ID": "topp25", **endpoints, "OIDC_FACILITATOR_VALUES": "x"}
    )
    assert result.returncode == 0, result.stderr
