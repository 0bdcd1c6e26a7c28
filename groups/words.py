"""Reflection words: fold Swedish case and inflection, rank, and lay out a stable word cloud.

Pure functions, no database. "Trygghet", "trygghet" and "tryggheten" are one word here: the key is
the lemma of every token (swedish/text.py, the module the theme finder shares), not hand-written suffix rules. What the
room sees is the form people actually wrote most often. The dictionary loads on the first word
(about a second, ~15 MB), not at import.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from swedish import text

# Size classes of the cloud, smallest to largest (CSS classes word-size-1 … word-size-6).
SMALLEST_SIZE, LARGEST_SIZE = 1, 6
# How many words a projector can show legibly at once.
DEFAULT_MAX_WORDS = 40
_SPACE = re.compile(r"\s+")
# Swedish alphabetical order puts å, ä, ö after z (in that order); Python's code points would put
# ä before å. Characters past "z" keep that order; the Nordic variants sort with their Swedish twin.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


@dataclass(frozen=True, slots=True)
class RankedWord:
    key: str  # the folded form: lemmas, lower case, single spaces
    text: str  # what to show: the most common form people wrote
    count: int  # how many entries folded to this key
    first_seen: int  # index of the first entry with this key (the word's place in the cloud)


@dataclass(frozen=True, slots=True)
class CloudWord:
    key: str
    text: str
    count: int
    size: int  # SMALLEST_SIZE … LARGEST_SIZE, from the count alone


def clean(word_or_phrase: str) -> str:
    """The entry as typed, tidied for display: composed Unicode, single spaces, no edge punctuation."""
    text = unicodedata.normalize("NFC", word_or_phrase)
    text = _SPACE.sub(" ", text).strip()
    # Drop quotes, full stops, exclamation marks and the like around the words, keep inner ones
    # ("IT-stöd", "och/eller").
    start, end = 0, len(text)
    while start < end and not _is_word_character(text[start]):
        start += 1
    while end > start and not _is_word_character(text[end - 1]):
        end -= 1
    return text[start:end]


def fold(word_or_phrase: str) -> str:
    """The key that counts inflected and differently cased forms as one word ("" if no word):
    the shared Swedish folding (swedish/text.py)."""
    return text.fold(word_or_phrase)


def rank(entries: Iterable[str]) -> list[RankedWord]:
    """Count entries by their folded key, most frequent first, then alphabetically (Swedish).

    Entries with no letters or digits are left out.
    """
    counts: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    forms: dict[str, Counter[str]] = {}
    for index, entry in enumerate(entries):
        key = fold(entry)
        if not key:
            continue
        form = clean(entry)
        counts[key] += 1
        first_seen.setdefault(key, index)
        forms.setdefault(key, Counter())[form] += 1

    ranked = [
        RankedWord(
            key=key,
            # The most common spelling; between equally common ones the earliest, so a word
            # does not change its face every time someone types the other spelling.
            # (most_common keeps the order first encountered among equal counts).
            text=forms[key].most_common(1)[0][0],
            count=count,
            first_seen=first_seen[key],
        )
        for key, count in counts.items()
    ]
    ranked.sort(key=lambda word: (-word.count, swedish_sort_key(word.text), word.key))
    return ranked


def size_class(count: int) -> int:
    """The cloud size for a word said `count` times: 1, 2, 3–4, 5–8, 9–16, 17 or more.

    It depends on the word's own count only, so a word never shrinks or jumps because other words
    arrived; doubling the count moves a word up one size.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    return min(LARGEST_SIZE, SMALLEST_SIZE + (count - 1).bit_length())


def cloud_layout(
    ranked: Sequence[RankedWord], max_words: int = DEFAULT_MAX_WORDS
) -> list[CloudWord]:
    """The words to draw, in the order to draw them, with their size classes.

    The `max_words` most frequent words are shown (on a tie the earlier word stays, so a new word
    does not push out one already on the screen), placed in the order they first appeared: a new
    word is added at the end and the words already on the screen keep their places.
    """
    if max_words < 1:
        raise ValueError("max_words must be at least 1")
    shown = sorted(ranked, key=lambda word: (-word.count, word.first_seen))[:max_words]
    shown.sort(key=lambda word: word.first_seen)
    return [
        CloudWord(key=word.key, text=word.text, count=word.count, size=size_class(word.count))
        for word in shown
    ]


def swedish_sort_key(text: str) -> tuple[str, str]:
    """Alphabetical order as a Swedish reader expects it (… x, y, z, å, ä, ö), case ignored."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return folded.translate(_SWEDISH_ORDER), text


def _is_word_character(character: str) -> bool:
    return character.isalnum()
