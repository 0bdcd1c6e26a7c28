"""Reflection words: fold Swedish case and inflection, rank, and lay out a stable word cloud.

Pure functions, no database. "Trygghet", "trygghet" and "tryggheten" are one word here: the key is
the lemma of every token (simplemma's Swedish dictionary), not hand-written suffix rules. What the
room sees is the form people actually wrote most often. The dictionary loads on the first word
(about a second, ~15 MB), not at import.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import simplemma

LANGUAGE = "sv"
# Size classes of the cloud, smallest to largest (CSS classes word-size-1 … word-size-6).
SMALLEST_SIZE, LARGEST_SIZE = 1, 6
# How many words a projector can show legibly at once.
DEFAULT_MAX_WORDS = 40
_MAX_LEMMA_STEPS = 4
# Greedy lookup of a word the dictionary lacks tries its splits: ~0.3–1 ms for most new words,
# ~15 ms for some, ~40 ms for a 90-letter one. Longer tokens than this are looked up whole only.
_GREEDY_MAX_LENGTH = 32

# Letters and digits; anything else (spaces, punctuation, hyphens, emoji) separates tokens.
_TOKEN = re.compile(r"[^\W_]+")
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
    """The key that counts inflected and differently cased forms as one word ("" if no word)."""
    text = unicodedata.normalize("NFC", word_or_phrase).casefold()
    return " ".join(_lemma(token) for token in _TOKEN.findall(text))


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


@functools.lru_cache(maxsize=50_000)
def _lemma(token: str) -> str:
    """The dictionary form of one lower-case token.

    Greedy lookup splits compounds the dictionary does not hold whole ("elevhälsoteamet" →
    "elevhälsoteam"). The lookup is repeated until it settles, because one step can stop halfway
    ("lärandet" → "lärande" → "lära", while "lärande" gives "lära" at once). Tokens of one or two
    characters are kept as they are: here they are abbreviations (IT, AI, NO, SO) that the
    dictionary reads as something else ("it" → "se").
    """
    if len(token) < 3:
        return token
    seen = [token]
    while len(seen) <= _MAX_LEMMA_STEPS:
        # low_memory: the full Swedish dictionary costs ~100 MB per process, the compact one
        # ~15 MB and tens of µs per word the first time (hence the cache).
        greedy = len(seen[-1]) <= _GREEDY_MAX_LENGTH
        lemma = simplemma.lemmatize(seen[-1], lang=LANGUAGE, greedy=greedy, low_memory=True)
        lemma = lemma.casefold()  # a dictionary lemma may be capitalised ("no" → "No")
        if lemma in seen:
            # Settled (or going round in a circle: pick one member of it, always the same one).
            return min(seen[seen.index(lemma) :])
        seen.append(lemma)
    return seen[-1]


def _is_word_character(character: str) -> bool:
    return character.isalnum()
