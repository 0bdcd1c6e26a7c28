#!/usr/bin/env python
"""Where a write's server time goes, from py-spy's raw (collapsed) stacks.

    .venv/bin/python bench/profile_summary.py DIR WRITES [RATE]

Each sample is put in the first category its stack matches, leaf first, so a query inside a
template counts as a query; a second table splits the samples by what the thread was doing
at the top (the HTTP request, the broadcast after commit, the consumers' fan-out).
RATE is py-spy's sampling rate (run.py --profile uses 200/s).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

LEAF_CATEGORIES = [
    ("deflate (permessage-deflate)", ("permessage_deflate", "zlib")),
    ("database (driver, ORM, pool)", ("psycopg", "sqlite3", "django/db/")),
    ("templates (render)", ("django/template/", "django/templatetags/", "django/urls/")),
    (
        "channel layer (send/receive, msgpack, copy)",
        ("channels_redis", "channels/layers", "redis/", "msgpack", "copy.py"),
    ),
    ("WebSocket frames (uvicorn/websockets)", ("websockets/", "uvicorn/protocols/websockets")),
    (
        "consumers (channels dispatch)",
        (
            "channels/consumer",
            "channels/generic",
            "channels/routing",
            "channels/db",
            "channels/auth",
            "channels/sessions",
            "channels/middleware",
        ),
    ),
    (
        "HTTP (uvicorn, Django handler, middleware)",
        (
            "uvicorn/protocols/http",
            "django/core/handlers",
            "django/middleware",
            "django/contrib",
            "django_htmx",
            "whitenoise",
            "django/http",
        ),
    ),
    ("sync/async hops (asgiref, threads)", ("asgiref/", "concurrent/futures", "threading.py")),
    ("event loop", ("asyncio/",)),
]
TOP = [
    ("broadcast after commit (_send_group_state)", "_send_group_state"),
    ("HTTP request: the view", "screens/group_views.py"),
    ("broadcast after commit (screens.broadcast)", "screens/broadcast.py"),
    ("consumers relaying to sockets", "channels/"),
    ("HTTP request: handler and middleware", "django/core/handlers"),
]


def main(directory: str, writes: int, rate: float = 200.0) -> None:
    leaf: Counter[str] = Counter()
    top: Counter[str] = Counter()
    total = 0
    for path in Path(directory).glob("*.txt"):
        for line in path.read_text(errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not count_text.isdigit():
                continue
            count = int(count_text)
            total += count
            frames = stack.split(";")
            category = "other"
            for frame in reversed(frames):
                hit = next(
                    (n for n, needles in LEAF_CATEGORIES if any(x in frame for x in needles)), None
                )
                if hit:
                    category = hit
                    break
            leaf[category] += count
            where = next((n for n, needle in TOP if any(needle in f for f in frames)), "other")
            top[where] += count
    ms = 1000.0 / rate
    print(
        f"{total} samples = {total * ms / 1000:.1f} s of busy threads; per write {total * ms / writes:.1f} ms"
    )
    print("by leaf category:")
    for name, count in leaf.most_common():
        print(f"  {name:<46} {count * ms / writes:7.2f} ms/write  {100 * count / total:5.1f} %")
    print("by phase:")
    for name, count in top.most_common():
        print(f"  {name:<46} {count * ms / writes:7.2f} ms/write  {100 * count / total:5.1f} %")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) if len(sys.argv) > 3 else 200.0)
