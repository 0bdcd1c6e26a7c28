"""Reflection words: folding Swedish case and inflection, ranking, and a cloud that stays put."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.words import (
    LARGEST_SIZE,
    SMALLEST_SIZE,
    CloudWord,
    RankedWord,
    clean,
    cloud_layout,
    fold,
    rank,
    size_class,
    swedish_sort_key,
)

PROPERTY = settings(max_examples=200, deadline=None)

# Real reflection words in several forms, and random Swedish-looking text with punctuation.
VOCABULARY = [
    "trygghet",
    "Trygghet",
    "tryggheten",
    "TRYGGHETEN!",
    "samarbete",
    "Samarbetet",
    " samarbeten ",
    "goda relationer",
    "Goda  relationerna.",
    "lärande",
    "Lärandet",
    "elevhälsoteamet",
    "Elevhälsoteam",
    "tydlighet",
    "Höga förväntningar",
    "höga förväntningarna",
    "IT-stöd",
    "studiero",
    "Studieron",
    "...",
    "",
]
swedish_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäöABCÅÄÖ  .,!?-'\"", max_size=25)
entries_strategy = st.lists(st.one_of(st.sampled_from(VOCABULARY), swedish_text), max_size=40)


# --- fold -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms", "key"),
    [
        (["trygghet", "Trygghet", "tryggheten", "TRYGGHETEN", "  Tryggheten! "], "trygghet"),
        (["samarbete", "samarbetet", "Samarbeten", '"Samarbete"'], "samarbete"),
        (["goda relationer", "Goda   relationerna.", "god relation"], "god relation"),
        (["lärande", "lärandet"], "lära"),  # one lookup alone would leave "lärande"
        (["elevhälsoteamet", "Elevhälsoteam"], "elevhälsoteam"),  # compound the dictionary lacks
        (["Höga förväntningar", "höga förväntningarna"], "hög förväntning"),
        (["eleverna", "elevernas", "Elever"], "elev"),
    ],
)
def test_fold_counts_case_and_inflection_as_one(forms: list[str], key: str) -> None:
    assert {fold(form) for form in forms} == {key}


def test_fold_keeps_short_abbreviations_and_separates_words() -> None:
    assert fold("IT-stöd") == "it stöd"  # the dictionary would read "it" as a form of "se"
    assert fold("NO") == "no"
    assert fold("trygghet,samarbete") == "trygghet samarbete"


@pytest.mark.parametrize("entry", ["", "   ", "...", "!?", "👍", "-"])
def test_fold_of_no_word_is_empty(entry: str) -> None:
    assert fold(entry) == ""


def test_fold_composes_unicode() -> None:
    # "å" typed as a + combining ring (some phone keyboards) is the same letter.
    assert fold("va\u030ardnadshavare") == fold("vårdnadshavare")


@PROPERTY
@given(text=swedish_text)
def test_fold_ignores_case(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(text)


@PROPERTY
@given(text=swedish_text)
def test_fold_ignores_spacing_and_edge_punctuation(text: str) -> None:
    assert fold(f"  {text}!  ") == fold(text)
    assert fold(text.replace(" ", "   ")) == fold(text)
    assert fold(clean(text)) == fold(text)


def test_clean_tidies_for_display_but_keeps_the_spelling() -> None:
    assert clean('  "Goda   Relationer!"  ') == "Goda Relationer"
    assert clean("IT-stöd.") == "IT-stöd"


# --- rank -----------------------------------------------------------------------------------------


def test_rank_shows_the_most_common_form_with_the_group_count() -> None:
    ranked = rank(
        ["tryggheten", "Trygghet", "trygghet", "Trygghet", "samarbete", "Samarbetet!", "mod"]
    )
    assert ranked == [
        RankedWord(key="trygghet", text="Trygghet", count=4, first_seen=0),
        RankedWord(key="samarbete", text="samarbete", count=2, first_seen=4),
        RankedWord(key="mod", text="mod", count=1, first_seen=6),
    ]


def test_rank_breaks_a_tie_between_forms_by_the_earliest() -> None:
    assert rank(["Tryggheten", "trygghet"])[0].text == "Tryggheten"
    assert rank(["trygghet", "Tryggheten"])[0].text == "trygghet"


def test_rank_orders_equal_counts_alphabetically_the_swedish_way() -> None:
    ranked = rank(["ömsesidighet", "ärlighet", "åtaganden", "Zoner", "ansvar", "Mod"])
    assert [word.text for word in ranked] == [
        "ansvar",
        "Mod",
        "Zoner",
        "åtaganden",
        "ärlighet",
        "ömsesidighet",
    ]


def test_rank_leaves_out_entries_without_words() -> None:
    assert rank(["", "  ", "!!", "tillit"]) == [
        RankedWord(key="tillit", text="tillit", count=1, first_seen=3)
    ]
    assert rank([]) == []


@PROPERTY
@given(entries=entries_strategy)
def test_rank_counts_every_entry_once(entries: list[str]) -> None:
    ranked = rank(entries)
    assert sum(word.count for word in ranked) == sum(1 for entry in entries if fold(entry))
    assert len({word.key for word in ranked}) == len(ranked)
    for word in ranked:
        assert word.count == sum(1 for entry in entries if fold(entry) == word.key)
        assert fold(entries[word.first_seen]) == word.key
        assert all(fold(entry) != word.key for entry in entries[: word.first_seen])
        # The display form is one of the forms written for this word, the most common one.
        forms = Counter(clean(entry) for entry in entries if fold(entry) == word.key)
        assert forms[word.text] == max(forms.values())


@PROPERTY
@given(entries=entries_strategy)
def test_rank_is_ordered_by_count_then_alphabetically(entries: list[str]) -> None:
    ranked = rank(entries)
    keys = [(-word.count, swedish_sort_key(word.text)) for word in ranked]
    assert keys == sorted(keys)
    assert rank(entries) == ranked  # and the same every time


@PROPERTY
@given(entries=entries_strategy, data=st.data())
def test_rank_ignores_case(entries: list[str], data: st.DataObject) -> None:
    recased = [
        data.draw(st.sampled_from([entry, entry.upper(), entry.lower(), entry.title()]))
        for entry in entries
    ]

    def summary(words: list[RankedWord]) -> list[tuple[str, int, int]]:
        return [(word.key, word.count, word.first_seen) for word in words]

    assert summary(rank(recased)) == summary(rank(entries))


@PROPERTY
@given(entries=entries_strategy, data=st.data())
def test_rank_counts_do_not_depend_on_arrival_order(
    entries: list[str], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(entries))
    assert sorted((w.key, w.count) for w in rank(shuffled)) == sorted(
        (w.key, w.count) for w in rank(entries)
    )


# --- size classes and the cloud ---------------------------------------------------------------------


def test_size_classes_double_per_step() -> None:
    assert [size_class(count) for count in [1, 2, 3, 4, 5, 8, 9, 16, 17, 500]] == [
        1,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
        6,
        6,
    ]
    with pytest.raises(ValueError):
        size_class(0)


def test_cloud_places_words_by_first_appearance_and_sizes_by_count() -> None:
    entries = ["mod", "trygghet", "Samarbete", "tryggheten", "trygghet", "samarbetet", "tillit"]
    assert cloud_layout(rank(entries)) == [
        CloudWord(key="mod", text="mod", count=1, size=1),
        CloudWord(key="trygghet", text="trygghet", count=3, size=3),
        CloudWord(key="samarbete", text="Samarbete", count=2, size=2),
        CloudWord(key="tillit", text="tillit", count=1, size=1),
    ]


def test_cloud_shows_the_most_frequent_and_keeps_older_words_on_a_tie() -> None:
    entries = ["a1", "b1", "b1", "c1", "d1", "d1", "d1", "e1"]
    assert [word.key for word in cloud_layout(rank(entries), max_words=3)] == ["a1", "b1", "d1"]
    with pytest.raises(ValueError):
        cloud_layout(rank(entries), max_words=0)


@PROPERTY
@given(entries=entries_strategy, max_words=st.integers(1, 60))
def test_cloud_shows_the_most_frequent_words(entries: list[str], max_words: int) -> None:
    ranked = rank(entries)
    cloud = cloud_layout(ranked, max_words=max_words)
    assert len(cloud) == min(max_words, len(ranked))
    shown = {word.key for word in cloud}
    hidden_counts = [word.count for word in ranked if word.key not in shown]
    assert all(word.count >= max(hidden_counts, default=0) for word in cloud)
    assert all(SMALLEST_SIZE <= word.size <= LARGEST_SIZE for word in cloud)
    # Bigger count, never smaller size.
    by_count = sorted(cloud, key=lambda word: word.count)
    assert [word.size for word in by_count] == sorted(word.size for word in by_count)


@PROPERTY
@given(entries=entries_strategy, data=st.data())
def test_cloud_stays_put_as_words_arrive(entries: list[str], data: st.DataObject) -> None:
    # Words already on the screen keep their order and never shrink when more words arrive.
    # (Room for every word: which words a full cloud drops is the test above.)
    arrived = data.draw(st.integers(0, len(entries)))
    room = max(1, len(entries))
    before = cloud_layout(rank(entries[:arrived]), max_words=room)
    after = cloud_layout(rank(entries), max_words=room)
    after_keys = [word.key for word in after]
    assert [key for key in after_keys if key in {w.key for w in before}] == [
        word.key for word in before
    ]
    after_size = {word.key: word.size for word in after}
    assert all(after_size[word.key] >= word.size for word in before)
