#!/usr/bin/env python
"""What one write costs on the real path, inside one process: SQL queries, server CPU, and the
bytes of every fragment it broadcasts.

    .venv/bin/python bench/write_cost.py            # prints a table
    .venv/bin/python bench/write_cost.py --json     # the same figures as JSON

A fresh SQLite file (migrated here), DEBUG=0, the in-memory channel layer. One meeting as in
the issue's one-meeting scenario: 100 phones in the 7 usual home groups, 5 factors per group
and 10 ideas in each pool, a dialogue phase running (the pool shows dots and picking: the
largest phone fragment); ideas are added with the buzz running, the one phase that allows
them. Each write goes through Django's test client as htmx sends it
(HX-Request, the member's session; no transaction around it, so the broadcast is built and
sent after commit exactly as on the server), `REPEATS` times per kind, on rotating groups
and members; the figures are per write, the median of the repeats:

- queries: SQL statements of the request including its after-commit broadcast;
- cpu_ms: `time.process_time()` of the request including the broadcast (renders, sends to
  the in-memory layer; no sockets listen, so no fan-out cost is in it); cpu_min: the least
  of the repeats (on a shared machine other work only adds to it);
- phone / pool / room / console: bytes (UTF-8) of the Swedish fragment each stream gets;
  `pool` is the `#pool-state` section inside the phone fragment;
- response: bytes of the HTTP answer's body.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from in_process import setup  # noqa: E402

WORKDIR = setup("write-cost")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from groups import services as group_services  # noqa: E402
from groups.models import Idea  # noqa: E402
from meetings import services  # noqa: E402
from meetings.models import Group, Meeting, Participant, PhaseKind  # noqa: E402
from meetings.participation import remember_participant  # noqa: E402
from topp25 import live  # noqa: E402

PHONES = 100
FACTORS = 5
IDEAS = 10
REPEATS = 14  # two per group
HX = {"HTTP_HX_REQUEST": "true"}
IDEA_TEXTS = [
    "Tid för kollegialt lärande varje vecka",
    "Tydliga mål som eleverna förstår",
    "Tidiga insatser när en elev halkar efter",
    "Ett nära pedagogiskt ledarskap",
    "Höga förväntningar på varje elev",
    "Studiero och gemensamma regler i klassrummet",
    "Elevhälsan finns nära undervisningen",
    "Fler vuxna i skolan under hela dagen",
    "Läxhjälp för alla som behöver den",
    "Samarbete med vårdnadshavare från start",
]
POOL_SECTION = re.compile(r'<section id="pool-state".*?</section>', re.S)

# What the last request broadcast: (stream, message) pairs as handed to the layer.
SENT: list[tuple[str, dict[str, Any]]] = []
_send_now = live.send_now


def _recording_send_now(messages: Any, on_sent: Any = None) -> None:
    batch = list(messages)
    SENT.extend(batch)
    _send_now(batch, on_sent)


live.send_now = _recording_send_now  # type: ignore[assignment]


def seed() -> tuple[Meeting, dict[int, list[Participant]]]:
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench")
    meeting = services.create_meeting(
        facilitator=user,
        title="Skrivkostnad",
        date=datetime.date.today(),
        core_question="Vad gör störst skillnad för att eleverna ska nå målen?",
        usual_home_groups=True,
    )
    groups = list(meeting.home_groups().order_by("position"))
    members: dict[int, list[Participant]] = {group.pk: [] for group in groups}
    for n in range(PHONES):
        group = groups[n % len(groups)]
        members[group.pk].append(
            services.join_meeting(meeting=meeting, home_group_id=group.pk, display_name="")
        )
    for group in groups:
        for index in range(FACTORS):
            group_services.add_factor(group=group, text=f"{IDEA_TEXTS[index]} (faktor)")
    # Ideas are written in the buzz phase (the phase rules refuse them later), then the dialogue.
    buzz = services.add_phase(
        meeting=meeting, kind=PhaseKind.BUZZ, title="Bikupor", planned_minutes=10
    )
    services.start_phase(meeting=meeting, phase_id=buzz.pk)
    for group in groups:
        for index in range(IDEAS):
            author = members[group.pk][index % len(members[group.pk])]
            group_services.add_idea(group=group, author=author, text=IDEA_TEXTS[index])
    phase = services.add_phase(
        meeting=meeting, kind=PhaseKind.DIALOGUE, title="Samtal", planned_minutes=20
    )
    services.start_phase(meeting=meeting, phase_id=phase.pk)
    # Two factors out of five: edits keep a place free, adds take it and give it back.
    return meeting, members


# One client for every member (its session cookie switched): a new Client builds the whole
# middleware chain on its first request (WhiteNoise scans the static files then, ~60 ms),
# which a server does once per process, not per phone.
CLIENT = Client()


def client_for(participant: Participant) -> Client:
    session = SessionStore()
    remember_participant(session, participant)
    session.create()
    CLIENT.cookies[settings.SESSION_COOKIE_NAME] = session.session_key or ""
    return CLIENT


# --sql: the statements of one write of each kind, to stderr (the first measured one).
SHOW_SQL: set[str] | None = None


def measure(client: Client, url: str, data: dict[str, Any]) -> dict[str, Any]:
    SENT.clear()
    with CaptureQueriesContext(connection) as queries:
        start = time.process_time()
        response = client.post(url, data, **HX)
        cpu_ms = (time.process_time() - start) * 1000
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    sizes: dict[str, int] = {}
    for stream, message in SENT:
        html = message.get("html") or {}
        fragment = html.get("sv", "") if isinstance(html, dict) else ""
        if stream.startswith("group-"):
            sizes["phone"] = len(fragment.encode())
            pool = POOL_SECTION.search(fragment)
            sizes["pool"] = len(pool.group(0).encode()) if pool else 0
        elif stream.startswith("room-"):
            sizes["room"] = len(fragment.encode())
        elif stream.startswith("console-"):
            sizes["console"] = len(fragment.encode())
    action = url.rstrip("/").rsplit("/", 1)[-1]
    if SHOW_SQL is not None and action not in SHOW_SQL:
        SHOW_SQL.add(action)
        print(f"--- {url}: {len(queries)} queries", file=sys.stderr)
        for query in queries.captured_queries:
            print("  " + query["sql"][:240], file=sys.stderr)
    return {
        "queries": len(queries),
        "cpu_ms": cpu_ms,
        "response": len(response.content),
        **sizes,
    }


def run(meeting: Meeting, members: dict[int, list[Participant]]) -> dict[str, dict[str, float]]:
    code = meeting.join_code
    group_ids = list(members)
    results: dict[str, list[dict[str, Any]]] = {}
    for n in range(REPEATS):
        group_id = group_ids[n % len(group_ids)]
        group = Group.objects.get(pk=group_id)
        me = members[group_id][n // len(group_ids) + 1]
        client = client_for(me)
        factor = group.factors.order_by("position").last()
        assert factor is not None
        text = f"Ändrad text {uuid.uuid4().hex[:8]}"
        results.setdefault("factor edit", []).append(
            measure(
                client,
                reverse("groups:edit", args=[code, group_id, factor.pk]),
                {"text": text, "version": factor.version},
            )
        )
        group_services.remove_factor(group=group, factor_id=factor.pk)
        text = f"Ny faktor {uuid.uuid4().hex[:8]}"
        results.setdefault("factor add", []).append(
            measure(
                client,
                reverse("groups:add", args=[code, group_id]),
                {"text": text, "client_token": str(uuid.uuid4())},
            )
        )
        target = group.ideas.filter(withdrawn_at__isnull=True).order_by("pk").first()
        assert target is not None
        results.setdefault("dot", []).append(
            measure(
                client,
                reverse("groups:dot", args=[code, group_id, target.pk]),
                {"delta": "1", "seen": "0"},
            )
        )
        group_services.set_dots(group=group, participant=me, idea_id=target.pk, count=0)
    # Ideas are written in the buzz phase (the phase rules refuse them in the dialogue): the
    # same writes once more with the buzz running, then back to the dialogue.
    dialogue = Meeting.objects.get(pk=meeting.pk).current_phase_id
    services.start_phase(meeting=meeting, phase_id=meeting.phases.get(kind=PhaseKind.BUZZ).pk)
    for n in range(REPEATS):
        group_id = group_ids[n % len(group_ids)]
        group = Group.objects.get(pk=group_id)
        me = members[group_id][n // len(group_ids) + 1]
        client = client_for(me)
        text = f"En idé till {uuid.uuid4().hex[:8]}"
        results.setdefault("idea add", []).append(
            measure(
                client,
                reverse("groups:idea_add", args=[code, group_id]),
                {"text": text, "client_token": str(uuid.uuid4())},
            )
        )
        # Keep the pool at its size: the new idea goes again (a service call, not measured).
        newest = Idea.objects.filter(group_id=group_id, author=me).order_by("-pk").first()
        assert newest is not None
        group_services.withdraw_idea(group=group, author=me, idea_id=newest.pk)
    services.start_phase(meeting=meeting, phase_id=dialogue)
    summary: dict[str, dict[str, float]] = {}
    for kind, rows in results.items():
        keys = rows[0].keys()
        summary[kind] = {key: statistics.median(row[key] for row in rows) for key in keys}
        # On a shared machine other work only ever adds CPU time: the least is the cost.
        summary[kind]["cpu_min"] = min(row["cpu_ms"] for row in rows)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--sql", action="store_true", help="print one write's SQL per kind")
    args = parser.parse_args()
    meeting, members = seed()
    run(meeting, members)  # warm-up: template loading, URL resolver, first connections
    if args.sql:
        global SHOW_SQL
        SHOW_SQL = set()
    summary = run(meeting, members)
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    columns = ["queries", "cpu_ms", "cpu_min", "phone", "pool", "room", "console", "response"]
    print(f"{PHONES} phones in 7 groups, {FACTORS} factors and {IDEAS} ideas per group, dialogue")
    print(f"per write (median of {REPEATS})  " + "  ".join(f"{c:>8}" for c in columns))
    for kind, figures in summary.items():
        cells = []
        for column in columns:
            value = figures.get(column)
            cells.append(
                f"{'-':>8}"
                if value is None
                else (f"{value:8.1f}" if column.startswith("cpu") else f"{int(value):8d}")
            )
        print(f"{kind:<25}" + "  ".join(cells))


if __name__ == "__main__":
    main()
