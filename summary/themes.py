"""Themes that recur across groups, found in Swedish text on this server.

"Trygg lärmiljö", "Skapa trygghet i klassrummet" and "Tryggare skolgårdar och raster" are one
theme named by three groups. Each factor is reduced to the ideas (concepts) it names:

1. words: letters only, lower case; general Swedish stop words (stopwordsiso) and this domain's
   own (summary/data/themes_sv.toml) are dropped;
2. lemmas: simplemma ("tryggheten" → "trygghet", "raster" → "rast");
3. compounds: a word the Hunspell dictionary (hunspell-sv, read with spylls) does not know
   whole is split into the fewest parts it does know ("undervisningskvalitet" → undervisning +
   kvalitet), each part lemmatised; a word it knows whole stays whole;
4. near-synonyms: the hand-kept lexicon in summary/data/themes_sv.toml maps words to one
   concept (trygg/trygghet/studiero, samverkan/samarbete, ledarskap/rektor …); any other word
   is a concept of its own.

Then, greedily, the concept named by the most groups becomes a theme with every factor not
yet placed that names it, until no concept is left that two groups share. A factor is in at
most one theme. Pure: no database, no network; the expensive parts (the dictionary, lemmas,
word analyses) are loaded once per process and cached.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from swedish import text as sv

logger = logging.getLogger(__name__)

LANGUAGE = "sv"
LEXICON_PATH = Path(__file__).resolve().parent / "data" / "themes_sv.toml"
DICTIONARY_NAME = "sv_SE"
# A theme is something that *recurs*: named by at least this many different groups.
MIN_GROUPS = 2
# Words shorter than this are never ideas of their own ("i", "på" are stop words anyway).
MIN_WORD_LENGTH = 2
# Hunspell's compound search can branch a lot on long words; the fewest-parts reading is
# among the first few it yields, so the search stops after this many readings.
MAX_COMPOUND_READINGS = 40

_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Factor:
    """One group's success factor: `group` is a stable key (a group's pk as text, or an
    export's "g3"), `position` its place in the group's list."""

    group: str
    group_name: str
    position: int
    text: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.group, self.position)


@dataclass(frozen=True)
class FoundTheme:
    """A theme as the finder sees it. `concept` is the idea it was found on ("c:Samverkan" for
    a lexicon concept, "w:läsförståelse" for a plain word): stable across runs for the same
    texts."""

    concept: str
    label: str
    factors: tuple[Factor, ...]
    groups: tuple[str, ...]
    group_names: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    stop_words: frozenset[str]
    concepts: dict[str, str]  # word → concept label

    def concept_of(self, term: str) -> str:
        label = self.concepts.get(term)
        return f"c:{label}" if label else f"w:{term}"


# --- Loading the data (once per process) ------------------------------------------------


@functools.cache
def lexicon() -> Lexicon:
    return _read_lexicon(LEXICON_PATH)


def _read_lexicon(path: Path) -> Lexicon:
    with path.open("rb") as file:
        data: dict[str, Any] = tomllib.load(file)
    stop_words = set(sv.stop_words())
    stop = data.get("stop", {})
    stop_words.update(
        str(word).lower() for word in [*stop.get("words", []), *stop.get("general", [])]
    )
    concepts: dict[str, str] = {}
    for concept in data.get("concept", []):
        label = str(concept["label"])
        for word in concept["words"]:
            word = str(word).lower()
            if word in concepts and concepts[word] != label:
                raise ValueError(
                    f"{path.name}: {word!r} is in both {concepts[word]!r} and {label!r}"
                )
            concepts[word] = label
    # A synonym is an idea even if the general stop list has it ("bra" is never a synonym).
    return Lexicon(stop_words=frozenset(stop_words - concepts.keys()), concepts=concepts)


# --- Words → ideas -----------------------------------------------------------------------


def lemma(word: str) -> str:
    return sv.lemma(word)


def dictionary() -> Any:
    """The Swedish Hunspell dictionary (swedish/text.py), loaded once per process."""
    return sv.dictionary()


@functools.lru_cache(maxsize=50_000)
def whole_word(word: str) -> str:
    """The base form of a whole lower-case word as people wrote it: simplemma's lemma, or
    Hunspell's shortest stem when simplemma does not know the word ("styrkedjan" →
    "styrkedja"). What a label made from a plain word shows (never one part of it)."""
    base = lemma(word)
    if base == word:
        forms = sv.known_forms(word)
        if forms:
            base = min(forms, key=len)
    return base


@functools.lru_cache(maxsize=50_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The ideas in one lower-case word: () for a stop word, its lemma for a word the
    dictionary knows whole, else the lemmas of the fewest known parts it splits into."""
    stop = lexicon().stop_words
    if len(word) < MIN_WORD_LENGTH or word in stop:
        return ()
    if word in lexicon().concepts:
        # The lexicon's own words as written: simplemma reads some adjectives as verbs
        # ("lugn" → "lugna", "trygg" → "trygga").
        return (word,)
    base = lemma(word)
    if base in stop:
        return ()
    if dictionary() is None or base in lexicon().concepts:
        return (base,)
    whole = sv.known_forms(word)
    if whole:
        if base == word:
            # simplemma did not know it: Hunspell's shortest stem ("lärmiljön" → "lärmiljö").
            base = min(whole, key=len)
        return () if base in stop else (base,)
    return _split(word) or (base,)


def _split(word: str) -> tuple[str, ...]:
    stop = lexicon().stop_words
    terms: list[str] = []
    for part in sv.split_compound(word):
        term = lemma(part)
        if term not in stop and len(term) >= MIN_WORD_LENGTH and term not in terms:
            terms.append(term)
    return tuple(terms)


@functools.lru_cache(maxsize=20_000)
def text_concepts(text: str) -> tuple[str, ...]:
    """The concepts one factor names, in the order they appear, each once."""
    lex = lexicon()
    concepts: list[str] = []
    for word in _WORD.findall(text.lower()):
        for term in word_terms(word):
            concept = lex.concept_of(term)
            if concept.startswith("w:") and sv.is_verb_form(word):
                continue  # a bare verb ("tycker", "vet") is no theme and no theme's name
            if concept not in concepts:
                concepts.append(concept)
    return tuple(concepts)


def theme_label(concept: str, factors: Sequence[Factor]) -> str:
    """What an editor would title the theme: a lexicon concept's curated label, else the
    whole word people wrote most often that holds the idea, in its base form ("Styrkedja"
    for the idea "kedja" found in "styrkedjan": never a compound's part alone)."""
    kind, _, term = concept.partition(":")
    if kind == "c":
        return term
    written: Counter[str] = Counter()
    for factor in factors:
        for word in _WORD.findall(factor.text.lower()):
            if term in word_terms(word):
                written[whole_word(word)] += 1
    if not written:
        return concept_label(concept)
    # Most often written; between equals the shortest (the plainest form), then alphabetical.
    best = min(written, key=lambda word: (-written[word], len(word), word))
    return best[:1].upper() + best[1:]


def concept_label(concept: str) -> str:
    """A lexicon concept's label as written; a plain word capitalised ("Läsförståelse")."""
    kind, _, name = concept.partition(":")
    if kind == "c":
        return name
    return name[:1].upper() + name[1:]


# --- Factors → themes --------------------------------------------------------------------


def find_themes(factors: Iterable[Factor], *, min_groups: int = MIN_GROUPS) -> list[FoundTheme]:
    """Themes named by at least `min_groups` groups, most groups first. Deterministic: the
    same factors give the same themes in the same order."""
    factors = list(factors)
    group_names: dict[str, str] = {}
    for factor in factors:
        group_names.setdefault(factor.group, factor.group_name)
    group_order = {group: index for index, group in enumerate(group_names)}

    by_concept: dict[str, list[int]] = {}
    for index, factor in enumerate(factors):
        for concept in text_concepts(factor.text):
            by_concept.setdefault(concept, []).append(index)

    chosen = _choose_concepts(factors, by_concept, min_groups)
    # Each factor goes to the chosen concept it names first: Swedish phrases lead with what
    # they are about ("Rektorer med mandat och stöd" is about leadership). A theme left with
    # too few groups by that is dropped and its factors go to their next concept.
    while True:
        members: dict[str, list[int]] = {concept: [] for concept in chosen}
        for index, factor in enumerate(factors):
            named = [concept for concept in text_concepts(factor.text) if concept in members]
            if named:
                members[named[0]].append(index)
        too_small = [
            concept
            for concept, indexes in members.items()
            if len({factors[index].group for index in indexes}) < min_groups
        ]
        if not too_small:
            break
        chosen = [concept for concept in chosen if concept not in too_small]

    themes: list[FoundTheme] = []
    for concept in chosen:
        theme_factors = tuple(factors[index] for index in members[concept])
        groups = sorted({factor.group for factor in theme_factors}, key=group_order.__getitem__)
        themes.append(
            FoundTheme(
                concept=concept,
                label=theme_label(concept, theme_factors),
                factors=theme_factors,
                groups=tuple(groups),
                group_names=tuple(group_names[group] for group in groups),
            )
        )
    themes.sort(key=lambda theme: (-len(theme.groups), -len(theme.factors), theme.label))
    return themes


def _choose_concepts(
    factors: Sequence[Factor], by_concept: dict[str, list[int]], min_groups: int
) -> list[str]:
    """Greedy cover: the concept named by the most groups among factors not yet covered,
    until no concept is shared by `min_groups` groups."""
    covered: set[int] = set()
    chosen: list[str] = []
    while True:
        best: tuple[tuple[int, int, bool, str], str, list[int]] | None = None
        for concept, indexes in by_concept.items():
            if concept in chosen:
                continue
            free = [index for index in indexes if index not in covered]
            groups = {factors[index].group for index in free}
            if len(groups) < min_groups:
                continue
            # Most groups, then most factors, then a lexicon concept over a plain word;
            # the concept's name last so ties never depend on dict order.
            score = (len(groups), len(free), concept.startswith("c:"), _reverse(concept))
            if best is None or score > best[0]:
                best = (score, concept, free)
        if best is None:
            return chosen
        covered.update(best[2])
        chosen.append(best[1])


def _reverse(text: str) -> str:
    # max() over names would prefer "ö" to "a"; invert so ties go alphabetically.
    return "".join(chr(0x10FFFF - ord(character)) for character in text)


def warm_up() -> None:
    """Load the dictionary, lemmas and lexicon now (for a benchmark or a worker's start)."""
    lexicon()
    sv.warm_up()
    text_concepts("Trygg lärmiljö")
