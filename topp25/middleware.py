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
from django.utils.cache import patch_vary_headers


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
