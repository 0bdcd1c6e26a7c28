"""Language: Swedish unless the person chose another language with the switcher.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many Swedish
phones are set to English; a Swedish meeting should still read in Swedish on them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from topp25.limits import TOO_LARGE


def chosen_language(cookies: Mapping[str, Any]) -> str:
    """The language a person picked (cookie), else the site's: the same for HTTP and WebSockets."""
    code = cookies.get(settings.LANGUAGE_COOKIE_NAME)
    if code in dict(settings.LANGUAGES):
        return str(code)
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request.COOKIES)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class RequestBodyLimitMiddleware:
    """413 for a declared body over Django's limit (the ASGI app already refuses these
    before reading them, topp25/limits.py; this covers any other server in front of Django)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return HttpResponse(TOO_LARGE, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class StaffNoStoreMiddleware:
    """Pages seen by a logged-in person (console, exports, admin) are never stored by a
    browser or proxy: `Cache-Control: private, no-store`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, private=True, no_store=True)
        return response
