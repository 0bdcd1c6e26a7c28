"""The facilitators' and editors' login."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from meetings import throttle
from meetings.text import clean_text


class ThrottledLoginView(LoginView):
    """Django's login, with failed attempts counted per client and per user name: over the
    limit every attempt (right password or not) answers 429 until the window ends."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = clean_text(request.POST.get("username", ""))[:150]
        limits = throttle.login_limits(request, username)
        wait = throttle.blocked_for(limits)
        if wait is not None:
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
