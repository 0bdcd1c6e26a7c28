"""Frame and body limits: oversized WebSocket frames are refused after their header and the
server's memory stays bounded; oversized request bodies get 413.

The attack runs against a real uvicorn (the configuration `make serve` and the browser tests
use, topp25/limits.py) on a free port, from raw sockets that announce a big frame and then
stream it, so the client itself holds almost nothing.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import Group, Meeting
from tests.browser.conftest import LiveASGIServer
from topp25.limits import MAX_REQUEST_BODY, WS_MAX_SIZE, uvicorn_options

SOCKETS = 24
FRAME = 4 * 1024 * 1024  # what each socket announces and streams: 64 × the limit
CHUNK = 64 * 1024


@pytest.fixture
def server(transactional_db: None, meeting: Meeting) -> Iterator[LiveASGIServer]:
    from topp25.asgi import application

    live = LiveASGIServer(application)
    live.start()
    try:
        yield live
    finally:
        live.stop()


def _memory_kib(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    match = re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE)
    assert match, field
    return int(match.group(1))


async def _read_frames(reader: asyncio.StreamReader) -> int | None:
    """Read server frames until a close frame: its code (None if the TCP just ended)."""
    try:
        while True:
            head = await reader.readexactly(2)
            length = head[1] & 0x7F
            if length == 126:
                length = struct.unpack("!H", await reader.readexactly(2))[0]
            elif length == 127:
                length = struct.unpack("!Q", await reader.readexactly(8))[0]
            payload = await reader.readexactly(length)
            if head[0] & 0x0F == 0x8:
                return int(struct.unpack("!H", payload[:2])[0]) if len(payload) >= 2 else None
    except (asyncio.IncompleteReadError, ConnectionError):
        return None


async def _oversized_frame(port: int, path: str) -> int | None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write(
        (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n\r\n"
        ).encode()
    )
    response = await reader.readuntil(b"\r\n\r\n")
    assert response.startswith(b"HTTP/1.1 101"), response[:100]
    closing = asyncio.ensure_future(_read_frames(reader))
    # A masked text frame (mask 0: the payload is sent as is) of FRAME bytes, streamed.
    writer.write(bytes([0x81, 0x80 | 127]) + struct.pack("!Q", FRAME) + b"\0\0\0\0")
    chunk = bytes(CHUNK)
    try:
        for _sent in range(FRAME // CHUNK):  # bounded
            if closing.done():
                break
            writer.write(chunk)
            await writer.drain()
    except ConnectionError:
        pass
    try:
        # Without the limit the socket stays open after the frame: a timeout.
        return await asyncio.wait_for(closing, 10)
    finally:
        writer.close()


def test_oversized_frames_close_and_memory_stays_bounded(
    server: LiveASGIServer, meeting: Meeting
) -> None:
    path = f"/ws/room/{meeting.room_token}/"
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak (VmHWM) to now
    before = _memory_kib("VmRSS")

    async def attack() -> list[int | None]:
        return await asyncio.gather(*(_oversized_frame(server.port, path) for _ in range(SOCKETS)))

    codes = asyncio.run(attack())
    growth_mib = (_memory_kib("VmHWM") - before) / 1024
    print(f"{SOCKETS} sockets × {FRAME // 1024} KiB frames: peak grew {growth_mib:.1f} MiB")
    # 1009 "message too big", sent after the frame header; a socket still writing when the
    # server closes may see the reset before the close frame. Every socket ended.
    assert set(codes) <= {1009, None}
    # On a loaded machine most clients are still writing when the server closes, and the
    # reset then discards the close frame before it is read: at least one must show why.
    assert codes.count(1009) >= 1
    # Without the limit the server buffers every frame: ≥ SOCKETS × FRAME = 96 MiB.
    assert growth_mib < 32


def test_frame_limit_is_in_one_place() -> None:
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    assert "$(PY) -m topp25.limits" in makefile
    assert WS_MAX_SIZE == 65536
    # Idle HTTP connections outlive a proxy's idle timeout (uvicorn's default is 5 s).
    options = uvicorn_options()
    assert options[options.index("--timeout-keep-alive") + 1] == "75"


def test_oversized_request_bodies_get_413(client: Client, meeting: Meeting, teachers: Group):
    url = reverse("meetings:join", args=[meeting.join_code])
    response = client.post(
        url, {"home_group": teachers.pk, "display_name": "x" * (MAX_REQUEST_BODY + 1)}
    )
    assert response.status_code == 413
    assert meeting.participants.count() == 0


@pytest.mark.django_db(transaction=True)
def test_413_from_the_asgi_app() -> None:
    from asgiref.testing import ApplicationCommunicator

    from topp25.asgi import application

    async def post() -> list[dict]:
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/",
            "headers": [(b"content-length", str(MAX_REQUEST_BODY + 1).encode())],
            "query_string": b"",
        }
        app = ApplicationCommunicator(application, scope)
        await app.send_input({"type": "http.request", "body": b"", "more_body": True})
        start = await app.receive_output(2)
        body = await app.receive_output(2)
        return [start, body]

    start, body = asyncio.run(post())
    assert start["status"] == 413
    assert "för stor" in body["body"].decode()
