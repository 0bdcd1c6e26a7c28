"""Faults in the live layer: Redis stops in the middle of a meeting and comes back.

Writes always save (the database is the truth), screens stay connected and are told that live
updates are paused, and once Redis answers again every screen is resubscribed and sent its
whole state from the database within 10 s. Uses a redis-server of its own on a free port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from django.test import override_settings

from groups import services as group_services
from meetings.models import Group, Meeting
from tests.support.live import connected, phone_session, phone_socket, room_socket
from topp25.channel_layer import redis_host
from topp25.live import LIVE_OK, LIVE_PAUSED

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_SERVER = shutil.which("redis-server")
RESYNC_SECONDS = 10


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class OwnRedis:
    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    redis = OwnRedis(tmp_path)
    redis.start()
    layers = {
        "default": {
            "BACKEND": "topp25.channel_layer.BlockingPoolRedisChannelLayer",
            "CONFIG": {"hosts": [redis_host(redis.url)], "prefix": f"t{uuid.uuid4().hex[:6]}"},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        yield redis
    redis.stop()


add_factor = database_sync_to_async(group_services.add_factor)


async def receive_until(socket_: object, needle: str, seconds: float) -> str:
    """Frames until one contains `needle` (the frames before it are other live updates)."""
    deadline = time.monotonic() + seconds
    seen = ""
    while time.monotonic() < deadline:
        frame = await socket_.receive_from(timeout=max(0.1, deadline - time.monotonic()))  # type: ignore[attr-defined]
        seen += frame
        if needle in frame:
            return frame
    raise AssertionError(f"{needle!r} not received within {seconds} s; got {seen[:300]!r}")


async def test_redis_down_mid_burst_then_back(
    own_redis: OwnRedis, meeting: Meeting, teachers: Group
) -> None:
    room = room_socket(meeting)
    phone = phone_socket(meeting, teachers, await phone_session(teachers))
    await connected(room)
    await connected(phone)
    await add_factor(group=teachers, text="Före avbrottet")
    assert "Före avbrottet" in await room.receive_from(timeout=3)
    assert "Före avbrottet" in await phone.receive_from(timeout=3)

    own_redis.stop()
    started = time.monotonic()
    during = [await add_factor(group=teachers, text=f"Under avbrottet {n}") for n in range(3)]
    assert time.monotonic() - started < 10, "writes stalled while Redis was down"
    assert await database_sync_to_async(teachers.factors.count)() == 4  # all saved
    await receive_until(room, LIVE_PAUSED, 10)
    await receive_until(phone, LIVE_PAUSED, 10)

    own_redis.start()  # an empty Redis: every group membership is gone
    back = time.monotonic()
    resynced_room = await receive_until(room, LIVE_OK, RESYNC_SECONDS)
    resynced_phone = await receive_until(phone, LIVE_OK, RESYNC_SECONDS)
    assert time.monotonic() - back <= RESYNC_SECONDS
    for factor in during:
        assert factor.text in resynced_room and factor.text in resynced_phone

    # Subscribed again: the next change arrives live.
    await add_factor(group=teachers, text="Efter avbrottet")
    assert "Efter avbrottet" in await receive_until(room, "Efter avbrottet", 5)
    await room.disconnect()
    await phone.disconnect()


async def test_a_screen_connects_while_redis_is_down(
    own_redis: OwnRedis, meeting: Meeting, teachers: Group
) -> None:
    own_redis.stop()
    room = room_socket(meeting)
    first = await connected(room)  # accepted (no 500), with the database's state
    assert 'id="room-live"' in first and LIVE_PAUSED in first
    await add_factor(group=teachers, text="Medan Redis var borta")
    own_redis.start()
    resynced = await receive_until(room, LIVE_OK, RESYNC_SECONDS)
    assert "Medan Redis var borta" in resynced
    await room.disconnect()
