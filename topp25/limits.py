"""Size limits for what clients send, in one place for the server command, the tests and
Django's settings. Run `python -m topp25.limits` for the uvicorn options (the Makefile does).

uvicorn accepts 16 MiB WebSocket frames by default: 128 anonymous sockets each sending one
grew a worker to ~2 GB. The app's sockets only listen (screens never send anything that
matters), so 64 KiB is plenty; a bigger frame closes the socket (1009) after its header.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

WS_MAX_SIZE = 64 * 1024
# How long an idle HTTP connection stays open. uvicorn's default (5 s) closes a phone's
# connection between two taps, and a tap sent just as the server closes it fails (seen in
# bench/run.py as RemoteProtocolError); longer than a reverse proxy's usual idle timeout (60 s),
# so the proxy, not the app, closes first.
KEEP_ALIVE_SECONDS = 75
# A form post is a few hundred bytes; the largest (a meeting with its core question) a few KiB.
MAX_REQUEST_BODY = 128 * 1024

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

TOO_LARGE = "Förfrågan är för stor. / The request is too large.\n".encode()


def uvicorn_options() -> list[str]:
    return ["--ws-max-size", str(WS_MAX_SIZE), "--timeout-keep-alive", str(KEEP_ALIVE_SECONDS)]


class RequestBodyLimit:
    """413 for an HTTP request whose declared body is over the limit, before Django reads
    (and spools) any of it. Bodies without a length are cut by Django's own limit (400)."""

    def __init__(self, app: Any) -> None:  # any ASGI application
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = dict(scope.get("headers") or []).get(b"content-length", b"0")
            try:
                too_large = int(length) > MAX_REQUEST_BODY
            except ValueError:
                too_large = True
            if too_large:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 413,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"connection", b"close"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": TOO_LARGE})
                return
        await self.app(scope, receive, send)


if __name__ == "__main__":
    print(" ".join(uvicorn_options()))
