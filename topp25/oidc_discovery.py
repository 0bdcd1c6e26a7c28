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

import json
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


MAX_BYTES = 1_000_000  # a discovery document is a few KB


def _fetch(issuer: str) -> dict[str, Any]:
    url = discovery_url(issuer)
    try:
        with requests.get(url, timeout=TIMEOUT_S, stream=True) as response:
            response.raise_for_status()
            body = response.raw.read(MAX_BYTES + 1, decode_content=True)
        if len(body) > MAX_BYTES:
            raise DiscoveryFailed(f"{url} is larger than {MAX_BYTES} bytes")
        found = json.loads(body)
    except (requests.RequestException, ValueError) as error:
        raise DiscoveryFailed(f"{url}: {error}") from error
    return checked(issuer, found)


def checked(issuer: str, found: Any) -> dict[str, Any]:
    """`found` if it is `issuer`'s document as the code flow needs it, else DiscoveryFailed."""
    url = discovery_url(issuer)
    if not isinstance(found, dict):
        raise DiscoveryFailed(f"{url} is not a JSON object")
    if str(found.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise DiscoveryFailed(f"{url} names the issuer {found.get('issuer')!r}, not {issuer!r}")
    missing = [key for key in REQUIRED if not isinstance(found.get(key), str)]
    if missing:
        raise DiscoveryFailed(f"{url} has no {', '.join(missing)}")
    if issuer.startswith("https://"):
        # The token endpoint gets the client secret: never over plain HTTP from an HTTPS issuer.
        plain = [
            key
            for key, value in found.items()
            if key.endswith(("_endpoint", "_uri"))
            and isinstance(value, str)
            and value.startswith("http://")
        ]
        if plain:
            raise DiscoveryFailed(f"{url} gives plain-HTTP endpoints: {', '.join(sorted(plain))}")
    return found


def document(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, checked: it names this issuer (OpenID Connect
    Discovery 1.0, 4.3), has the endpoints the code flow needs, and an HTTPS issuer's
    endpoints are HTTPS. Fetched outside the lock (a provider that hangs holds only the
    sign-ins that need it, each for its own timeout); the first good answer is kept."""
    with _lock:
        if issuer in _documents:
            return _documents[issuer]
    found = _fetch(issuer)
    with _lock:
        return _documents.setdefault(issuer, found)


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
