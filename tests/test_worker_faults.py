"""Faults in the middle of a burst, on the production shape (PostgreSQL + Redis, two workers).

Phones keep submitting while (1) the worker holding the room screen's and a phone's sockets
is killed, or (2) the room screen's socket drops. The screens reconnect — to the surviving
worker, as a load balancer would send them — and within 10 s show exactly what the database
holds, and every submission the server acknowledged is there.
"""

from __future__ import annotations

import asyncio
import re
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import websockets
from channels.db import database_sync_to_async

from groups.models import SuccessFactor
from meetings.models import MAX_FACTOR_COUNT, Group, Meeting
from tests.support.http import submit_factor_like_a_phone
from tests.support.live import phone_session

from .conftest import PRODUCTION_SHAPE, Worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    PRODUCTION_SHAPE,
]

BURST = MAX_FACTOR_COUNT  # a list as long as a meeting allows (10)
RESYNC_SECONDS = 10


class Burst:
    """Phones submitting factors one after another through one worker, in a thread."""

    def __init__(self, port: int, meeting: Meeting, group: Group) -> None:
        self.acknowledged: list[str] = []
        self.failed: list[tuple[str, str]] = []
        self._args = (port, meeting, group)
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        port, meeting, group = self._args
        for number in range(1, BURST + 1):
            text = f"Faktor {number:02d} i skuren"
            try:
                status = submit_factor_like_a_phone(port, meeting, group, text)
            except Exception as error:  # an unacknowledged submission may be lost
                self.failed.append((text, repr(error)))
                continue
            if status == 200:
                self.acknowledged.append(text)
            else:
                self.failed.append((text, str(status)))

    def start(self) -> None:
        self._thread.start()

    async def acknowledged_at_least(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} acknowledged"
            assert self._thread.is_alive() or len(self.acknowledged) >= count
            await asyncio.sleep(0.02)

    async def finished(self) -> None:
        await asyncio.to_thread(self._thread.join, 120)
        assert not self._thread.is_alive()


@database_sync_to_async
def texts_in_database(group: Group) -> set[str]:
    return set(SuccessFactor.objects.filter(group=group).values_list("text", flat=True))


def shown_texts(frame: str) -> set[str]:
    return set(re.findall(r"Faktor \d\d i skuren", frame))


async def until_screen_equals_database(
    connect: Callable[[], Any], group: Group, marker: str
) -> set[str]:
    """Reconnect and read frames until the newest one carrying the group's list shows exactly
    what the database holds; returns that set. Fails after RESYNC_SECONDS."""
    deadline = time.monotonic() + RESYNC_SECONDS
    async with connect() as socket:
        shown: set[str] | None = None
        while True:
            expected = await texts_in_database(group)
            if shown == expected:
                return shown
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"stale after {RESYNC_SECONDS} s: {shown} != {expected}"
            try:
                frame = await asyncio.wait_for(socket.recv(), min(remaining, 0.5))
            except TimeoutError:
                continue
            if marker in frame:
                shown = shown_texts(frame)


async def test_a_killed_worker_mid_burst_loses_nothing(
    workers: list[Worker], meeting: Meeting, teachers: Group
) -> None:
    await Meeting.objects.filter(pk=meeting.pk).aupdate(factor_count=BURST)
    doomed, survivor = workers
    session = await phone_session(teachers)
    phone_path = f"/ws/m/{meeting.join_code}/groups/{teachers.pk}/"
    room_path = f"/ws/room/{meeting.room_token}/"

    def socket_on(worker: Worker, path: str, cookie: bool = False) -> Any:
        return websockets.connect(
            f"ws://127.0.0.1:{worker.port}{path}",
            origin=f"http://127.0.0.1:{worker.port}",
            additional_headers={"Cookie": f"sessionid={session}"} if cookie else None,
        )

    room = await socket_on(doomed, room_path)
    phone = await socket_on(doomed, phone_path, cookie=True)
    assert 'id="room-live"' in await asyncio.wait_for(room.recv(), 10)
    assert 'id="group-state"' in await asyncio.wait_for(phone.recv(), 10)

    burst = Burst(survivor.port, meeting, teachers)
    burst.start()
    await burst.acknowledged_at_least(BURST // 3)
    doomed.process.send_signal(signal.SIGKILL)
    await asyncio.to_thread(doomed.process.wait, 10)
    # Both sockets of the killed worker are gone.
    for socket in (room, phone):
        with pytest.raises(websockets.ConnectionClosed):
            while True:
                await asyncio.wait_for(socket.recv(), 10)

    # They come back through the surviving worker while the burst goes on.
    room_shown, phone_shown = await asyncio.gather(
        until_screen_equals_database(
            lambda: socket_on(survivor, room_path), teachers, f'id="room-group-{teachers.pk}"'
        ),
        until_screen_equals_database(
            lambda: socket_on(survivor, phone_path, cookie=True), teachers, 'id="group-state"'
        ),
    )
    await burst.finished()
    assert burst.failed == []
    in_database = await texts_in_database(teachers)
    assert set(burst.acknowledged) <= in_database
    assert len(in_database) == BURST
    assert room_shown <= in_database and phone_shown <= in_database

    # After the burst both screens end on the whole list.
    assert await until_screen_equals_database(
        lambda: socket_on(survivor, room_path), teachers, f'id="room-group-{teachers.pk}"'
    ) == set(burst.acknowledged)


async def test_a_room_socket_dropped_mid_burst_resyncs(
    workers: list[Worker], meeting: Meeting, teachers: Group
) -> None:
    await Meeting.objects.filter(pk=meeting.pk).aupdate(factor_count=BURST)
    worker = workers[0]
    room_url = f"ws://127.0.0.1:{worker.port}/ws/room/{meeting.room_token}/"
    origin = f"http://127.0.0.1:{worker.port}"
    room = await websockets.connect(room_url, origin=origin)
    assert 'id="room-live"' in await asyncio.wait_for(room.recv(), 10)

    burst = Burst(worker.port, meeting, teachers)
    burst.start()
    await burst.acknowledged_at_least(BURST // 3)
    room.transport.abort()  # the connection drops: no closing handshake
    with pytest.raises(websockets.ConnectionClosed):
        while True:
            await room.recv()

    marker = f'id="room-group-{teachers.pk}"'
    await until_screen_equals_database(
        lambda: websockets.connect(room_url, origin=origin), teachers, marker
    )
    await burst.finished()
    assert burst.failed == []
    assert await texts_in_database(teachers) == set(burst.acknowledged)
    assert len(burst.acknowledged) == BURST
    # And a screen that stayed connected through the rest of the burst shows all of it.
    assert await until_screen_equals_database(
        lambda: websockets.connect(room_url, origin=origin), teachers, marker
    ) == set(burst.acknowledged)
