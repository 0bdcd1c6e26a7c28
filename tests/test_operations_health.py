"""What the IT department's monitoring sees: liveness, readiness, metrics for the scraper only,
and JSON-lines logs with the meeting's id and nothing a participant wrote."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings.models import Group, Meeting
from topp25 import health, live, metrics
from topp25.asgi import application
from topp25.jsonlog import JsonLinesFormatter

HX = {"HTTP_HX_REQUEST": "true"}
TOKEN = "scraper-token-for-tests"


def scrape(client: Client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return response.content.decode()


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus' text format (0 when it is not there yet)."""
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        match = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match[3] or ""))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(match[4])
    return 0.0


@pytest.fixture
def metrics_on(settings: Any) -> None:
    settings.METRICS_TOKEN = TOKEN


def test_liveness_answers_without_login_database_or_data(client: Client) -> None:
    response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_checks_the_database_and_the_channel_layer(client: Client) -> None:
    response = client.get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok"},
    }
    assert client.post("/health/ready/").status_code == 405


@pytest.mark.django_db
def test_readiness_is_503_when_the_channel_layer_does_not_answer(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real Redis channel layer pointed at a port where nothing listens.
    from topp25.channel_layer import BlockingPoolRedisChannelLayer, redis_host

    dead = BlockingPoolRedisChannelLayer(hosts=[redis_host("redis://127.0.0.1:9/0")])
    monkeypatch.setattr(health, "get_channel_layer", lambda: dead)
    response = client.get("/health/ready/")
    assert response.status_code == 503
    # Which check failed, and nothing else: no address, no error text.
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "channel_layer": "error"},
    }


@pytest.mark.django_db
def test_metrics_are_for_the_scraper_only(client: Client, settings: Any) -> None:
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404  # not configured: not there
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 404  # a browser user
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION=TOKEN).status_code == 404
    text = scrape(client)
    for name in (
        "topp25_http_requests_total",
        "topp25_writes_total",
        "topp25_open_sockets",
        "topp25_broadcast_seconds",
        "topp25_channel_layer_errors_total",
        "topp25_join_throttled_total",
    ):
        assert f"# TYPE {name.removesuffix('_total')}" in text, name


@pytest.mark.django_db(transaction=True)
def test_requests_writes_and_broadcasts_are_counted(
    client: Client, metrics_on: None, teachers: Group, join_as: Any
) -> None:
    join_as(teachers)
    before = scrape(client)
    page = reverse("groups:page", args=[teachers.meeting.join_code])
    assert client.get(page).status_code == 200
    add = reverse("groups:add", args=[teachers.meeting.join_code, teachers.pk])
    for index in range(3):
        assert client.post(add, {"text": f"Faktor {index}"}, **HX).status_code == 200
    assert client.post(add, {"text": ""}, **HX).status_code == 400  # refused: not a write
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert delta("topp25_http_requests_total", view="groups:page", status="200") == 1
    assert delta("topp25_http_requests_total", view="groups:add", status="200") == 3
    assert delta("topp25_http_requests_total", view="groups:add", status="400") == 1
    assert delta("topp25_writes_total", view="groups:add") == 3
    # Each accepted factor was broadcast once, its latency observed.
    assert delta("topp25_broadcast_seconds_count", event="group.list") == 3
    assert delta("topp25_broadcast_seconds_bucket", event="group.list", le="5.0") == 3


@pytest.mark.django_db(transaction=True)
async def test_the_broadcast_latency_counts_what_the_layer_took(
    teachers: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a server a write hands its broadcast to the event loop and answers at once; the
    latency is observed when the channel layer has taken it, and a send the layer refused is
    a channel-layer error, not a broadcast."""
    sent: list[str] = []
    errors: list[str] = []
    monkeypatch.setattr(metrics, "broadcast_sent", lambda event, started: sent.append(event))
    monkeypatch.setattr(metrics, "channel_layer_error", lambda operation: errors.append(operation))
    layer = get_channel_layer()
    working = layer.group_send

    async def refused(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("the layer is down")

    async def settled() -> None:
        deadline = time.monotonic() + 5
        while not (sent or errors) or live._sending:
            assert time.monotonic() < deadline, "the send did not finish"
            await asyncio.sleep(0.01)

    add = database_sync_to_async(group_services.add_factor)
    monkeypatch.setattr(layer, "group_send", refused)
    await add(group=teachers, text="Medan lagret är nere")
    await settled()
    assert (sent, errors) == ([], ["send"])
    monkeypatch.setattr(layer, "group_send", working)
    errors.clear()
    await add(group=teachers, text="När lagret är tillbaka")
    await settled()
    assert (sent, errors) == (["group.list"], [])


@pytest.mark.django_db
def test_join_throttling_is_counted(client: Client, metrics_on: None, settings: Any) -> None:
    settings.JOIN_FAILURES_PER_CLIENT = "2/10m"
    before = scrape(client)
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for code in ("ZZZZZ2", "ZZZZZ3"):
        assert guesser.get("/", {"code": code}).status_code == 404
    assert guesser.get("/", {"code": "ZZZZZ4"}).status_code == 429
    after = scrape(client)
    assert (
        sample(after, "topp25_join_failures_total") - sample(before, "topp25_join_failures_total")
        == 2
    )
    assert (
        sample(after, "topp25_join_throttled_total") - sample(before, "topp25_join_throttled_total")
        == 1
    )


@pytest.mark.django_db(transaction=True)
async def test_open_sockets_by_kind(meeting: Meeting, settings: Any) -> None:
    from asgiref.sync import sync_to_async

    settings.METRICS_TOKEN = TOKEN
    client = Client()
    read = sync_to_async(scrape)
    before = sample(await read(client), "topp25_open_sockets", kind="room")
    room = WebsocketCommunicator(
        application,
        f"/ws/room/{meeting.room_token}/",
        headers=[(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")],
    )
    connected, _code = await room.connect(timeout=5)
    assert connected
    await room.receive_from(timeout=3)
    assert sample(await read(client), "topp25_open_sockets", kind="room") == before + 1
    await room.disconnect()
    assert sample(await read(client), "topp25_open_sockets", kind="room") == before


# --- JSON-lines logs ------------------------------------------------------------------------


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What LOG_FORMAT=json writes, captured: the root and the request logger at INFO."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLinesFormatter())
    root = logging.getLogger()
    request_logger = logging.getLogger("topp25.request")
    old_levels = (root.level, request_logger.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    request_logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_levels[0])
        request_logger.setLevel(old_levels[1])


@pytest.mark.django_db(transaction=True)
def test_json_logs_carry_the_meeting_and_no_participant_text(
    client: Client, facilitator: Any, meeting: Meeting, teachers: Group, json_lines: io.StringIO
) -> None:
    phone = Client()
    from meetings import services
    from meetings.participation import remember_participant

    participant = services.join_meeting(
        meeting=meeting, home_group_id=teachers.pk, display_name="Greta Hemlig"
    )
    session = phone.session
    remember_participant(session, participant)
    session.save()
    add = reverse("groups:add", args=[meeting.join_code, teachers.pk])
    assert phone.post(add, {"text": "Hemlig faktor om Kalle"}, **HX).status_code == 200
    client.force_login(facilitator)
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert client.get(f"/room/{meeting.room_token}x/").status_code == 404
    logging.getLogger("topp25.test").exception(
        "failed", exc_info=ValueError("Hemlig faktor om Kalle")
    )

    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    phone_lines = [line for line in lines if line.get("view") == "groups:add"]
    assert phone_lines and phone_lines[0]["meeting_id"] == meeting.pk
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    console = [line for line in lines if line.get("view") == "meetings:detail"]
    assert console and console[0]["meeting_id"] == meeting.pk
    assert console[0]["status"] == 200 and console[0]["method"] == "GET"
    everything = json_lines.getvalue()
    for secret in ("Greta", "Hemlig", "Kalle", meeting.room_token, meeting.join_code, "127.0.0.1"):
        assert secret not in everything, secret
    failure = [line for line in lines if line["logger"] == "topp25.test"][0]
    assert failure["exception"] == "ValueError" and failure["stack"] == []
