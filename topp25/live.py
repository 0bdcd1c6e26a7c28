"""The live transport: typed events, the one function that sends them, and the base consumer.

It imports no app: the screens app renders the fragments and publishes events here; its
consumers subscribe screens to streams and check who may listen.

Streams (channel-layer groups), so that fan-out stays small:
- `group-<id>`: the phones of one group (its list);
- `phase-<meeting>`: every phone of a meeting (the phase and its timer);
- `room-<meeting>`: the room screens; `console-<meeting>`: the facilitators' consoles.

Every fragment is rendered once per language from committed data and carries the revision it
was rendered from, under a key ("group-12", "meeting"): a screen never takes an older fragment
for a key than the one it already has. Sending happens in `transaction.on_commit`, so a
rolled-back write is never shown, and a failing channel layer never fails a write.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import os
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from asgiref.sync import SyncToAsync, async_to_sync, sync_to_async
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.core.cache import cache
from django.db import connections, transaction
from django.template.loader import render_to_string
from django.utils import translation

from topp25 import metrics
from topp25.jsonlog import bind_meeting
from topp25.middleware import chosen_language

logger = logging.getLogger(__name__)

# A fragment in every language: {"sv": "<section …>", "en": "<section …>"}.
Fragments = dict[str, str]

# Application close codes (4000–4999): the browser does not retry these.
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404

# The key of the fragments about the meeting as a whole (phase, timer, set of groups).
MEETING_KEY = "meeting"


def group_key(group_id: int) -> str:
    return f"group-{group_id}"


def pool_key(group_id: int) -> str:
    """The key of a group's idea pool on its phones, which changes apart from its list."""
    return f"pool-{group_id}"


def group_stream(group_id: int) -> str:
    return f"group-{group_id}"


def phase_stream(meeting_id: int) -> str:
    return f"phase-{meeting_id}"


def room_stream(meeting_id: int) -> str:
    return f"room-{meeting_id}"


def console_stream(meeting_id: int) -> str:
    return f"console-{meeting_id}"


def render_in(language: str, template: str, context: dict[str, Any]) -> str:
    with translation.override(language):
        # A plain str: the in-memory layer deep-copies messages, and a SafeString is copied
        # character by character where a str is shared.
        return str.__str__(render_to_string(template, context))


def render_all_languages(template: str, context: dict[str, Any]) -> Fragments:
    return {code: render_in(code, template, context) for code, _name in settings.LANGUAGES}


# --- Which languages to render -------------------------------------------------------------
# A fragment is rendered in the site's language and in any other language a screen of the
# meeting chose: a cache key per meeting and language, set when such a screen connects and
# refreshed while it stays. The cache is shared by all workers (Redis in production). If the
# cache cannot answer, every language is rendered: more work, never a missing language.
LANGUAGE_TTL_SECONDS = 6 * 3600
LANGUAGE_REFRESH_SECONDS = 3600


def _language_key(meeting_id: int, code: str) -> str:
    return f"topp25:live-language:{meeting_id}:{code}"


def languages_in_use(meeting_id: int) -> list[str]:
    default = settings.LANGUAGE_CODE
    others = [code for code, _name in settings.LANGUAGES if code != default]
    if not others:
        return [default]
    keys = {_language_key(meeting_id, code): code for code in others}
    try:
        found = cache.get_many(list(keys))
    except Exception:  # the cache is down: render them all
        logger.warning("language cache unavailable", exc_info=True)
        return [default, *others]
    return [default, *(code for key, code in keys.items() if key in found)]


def render_languages(languages: list[str], template: str, context: dict[str, Any]) -> Fragments:
    return {code: render_in(code, template, context) for code in languages}


# --- Typed events ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupListChanged:
    """A group's list, lock or name changed: its phones, the room screens and the consoles."""

    meeting_id: int
    group_id: int
    revision: int
    phone: Fragments
    room: Fragments
    console: Fragments
    # The keys of the phone's parts in `phone` (the list's, the pool's): a phone takes the
    # fragment when it is newer than what it has for any of them.
    phone_keys: tuple[str, ...] = ()
    type: ClassVar[str] = "group.list"

    def messages(self) -> list[tuple[str, dict[str, Any]]]:
        about = {"type": self.type, "key": group_key(self.group_id), "revision": self.revision}
        phone = {**about, "html": self.phone}
        if self.phone_keys:
            phone["keys"] = list(self.phone_keys)
        return [
            (group_stream(self.group_id), phone),
            (room_stream(self.meeting_id), {**about, "html": self.room}),
            (console_stream(self.meeting_id), {**about, "html": self.console}),
        ]


@dataclass(frozen=True)
class MeetingChanged:
    """The meeting as a whole changed (phase, timer, agenda, the set of groups, who is in):
    every screen of the meeting re-renders its meeting-wide parts.

    `phone` holds one rendering per variant of the phone's phase panel, each in every
    language; a phone takes the variant `viewer_variants` names for its viewer, or "*".
    `group_revisions` are the revisions of the groups inside the room and console fragments.
    """

    meeting_id: int
    revision: int
    phone: dict[str, Fragments]
    room: Fragments
    console: Fragments
    group_revisions: dict[int, int] = field(default_factory=dict)
    # Viewer id -> the key of their own variant of `phone`.
    viewer_variants: dict[int, str] = field(default_factory=dict)
    # Viewer id -> a group whose own screen shows "*" instead (the variant is about being
    # somewhere else).
    unless_on_group: dict[int, int] = field(default_factory=dict)
    # Group id -> a fragment the phones following that group get with their `phone` variant
    # (what of the group the change alters, e.g. controls that depend on the phase).
    by_group: dict[int, Fragments] = field(default_factory=dict)
    type: ClassVar[str] = "meeting.state"

    def messages(self) -> list[tuple[str, dict[str, Any]]]:
        # String keys: channels-redis (msgpack) accepts only those in maps.
        groups = {str(group_id): rev for group_id, rev in self.group_revisions.items()}
        about = {"type": self.type, "key": MEETING_KEY, "revision": self.revision}
        messages: list[tuple[str, dict[str, Any]]] = []
        # A screen left out (e.g. who joined concerns only the consoles) just never sees
        # this revision; the next one it gets is newer still.
        if self.phone:
            viewers = {str(vid): key for vid, key in self.viewer_variants.items()}
            unless = {str(vid): gid for vid, gid in self.unless_on_group.items()}
            by_group = {str(gid): html for gid, html in self.by_group.items()}
            phone = {
                **about,
                "variants": self.phone,
                "viewers": viewers,
                "unless": unless,
                "by_group": by_group,
            }
            messages.append((phase_stream(self.meeting_id), phone))
        if self.room:
            room = {**about, "html": self.room, "groups": groups}
            messages.append((room_stream(self.meeting_id), room))
        if self.console:
            console = {**about, "html": self.console, "groups": groups}
            messages.append((console_stream(self.meeting_id), console))
        return messages


@dataclass(frozen=True)
class RoomRevoked:
    """The room screen's secret address was rotated, or the meeting deleted: close."""

    meeting_id: int
    type: ClassVar[str] = "room.revoked"

    def messages(self) -> list[tuple[str, dict[str, Any]]]:
        return [(room_stream(self.meeting_id), {"type": self.type})]


LiveEvent = GroupListChanged | MeetingChanged | RoomRevoked


# --- Sending ------------------------------------------------------------------------------

# A stalled channel layer must not stall the write that triggered the broadcast: the
# database already holds the change, and screens catch up when they reconnect.
SEND_TIMEOUT_SECONDS = 2.0


async def _send_all(batch: list[tuple[str, dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    sends = (layer.group_send(stream, message) for stream, message in batch)
    await asyncio.wait_for(asyncio.gather(*sends), SEND_TIMEOUT_SECONDS)


# On a server, each process's sends run on its event loop one event after the other (in the
# order their writes committed), each task waiting for the one before.
_last_send: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = {}
# Every send under way, held so that the event loop's weak references keep them alive.
_sending: set[asyncio.Task[None]] = set()


async def _send_in_order(
    previous: asyncio.Task[None] | None,
    batch: list[tuple[str, dict[str, Any]]],
    on_sent: Callable[[], None] | None,
) -> None:
    if previous is not None and not previous.done():
        await asyncio.wait([previous])
    try:
        await _send_all(batch)
    except Exception:  # the layer is down or full: the write stands, screens resync
        logger.warning("live update not sent", exc_info=True)
        metrics.channel_layer_error("send")
        return
    if on_sent is not None:
        on_sent()


# A layer that hangs (not refusing, answering nothing) lets each send wait its full timeout:
# the line must not grow without bound, holding rendered pages in memory and delivering
# minutes-old fragments once the layer is back. Beyond this many sends waiting in a process,
# a new one is dropped (counted): every fragment carries its part's whole state, so the next
# change of that part, or a screen's reconnect, brings it up to date.
MAX_WAITING_SENDS = 200


def _start_send(
    loop: asyncio.AbstractEventLoop,
    batch: list[tuple[str, dict[str, Any]]],
    on_sent: Callable[[], None] | None = None,
) -> None:
    if len(_sending) >= MAX_WAITING_SENDS:
        logger.warning("live update dropped: %d sends already waiting", len(_sending))
        metrics.channel_layer_error("backlog")
        return
    # A context of its own: the request's (with its ThreadSensitiveContext) ends before the
    # send may, and nothing of the request is needed to send.
    task = loop.create_task(
        _send_in_order(_last_send.get(loop), batch, on_sent), context=contextvars.Context()
    )
    _last_send[loop] = task
    _sending.add(task)
    task.add_done_callback(_sending.discard)
    task.add_done_callback(
        lambda done: _last_send.pop(loop, None) if _last_send.get(loop) is done else None
    )


def send_now(
    messages: Iterable[tuple[str, dict[str, Any]]], on_sent: Callable[[], None] | None = None
) -> None:
    """Hand an event's messages to the channel layer. On a server (a request's thread) they
    go to the process's event loop and the request goes on to its answer meanwhile, instead
    of a thread hop there and back to wait for them; elsewhere they are sent here. `on_sent`
    runs once the layer has taken them all (not when a send fails or is dropped)."""
    batch = list(messages)
    loop = _server_loop()
    if loop is not None:
        try:
            loop.call_soon_threadsafe(_start_send, loop, batch, on_sent)
            return
        except RuntimeError:  # the loop closed meanwhile (the server is stopping)
            pass
    try:
        # One event loop hop for all streams of an event.
        async_to_sync(_send_all)(batch)
    except Exception:  # the layer is down or full: the write stands, screens resync
        logger.warning("live update not sent", exc_info=True)
        metrics.channel_layer_error("send")
        return
    if on_sent is not None:
        on_sent()


def publish(build: Callable[[], LiveEvent | None]) -> None:
    """After the current transaction commits: build the event (rendering its fragments once,
    from committed data) and send it. Outside a transaction it is sent at once."""

    started = time.monotonic()
    transaction.on_commit(lambda: _build_and_send(build, started), robust=True)


def _build_and_send(build: Callable[[], LiveEvent | None], started: float) -> None:
    event = build()
    if event is not None:
        kind = event.type
        send_now(event.messages(), lambda: metrics.broadcast_sent(kind, started))


# --- Coalesced sending ----------------------------------------------------------------------
# Some changes come in storms and concern a screen that is costly to build: every join
# changes the facilitators' console (its counts and people), and 3,000 phones joining within
# a minute made 3,000 console renders. Such an event is built at most once per window per
# process, from the data committed when it is built, so the newest state always arrives and
# nothing is missed: a change committed after a build started schedules the next one.
COALESCE_SECONDS = 0.3
# A build that took long waits longer before the next (four times as long), so the costly
# screen gets at most about a fifth of the process's time while the storm lasts.
COALESCE_BUILD_FACTOR = 4
COALESCE_MAX_SECONDS = 5.0


@dataclass
class _Pending:
    loop: asyncio.AbstractEventLoop
    scheduled: bool = False
    build_seconds: float = 0.0
    # One build at a time per key: a slow build is not overtaken by the next one.
    building: asyncio.Lock = field(default_factory=asyncio.Lock)


_coalescing: dict[str, _Pending] = {}
_coalescing_lock = threading.Lock()
# The scheduled builds, held so that the event loop's weak references keep them alive.
_coalesced_tasks: set[asyncio.Task[None]] = set()


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The running event loop of the ASGI server (or async test) whose sync thread this is, as
    asgiref records it for `async_to_sync`; None in plain sync code (the test client, commands)."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    if getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    if loop is None or loop.is_closed() or not loop.is_running():
        return None
    return loop


def publish_coalesced(key: str, build: Callable[[], LiveEvent | None]) -> None:
    """Like `publish`, but within one server process the events under `key` are built once per
    window, after it, from what is committed then. Without a running server loop (sync code
    outside a server) it is `publish`."""

    started = time.monotonic()

    def schedule() -> None:
        loop = _server_loop()
        if loop is None:
            _build_and_send(build, started)
            return
        with _coalescing_lock:
            pending = _coalescing.get(key)
            if pending is None or pending.loop is not loop:
                pending = _coalescing[key] = _Pending(loop)
            if pending.scheduled:
                return
            pending.scheduled = True
        try:
            loop.call_soon_threadsafe(_start_build, pending, build, started)
        except RuntimeError:  # the loop closed meanwhile (the server is stopping)
            with _coalescing_lock:
                pending.scheduled = False
            _build_and_send(build, started)

    transaction.on_commit(schedule, robust=True)


def _start_build(pending: _Pending, build: Callable[[], LiveEvent | None], started: float) -> None:
    task = pending.loop.create_task(_build_later(pending, build, started))
    _coalesced_tasks.add(task)
    task.add_done_callback(_coalesced_tasks.discard)


def _build_closing(build: Callable[[], LiveEvent | None]) -> LiveEvent | None:
    try:
        return build()
    finally:
        # A thread of the executor, not a request: give its connection back (to the pool).
        connections.close_all()


async def _build_later(
    pending: _Pending, build: Callable[[], LiveEvent | None], started: float
) -> None:
    wait = COALESCE_BUILD_FACTOR * pending.build_seconds
    try:
        await asyncio.sleep(min(max(COALESCE_SECONDS, wait), COALESCE_MAX_SECONDS))
    finally:
        with _coalescing_lock:
            # From here on a new commit schedules the next build: this one may read before it.
            pending.scheduled = False
    async with pending.building:
        started = time.monotonic()
        try:
            event = await sync_to_async(_build_closing, thread_sensitive=False)(build)
            pending.build_seconds = time.monotonic() - started
            if event is not None:
                await _send_all(event.messages())
                metrics.broadcast_sent(event.type, started)
        except Exception:  # the database or the layer failed: screens resync on reconnect
            logger.warning("coalesced live update not sent", exc_info=True)
            metrics.channel_layer_error("send")


# --- Consumers ----------------------------------------------------------------------------


# A snapshot: the HTML a screen shows now, and the revision of each key in it.
Snapshot = tuple[str, dict[str, int]]


# Sent after a screen's own fragments to say whether live updates flow (static/js/topp25.js
# shows "live updates paused" meanwhile). No words in it: each page has them in its language.
LIVE_PAUSED = '<div id="live-state" hidden data-state="paused"></div>'
LIVE_OK = '<div id="live-state" hidden data-state="live"></div>'

# While the channel layer is down: first retry after about this long, then at most this.
RETRY_FIRST_SECONDS = 1.0
RETRY_MAX_SECONDS = 4.0


class ScreenConsumer(AsyncWebsocketConsumer):
    """Relays fragments to one screen; one handler per event type. Subclasses check who may
    listen in `connect` and then call `subscribe`.

    The database is the truth and the channel layer only a messenger: when the layer fails
    (Redis down), the screen still connects and gets its state from the database, is told that
    live updates are paused, and once the layer answers again it is subscribed anew and sent
    its whole state again, so nothing sent meanwhile is missing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.streams: list[str] = []
        self._snapshot: Callable[[], Awaitable[Snapshot | None]] | None = None
        # The newest revision of each key this screen has been sent.
        self.revisions: dict[str, int] = {}
        # Who views this screen and which group's stream it follows: which variant of a
        # meeting-wide fragment is theirs.
        self.viewer_id: int | None = None
        self.group_id: int | None = None
        # Accepted and sent its state: only then may live messages follow.
        self.live = False
        # The meeting whose screens this is, and when its language was last said to be in use.
        self.meeting_id: int | None = None
        self._language_said_at = 0.0
        # The kind this socket is counted under in the open-socket gauge, once accepted.
        self.counted_as: str | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # AsyncConsumer.__call__, with a channel-layer receive that survives a layer outage
        # instead of ending the consumer (and the socket) with the layer's exception.
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = await self.channel_layer.new_channel()
        self.channel_receive = self._receive_from_layer
        self.base_send = send
        try:
            await await_many_dispatch([receive, self.channel_receive], self.dispatch)
        except StopConsumer:
            pass

    async def dispatch(self, message: dict[str, Any]) -> None:
        # AsyncConsumer.dispatch without its `aclose_old_connections()` before every handler:
        # that is a hop to the one shared sync thread for each relayed message (15 per write
        # to a group of 14 phones and a room). These handlers reach the database only through
        # database_sync_to_async, which closes old connections around its own call.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    @property
    def language(self) -> str:
        return chosen_language(self.scope.get("cookies", {}))

    async def subscribe(
        self,
        streams: list[str],
        snapshot: Callable[[], Awaitable[Snapshot | None]],
        *,
        meeting_id: int,
    ) -> None:
        # Say the language first, then join, then read the state: an event built before the
        # language was known was built before this snapshot is read, so nothing falls between.
        self.meeting_id = meeting_id
        bind_meeting(meeting_id)
        await self._say_language()
        # Join before reading the state: a change committed in between then arrives as an
        # event (handled after connect returns) instead of falling between the two.
        self.streams, self._snapshot = streams, snapshot
        joined = await self._join_streams()
        current = await snapshot()
        if current is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        html, self.revisions = current
        await self.accept()
        self.counted_as = metrics.socket_kind(streams)
        metrics.socket_opened(self.counted_as)
        await self.send(text_data=html + ("" if joined else LIVE_PAUSED))
        self.live = True

    async def _join_streams(self) -> bool:
        try:
            for stream in self.streams:
                await self.channel_layer.group_add(stream, self.channel_name)
        except Exception:  # the layer is down: the screen works from the database meanwhile
            logger.warning("channel layer unavailable; live updates paused", exc_info=True)
            metrics.channel_layer_error("group_add")
            return False
        return True

    async def _receive_from_layer(self) -> dict[str, Any]:
        while True:
            try:
                message: dict[str, Any] = await self.channel_layer.receive(self.channel_name)
                return message
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("channel layer receive failed; live updates paused", exc_info=True)
                metrics.channel_layer_error("receive")
            if self.live:
                await self.send(text_data=LIVE_PAUSED)
            await self._resubscribe_when_back()

    async def _resubscribe_when_back(self) -> None:
        delay = RETRY_FIRST_SECONDS
        while True:
            await asyncio.sleep(delay + random.random() * delay / 2)
            # Before the screen is connected there is nothing to join yet: `subscribe` will.
            if self.live and await self._join_streams():
                break
            delay = min(delay * 2, RETRY_MAX_SECONDS)
        # Back: whatever was broadcast meanwhile is lost, so resend the whole state.
        if self._snapshot is not None:
            current = await self._snapshot()
            if current is not None:
                html, self.revisions = current
                await self.send(text_data=html + LIVE_OK)
                return
        await self.send(text_data=LIVE_OK)

    async def follow_group(self, group_id: int) -> None:
        """This screen's viewer now belongs to group `group_id` (a phone overrides)."""

    async def move_stream(self, old: str, new: str) -> None:
        """Hear `new` instead of `old`: a moved phone stops getting its old group's list."""
        if old in self.streams:
            self.streams = [new if stream == old else stream for stream in self.streams]
            try:
                await self.channel_layer.group_discard(old, self.channel_name)
                await self.channel_layer.group_add(new, self.channel_name)
            except Exception:  # the layer is down: it re-joins self.streams when back
                logger.warning("moving a screen between streams failed", exc_info=True)

    async def disconnect(self, code: int) -> None:
        if self.counted_as is not None:
            metrics.socket_closed(self.counted_as)
            self.counted_as = None
        for stream in self.streams:
            try:
                await self.channel_layer.group_discard(stream, self.channel_name)
            except Exception:  # the layer is down; its group entries expire on their own
                logger.warning("group_discard failed", exc_info=True)
                metrics.channel_layer_error("group_discard")

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        # Screens only listen; writes go through HTTP views so they are validated once.
        return

    async def _say_language(self) -> None:
        """Keep this screen's language among those its meeting's fragments are rendered in."""
        if self.meeting_id is None or self.language == settings.LANGUAGE_CODE:
            return
        now = time.monotonic()
        if self._language_said_at and now - self._language_said_at < LANGUAGE_REFRESH_SECONDS:
            return
        self._language_said_at = now
        try:
            key = _language_key(self.meeting_id, self.language)
            await cache.aset(key, 1, LANGUAGE_TTL_SECONDS)
        except Exception:  # the cache is down: every language is rendered meanwhile
            logger.warning("language cache unavailable", exc_info=True)

    async def _send_fragment(self, html: Fragments) -> None:
        """In this screen's language, else the site's (rendered always)."""
        if self.language not in html:
            self._language_said_at = 0.0  # the cache forgot this screen's language: say it again
        await self._say_language()
        await self.send(text_data=html.get(self.language) or html[settings.LANGUAGE_CODE])

    def _is_news(self, key: str, revision: int) -> bool:
        if revision <= self.revisions.get(key, -1):
            return False
        self.revisions[key] = revision
        return True

    async def group_list(self, event: dict[str, Any]) -> None:
        # A phone's fragment may hold the list, the pool or both, each with its own key.
        revision = event["revision"]
        news = [self._is_news(key, revision) for key in event.get("keys") or [event["key"]]]
        if any(news):
            await self._send_fragment(event["html"])

    async def meeting_state(self, event: dict[str, Any]) -> None:
        if not self._is_news(event["key"], event["revision"]):
            return
        if "variants" in event:
            variants = event["variants"]
            variant = event["viewers"].get(str(self.viewer_id), "*")
            # A viewer given another group (a moved phone): this socket follows it, unless it
            # already shows that group.
            regrouped = event["unless"].get(str(self.viewer_id))
            if regrouped is not None:
                if regrouped == self.group_id:
                    variant = "*"
                else:
                    await self.follow_group(int(regrouped))
            html = variants.get(variant) or variants["*"]
            extra = event.get("by_group", {}).get(str(self.group_id))
            if extra:
                html = {code: text + extra.get(code, "") for code, text in html.items()}
            await self._send_fragment(html)
            return
        for group_id, revision in event.get("groups", {}).items():
            key = group_key(int(group_id))
            self.revisions[key] = max(revision, self.revisions.get(key, -1))
        await self._send_fragment(event["html"])
