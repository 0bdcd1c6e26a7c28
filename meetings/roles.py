"""The two staff roles as Django permission groups, kept in step after every migrate."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission

FACILITATOR_ROLE = "Samtalsledare"
EDITOR_ROLE = "Redaktör"

ROLE_PERMISSIONS = {
    FACILITATOR_ROLE: ["add_meeting", "change_meeting", "view_meeting"],
    EDITOR_ROLE: ["export_meeting", "view_meeting"],
}


def ensure_roles(**kwargs: Any) -> None:
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _created = AuthGroup.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label="meetings", codename__in=codenames
        )
        group.permissions.add(*permissions)
