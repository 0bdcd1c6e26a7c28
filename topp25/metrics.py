"""Prometheus metrics: what a municipality's monitoring scrapes from `/metrics`.

Every hook in the live path is one call into this module (`socket_opened`, `broadcast_sent`,
`channel_layer_error`, …), so the modules that send and relay updates carry no metric code of
their own. It imports no app.

Several uvicorn workers: a scrape reaches one worker at random, so per-process figures would
jump between scrapes. With PROMETHEUS_MULTIPROC_DIR set (`make serve-prod` and the systemd unit
set it, to an empty directory at start) prometheus_client's multiprocess mode is used: each
worker writes its figures to memory-mapped files in that directory and `/metrics` adds up every
worker's. Counters and histograms keep a stopped worker's counts (a total never goes back);
the open-socket gauge counts live workers only ("livesum"). Without it (`make run`, one process)
the figures live in the process.

What is never a label: a meeting, a group, a participant, a path. Labels are view names,
statuses, socket kinds, event types and layer operations, so the series stay few.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client import REGISTRY as PROCESS_REGISTRY

REQUESTS = Counter(
    "topp25_http_requests",
    "HTTP requests answered, by view (URL name) and status.",
    ["view", "status"],
)
WRITES = Counter(
    "topp25_writes",
    "Writes accepted (POST/PUT/PATCH/DELETE answered below 400), by view; "
    "rate(topp25_writes_total[1m]) is writes per second.",
    ["view"],
)
OPEN_SOCKETS = Gauge(
    "topp25_open_sockets",
    "WebSockets open now, by kind (phone, room, console).",
    ["kind"],
    multiprocess_mode="livesum",
)
BROADCAST_SECONDS = Histogram(
    "topp25_broadcast_seconds",
    "From a write's publish (inside its transaction) to its live update handed to the "
    "channel layer, by event type.",
    ["event"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
CHANNEL_LAYER_ERRORS = Counter(
    "topp25_channel_layer_errors",
    "Channel-layer calls that failed (Redis down or full), by operation.",
    ["operation"],
)
JOIN_FAILURES = Counter(
    "topp25_join_failures", "Joins with a wrong code or to a meeting closed to newcomers."
)
JOIN_THROTTLED = Counter(
    "topp25_join_throttled", "Join attempts refused with 429 (a client or a code over its limit)."
)
LOGIN_THROTTLED = Counter(
    "topp25_login_throttled", "Login attempts refused with 429 (a client or a name over its limit)."
)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# --- Hooks (one call each from the live path, the throttles and the middleware) -----------


def socket_kind(streams: list[str]) -> str:
    """A screen's kind from the streams it listens to (topp25.live names them)."""
    first = streams[0] if streams else ""
    if first.startswith("room-"):
        return "room"
    if first.startswith("console-"):
        return "console"
    if first.startswith(("group-", "phase-")):
        return "phone"
    return "other"


def socket_opened(kind: str) -> None:
    OPEN_SOCKETS.labels(kind=kind).inc()


def socket_closed(kind: str) -> None:
    OPEN_SOCKETS.labels(kind=kind).dec()


def broadcast_sent(event: str, started: float) -> None:
    """`started` is `time.monotonic()` when the write published the event."""
    BROADCAST_SECONDS.labels(event=event).observe(max(0.0, time.monotonic() - started))


def channel_layer_error(operation: str) -> None:
    CHANNEL_LAYER_ERRORS.labels(operation=operation).inc()


def join_failed() -> None:
    JOIN_FAILURES.inc()


def join_throttled() -> None:
    JOIN_THROTTLED.inc()


def login_throttled() -> None:
    LOGIN_THROTTLED.inc()


def view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unresolved"
    return match.view_name or "unnamed"


class RequestMetricsMiddleware:
    """Counts every answer by view and status, and accepted writes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        view = view_name(request)
        REQUESTS.labels(view=view, status=str(response.status_code)).inc()
        if request.method in UNSAFE_METHODS and response.status_code < 400:
            WRITES.labels(view=view).inc()
        return response


# --- The scrape -----------------------------------------------------------------------------


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return PROCESS_REGISTRY


def metrics_view(request: HttpRequest) -> HttpResponse:
    """For the scraper only: `Authorization: Bearer <METRICS_TOKEN>`. Without a token
    configured, or with a wrong one, the address does not exist (404) — a browser user
    learns nothing, not even that metrics are there."""
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        raise Http404
    response = HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
