"""The Redis channel layer keeps quiet sockets open and survives a mass disconnect.

Runs whenever a Redis answers (REDIS_URL, else 127.0.0.1:6379); CI has one. With redis-py 8's
default 5 s socket timeout, equal to channels-redis' blocking pop, an idle room screen was
closed every ~5 s, and 1,000 sockets leaving at once raised MaxConnectionsError.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from channels.layers import get_channel_layer
from django.test import override_settings

from meetings.models import Group, Meeting
from tests.support.live import add_factor, connected, phone_session, phone_socket, room_socket
from topp25.channel_layer import BlockingPoolRedisChannelLayer, redis_host

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


def _redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), 2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_layer() -> Iterator[None]:
    if not _redis_answers(REDIS_URL):
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    layers = {
        "default": {
            "BACKEND": "topp25.channel_layer.BlockingPoolRedisChannelLayer",
            "CONFIG": {
                "hosts": [redis_host(REDIS_URL)],
                "prefix": f"topp25-test-{uuid.uuid4().hex[:8]}",
                "capacity": 1000,
            },
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        yield


async def test_idle_room_screen_and_phone_stay_connected_for_60_s(
    redis_layer: None, meeting: Meeting, teachers: Group
) -> None:
    assert isinstance(get_channel_layer(), BlockingPoolRedisChannelLayer)
    room = room_socket(meeting)
    phone = phone_socket(meeting, teachers, await phone_session(teachers))
    await connected(room)
    await connected(phone)

    # A minute of silence: neither socket is closed nor sent anything (a crashed consumer
    # would surface here as the exception of its receive loop).
    quiet = await asyncio.gather(room.receive_nothing(60, 0.5), phone.receive_nothing(60, 0.5))
    assert quiet == [True, True]

    # And both still get the next change.
    await add_factor(group=teachers, text="Efter en tyst minut")
    assert "Efter en tyst minut" in await room.receive_from(timeout=5)
    assert "Efter en tyst minut" in await phone.receive_from(timeout=5)
    await room.disconnect()
    await phone.disconnect()


async def test_a_thousand_sockets_leaving_at_once_raise_nothing(redis_layer: None) -> None:
    layer: Any = get_channel_layer()
    assert layer.hosts[0]["max_connections"] < 1000  # the pool is smaller than the burst
    channels = [await layer.new_channel() for _ in range(1000)]
    await asyncio.gather(*(layer.group_add("meeting-burst", name) for name in channels))
    await asyncio.gather(*(layer.group_discard("meeting-burst", name) for name in channels))
    # Every membership is gone: nothing is left behind in Redis.
    connection = layer.connection(layer.consistent_hash("meeting-burst"))
    assert await connection.zcard(layer._group_key("meeting-burst")) == 0
    await layer.flush()
