"""The WebSocket Origin check compares scheme-port too, not only the host name.

Channels' AllowedHostsOriginValidator accepts an Origin whose host name is in ALLOWED_HOSTS
whatever its port: a page served from another port of the same host (another app, a
developer's server) could open our sockets with the visitor's cookies. A socket is accepted
only from the page's own origin: the Origin's host and port equal the Host header's (the
port defaulting by the Origin's scheme) or X-Forwarded-Host's (a proxy that passes Host
without its port should set it: `proxy_set_header X-Forwarded-Host $http_host`), or an
origin the deployment names (PUBLIC_BASE_URL, CSRF_TRUSTED_ORIGINS). The host-name check
against ALLOWED_HOSTS stays inside.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings

from topp25.limits import Receive, Scope, Send

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _host_port(netloc: str, scheme: str) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port
    except ValueError:
        return None
    return (parts.hostname or "").lower(), port if port is not None else DEFAULT_PORTS.get(scheme)


def same_origin(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    raw_origin = headers.get(b"origin")
    if raw_origin is None:
        return True  # not a browser; the allowed-hosts check inside decides
    origin = raw_origin.decode("latin-1").rstrip("/")
    trusted = [settings.PUBLIC_BASE_URL, *settings.CSRF_TRUSTED_ORIGINS]
    if any(origin == base.rstrip("/") for base in trusted if base):
        return True
    parts = urlsplit(origin)
    ours = _host_port(parts.netloc, parts.scheme)
    if ours is None:
        return False
    # The Host the browser sent, or the one a proxy in front says it was sent (a page's
    # script cannot set headers on a WebSocket handshake, so neither can be forged from a
    # page of another origin).
    for header in (b"host", b"x-forwarded-host"):
        for value in headers.get(header, b"").decode("latin-1").split(","):
            if value.strip() and _host_port(value.strip(), parts.scheme) == ours:
                return True
    return False


class SameOriginValidator:
    def __init__(self, app: Any) -> None:  # any ASGI application
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and not same_origin(scope):
            denier = WebsocketDenier()
            await denier(scope, receive, send)
            return
        await self.app(scope, receive, send)
