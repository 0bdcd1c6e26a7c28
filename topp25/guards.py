"""Guards every answer passes: text with NUL refused at the door, and the headers that say
what a browser may keep and use.

NUL: `meetings.text.clean_text` drops control characters from every text a service stores,
but a NUL can also reach a lookup (a search, a theme key, a login name) that is never
stored; PostgreSQL refuses a NUL in any string literal ("A string literal cannot contain
NUL") and the request would end in a 500 on PostgreSQL and pass on SQLite. No one types a
NUL, so a request carrying one, anywhere in its address or form, is answered 400 with a
Swedish sentence before any view runs: the same on both databases.

Headers: a page of this app shows a meeting's live state to whoever holds a session or a
token (the phone's group, the room screen, the people page), and even an error page says
whether something exists; none of it may be kept by a proxy or in the browser's disk cache
after the tab closes, so every answer without its own Cache-Control (static files set a long
one) is `private, no-store`. Permissions-Policy denies the browser features we never use, so
an injected script or frame could not use them either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

# Features a dialogue meeting never uses. Fullscreen stays for the page itself (a projector).
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
NUL_MESSAGE = _(
    "Texten innehöll ett osynligt styrtecken (NUL) som inte kan sparas. Skriv texten igen "
    "med vanliga tecken och skicka den på nytt."
)
PERMISSIONS_POLICY = ", ".join(
    [f"{feature}=()" for feature in DENIED_FEATURES] + ["fullscreen=(self)"]
)


def carries_nul(request: HttpRequest) -> bool:
    """A NUL in the path, the query string or a form field's name or value."""
    if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
        return True
    if request.method != "POST":
        return False
    try:
        fields = request.POST
    except (MultiPartParserError, ValueError):
        return False  # Django answers a body it cannot parse itself
    return any(
        "\x00" in name or any("\x00" in value for value in fields.getlist(name)) for name in fields
    )


def _refused(request: HttpRequest) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # An htmx form: nothing on the page is replaced (what was typed stays), the page's
        # live region says why (static/js/topp25.js, "topp25:announce").
        message = str(NUL_MESSAGE)
        response = HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        response["HX-Reswap"] = "none"
        detail = {"message": message, "target": "#announcer"}
        response["HX-Trigger"] = json.dumps({"topp25:announce": detail})
        return response
    return render(request, "400_text.html", {"message": NUL_MESSAGE}, status=400)


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if carries_nul(request):
            response = _refused(request)
        else:
            response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            patch_cache_control(response, private=True, no_store=True)
        return response
