"""WebSocket consumers: one per screen. Each checks who may listen in `connect`, joins its
streams, then sends the current state from the database (so a reconnect never shows a stale
screen), then relays broadcast fragments newer than what it has sent (topp25.live)."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async

from meetings.models import Meeting, Participant
from meetings.participation import participant_by_code
from topp25 import live
from topp25.live import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND

from . import broadcast

__all__ = ["CLOSE_FORBIDDEN", "CLOSE_NOT_FOUND"]


class RoomScreenConsumer(live.ScreenConsumer):
    """The projector: every group of the meeting. No login, the unguessable token is the key."""

    async def room_revoked(self, event: dict[str, Any]) -> None:
        # The address was rotated or the meeting deleted: screens open with it stop.
        await self.close(code=CLOSE_NOT_FOUND)

    async def connect(self) -> None:
        token = self.scope["url_route"]["kwargs"]["token"]
        meeting_id = await _meeting_id_for_room(token)
        if meeting_id is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        await self.subscribe(
            [live.room_stream(meeting_id)],
            lambda: database_sync_to_async(broadcast.room_snapshot)(meeting_id, self.language),
            meeting_id=meeting_id,
        )


class GroupConsumer(live.ScreenConsumer):
    """A participant's phone: its own group's list and the meeting's phase, nothing else."""

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        group_id = int(kwargs["group_id"])
        found = await _participant_in_group(self.scope.get("session"), kwargs["code"], group_id)
        if found is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        meeting_id, self.viewer_id = found
        self.group_id = group_id
        participant_id = self.viewer_id
        await self.subscribe(
            [live.group_stream(group_id), live.phase_stream(meeting_id)],
            lambda: database_sync_to_async(broadcast.phone_snapshot)(
                group_id, participant_id, self.language
            ),
            meeting_id=meeting_id,
        )

    async def follow_group(self, group_id: int) -> None:
        # Moved to another home group: this socket stops hearing the old group's list unless
        # the participant still belongs to it (it is their published expert group).
        groups = await _groups_of(self.viewer_id)
        if self.group_id is None or groups is None or self.group_id in groups:
            return
        await self.move_stream(live.group_stream(self.group_id), live.group_stream(group_id))
        self.group_id = group_id


class ConsoleConsumer(live.ScreenConsumer):
    """A facilitator's console: logged in, and a facilitator of this meeting."""

    async def connect(self) -> None:
        meeting_id = int(self.scope["url_route"]["kwargs"]["pk"])
        if not await _facilitates(self.scope.get("user"), meeting_id):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.subscribe(
            [live.console_stream(meeting_id)],
            lambda: database_sync_to_async(broadcast.console_snapshot)(meeting_id, self.language),
            meeting_id=meeting_id,
        )


@database_sync_to_async
def _meeting_id_for_room(token: str) -> int | None:
    return Meeting.objects.filter(room_token=token).values_list("pk", flat=True).first()


@database_sync_to_async
def _participant_in_group(session: Any, code: str, group_id: int) -> tuple[int, int] | None:
    """(meeting id, participant id) when this session's participant belongs to the group.
    One query (every socket of a storm or a reconnect wave asks), as a phone's request."""
    if session is None:
        return None
    participant = participant_by_code(session, code)
    if participant is None or group_id not in (
        participant.home_group_id,
        participant.expert_group_id,
    ):
        return None
    return participant.meeting_id, participant.pk


@database_sync_to_async
def _groups_of(participant_id: int | None) -> tuple[int | None, int | None] | None:
    if participant_id is None:
        return None
    row = Participant.objects.filter(pk=participant_id).values_list(
        "home_group_id", "expert_group_id"
    )
    return row.first()


@database_sync_to_async
def _facilitates(user: Any, meeting_id: int) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Meeting.objects.facilitated_by(user).filter(pk=meeting_id).exists()
