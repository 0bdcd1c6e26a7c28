"""Django's admin, for superusers only.

The admin has no notion of "my meetings": a staff facilitator there could add themselves to
another organiser's meeting and read its room token. Facilitators and editors work in the
console, which checks each meeting; the admin is the operator's tool for accounts and repairs.
"""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest


class SuperuserAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and getattr(user, "is_superuser", False))
