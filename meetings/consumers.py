"""WebSocket consumers: one per screen. Each joins its stream first, then sends the current
state from the database (so a reconnect never shows a stale list), then relays broadcast
fragments newer than what it has sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from topp25.middleware import chosen_language

from . import broadcast
from .models import Meeting
from .participation import participant_for_session

# Application close codes (4000–4999): the browser does not retry these.
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


class FragmentConsumer(AsyncWebsocketConsumer):
    """Relays HTML fragments; the handlers are named after the broadcast event types."""

    stream: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The newest revision of each group this screen has been sent.
        self.revisions: dict[int, int] = {}

    @property
    def language(self) -> str:
        return chosen_language(self.scope.get("cookies", {}))

    async def disconnect(self, code: int) -> None:
        if self.stream is not None:
            await self.channel_layer.group_discard(self.stream, self.channel_name)

    async def subscribe(
        self, stream: str, snapshot: Callable[[], Awaitable[broadcast.Snapshot | None]]
    ) -> None:
        # Join before reading the state: a change committed in between then arrives as an
        # event (handled after connect returns) instead of falling between the two.
        self.stream = stream
        await self.channel_layer.group_add(stream, self.channel_name)
        current = await snapshot()
        if current is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        html, self.revisions = current
        await self.accept()
        await self.send(text_data=html)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Screens only listen; writes go through HTTP views so they are validated once.
        return

    def _is_news(self, group_id: int, revision: int) -> bool:
        if revision <= self.revisions.get(group_id, -1):
            return False
        self.revisions[group_id] = revision
        return True

    async def group_state(self, event: dict[str, Any]) -> None:
        if self._is_news(event["group_id"], event["revision"]):
            await self.send(text_data=event["html"][self.language])

    async def meeting_state(self, event: dict[str, Any]) -> None:
        for group_id, revision in event["revisions"].items():
            self.revisions[int(group_id)] = max(revision, self.revisions.get(int(group_id), -1))
        await self.send(text_data=event["html"][self.language])


class RoomScreenConsumer(FragmentConsumer):
    """The projector: every group of the meeting. No login, the unguessable token is the key."""

    room_stream: str | None = None

    async def disconnect(self, code: int) -> None:
        if self.room_stream is not None:
            await self.channel_layer.group_discard(self.room_stream, self.channel_name)
        await super().disconnect(code)

    async def room_revoked(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_NOT_FOUND)

    async def connect(self) -> None:
        token = self.scope["url_route"]["kwargs"]["token"]
        meeting_id = await _meeting_id_for_room(token)
        if meeting_id is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        # A rotated room token must also end screens already open with the old address.
        self.room_stream = broadcast.room_screen_stream(meeting_id)
        await self.channel_layer.group_add(self.room_stream, self.channel_name)
        await self.subscribe(
            broadcast.meeting_stream(meeting_id),
            lambda: database_sync_to_async(broadcast.room_snapshot)(meeting_id, self.language),
        )


class GroupConsumer(FragmentConsumer):
    """A participant's phone: its own group's stream only."""

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        group_id = int(kwargs["group_id"])
        allowed = await _participant_in_group(self.scope.get("session"), kwargs["code"], group_id)
        if not allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        await self.subscribe(
            broadcast.group_stream(group_id),
            lambda: database_sync_to_async(broadcast.phone_snapshot)(group_id, self.language),
        )


@database_sync_to_async
def _meeting_id_for_room(token: str) -> int | None:
    return Meeting.objects.filter(room_token=token).values_list("pk", flat=True).first()


@database_sync_to_async
def _participant_in_group(session: Any, code: str, group_id: int) -> bool:
    if session is None:
        return False
    meeting = Meeting.objects.filter(join_code=code).first()
    if meeting is None:
        return False
    participant = participant_for_session(session, meeting)
    return participant is not None and participant.home_group_id == group_id
