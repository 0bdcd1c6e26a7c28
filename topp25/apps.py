from typing import Any

from django.contrib.admin.apps import AdminConfig
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest


def staff_session_expiry(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Logged-in sessions last a working day; anonymous participants keep the long default."""
    from django.conf import settings

    request.session.set_expiry(settings.STAFF_SESSION_SECONDS)


class SuperuserAdminConfig(AdminConfig):
    default_site = "topp25.admin.SuperuserAdminSite"

    def ready(self) -> None:
        super().ready()
        user_logged_in.connect(staff_session_expiry, dispatch_uid="topp25-staff-session")
