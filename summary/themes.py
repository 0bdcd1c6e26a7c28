"""Themes that recur across groups, found in Swedish text on this server.

"Trygg lärmiljö", "Ingen ska behöva vara rädd i skolan" and "Vuxna som ser och stoppar
kränkningar" are one theme named by three groups, though they share no word. Each factor is
read for evidence of the ideas (concepts) of summary/data/themes_sv.toml, a hand-kept lexicon
of Swedish school-improvement talk:

1. words: letters only, lower case; general Swedish stop words (stopwordsiso) and this domain's
   own are dropped; lemmas from simplemma ("tryggheten" → "trygghet");
2. compounds: a word the lexicon does not hold is split by the Hunspell dictionary (hunspell-sv,
   read with spylls) into the fewest parts it knows ("frånvarouppföljning" → frånvaro +
   uppföljning), neighbouring parts that together are a lexicon word kept together
   ("elevhälsoresurser" → elevhälsa + resurs); an unknown compound is read by the lexicon word
   it starts with ("rastvärdar" → rast);
3. evidence: a multi-word phrase of a concept ("må bra", "tro på", "vara borta", "lär av
   varandra") weighs most and takes its words from other concepts ("ta ansvar" is motivation,
   not governance); a concept's word weighs 1, a weak word (one that also turns up elsewhere:
   "vuxen", "tidig") half; one word counts once however many of its parts name the concept;
   more evidence for the same concept counts at half; a few concepts are the topic wherever
   they are named (Närvaro);
4. a factor belongs to the concept it has the most evidence for (the first named on a tie), and
   only on at least one word's worth; a factor with none stays alone.

A concept named by fewer than MIN_GROUPS groups is no theme: its factors try their next
concept. A narrower concept ("Studiero", "Elevhälsa") is a theme of its own only when it is big
enough; otherwise it joins its broader one ("Trygghet och studiero"). Factors left alone may
share a plain noun that is a theme of its own ("Matematik", "Vårdkedja": whole words people
wrote, never a compound's part, a bare verb or an adjective). A theme is titled by its concept's
curated label, or by the word people wrote. Pure: no database, no network; the expensive parts
(the dictionary, lemmas, word analyses) are loaded once per process and cached.
"""

from __future__ import annotations

import functools
import logging
import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
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
# How much the lexicon's evidence counts: a word of a concept 1, a weak word (an idea that
# also turns up elsewhere: "tidig", "regel") this much, a multi-word cue this much.
WEAK_WEIGHT = 0.5
PHRASE_WEIGHT = 1.5
# Evidence beyond the strongest piece for the same concept counts at this share.
REPEAT_WEIGHT = 0.5
# A factor belongs to a concept only on this much evidence (one word, or two weak ones).
MIN_EVIDENCE = 1.0
# A means ("resurser") that stands before one of these words, with another concept named
# after it, counts this share of itself (_discount_means).
MEANS_LINKS = frozenset({"till", "för", "på", "åt"})
MEANS_WEIGHT = 0.25
# A concept named only in a genitive counts as named this much later (after what it owns).
GENITIVE_SHIFT = 1.5
# Evidence from the LEADING_WORDS-th word on counts this share ("… i samverkan med elevhälsan",
# "… för alla elever oavsett bakgrund" trail a factor that is about something else).
LEADING_WORDS = 5
TRAILING_WEIGHT = 0.6
# What naming a concept first adds to its evidence (factor_concepts).
FIRST_BONUS = 0.5
# A phrase's words may have this many other words between them ("tro på" in "tror verkligen
# på"); more lets a phrase match across clauses ("är … i skolan" in "är välkomna in i skolan").
PHRASE_GAP = 1
# Factors that name no concept of the lexicon may share a plain word ("matematik") that is
# then a theme of its own, if the word is at least this long (short words are too general).
PLAIN_WORD_THEMES = True
# A narrower concept ("Studiero") stands beside its broader one ("Trygghet") only with at
# least this many factors; fewer join the broader theme.
SPLIT_MIN_FACTORS = 3
# A lexicon word read at the start of an unknown compound: at least this long, followed by a
# word of at least MIN_PREFIX_REST letters that Hunspell knows.
MIN_PREFIX_LENGTH = 4
# A lexicon word of at least MIN_INFLECTED_STEM letters followed by at most MAX_ENDING more is
# that word inflected ("kärnuppdrag-et", "rastvärd-arna").
MIN_INFLECTED_STEM = 6
MAX_ENDING = 4
MIN_PREFIX_REST = 3
MIN_PLAIN_WORD_LENGTH = 6
# A theme of a plain word is a thing people name ("matematik"), never a description that any
# thing can take: words with an adjective's ending ("pedagogisk", "långsiktig", "tidig",
# "hållbar", "rolig") are no theme of their own.
ADJECTIVE_ENDINGS = ("ig", "isk", "lig", "bar", "sam")

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
    concepts: dict[str, str]  # word → concept label (a cue of full weight)
    weak: dict[str, str] = field(default_factory=dict)  # word → concept label (half weight)
    # Multi-word cues: the words' base forms in order ("må", "bra") → concept label.
    phrases: tuple[tuple[tuple[str, ...], str], ...] = ()
    # Beginnings of compounds that name a concept whatever follows ("läs" in "lässtunder").
    prefixes: dict[str, str] = field(default_factory=dict)
    # Concepts that are means to other ends ("Resurser till X" is about X).
    means: frozenset[str] = frozenset()
    # A narrower concept → the broader one it is part of ("Studiero" → "Trygghet och
    # studiero"): a theme of its own only when it is big enough (find_themes).
    parents: dict[str, str] = field(default_factory=dict)
    # The broader concept's title while a narrower one stands as a theme of its own.
    split_labels: dict[str, str] = field(default_factory=dict)
    # A concept whose naming makes it the factor's topic whatever else it says ("frånvaro" in
    # "Frånvaron följs upp systematiskt"): its evidence counts this many times.
    strengths: dict[str, float] = field(default_factory=dict)

    def concept_of(self, term: str) -> str:
        label = self.concepts.get(term) or self.weak.get(term) or self.prefixes.get(term)
        return f"c:{label}" if label else f"w:{term}"

    def weight_of(self, term: str) -> float:
        if term in self.concepts or term in self.prefixes:
            return 1.0
        if term in self.weak:
            return WEAK_WEIGHT
        return 0.0

    def knows(self, term: str) -> bool:
        return term in self.concepts or term in self.weak


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
    weak: dict[str, str] = {}
    phrases: list[tuple[tuple[str, ...], str]] = []
    prefixes: dict[str, str] = {}
    means: set[str] = set()
    seen_phrases: dict[tuple[str, ...], str] = {}
    parents: dict[str, str] = {}
    split_labels: dict[str, str] = {}
    strengths: dict[str, float] = {}
    labels = {str(concept["label"]) for concept in data.get("concept", [])}
    for concept in data.get("concept", []):
        label = str(concept["label"])
        if "parent" in concept:
            if concept["parent"] not in labels:
                raise ValueError(f"{path.name}: {label!r} has no parent {concept['parent']!r}")
            parents[label] = str(concept["parent"])
        if "split_label" in concept:
            split_labels[label] = str(concept["split_label"])
        if concept.get("means"):
            means.add(label)
        if "strength" in concept:
            strengths[label] = float(concept["strength"])
        for key, target in (("words", concepts), ("weak", weak)):
            for word in concept.get(key, []):
                word = str(word).lower()
                owner = concepts.get(word) or weak.get(word)
                if owner is not None and owner != label:
                    raise ValueError(f"{path.name}: {word!r} is in both {owner!r} and {label!r}")
                target[word] = label
        for prefix in concept.get("prefixes", []):
            prefix = str(prefix).lower()
            if prefixes.get(prefix, label) != label:
                raise ValueError(
                    f"{path.name}: {prefix!r} is in both {prefixes[prefix]!r} and {label!r}"
                )
            prefixes[prefix] = label
        for phrase in concept.get("phrases", []):
            words = tuple(str(phrase).lower().split())
            if seen_phrases.get(words, label) != label:
                raise ValueError(
                    f"{path.name}: {phrase!r} is in both {seen_phrases[words]!r} and {label!r}"
                )
            seen_phrases[words] = label
            phrases.append((words, label))
    # A synonym is an idea even if the general stop list has it ("bra" is never a synonym).
    return Lexicon(
        stop_words=frozenset(stop_words - concepts.keys() - weak.keys()),
        concepts=concepts,
        weak=weak,
        # Longer phrases first: "besöker varandras lektioner" before "besöker lektioner".
        phrases=tuple(sorted(phrases, key=lambda item: -len(item[0]))),
        parents=parents,
        split_labels=split_labels,
        strengths=strengths,
        prefixes=prefixes,
        means=frozenset(means),
    )


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
    if lexicon().knows(word):
        # The lexicon's own words as written: simplemma reads some adjectives as verbs
        # ("lugn" → "lugna", "trygg" → "trygga").
        return (word,)
    base = lemma(word)
    if base in stop:
        return ()
    if dictionary() is None or lexicon().knows(base):
        return (base,)
    # An inflected lexicon word neither simplemma nor Hunspell knows ("kärnuppdraget").
    for end in range(len(word) - 1, max(MIN_INFLECTED_STEM, len(word) - MAX_ENDING) - 1, -1):
        if lexicon().knows(word[:end]):
            return (word[:end],)
    whole = sv.known_forms(word)
    known = [form for form in whole if lexicon().knows(form)]
    if known:
        return (known[0],)
    if whole:
        if base == word:
            # simplemma did not know it: Hunspell's shortest stem ("lärmiljön" → "lärmiljö").
            base = min(whole, key=len)
        if base in stop:
            return ()
        # A compound the dictionary knows whole is still read by its parts when one of them
        # is a concept ("rastvärd" → "rast"); otherwise it stays one word, as written.
        parts = _split(word)
        if any(lexicon().knows(part) for part in parts):
            return parts
        return _lexicon_prefix(word) or (base,)
    parts = _split(word)
    if any(lexicon().knows(part) for part in parts):
        return parts
    return _lexicon_prefix(word) or parts or (base,)


def _lexicon_prefix(word: str) -> tuple[str, ...]:
    """A compound neither Hunspell nor the lexicon splits, read by the concept its beginning
    names: one of the lexicon's `prefixes` ("läs" in "lässtunder"), else the longest lexicon
    word it starts with, if that word is long enough to mean it and a real word follows
    ("rastrutiner" → "rast"; "lönsam" is not "lön")."""
    lex = lexicon()
    for end in range(len(word) - MIN_PREFIX_REST, 1, -1):
        if word[:end] in lex.prefixes:
            return (word[:end],)
    for end in range(len(word) - MIN_PREFIX_REST, MIN_PREFIX_LENGTH - 1, -1):
        head = word[:end]
        if lex.knows(head) and head not in lex.stop_words and sv.known_forms(word[end:]):
            return (head,)
    return ()


def _split(word: str) -> tuple[str, ...]:
    """The lemmas of the fewest parts a compound splits into, stop words left out; two
    neighbouring parts that together are a lexicon word are kept together ("elev" + "hälsa"
    in "elevhälsoresurser" is "elevhälsa")."""
    stop = lexicon().stop_words
    lex = lexicon()
    # A part the lexicon knows as it stands is kept so ("rast", not simplemma's verb "rasta").
    parts = [part if lex.knows(part) else lemma(part) for part in sv.split_compound(word)]
    terms: list[str] = []
    index = 0
    while index < len(parts):
        term = parts[index]
        if index + 1 < len(parts):
            # With or without the linking "s" ("undervisning" + "kvalitet").
            for joined in (term + parts[index + 1], term + "s" + parts[index + 1]):
                if lex.knows(joined):
                    term = joined
                    index += 1
                    break
        index += 1
        if term not in stop and len(term) >= MIN_WORD_LENGTH and term not in terms:
            terms.append(term)
    return tuple(terms)


def text_evidence(text: str) -> tuple[tuple[str, float], ...]:
    """What one factor says, as (concept, weight) in the order the concepts first appear
    (see _evidence)."""
    return tuple((concept, weight) for concept, weight, _ in _evidence(text))


@functools.lru_cache(maxsize=20_000)
def _evidence(text: str) -> tuple[tuple[str, float, float], ...]:
    """What one factor says, as (concept, weight) in the order the concepts first appear.

    A multi-word cue of the lexicon ("må bra", "tro på", "röd tråd") weighs PHRASE_WEIGHT and
    its words count for nothing else ("ta ansvar" is motivation, not the "ansvar" of
    governance); a lexicon word (or a part of a compound) weighs 1, a weak one WEAK_WEIGHT;
    any other word is a plain idea ("w:matematik") of weight 1 that only a theme of plain
    words can use. A bare verb is no idea ("tycker", "vet")."""
    lex = lexicon()
    words = _WORD.findall(text.lower())
    bases = [_bases(word) for word in words]
    used = [False] * len(words)
    # concept → (weight, where its words start, where they end)
    pieces: dict[str, list[tuple[float, int, int]]] = {}
    genitives: set[tuple[str, int]] = set()

    def add(concept: str, weight: float, position: int, end: int | None = None) -> None:
        strength = lex.strengths.get(concept[2:], 1.0) if concept.startswith("c:") else 1.0
        last = position if end is None else end
        pieces.setdefault(concept, []).append((weight * strength, position, last))

    # Phrases may overlap ("besöker varandras lektioner" holds two): the one with more words,
    # then the tighter one (fewer words between its own), takes the words.
    candidates = []
    for phrase, label in lex.phrases:
        positions = _match_phrase(phrase, bases, used)
        if positions:
            spread = positions[-1] - positions[0] - len(positions)
            candidates.append((-len(positions), spread, positions[0], positions, label))
    candidates.sort(key=lambda item: item[:3])
    for *_, positions, label in candidates:
        if any(used[position] for position in positions):
            continue
        for position in positions:
            used[position] = True
        add(f"c:{label}", PHRASE_WEIGHT, positions[0], positions[-1])
    for position, word in enumerate(words):
        if used[position]:
            continue
        # One word is one piece of evidence: a compound whose parts both name a concept
        # ("styr" + "kedja") counts once, at the weight of its best part.
        in_word: dict[str, float] = {}
        for term in word_terms(word):
            weight = lex.weight_of(term)
            if weight:
                concept = lex.concept_of(term)
                in_word[concept] = max(in_word.get(concept, 0.0), weight)
            elif not sv.is_verb_form(word):
                in_word.setdefault(f"w:{term}", 1.0)
        for concept, weight in in_word.items():
            add(concept, weight, position)
            if _is_genitive(word) and position + 1 < len(words):
                # "Huvudmannens uppföljning" is about follow-up: a genitive is not the topic.
                genitives.add((concept, position))
    _discount_means(words, pieces)
    # More evidence for one concept counts, but less and less: a factor that names an idea
    # once is not outweighed by one that circles another idea in three words.
    scores: dict[str, float] = {}
    first: dict[str, float] = {}
    for concept, found in pieces.items():
        weights = [weight for weight, _, _ in found]
        best = max(weights)
        # Weak words add up in full (two of them make the case); beyond a word's worth,
        # more evidence counts at REPEAT_WEIGHT.
        scores[concept] = (
            sum(weights) if best < MIN_EVIDENCE else best + REPEAT_WEIGHT * (sum(weights) - best)
        )
        first[concept] = min(
            position + (GENITIVE_SHIFT if (concept, position) in genitives else 0.0)
            for _, position, _ in found
        )
    order = sorted(scores, key=lambda concept: first[concept])
    return tuple((concept, scores[concept], first[concept]) for concept in order)


def _discount_means(words: Sequence[str], pieces: dict[str, list[tuple[float, int, int]]]) -> None:
    """A means named for an end ("Resurser till tidig lässcreening", "Mer pengar till
    elevhälsan") is about the end: evidence of a `means` concept that stands right before
    "till", "för", "på" or "åt" counts MEANS_WEIGHT of itself when another concept is named,
    on at least MIN_EVIDENCE, after it."""
    lex = lexicon()
    for concept, found in pieces.items():
        if not concept.startswith("c:") or concept[2:] not in lex.means:
            continue
        for index, (weight, start, end) in enumerate(found):
            if end + 1 >= len(words) or words[end + 1] not in MEANS_LINKS:
                continue
            named_after = any(
                other != concept
                and other.startswith("c:")
                and sum(w for w, later, _ in other_found if later > end) >= MIN_EVIDENCE
                for other, other_found in pieces.items()
            )
            if named_after:
                found[index] = (weight * MEANS_WEIGHT, start, end)


def _is_genitive(word: str) -> bool:
    """A definite form in the genitive ("huvudmannens", "skolans", "elevernas")."""
    return len(word) > 5 and word.endswith(("ens", "ets", "nas", "ans"))


@functools.lru_cache(maxsize=50_000)
def _bases(word: str) -> frozenset[str]:
    """The forms a phrase may match one written word by: as written, its lemma, its stems."""
    return frozenset({word, lemma(word), *sv.known_forms(word)})


def _match_phrase(
    phrase: tuple[str, ...], bases: Sequence[frozenset[str]], used: Sequence[bool]
) -> list[int]:
    """Where a phrase's words stand in order, at most PHRASE_GAP other words apart ([] if not).
    A phrase word ending in "*" matches any word that starts with it."""
    for start in range(len(bases)):
        if used[start] or not _matches(phrase[0], bases[start]):
            continue
        positions = [start]
        for part in phrase[1:]:
            last = positions[-1]
            following = range(last + 1, min(len(bases), last + 2 + PHRASE_GAP))
            found = next((p for p in following if not used[p] and _matches(part, bases[p])), None)
            if found is None:
                break
            positions.append(found)
        if len(positions) == len(phrase):
            return positions
    return []


def _matches(part: str, forms: frozenset[str]) -> bool:
    if part.endswith("*"):
        return any(form.startswith(part[:-1]) for form in forms)
    return part in forms


def text_concepts(text: str) -> tuple[str, ...]:
    """The concepts one factor names, in the order they appear, each once."""
    return tuple(concept for concept, _ in text_evidence(text))


def factor_concepts(text: str) -> tuple[str, ...]:
    """The lexicon concepts a factor names, the best evidence first and only those with
    enough of it (MIN_EVIDENCE). The concept named first gets FIRST_BONUS on top: a Swedish
    phrase leads with what it is about ("Behöriga lärare i svenska som andraspråk" is about
    teachers); one first named in a long factor's trailing clauses (from the LEADING_WORDS-th
    word on: "… i samverkan med elevhälsan", "… för alla elever oavsett bakgrund") ranks at
    TRAILING_WEIGHT of its evidence. On a tie the first named wins."""
    named = [
        (concept, weight, position)
        for concept, weight, position in _evidence(text)
        if concept.startswith("c:") and weight >= MIN_EVIDENCE
    ]
    ranked = [
        (
            concept,
            weight * (TRAILING_WEIGHT if position >= LEADING_WORDS else 1.0)
            + (FIRST_BONUS if index == 0 else 0.0),
            index,
        )
        for index, (concept, weight, position) in enumerate(named)
    ]
    ranked.sort(key=lambda item: (-item[1], item[2]))
    # A factor whose best concept is no theme may join its next one, but not one it only
    # names in a trailing clause: that is not what it is about.
    leading = {concept for concept, _, position in named if position < LEADING_WORDS}
    return tuple(
        concept for place, (concept, _, _) in enumerate(ranked) if place == 0 or concept in leading
    )


@functools.lru_cache(maxsize=20_000)
def plain_words(text: str) -> tuple[str, ...]:
    """The plain (non-lexicon) ideas of a factor, what a theme of a shared word may use: each
    word's parts the lexicon does not know, and a compound as a whole ("vårdkedja" as well as
    "vård"). Never a bare verb."""
    lex = lexicon()
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        terms = word_terms(word)
        if not terms or sv.is_verb_form(word):
            continue
        plain = [term for term in terms if not lex.weight_of(term)]
        if len(plain) != 1 or plain[0] != terms[0] or len(terms) > 1:
            whole = whole_word(word)
            if whole not in lex.stop_words and not lex.knows(whole) and whole not in plain:
                plain.append(whole)
        for term in plain:
            if f"w:{term}" not in found:
                found.append(f"w:{term}")
    return tuple(found)


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
            if term in word_terms(word) or whole_word(word) == term:
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
    same factors give the same themes in the same order.

    A factor goes to the lexicon concept it gives the most evidence for (factor_concepts); a
    concept that fewer than `min_groups` groups name is no theme, and its factors try their
    next concept. Factors that name no concept may still share a plain word that is a theme
    of its own (a subject: "matematik"), if PLAIN_WORD_THEMES; otherwise they stay alone."""
    factors = list(factors)
    group_names: dict[str, str] = {}
    for factor in factors:
        group_names.setdefault(factor.group, factor.group_name)
    group_order = {group: index for index, group in enumerate(group_names)}

    ranked = [factor_concepts(factor.text) for factor in factors]
    parents = {f"c:{child}": f"c:{parent}" for child, parent in lexicon().parents.items()}

    def groups_of(indexes: Iterable[int]) -> set[str]:
        return {factors[index].group for index in indexes}

    dropped: set[str] = set()
    merged: dict[str, str] = {}  # a narrower concept → the broader one that takes its factors
    while True:
        members: dict[str, list[int]] = {}
        for index, concepts in enumerate(ranked):
            named = [merged.get(concept, concept) for concept in concepts]
            named = [concept for concept in named if concept not in dropped]
            if named:
                members.setdefault(named[0], []).append(index)
        # A narrower concept is a theme of its own only if it is big enough and leaves the
        # broader one a theme too ("Studiero" beside "Trygghet"); else it joins the broader.
        small_parts = {
            child: parent
            for child, parent in parents.items()
            if child in members
            and child not in merged
            and (
                len(members[child]) < SPLIT_MIN_FACTORS
                or len(groups_of(members[child])) < min_groups
                or 0 < len(groups_of(members.get(parent, []))) < min_groups
            )
        }
        if small_parts:
            merged.update(small_parts)
            continue
        too_small = {
            concept for concept, indexes in members.items() if len(groups_of(indexes)) < min_groups
        }
        if not too_small:
            break
        dropped |= too_small
    split = {parents[child] for child in members if child in parents}
    if PLAIN_WORD_THEMES:
        placed = {index for indexes in members.values() for index in indexes}
        alone = [index for index in range(len(factors)) if index not in placed]
        members.update(_plain_word_themes(factors, alone, min_groups))

    themes: list[FoundTheme] = []
    for concept, indexes in members.items():
        theme_factors = tuple(factors[index] for index in sorted(indexes))
        groups = sorted({factor.group for factor in theme_factors}, key=group_order.__getitem__)
        themes.append(
            FoundTheme(
                concept=concept,
                label=(lexicon().split_labels.get(concept[2:], "") if concept in split else "")
                or theme_label(concept, theme_factors),
                factors=theme_factors,
                groups=tuple(groups),
                group_names=tuple(group_names[group] for group in groups),
            )
        )
    themes.sort(key=lambda theme: (-len(theme.groups), -len(theme.factors), theme.label))
    return themes


def _plain_word_themes(
    factors: Sequence[Factor], alone: Sequence[int], min_groups: int
) -> dict[str, list[int]]:
    """Greedy cover of the factors no concept took, by the plain word the most groups share,
    until no word is shared by `min_groups` groups."""
    by_word: dict[str, list[int]] = {}
    for index in alone:
        for word in plain_words(factors[index].text):
            if len(word) - 2 >= MIN_PLAIN_WORD_LENGTH and not word.endswith(ADJECTIVE_ENDINGS):
                by_word.setdefault(word, []).append(index)
    covered: set[int] = set()
    chosen: dict[str, list[int]] = {}
    while True:
        best: tuple[tuple[int, int, str], str, list[int]] | None = None
        for word, indexes in by_word.items():
            if word in chosen:
                continue
            free = [index for index in indexes if index not in covered]
            groups = {factors[index].group for index in free}
            if len(groups) < min_groups:
                continue
            # Most groups, then most factors; the word last so ties never depend on dict order.
            score = (len(groups), len(free), _reverse(word))
            if best is None or score > best[0]:
                best = (score, word, free)
        if best is None:
            return chosen
        covered.update(best[2])
        chosen[best[1]] = best[2]


def _reverse(text: str) -> str:
    # max() over names would prefer "ö" to "a"; invert so ties go alphabetically.
    return "".join(chr(0x10FFFF - ord(character)) for character in text)


def warm_up() -> None:
    """Load the dictionary, lemmas and lexicon now (for a benchmark or a worker's start)."""
    lexicon()
    sv.warm_up()
    text_concepts("Trygg lärmiljö")
