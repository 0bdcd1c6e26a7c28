"""The production shape: two ASGI worker processes on PostgreSQL and Redis. A factor submitted
through worker A (a phone's real HTTP join and form post) reaches a room screen on worker B.

Runs when the suite itself runs on PostgreSQL and Redis (DATABASE_URL and REDIS_URL set), as
CI's second run does.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import re
import time
import urllib.parse
import urllib.request

import pytest
import websockets

from meetings.models import Group, Meeting

from .conftest import PRODUCTION_SHAPE, Worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    PRODUCTION_SHAPE,
]


def submit_factor_like_a_phone(port: int, meeting: Meeting, group: Group, text: str) -> int:
    base = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )

    def form_fields(html: str) -> dict[str, str]:
        return dict(
            re.findall(
                r'name="(csrfmiddlewaretoken|join_token|client_token)" value="([^"]+)"', html
            )
        )

    join_page = opener.open(f"{base}/m/{meeting.join_code}/").read().decode()
    fields = form_fields(join_page)
    body = urllib.parse.urlencode({**fields, "home_group": group.pk}).encode()
    request = urllib.request.Request(f"{base}/m/{meeting.join_code}/", data=body)
    request.add_header("Referer", f"{base}/m/{meeting.join_code}/")
    group_page = opener.open(request).read().decode()  # redirected to the group page
    fields = form_fields(group_page)
    body = urllib.parse.urlencode({**fields, "text": text}).encode()
    request = urllib.request.Request(
        f"{base}/m/{meeting.join_code}/group/{group.pk}/factors/", data=body
    )
    request.add_header("Referer", f"{base}/m/{meeting.join_code}/group/")
    return int(opener.open(request).status)


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
