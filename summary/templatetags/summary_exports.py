"""`{% export_menu meeting %}`: the one "Exportera" list of every download of a meeting,
generated from the registry of outputs (summary/outputs.py)."""

from __future__ import annotations

from typing import Any

from django import template

from meetings.models import Meeting
from summary.outputs import Scope, outputs

register = template.Library()


@register.inclusion_tag("summary/export_menu.html")
def export_menu(meeting: Meeting, compact: bool = False) -> dict[str, Any]:
    return {
        "meeting": meeting,
        "formats": list(outputs(Scope.MEETING).values()),
        "compact": compact,
    }
