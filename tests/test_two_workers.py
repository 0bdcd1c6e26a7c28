"""The production shape: two ASGI worker processes on PostgreSQL and Redis. A factor submitted
through worker A (a phone's real HTTP join and form post) reaches a room screen on worker B.

Runs when the suite itself runs on PostgreSQL and Redis (DATABASE_URL and REDIS_URL set), as
CI's second run does.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from django.conf import settings

from meetings.models import Group, Meeting

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not (
            os.environ.get("DATABASE_URL", "").startswith("postgres")
            and os.environ.get("REDIS_URL")
        ),
        reason="needs the production shape: DATABASE_URL (PostgreSQL) and REDIS_URL",
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def workers(transactional_db: None) -> Iterator[list[int]]:
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"  # the test database
    )
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "topp25.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"worker on {port} did not start") from None
                    time.sleep(0.1)
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(15)


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
    workers: list[int], meeting: Meeting, teachers: Group
) -> None:
    worker_a, worker_b = workers
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
