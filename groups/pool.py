"""Likely duplicates in a group's idea pool: pure functions, no database, no network.

Two ideas are suggested for merging when they share content words after folding Swedish case
and inflection (groups/words.py: "tryggheten" and "Trygghet" are one word). The rule is simple
enough to explain on the phone: "Båda nämner: trygghet, arbetsro".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .words import fold

# Words that say nothing about what an idea is about (a stop list as data, kept short: the
# ideas are short phrases about school; "skola", "elev" would match almost every idea).
STOP_WORDS = frozenset(
    """
    och att i på för med som en ett det den de av till är om vi vår våra vårt mer mera
    mycket alla all allt alltid kan ska skall bli blir vara har ha inte eller men så från
    ut upp över under vid hos sin sitt sina deras dess man än nog också bra god gott goda
    både samt genom efter före mot utan då när där här hur vad vilken vilket vilka varje
    elev skola lärare barn
    """.split()
)
# A pair is suggested when it shares at least this many content words and they are at least
# this share of the shorter idea's content words.
MIN_SHARED = 1
MIN_SHARE_OF_SHORTER = 0.5
MAX_SUGGESTIONS = 5


@dataclass(frozen=True, slots=True)
class DuplicatePair:
    first: int  # idea ids, first < second in the order given
    second: int
    shared: tuple[str, ...]  # the shared content words (folded), for the explanation


def content_words(text: str) -> frozenset[str]:
    return frozenset(
        word for word in fold(text).split() if word not in STOP_WORDS and len(word) > 1
    )


def likely_duplicates(
    ideas: Sequence[tuple[int, str]], limit: int = MAX_SUGGESTIONS
) -> list[DuplicatePair]:
    """Pairs of ideas that probably say the same thing, most overlapping first."""
    words = [(idea_id, content_words(text)) for idea_id, text in ideas]
    scored: list[tuple[float, int, DuplicatePair]] = []
    for i, (first, first_words) in enumerate(words):
        for j in range(i + 1, len(words)):
            second, second_words = words[j]
            shared = first_words & second_words
            shorter = min(len(first_words), len(second_words))
            if len(shared) < MIN_SHARED or not shorter:
                continue
            share = len(shared) / shorter
            if share < MIN_SHARE_OF_SHORTER:
                continue
            pair = DuplicatePair(first, second, tuple(sorted(shared)))
            scored.append((-(len(shared) + share), i * len(words) + j, pair))
    scored.sort(key=lambda item: (item[0], item[1]))
    return [pair for _score, _order, pair in scored[:limit]]
