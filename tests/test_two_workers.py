"""The production shape: two ASGI worker processes on PostgreSQL and Redis. A factor submitted
through worker A (a phone's real HTTP join and form post) reaches a room screen on worker B.

Runs when the suite itself runs on PostgreSQL and Redis (DATABASE_URL and REDIS_URL set), as
CI's second run does.
"""

from __future__ import annotations

import asyncio
import time

import pytest
import websockets

from meetings.models import Group, Meeting
from tests.support.http import submit_factor_like_a_phone

from .conftest import PRODUCTION_SHAPE, Worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    PRODUCTION_SHAPE,
]


async def test_a_factor_through_worker_a_reaches_the_room_on_worker_b(
    workers: list[Worker], meeting: Meeting, teachers: Group
) -> None:
    worker_a, worker_b = (worker.port for worker in workers)
    text = "Skickad via arbetare A"
    async with websockets.connect(
        f"ws://127.0.0.1:{worker_b}/ws/room/{meeting.room_token}/",
        origin=f"http://127.0.0.1:{worker_b}",
    ) as room:
        first = await asyncio.wait_for(room.recv(), 10)
        assert 'id="room-live"' in first and text not in first
        status = await asyncio.to_thread(
            submit_factor_like_a_phone, worker_a, meeting, teachers, text
        )
        assert status == 200
        deadline = time.monotonic() + 10
        while True:
            frame = await asyncio.wait_for(room.recv(), max(0.1, deadline - time.monotonic()))
            if text in frame:
                break
        assert f'id="room-group-{teachers.pk}"' in frame
