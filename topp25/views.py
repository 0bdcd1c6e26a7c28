from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """An expired form (e.g. a phone left overnight): in Swedish, and from an htmx request a
    reload, which gets a fresh token; never Django's English page inside the list."""
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(status=403, headers={"HX-Refresh": "true"})
    return render(request, "403_csrf.html", status=403)


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """What is stored, why and for how long: Swedish and English on one page."""
    context = {
        "retention_days": settings.RETENTION_DAYS,
        "backup_days": settings.BACKUP_RETENTION_DAYS,
        "participant_session_days": settings.SESSION_COOKIE_AGE // (24 * 60 * 60),
        "staff_session_hours": settings.STAFF_SESSION_SECONDS // 3600,
        "contact": settings.PRIVACY_CONTACT,
    }
    return render(request, "privacy.html", context)
