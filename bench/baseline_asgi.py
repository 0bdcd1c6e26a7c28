"""topp25's ASGI application plus a bare broadcast, for the benchmark's baseline.

The benchmark serves this module instead of topp25.asgi so that the app and the baseline run
in the same server processes, on the same channel layer, in the same sitting. Everything of
topp25 is unchanged; two routes are added under /bench/:

- WebSocket /bench/ws/<stream>/: a bare Channels consumer that joins the channel group
  <stream> and relays each message's text as it is (no database, no rendering, no session).
- HTTP POST /bench/bare/ (form fields `streams`, comma-separated, and `text`): one
  group_send of a fixed ~1 KB string plus `text` to each stream, gathered, like the app's
  broadcast hands its (stream, event) pairs to the layer in one event-loop hop. Answers 204
  once the layer took them. Raw ASGI, no Django view: the baseline is the transport alone.

BENCH_CHANNEL_LAYER=pubsub swaps the Redis layer for channels-redis' RedisPubSubChannelLayer
(same URL and prefix) before the layer is first used, for the layer comparison.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.routing import ProtocolTypeRouter, URLRouter
from django.conf import settings
from django.urls import re_path

from topp25.asgi import application as topp25_application  # sets Django up

if os.environ.get("BENCH_CHANNEL_LAYER") == "pubsub" and settings.CHANNEL_LAYERS["default"][
    "BACKEND"
].endswith("RedisChannelLayer"):
    config = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    host = {k: v for k, v in config["hosts"][0].items() if k != "timeout"}
    settings.CHANNEL_LAYERS["default"] = {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {"hosts": [host], "prefix": config["prefix"]},
    }

# Counters for the benchmark's "per write" figures, read with GET /bench/stats/ (per
# process: run one worker to read them). Counting wraps, it changes nothing the app does.
COUNTS = {"queries": 0, "renders": 0}


def _count_queries(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    COUNTS["queries"] += 1
    return execute(sql, params, many, context)


def _on_connection(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _count_queries not in connection.execute_wrappers:
        connection.execute_wrappers.append(_count_queries)


if os.environ.get("BENCH_COUNT"):
    from django.db.backends.signals import connection_created
    from django.template.backends.django import Template as DjangoTemplate

    connection_created.connect(_on_connection)
    _render = DjangoTemplate.render

    def _counted_render(self: Any, *args: Any, **kwargs: Any) -> Any:
        COUNTS["renders"] += 1
        return _render(self, *args, **kwargs)

    DjangoTemplate.render = _counted_render  # type: ignore[method-assign]

# BENCH_SKIP_IDLE_CONSOLE=1 (bench/storm.py --skip-idle-console): the consoles' update after a
# join (meeting_changed(..., CONSOLE_ONLY), which renders every participant) is not built.
# The storm opens no console, so this is what "build nothing for a stream nobody listens to"
# would save; the revision bump stays. Measures the join path without it, changes nothing else.
if os.environ.get("BENCH_SKIP_IDLE_CONSOLE"):
    from meetings import changes as _changes
    from screens import broadcast as _broadcast

    _deliver = _broadcast.deliver

    def _without_console_only(change: _changes.Change) -> None:
        if isinstance(change, _changes.ParticipantsChanged):
            return
        if isinstance(change, _changes.MeetingChanged) and change.aspect == _changes.Aspect.SETUP:
            return
        _deliver(change)

    _changes._handlers[:] = [_without_console_only]

# About the size of a room screen's column (0.8 KB) plus the marker the client looks for.
FIXED = "x" * 1000
STREAM = re.compile(r"^[A-Za-z0-9_.-]{1,90}$")


class BareConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.stream = self.scope["url_route"]["kwargs"]["stream"]
        await self.channel_layer.group_add(self.stream, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.stream, self.channel_name)

    async def bare_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


async def _read_body(receive: Any) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


async def bare_send(scope: dict[str, Any], receive: Any, send: Any) -> None:
    form = parse_qs((await _read_body(receive)).decode())
    streams = [s for s in form.get("streams", [""])[0].split(",") if STREAM.match(s)]
    text = FIXED + form.get("text", [""])[0]
    layer = get_channel_layer()
    assert layer is not None
    event = {"type": "bare.message", "text": text}
    await asyncio.gather(*(layer.group_send(stream, event) for stream in streams))
    await send({"type": "http.response.start", "status": 204, "headers": []})
    await send({"type": "http.response.body", "body": b""})


async def http(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["path"] == "/bench/bare/" and scope["method"] == "POST":
        await bare_send(scope, receive, send)
    elif scope["path"] == "/bench/stats/":
        body = json.dumps({**COUNTS, "pid": os.getpid()}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})
    else:
        await topp25_application(scope, receive, send)


bare_websocket = URLRouter([re_path(r"^bench/ws/(?P<stream>[^/]+)/$", BareConsumer.as_asgi())])


async def websocket(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["path"].startswith("/bench/ws/"):
        await bare_websocket(scope, receive, send)
    else:
        await topp25_application(scope, receive, send)


application = ProtocolTypeRouter({"http": http, "websocket": websocket})
