"""The facilitators' and editors' login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from meetings import throttle
from meetings.text import clean_text
from topp25 import metrics


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
