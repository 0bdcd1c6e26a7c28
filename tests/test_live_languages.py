"""Fragments are rendered in the site's language and in the languages a meeting's screens
chose, not in every language the site speaks (each render is a write's largest cost)."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.cache import cache

from meetings.models import Group, Meeting
from screens import broadcast
from tests.support.live import HOST, add_factor, connected, room_socket
from topp25 import live
from topp25.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


def english_room(meeting: Meeting) -> WebsocketCommunicator:
    headers = [*HOST, (b"cookie", b"django_language=en")]
    return WebsocketCommunicator(application, f"/ws/room/{meeting.room_token}/", headers=headers)


async def test_only_languages_in_use_are_rendered(meeting: Meeting, teachers: Group) -> None:
    await database_sync_to_async(cache.delete)(live._language_key(meeting.pk, "en"))
    event = await database_sync_to_async(broadcast._group_event)(teachers.pk)
    assert event is not None and set(event.room) == {"sv"}  # nobody chose English

    swedish = room_socket(meeting)
    await connected(swedish)
    assert await database_sync_to_async(live.languages_in_use)(meeting.pk) == ["sv"]

    english = english_room(meeting)
    assert "Teachers" not in await connected(english)
    assert await database_sync_to_async(live.languages_in_use)(meeting.pk) == ["sv", "en"]
    event = await database_sync_to_async(broadcast._group_event)(teachers.pk)
    assert (
        event is not None and set(event.room) == {"sv", "en"} and set(event.phone) == {"sv", "en"}
    )

    await add_factor(group=teachers, text="Studiero")
    assert "av 5" in await swedish.receive_from(timeout=3)
    assert "of 5" in await english.receive_from(timeout=3)
    await swedish.disconnect()
    await english.disconnect()


async def test_a_screen_gets_the_sites_language_when_its_own_was_not_rendered(
    meeting: Meeting, teachers: Group
) -> None:
    english = english_room(meeting)
    await connected(english)
    # The cache forgot (expired or restarted) while the screen stayed: it still gets the
    # news, in Swedish, rather than nothing — and says its language again on the next one.
    await database_sync_to_async(cache.delete)(live._language_key(meeting.pk, "en"))
    await add_factor(group=teachers, text="Trygghet")
    fallback = await english.receive_from(timeout=3)
    assert "Trygghet" in fallback and "av 5" in fallback
    await add_factor(group=teachers, text="Tid")
    assert "of 5" in await english.receive_from(timeout=3)
    await english.disconnect()


async def test_a_hanging_layer_does_not_grow_the_line_of_sends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A channel layer that answers nothing holds each send for its timeout: past
    MAX_WAITING_SENDS a process drops new sends (counted) instead of queueing rendered pages
    without bound; once the layer answers, the line drains."""
    import asyncio

    from topp25 import live, metrics

    released = asyncio.Event()
    delivered: list[str] = []

    class HangingLayer:
        async def group_send(self, stream: str, message: dict[str, Any]) -> None:
            await released.wait()
            delivered.append(stream)

    monkeypatch.setattr(live, "get_channel_layer", lambda: HangingLayer())
    monkeypatch.setattr(live, "MAX_WAITING_SENDS", 3)
    backlog = metrics.CHANNEL_LAYER_ERRORS.labels(operation="backlog")
    dropped_before = backlog._value.get()
    loop = asyncio.get_running_loop()
    for n in range(5):
        live._start_send(loop, [(f"stream-{n}", {"type": "x"})])
    assert len(live._sending) == 3
    assert backlog._value.get() - dropped_before == 2
    released.set()
    await asyncio.gather(*list(live._sending))
    assert delivered == ["stream-0", "stream-1", "stream-2"]  # in order, the first three
    assert not live._sending
