#!/usr/bin/env python
"""What the facilitator's console costs to build as a meeting grows (issue 9, the storm).

    .venv/bin/python bench/console_cost.py                 # 100, 1,000 and 3,000 participants
    .venv/bin/python bench/console_cost.py --sizes 100 500

A fresh SQLite file, `DEBUG=0`, the in-memory layer; one meeting with a home group per 100
participants (at least the usual seven), three factors each, a buzz phase running. For each
size it times (median of 5, `perf_counter`) what a join and a phase change build after
commit: the console's context, the whole console event (`CONSOLE_ONLY`: what every join
sends), the room's and the phones' parts, and prints the console fragment's size.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from in_process import setup  # noqa: E402

WORKDIR = setup("console-cost")

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

from groups import services as group_services  # noqa: E402
from meetings import services  # noqa: E402
from meetings.models import Meeting, Participant, PhaseKind  # noqa: E402
from screens import broadcast  # noqa: E402
from topp25 import live  # noqa: E402

REPEATS = 5


def seed(participants: int) -> Meeting:
    user, _ = get_user_model().objects.get_or_create(username="bench")
    meeting = services.create_meeting(
        facilitator=user,
        title=f"Konsolkostnad {participants}",
        date=datetime.date.today(),
        core_question="Vad gör störst skillnad för att eleverna ska nå målen?",
        usual_home_groups=True,
    )
    for n in range(len(meeting.home_groups()), max(7, participants // 100)):
        services.add_home_group(meeting=meeting, name=f"Grupp {n + 1}", announce=False)
    groups = list(meeting.home_groups())
    for group in groups:
        for text in ("Tid för kollegialt lärande", "Tydliga mål", "Tidiga insatser"):
            group_services.add_factor(group=group, text=text)
    Participant.objects.bulk_create(
        Participant(meeting=meeting, home_group=groups[n % len(groups)], join_token=uuid.uuid4())
        for n in range(participants)
    )
    phase = services.add_phase(
        meeting=meeting, kind=PhaseKind.BUZZ, title="Bikupor", planned_minutes=10
    )
    services.start_phase(meeting=meeting, phase_id=phase.pk)
    return meeting


def timed(work: Callable[[], object]) -> float:
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        work()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 3000])
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(
        f"{'participants':>12} {'groups':>6} {'context':>9} {'console':>9} {'room':>7} "
        f"{'phones':>7} {'console B':>10}"
    )
    for size in args.sizes:
        meeting = seed(size)
        print(f"{size:>12} {len(meeting.home_groups()):>6} ", end="")
        measure(meeting)


def measure(meeting: Meeting) -> None:
    languages = live.languages_in_use(meeting.pk)
    fresh = Meeting.objects.select_related("current_phase").get(pk=meeting.pk)
    context_ms = timed(lambda: broadcast.console_context(fresh))
    console_ms = timed(lambda: broadcast._meeting_event(meeting.pk, broadcast.CONSOLE_ONLY, {}))
    room_ms = timed(
        lambda: live.render_languages(languages, broadcast.ROOM_LIVE, broadcast.room_context(fresh))
    )
    phones_ms = timed(lambda: broadcast._phone_variants(broadcast.phase_context(fresh), languages))
    event = broadcast._meeting_event(meeting.pk, broadcast.CONSOLE_ONLY, {})
    assert event is not None
    size_bytes = len(event.console[languages[0]].encode())
    print(
        f"{context_ms:>7.1f}ms {console_ms:>7.1f}ms {room_ms:>5.1f}ms {phones_ms:>5.1f}ms "
        f"{size_bytes:>10,}"
    )


if __name__ == "__main__":
    main()
