"""The one place that fans out live updates.

Each event renders its partial once per language the site speaks, from committed data, and
sends the HTML to a channel group: `group-<id>` for the phones of one group, `meeting-<id>`
for the meeting's screens. Each consumer passes on the language its person chose.
Sending happens in `transaction.on_commit`, so a rolled-back write is never shown.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

if TYPE_CHECKING:
    from .models import Group, Meeting

# A fragment in every language: {"sv": "<section …>", "en": "<section …>"}.
Fragments = dict[str, str]

PHONE_GROUP_STATE = "groups/group.html#group_state"
ROOM_GROUP_COLUMN = "meetings/room.html#group_column"
ROOM_GROUPS = "meetings/room.html#room_groups"


def meeting_stream(meeting_id: int) -> str:
    return f"meeting-{meeting_id}"


def group_stream(group_id: int) -> str:
    return f"group-{group_id}"


def room_screen_stream(meeting_id: int) -> str:
    """Only the meeting's room screens (not other screens on the meeting's stream)."""
    return f"room-{meeting_id}"


def render_in(language: str, template: str, context: dict[str, Any]) -> str:
    with translation.override(language):
        # A plain str: the in-memory layer deep-copies messages, and a SafeString is copied
        # character by character where a str is shared.
        return str.__str__(render_to_string(template, context))


def render_all_languages(template: str, context: dict[str, Any]) -> Fragments:
    return {code: render_in(code, template, context) for code, _name in settings.LANGUAGES}


def _group(group_id: int) -> Group | None:
    from .models import Group

    return Group.objects.with_factors().filter(pk=group_id).first()


def group_context(group: Group) -> dict[str, Any]:
    return {"group": group, "meeting": group.meeting}


def room_context(meeting: Meeting) -> dict[str, Any]:
    return {"meeting": meeting, "groups": list(meeting.home_groups().with_factors())}


# A snapshot: the HTML a screen shows now, and the revision of each group in it.
Snapshot = tuple[str, dict[int, int]]


def phone_snapshot(group_id: int, language: str) -> Snapshot | None:
    """What a phone shows of its group now (sent when its WebSocket connects)."""
    group = _group(group_id)
    if group is None:
        return None
    return render_in(language, PHONE_GROUP_STATE, group_context(group)), {group.pk: group.revision}


def _room_state(meeting_id: int) -> tuple[dict[str, Any], dict[int, int]] | None:
    """The room screen's context and the revision of each group in it."""
    from .models import Meeting

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return None
    context = room_context(meeting)
    return context, {group.pk: group.revision for group in context["groups"]}


def room_snapshot(meeting_id: int, language: str) -> Snapshot | None:
    """Every column of the room screen now (sent when its WebSocket connects)."""
    state = _room_state(meeting_id)
    if state is None:
        return None
    context, revisions = state
    return render_in(language, ROOM_GROUPS, context), revisions


# A stalled channel layer must not stall the write that triggered the broadcast: the
# database already holds the change, and screens catch up when they reconnect.
SEND_TIMEOUT_SECONDS = 2.0


def _send(*messages: tuple[str, dict[str, Any]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return

    async def send_all() -> None:
        sends = (layer.group_send(stream, event) for stream, event in messages)
        await asyncio.wait_for(asyncio.gather(*sends), SEND_TIMEOUT_SECONDS)

    # One event loop hop for all streams of an event.
    async_to_sync(send_all)()


def _send_group_state(group_id: int) -> None:
    group = _group(group_id)
    if group is None:
        return
    context = group_context(group)
    # Writers commit and render in any order; the revision lets each screen keep the newest.
    about = {"group_id": group.pk, "revision": group.revision}
    phone = render_all_languages(PHONE_GROUP_STATE, context)
    room = render_all_languages(ROOM_GROUP_COLUMN, context)
    _send(
        (group_stream(group_id), {"type": "group.state", "html": phone, **about}),
        (meeting_stream(group.meeting_id), {"type": "group.state", "html": room, **about}),
    )


def _send_meeting_state(meeting_id: int) -> None:
    state = _room_state(meeting_id)
    if state is None:
        return
    context, revisions = state
    html = render_all_languages(ROOM_GROUPS, context)
    # String keys: channels-redis (msgpack) accepts only those in maps.
    by_key = {str(group_id): revision for group_id, revision in revisions.items()}
    _send(
        (meeting_stream(meeting_id), {"type": "meeting.state", "html": html, "revisions": by_key})
    )


def group_changed(group_id: int) -> None:
    """A group's list or lock changed: phones of that group and the meeting's screens."""
    transaction.on_commit(lambda: _send_group_state(group_id), robust=True)


def meeting_changed(meeting_id: int) -> None:
    """The set of groups changed: screens re-render all columns."""
    transaction.on_commit(lambda: _send_meeting_state(meeting_id), robust=True)


def room_token_rotated(meeting_id: int) -> None:
    """The room screen's address changed: screens opened with the old one close."""
    transaction.on_commit(
        lambda: _send((room_screen_stream(meeting_id), {"type": "room.revoked"})), robust=True
    )
