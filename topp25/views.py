from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from meetings import throttle
from meetings.text import clean_text
from topp25 import metrics


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


class ThrottledLoginView(LoginView):
    """Django's login, with failed attempts counted per client and per user name: over the
    limit every attempt (right password or not) answers 429 until the window ends."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The organisation's sign-in first when it is configured (meetings/oidc.py).
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["oidc_enabled"] = settings.OIDC_ENABLED
        context["oidc_label"] = settings.OIDC_LOGIN_LABEL
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = clean_text(request.POST.get("username", ""))[:150]
        limits = throttle.login_limits(request, username)
        wait = throttle.blocked_for(limits)
        if wait is not None:
            metrics.login_throttled()
            form = self.get_form_class()(request)  # empty: what was typed is not shown
            form.cleaned_data = {}
            form.add_error(
                None,
                _("För många misslyckade inloggningar. Vänta en stund och försök igen."),
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        response = super().post(request, *args, **kwargs)
        if response.status_code != 302:
            throttle.count_failure(limits)
        return response
