"""Structured logs: one JSON object per line when LOG_FORMAT=json, for the IT department's
log collector (journald, Loki, Elastic…).

Each line has the time (UTC), level, logger, message and, where one is known, the meeting's
id: set for a request to a meeting's console address, a phone's request (when its session
is a participant there) and a screen's socket (`bind_meeting`). What never goes into a line: a participant's text or name, an IP address, a
path (join codes and room-screen tokens are in paths), an exception's message (a database
error can quote the row it refused); an exception is logged as its type and the code lines
it passed through. It imports no app.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import traceback
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

_meeting: contextvars.ContextVar[int | None] = contextvars.ContextVar("meeting_id", default=None)

request_logger = logging.getLogger("topp25.request")

# Secrets and codes that Django's own messages may quote ("Not Found: /room/<token>/").
_SECRET_IN_PATH = re.compile(r"/(m|room|s|ws/room|ws/m)/[^/\s]+")


def bind_meeting(meeting_id: int | None) -> None:
    """The meeting this request or socket is about, for every line logged while it runs."""
    _meeting.set(meeting_id)


def current_meeting() -> int | None:
    return _meeting.get()


def scrub(message: str) -> str:
    return _SECRET_IN_PATH.sub(lambda match: f"/{match.group(1)}/…", message)


class JsonLinesFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        meeting_id = getattr(record, "meeting_id", None) or current_meeting()
        if meeting_id is not None:
            line["meeting_id"] = meeting_id
        for key in ("view", "method", "status", "duration_ms"):
            if hasattr(record, key):
                line[key] = getattr(record, key)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, tb = record.exc_info
            line["exception"] = kind.__name__
            line["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(tb)
            ]
        return json.dumps(line, ensure_ascii=False)


class RequestContextMiddleware:
    """Binds the meeting of a console address (`console/meetings/<pk>/…`) for the request's
    log lines, and with LOG_FORMAT=json writes one line per request: view, method, status,
    duration — no path, no address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        token = _meeting.set(None)
        try:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            if request_logger.isEnabledFor(logging.INFO):
                request_logger.info(
                    "request",
                    extra={
                        "view": (match.view_name if match else None) or "unresolved",
                        "method": request.method,
                        "status": response.status_code,
                        "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            _meeting.reset(token)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: dict[str, Any],
    ) -> None:
        match = request.resolver_match
        if match is not None and match.route.startswith("console/meetings/<int:pk>"):
            bind_meeting(int(view_kwargs["pk"]))
