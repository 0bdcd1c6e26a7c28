"""Swedish words: lemmas (simplemma), folding, stop words (stopwordsiso) and compound
splitting (the hunspell-sv dictionary, read with spylls).

- `lemma("tryggheten")` → "trygghet": the dictionary form, for display and for ideas.
- `fold("Tryggheten!")` → "trygghet": the key that counts case and inflection as one word
  (the reflection's cloud), compounds the lemma list lacks looked up greedily.
- `stop_words()`: general Swedish stop words (~400).
- `known_forms(word)` and `split_compound(word)`: whether Hunspell knows a word whole (its
  stems), else the fewest known parts it splits into ("undervisningskvalitet" → undervisning
  + kvalitet). A word known whole is never split.

Loading: simplemma's data on the first word (~1 s); Hunspell on `dictionary()` (≈5 s and
≈200 MB in Python) — call `warm_up()` ahead (a worker's start, or when an agenda gets a
phase that needs it), never first in a request's path.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import re
import sys
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import simplemma
import stopwordsiso

logger = logging.getLogger(__name__)

LANGUAGE = "sv"
DICTIONARY_NAME = "sv_SE"
# Hunspell's compound search can branch a lot on long words; the fewest-parts reading is
# among the first few it yields, so the search stops after this many readings.
MAX_COMPOUND_READINGS = 40
_MAX_LEMMA_STEPS = 4
# Greedy lookup of a word the dictionary lacks tries its splits: ~0.3–1 ms for most new words,
# ~15 ms for some, ~40 ms for a 90-letter one. Longer tokens than this are looked up whole only.
_GREEDY_MAX_LENGTH = 32

# Letters and digits; anything else (spaces, punctuation, hyphens, emoji) separates tokens.
TOKEN = re.compile(r"[^\W_]+")
# Letters only (no digits): the words a phrase is about.
WORD = re.compile(r"[^\W\d_]+")


@functools.cache
def stop_words() -> frozenset[str]:
    return frozenset(str(word).lower() for word in stopwordsiso.stopwords(LANGUAGE))


@functools.lru_cache(maxsize=50_000)
def lemma(word: str) -> str:
    """simplemma's dictionary form of one word, lower case (no greedy splitting)."""
    return str(simplemma.lemmatize(word, lang=LANGUAGE)).lower()


@functools.lru_cache(maxsize=50_000)
def fold_token(token: str) -> str:
    """The folded form of one lower-case token, for counting words as one.

    Greedy lookup splits compounds the dictionary does not hold whole ("elevhälsoteamet" →
    "elevhälsoteam"). The lookup is repeated until it settles, because one step can stop
    halfway ("lärandet" → "lärande" → "lära"). Tokens of one or two characters are kept as they
    are: here they are abbreviations (IT, AI, NO, SO) that the dictionary reads as something
    else ("it" → "se").
    """
    if len(token) < 3:
        return token
    seen = [token]
    while len(seen) <= _MAX_LEMMA_STEPS:
        # low_memory: the full Swedish dictionary costs ~100 MB per process, the compact one
        # ~15 MB and tens of µs per word the first time (hence the cache).
        greedy = len(seen[-1]) <= _GREEDY_MAX_LENGTH
        found = simplemma.lemmatize(seen[-1], lang=LANGUAGE, greedy=greedy, low_memory=True)
        found = found.casefold()  # a dictionary lemma may be capitalised ("no" → "No")
        if found in seen:
            # Settled (or going round in a circle: pick one member of it, always the same one).
            return min(seen[seen.index(found) :])
        seen.append(found)
    return seen[-1]


def fold(text: str) -> str:
    """The key that counts inflected and differently cased forms as one ("" if no word)."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return " ".join(fold_token(token) for token in TOKEN.findall(folded))


def is_verb_form(word: str) -> bool:
    """Whether a lower-case word is an inflected verb by its lemma: the lemma is an
    infinitive in -a and the word its present or past tense or supine ("tycker" → "tycka",
    "pratar" → "prata", "visste"/"vet" aside). Nouns of the -a declension ("skolor" →
    "skola") do not match. The infinitive itself is not told from such a noun."""
    base = lemma(word)
    if base == word or not base.endswith("a") or len(base) < 3:
        return False
    stem = base[:-1]
    return word in {base + "r", stem + "er", stem + "de", stem + "te", base + "de", base + "t"}


# --- Hunspell: words known whole, and compounds ------------------------------------------


def _dictionary_base() -> Path | None:
    """Where pip put hunspell-sv's sv_SE.dic/.aff (it installs them as data files under the
    environment's share/hunspell, not as an importable package)."""
    try:
        files = importlib.metadata.files("hunspell-sv") or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name == f"{DICTIONARY_NAME}.dic":
            located = Path(str(file.locate())).resolve()
            if located.with_suffix(".aff").exists():
                return located.with_suffix("")
    for folder in (Path(sys.prefix) / "share" / "hunspell", Path("/usr/share/hunspell")):
        if (folder / f"{DICTIONARY_NAME}.dic").exists():
            return folder / DICTIONARY_NAME
    return None


_dictionary_lock = threading.Lock()
_dictionary_cache: list[Any] = []


def dictionary() -> Any:
    """The Swedish Hunspell dictionary, read once per process (≈5 s and ≈200 MB: spylls
    parses ~280,000 entries in Python). None when hunspell-sv is missing: compounds then stay
    whole, and the log says why."""
    if _dictionary_cache:
        return _dictionary_cache[0]
    with _dictionary_lock:
        if not _dictionary_cache:
            from spylls.hunspell import Dictionary

            base = _dictionary_base()
            if base is None:
                logger.warning("hunspell-sv is not installed: Swedish compounds are not split.")
                _dictionary_cache.append(None)
            else:
                _dictionary_cache.append(Dictionary.from_files(str(base)))
    return _dictionary_cache[0]


def dictionary_loaded() -> bool:
    return bool(_dictionary_cache)


def _stems(forms: Iterable[Any]) -> list[str]:
    return [str(form.stem).lower() for form in forms if getattr(form, "stem", None)]


@functools.lru_cache(maxsize=50_000)
def known_forms(word: str) -> tuple[str, ...]:
    """The stems Hunspell gives a lower-case word it knows whole; () if it does not know it
    whole (or there is no dictionary)."""
    hunspell = dictionary()
    if hunspell is None:
        return ()
    from spylls.hunspell.algo.capitalization import Type

    return tuple(_stems(hunspell.lookuper.affix_forms(word, captype=Type.NO)))


@functools.lru_cache(maxsize=50_000)
def split_compound(word: str) -> tuple[str, ...]:
    """The fewest parts Hunspell splits a lower-case word into, each as its stem ("" parts
    left out); () when it cannot split it or there is no dictionary."""
    hunspell = dictionary()
    if hunspell is None:
        return ()
    from spylls.hunspell.algo.capitalization import Type

    fewest: Sequence[Any] | None = None
    for count, compound in enumerate(hunspell.lookuper.compound_forms(word, captype=Type.NO)):
        if fewest is None or len(compound.parts) < len(fewest):
            fewest = compound.parts
        if count >= MAX_COMPOUND_READINGS or len(fewest) == 2:
            break
    if not fewest:
        return ()
    return tuple((_stems([part]) or [str(part.text).lower()])[0] for part in fewest)


def warm_up() -> None:
    """Load every dictionary now (a worker's start, a benchmark), not in a request's path."""
    stop_words()
    dictionary()
    lemma("tryggheten")
    fold("tryggheten")
    split_compound("undervisningskvalitet")
