#!/usr/bin/env python
"""How long the pure parts of the group work take: jigsaw allocation and reflection words.

Run from the repository root:

    .venv/bin/python bench/jigsaw.py

No database, no Django setup (the functions are pure). Prints figures; a figure over its target
is marked MISSED (the exit status stays 0).

- allocate() for 12 home groups × 40 members (480 people) at every table count 1–480, and at the
  suggested count; also a realistic afternoon (7 home groups of 12–16, ~100 people).
- suggest_expert_count() for the same shapes.
- the reflection cloud: fold + rank + cloud_layout over 300 entries (100 people × 3 words), cold
  (the Swedish dictionary's first load and every lemma new) and warm (as each new word re-ranks
  the whole room: lemmas cached), and the process's max RSS.
"""

from __future__ import annotations

import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groups.words import cloud_layout, fold, rank  # noqa: E402
from meetings.jigsaw import allocate, suggest_expert_count  # noqa: E402

ALLOCATE_TARGET_MS = 10.0  # "milliseconds" for the largest meeting
WORDS_WARM_TARGET_MS = 20.0  # re-ranking the room per arriving word


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds per call, `repeat` calls."""
    times = []
    for _attempt in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(label: str, times: list[float], target: float | None = None) -> None:
    ordered = sorted(times)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    verdict = ""
    if target is not None:
        verdict = f"  (target < {target:g} ms: {'ok' if p95 < target else 'MISSED'})"
    print(f"{label:<58} p50 {p50:8.3f} ms  p95 {p95:8.3f} ms  max {ordered[-1]:8.3f} ms{verdict}")


def line(label: str, seconds: float) -> None:
    print(f"{label:<58} {1000 * seconds:8.3f} ms")


def main() -> None:
    print(f"Python {sys.version.split()[0]}")
    big = {f"hemgrupp {g}": [g * 1000 + m for m in range(40)] for g in range(12)}
    big_total = sum(len(members) for members in big.values())
    suggested_big = suggest_expert_count([len(members) for members in big.values()])

    rng = random.Random(7)
    afternoon = {
        f"hemgrupp {g}": [g * 1000 + m for m in range(rng.randint(12, 16))] for g in range(7)
    }
    afternoon_sizes = [len(members) for members in afternoon.values()]
    suggested_afternoon = suggest_expert_count(afternoon_sizes)

    print(f"\nJigsaw: 12 home groups × 40 = {big_total} people, suggested {suggested_big} tables")
    report(
        f"allocate, {suggested_big} tables (suggested), 200 calls",
        timed(lambda: allocate(big, suggested_big), 200),
        ALLOCATE_TARGET_MS,
    )
    every_count = []
    for expert_count in range(1, big_total + 1):
        every_count.extend(timed(lambda count=expert_count: allocate(big, count), 1))
    report(f"allocate, every table count 1–{big_total}", every_count, ALLOCATE_TARGET_MS)
    report(
        "suggest_expert_count, 12 × 40, 200 calls",
        timed(lambda: suggest_expert_count([40] * 12), 200),
    )
    print(
        f"\nA realistic afternoon: 7 home groups of {afternoon_sizes} = {sum(afternoon_sizes)}"
        f" people, suggested {suggested_afternoon} tables"
    )
    report(
        "allocate, suggested, 500 calls",
        timed(lambda: allocate(afternoon, suggested_afternoon), 500),
    )
    report(
        "suggest_expert_count, 500 calls", timed(lambda: suggest_expert_count(afternoon_sizes), 500)
    )

    vocabulary = [
        "trygghet", "Tryggheten", "samarbete", "samarbetet", "goda relationer", "relationerna",
        "tydlighet", "höga förväntningar", "studiero", "Studieron", "elevhälsoteamet", "tillit",
        "ledarskap", "ledarskapet", "kollegialt lärande", "lärandet", "struktur", "tid", "mod",
        "engagemang", "glädje", "närvaro", "kompetensutveckling", "dialog", "samsyn", "hopp",
        "inspiration", "inspirerad", "nyfikenhet", "gemenskap", "ansvar", "respekt",
    ]  # fmt: skip
    # Most people pick from the common words; a third write something of their own.
    entries = [
        rng.choice(vocabulary) if rng.random() < 0.67 else f"egen{rng.randint(0, 10_000)}tanke"
        for _entry in range(300)
    ]
    print(f"\nReflection: {len(entries)} entries (100 people × 3)")
    start = time.perf_counter()
    fold("trygghet")
    line("first fold: loading the Swedish dictionary", time.perf_counter() - start)
    start = time.perf_counter()
    cloud = cloud_layout(rank(entries))
    line("rank + cloud_layout, cold (every lemma new), once", time.perf_counter() - start)
    report(
        "rank + cloud_layout, warm, 200 calls",
        timed(lambda: cloud_layout(rank(entries)), 200),
        WORDS_WARM_TARGET_MS,
    )
    start = time.perf_counter()
    fold("kompetensutvecklingsinsatserna" * 3)
    line("fold, one new 90-letter word", time.perf_counter() - start)
    heads = ["matematik", "läs", "skriv", "elevhälso", "värdegrunds"]
    heads += ["kvalitets", "samverkans", "trygghets", "studie", "rast"]
    tails = ["lyftet", "teamet", "arbetet", "rådet", "gruppen"]
    per_word = []
    for head in heads:
        for tail in tails:
            per_word.extend(timed(lambda word=head + tail: fold(word), 1))
    report(f"fold, a new compound (e.g. {heads[0] + tails[0]}), {len(per_word)} words", per_word)
    distinct = len({fold(entry) for entry in entries})
    print(f"{distinct} distinct words, {len(cloud)} in the cloud")
    print(f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
