"""The one place that fans out live updates.

Each event renders a partial once, from committed data, and sends the HTML to a channel
group: `group-<id>` for the phones of one group, `meeting-<id>` for the meeting's screens.
Sending happens in `transaction.on_commit`, so a rolled-back write is never shown.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def meeting_stream(meeting_id: int) -> str:
    return f"meeting-{meeting_id}"


def group_stream(group_id: int) -> str:
    return f"group-{group_id}"


def render_fragment(template: str, context: dict[str, Any]) -> str:
    # Broadcasts have no request: they speak the meeting's language, not the sender's.
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template, context)


def group_state_fragments(group_id: int) -> tuple[int, str, str] | None:
    """(meeting id, phone fragment, room-screen fragment) for one group, or None if gone."""
    from .models import Group

    group = Group.objects.with_factors().filter(pk=group_id).first()
    if group is None:
        return None
    context = {"group": group, "meeting": group.meeting}
    phone = render_fragment("groups/group.html#group_state", context)
    room = render_fragment("meetings/room.html#group_column", context)
    return group.meeting_id, phone, room


def room_fragment(meeting_id: int) -> str | None:
    from .models import Meeting

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return None
    return render_fragment("meetings/room.html#room_groups", room_context(meeting))


def room_context(meeting: Any) -> dict[str, Any]:
    groups = list(meeting.home_groups().with_factors())
    return {"meeting": meeting, "groups": groups}


def _send(stream: str, event_type: str, html: str) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(stream, {"type": event_type, "html": html})


def _send_group_state(group_id: int) -> None:
    fragments = group_state_fragments(group_id)
    if fragments is None:
        return
    meeting_id, phone, room = fragments
    _send(group_stream(group_id), "group.state", phone)
    _send(meeting_stream(meeting_id), "group.state", room)


def _send_meeting_state(meeting_id: int) -> None:
    html = room_fragment(meeting_id)
    if html is not None:
        _send(meeting_stream(meeting_id), "meeting.state", html)


def group_changed(group_id: int) -> None:
    """A group's list or lock changed: phones of that group and the meeting's screens."""
    transaction.on_commit(lambda: _send_group_state(group_id), robust=True)


def meeting_changed(meeting_id: int) -> None:
    """The set of groups changed: screens re-render all columns."""
    transaction.on_commit(lambda: _send_meeting_state(meeting_id), robust=True)
