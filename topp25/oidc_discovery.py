"""The OpenID provider's endpoints read from its discovery document
(`<OIDC_OP_ISSUER>/.well-known/openid-configuration`), so an IT department sets one address,
the issuer, as Entra ID and Keycloak give it.

The document is fetched on first use, not while settings load: a provider that is down when
topp25 starts must not stop local sign-in or the meetings. A failed fetch is not remembered,
so the next sign-in tries again; a good one is kept for the process's life (providers move
their endpoints rarely; a restart reads them anew).

The settings hold lazy strings (`endpoint_setting`) that mozilla-django-oidc reads like any
other setting; turning one into text fetches the document once per process.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from django.utils.functional import lazy

WELL_KNOWN = "/.well-known/openid-configuration"
TIMEOUT_S = 10
REQUIRED = ("authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri")

_documents: dict[str, dict[str, Any]] = {}
_lock = threading.Lock()


class DiscoveryFailed(requests.RequestException):
    """The provider's discovery document could not be read or is not the issuer's. A
    RequestException, so the sign-in's handling of a provider that does not answer covers it."""


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + WELL_KNOWN


def document(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, checked: it names this issuer (OpenID Connect
    Discovery 1.0, 4.3) and has the endpoints the code flow needs."""
    with _lock:
        if issuer in _documents:
            return _documents[issuer]
        try:
            response = requests.get(discovery_url(issuer), timeout=TIMEOUT_S)
            response.raise_for_status()
            found = response.json()
        except (requests.RequestException, ValueError) as error:
            raise DiscoveryFailed(f"{discovery_url(issuer)}: {error}") from error
        if not isinstance(found, dict):
            raise DiscoveryFailed(f"{discovery_url(issuer)} is not a JSON object")
        if str(found.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
            raise DiscoveryFailed(
                f"{discovery_url(issuer)} names the issuer {found.get('issuer')!r}, not {issuer!r}"
            )
        missing = [key for key in REQUIRED if not isinstance(found.get(key), str)]
        if missing:
            raise DiscoveryFailed(f"{discovery_url(issuer)} has no {', '.join(missing)}")
        _documents[issuer] = found
        return found


def endpoint(issuer: str, key: str) -> str:
    """One endpoint of the issuer's document; "" for an optional one it does not have
    (end_session_endpoint)."""
    value = document(issuer).get(key, "")
    return value if isinstance(value, str) else ""


def endpoint_setting(issuer: str, key: str) -> str:
    """A setting's value that is the document's `key`, read when first used."""
    return lazy(endpoint, str)(issuer, key)


def forget() -> None:
    """Tests: read the document again."""
    with _lock:
        _documents.clear()
