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


# --- The issuer alone: its discovery document gives the endpoints -------------------------


class _Provider:
    """A real HTTP server on this machine answering the discovery document as given."""

    def __init__(self) -> None:
        import http.server
        import json
        import threading

        provider = self
        self.document: dict[str, Any] | None = None
        self.requests = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the library's name)
                provider.requests += 1
                if self.path != "/realms/kommun/.well-known/openid-configuration" or (
                    provider.document is None
                ):
                    self.send_error(404)
                    return
                body = json.dumps(provider.document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}/realms/kommun"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def good(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/protocol/openid-connect/auth",
            "token_endpoint": f"{self.issuer}/protocol/openid-connect/token",
            "userinfo_endpoint": f"{self.issuer}/protocol/openid-connect/userinfo",
            "jwks_uri": f"{self.issuer}/protocol/openid-connect/certs",
            "end_session_endpoint": f"{self.issuer}/protocol/openid-connect/logout",
        }


@pytest.fixture
def issuer() -> Any:
    from topp25 import oidc_discovery

    oidc_discovery.forget()
    provider = _Provider()
    yield provider
    provider.server.shutdown()
    oidc_discovery.forget()


def test_the_issuer_alone_is_enough_to_start_and_nothing_is_fetched_while_starting() -> None:
    # A provider that is down when topp25 starts stops neither local sign-in nor the meetings.
    result = start_with(
        {
            "OIDC_RP_CLIENT_ID": "topp25",
            "OIDC_RP_CLIENT_SECRET": "s",
            "OIDC_OP_ISSUER": "http://127.0.0.1:9/realms/nobody",
            "OIDC_FACILITATOR_VALUES": "x",
        }
    )
    assert result.returncode == 0, result.stderr


def test_endpoints_are_read_from_the_issuers_document_once(issuer: _Provider) -> None:
    from topp25.oidc_discovery import endpoint_setting

    issuer.document = issuer.good()
    token = endpoint_setting(issuer.issuer, "token_endpoint")
    logout = endpoint_setting(issuer.issuer, "end_session_endpoint")
    assert issuer.requests == 0  # lazily, when used
    assert str(token) == f"{issuer.issuer}/protocol/openid-connect/token"
    assert str(logout) == f"{issuer.issuer}/protocol/openid-connect/logout"
    assert issuer.requests == 1  # kept for the process


@pytest.mark.parametrize(
    "broken",
    [
        lambda doc: {**doc, "issuer": "https://elsewhere.example/realms/kommun"},
        lambda doc: {key: value for key, value in doc.items() if key != "jwks_uri"},
        lambda doc: None,  # 404
    ],
    ids=["another issuer", "no keys", "not found"],
)
def test_a_document_that_is_not_the_issuers_is_refused_and_not_kept(
    issuer: _Provider, broken: Any
) -> None:
    from topp25.oidc_discovery import DiscoveryFailed, endpoint_setting

    issuer.document = broken(issuer.good())
    with pytest.raises(DiscoveryFailed):
        str(endpoint_setting(issuer.issuer, "token_endpoint"))
    issuer.document = issuer.good()  # the provider is fixed: the next sign-in reads it again
    assert str(endpoint_setting(issuer.issuer, "token_endpoint")).endswith("/token")


@pytest.mark.django_db
def test_an_unreachable_issuer_gives_the_swedish_page_not_a_500(
    provider_configured: Any, issuer: _Provider, client: Client
) -> None:
    from topp25.oidc_discovery import endpoint_setting

    issuer.document = None  # the provider answers 404 for its document
    provider_configured.OIDC_OP_AUTHORIZATION_ENDPOINT = endpoint_setting(
        issuer.issuer, "authorization_endpoint"
    )
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    assert response["Location"] == reverse("oidc_refused")
    refused = client.get(response["Location"])
    assert refused.status_code == 403
    assert "Inloggningen nekades" in refused.content.decode()

    issuer.document = issuer.good()  # back: the sign-in goes to the provider
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    assert response["Location"].startswith(f"{issuer.issuer}/protocol/openid-connect/auth?")


def test_an_https_issuer_s_document_may_not_send_the_secret_over_plain_http() -> None:
    from topp25.oidc_discovery import DiscoveryFailed, checked

    issuer = "https://login.example.se/realms/kommun"
    good = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/auth",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/certs",
    }
    assert checked(issuer, good) == good
    with pytest.raises(DiscoveryFailed, match="token_endpoint"):
        checked(issuer, {**good, "token_endpoint": "http://login.example.se/token"})
    with pytest.raises(DiscoveryFailed, match="not a JSON object"):
        checked(issuer, ["issuer", issuer])
