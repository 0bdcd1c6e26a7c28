"""{% themes_for_screens meeting [agenda] as found %}: the themes phase's list for a screen
that has no context provider of its own (the phones' phase panel, the console's card)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from meetings.models import Meeting, Phase, PhaseKind
from summary.room_themes import RoomThemes, room_themes

register = template.Library()


@register.simple_tag
def themes_for_screens(
    meeting: Meeting, agenda: Iterable[Phase] | None = None
) -> RoomThemes | None:
    """The meeting's themes (once per revision); with `agenda`, None unless it has a themes
    phase still to come or running (the console's card is only for such meetings)."""
    if agenda is not None and not any(
        phase.kind == PhaseKind.THEMES and phase.ended_at is None for phase in agenda
    ):
        return None
    return room_themes(meeting)
