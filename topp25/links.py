"""Links to print or encode: shared by every app."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def public_url(request: HttpRequest, path: str) -> str:
    """An absolute link to print or encode in a QR code: PUBLIC_BASE_URL when set, since
    behind a proxy the request may not know its public scheme and host."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)
