"""The jigsaw allocator: every invariant of issue 7 over random and exhaustive inputs, and errors."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings.jigsaw import (
    TABLE_SIZE_AIM,
    AllocationError,
    allocate,
    place_latecomer,
    suggest_expert_count,
)

# The machine is shared: no per-example deadline, but enough examples to mean something.
PROPERTY = settings(max_examples=400, deadline=None)


def home_groups_of(sizes: Sequence[int]) -> dict[str, list[str]]:
    """Home groups G0, G1, … with members G0-p0, G0-p1, … (unique across groups)."""
    return {
        f"G{index}": [f"G{index}-p{member}" for member in range(size)]
        for index, size in enumerate(sizes)
    }


def assert_invariants(
    members_by_home_group: Mapping[Hashable, Sequence[Hashable]],
    expert_count: int,
    tables: list[list[Hashable]],
) -> None:
    everyone = [member for members in members_by_home_group.values() for member in members]
    placed = [member for table in tables for member in table]

    assert len(tables) == expert_count
    # Every participant placed exactly once, nobody invented.
    assert Counter(placed) == Counter(everyone)
    # Table sizes differ by at most one.
    table_sizes = [len(table) for table in tables]
    assert max(table_sizes) - min(table_sizes) <= 1
    # Every home group spread as evenly as possible: ⌊n/E⌋ or ⌈n/E⌉ at every table.
    home_of = {
        member: group for group, members in members_by_home_group.items() for member in members
    }
    for group, members in members_by_home_group.items():
        low, high = len(members) // expert_count, -(-len(members) // expert_count)
        for table in tables:
            here = sum(1 for member in table if home_of[member] == group)
            assert low <= here <= high, (group, len(members), expert_count, table)


sizes_strategy = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=12).filter(
    lambda sizes: sum(sizes) > 0
)


@PROPERTY
@given(data=st.data(), sizes=sizes_strategy)
def test_allocation_keeps_every_invariant(data: st.DataObject, sizes: list[int]) -> None:
    members = home_groups_of(sizes)
    expert_count = data.draw(st.integers(min_value=1, max_value=sum(sizes)), label="expert_count")

    tables = allocate(members, expert_count)

    assert_invariants(members, expert_count, tables)
    # Deterministic: the same input (also as a fresh copy) gives the same tables.
    assert allocate(members, expert_count) == tables
    assert allocate({group: list(ms) for group, ms in members.items()}, expert_count) == tables


@PROPERTY
@given(data=st.data(), sizes=sizes_strategy)
def test_allocation_works_for_any_hashable_ids(data: st.DataObject, sizes: list[int]) -> None:
    # Integer participant ids (as from the database), tuple and None home-group keys, tuples in.
    counter = itertools.count(1)
    keys: list[Hashable] = [None, ("lärare", 1), 7, "Rektorer", 2.5, frozenset({1})]
    members: dict[Hashable, tuple[int, ...]] = {
        (keys[index % len(keys)], index): tuple(next(counter) for _member in range(size))
        for index, size in enumerate(sizes)
    }
    expert_count = data.draw(st.integers(min_value=1, max_value=sum(sizes)))

    tables = allocate(members, expert_count)

    assert_invariants(members, expert_count, tables)


def test_allocation_exhaustively_for_small_meetings() -> None:
    # Every combination of up to three home groups of 0–6 and every possible table count: the
    # balancing argument in meetings/jigsaw.py, checked rather than trusted.
    checked = 0
    for group_count in range(1, 4):
        for sizes in itertools.product(range(7), repeat=group_count):
            members = home_groups_of(sizes)
            for expert_count in range(1, sum(sizes) + 1):
                assert_invariants(members, expert_count, allocate(members, expert_count))
                checked += 1
    assert checked > 3000


def test_one_table_per_member_of_each_group_gives_one_representative_each() -> None:
    members = home_groups_of([4, 4, 4, 4, 4, 4, 4])
    tables = allocate(members, 4)
    for table in tables:
        assert sorted(member.split("-")[0] for member in table) == [f"G{i}" for i in range(7)]


def test_leftover_members_are_dealt_to_different_tables() -> None:
    # Three groups of five over four tables: one member of each group at every table plus one
    # extra per group. The three extras must land at three different tables (4, 4, 4, 3), not all
    # at the first one (6, 3, 3, 3).
    members = home_groups_of([5, 5, 5])
    tables = allocate(members, 4)
    assert sorted(len(table) for table in tables) == [3, 4, 4, 4]


def test_allocation_keeps_the_given_order_within_home_groups() -> None:
    members = {"Lärare": ["a", "b", "c", "d"], "Rektorer": ["e", "f"]}
    assert allocate(members, 2) == [["a", "b", "e"], ["c", "d", "f"]]


def test_empty_home_groups_are_allowed() -> None:
    members = {"Lärare": ["a", "b", "c"], "Politiker": [], "Elevhälsa": ["d"]}
    tables = allocate(members, 2)
    assert_invariants(members, 2, tables)


@pytest.mark.parametrize(
    ("members", "expert_count", "code"),
    [
        ({"Lärare": ["a", "b"]}, 0, "too_few_expert_groups"),
        ({"Lärare": ["a", "b"]}, -3, "too_few_expert_groups"),
        ({"Lärare": ["a", "b"], "Rektorer": ["c"]}, 4, "too_many_expert_groups"),
        ({"Lärare": [], "Rektorer": []}, 1, "no_participants"),
        ({}, 1, "no_participants"),
        ({"Lärare": ["a", "b"], "Rektorer": ["b"]}, 1, "repeated_participant"),
        ({"Lärare": ["a", "a"]}, 1, "repeated_participant"),
        ({"Lärare": ["a", "b"]}, True, "expert_count_type"),
        ({"Lärare": ["a", "b"]}, 1.5, "expert_count_type"),
    ],
)
def test_allocation_refuses_impossible_requests(
    members: dict[str, list[str]], expert_count: int, code: str
) -> None:
    with pytest.raises(AllocationError) as caught:
        allocate(members, expert_count)
    assert caught.value.code == code
    assert isinstance(caught.value, ValueError)


def test_refusal_messages_are_swedish_sentences() -> None:
    with pytest.raises(ValueError, match="Det måste finnas minst en expertgrupp."):
        allocate({"Lärare": ["a"]}, 0)
    with pytest.raises(
        ValueError, match="Det går inte att bilda 4 expertgrupper av 3 deltagare: välj högst 3."
    ):
        allocate({"Lärare": ["a", "b"], "Rektorer": ["c"]}, 4)


# --- suggest_expert_count -------------------------------------------------------------------------


def covers_every_home_group(sizes: Sequence[int], expert_count: int) -> bool:
    members = home_groups_of(sizes)
    present = {group for group, ms in members.items() if ms}
    return all(
        {member.split("-")[0] for member in table} == present
        for table in allocate(members, expert_count)
    )


def table_sizes(total: int, expert_count: int) -> tuple[int, int]:
    return total // expert_count, -(-total // expert_count)


@PROPERTY
@given(sizes=sizes_strategy)
def test_suggestion_properties(sizes: list[int]) -> None:
    suggested = suggest_expert_count(sizes)
    total = sum(sizes)
    present = [size for size in sizes if size]
    low, high = TABLE_SIZE_AIM

    assert 1 <= suggested <= total
    smallest_table, largest_table = table_sizes(total, suggested)

    # Coverage wherever the smallest home group allows it with tables of 5–10.
    covering_in_aim = [
        count
        for count in range(1, min(present) + 1)
        if low <= table_sizes(total, count)[0] and table_sizes(total, count)[1] <= high
    ]
    if covering_in_aim:
        assert suggested <= min(present)
        assert covers_every_home_group(sizes, suggested)
        assert low <= smallest_table and largest_table <= high
    if suggested <= min(present):
        assert covers_every_home_group(sizes, suggested)

    if total >= low:
        # Never below five; above ten only to seat one or two from every home group.
        assert smallest_table >= low
        assert largest_table <= max(high, 2 * len(present))
        if suggested > min(present):
            assert largest_table <= high
    else:
        assert suggested == 1  # a handful of people: one table


def test_seven_home_groups_of_three_to_six_get_covering_tables() -> None:
    # Every one of the 4⁷ combinations: at most as many tables as the smallest group has members
    # (so each table has someone from every group), tables of 5–14 (one or two from each group).
    suggestions: Counter[int] = Counter()
    for sizes in itertools.product(range(3, 7), repeat=7):
        suggested = suggest_expert_count(sizes)
        suggestions[suggested] += 1
        assert suggested <= min(sizes)
        smallest_table, largest_table = table_sizes(sum(sizes), suggested)
        assert 5 <= smallest_table and largest_table <= 14
        if min(sizes) == 3:
            assert suggested == 3
    assert set(suggestions) == {3, 4, 5, 6}
    assert covers_every_home_group([3, 4, 5, 6, 4, 5, 6], 3)
    assert suggest_expert_count([3, 4, 5, 6, 4, 5, 6]) == 3
    assert suggest_expert_count([4, 4, 5, 6, 4, 5, 6]) == 4  # 34 people: tables of 8–9


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([4] * 7, 4),  # one from each of seven groups at four tables of seven
        ([6] * 7, 6),  # seven at each of six tables, one from each group
        ([3] * 7, 3),
        ([7] * 14, 7),  # fourteen groups: fourteen at each table is what coverage needs
        ([8] * 12, 8),  # twelve at each of eight tables
        ([20, 20], 8),  # two big groups: tables of five (2–3 from each)
        ([2, 8, 8, 8, 8, 8], 5),  # a pair cannot force two tables of 21: five tables of 8–9
        ([1] + [7] * 13, 10),  # one lone member: tables of ten instead of one table of 92
        ([3], 1),
        ([2, 2, 0], 1),  # four people: one table
        ([0, 11], 2),
    ],
)
def test_suggestion_examples(sizes: list[int], expected: int) -> None:
    assert suggest_expert_count(sizes) == expected


@pytest.mark.parametrize(
    ("sizes", "code"),
    [([], "no_participants"), ([0, 0], "no_participants"), ([3, -1], "negative_size")],
)
def test_suggestion_refuses_nonsense(sizes: list[int], code: str) -> None:
    with pytest.raises(AllocationError) as caught:
        suggest_expert_count(sizes)
    assert caught.value.code == code


# --- place_latecomer ------------------------------------------------------------------------------


def test_latecomer_goes_where_their_home_group_is_missing() -> None:
    tables = [
        [("Lärare", 1), ("Rektorer", 2)],
        [("Lärare", 3)],  # smallest, but has a teacher
        [("Rektorer", 4), ("Elevhälsa", 5), ("Rektorer", 6)],  # no teacher
    ]
    assert place_latecomer(tables, "Lärare") == 2


def test_latecomer_picks_the_smallest_of_the_tables_missing_their_group() -> None:
    tables = [
        [("Rektorer", 1), ("Rektorer", 2), ("Elevhälsa", 3)],
        [("Lärare", 4)],
        [("Rektorer", 5), ("Elevhälsa", 6)],
        [("Politiker", 7), ("Elevhälsa", 8)],
    ]
    assert place_latecomer(tables, "Lärare") == 2  # tables 2 and 3 tie: lowest index


def test_latecomer_goes_to_the_smallest_table_when_every_table_has_their_group() -> None:
    tables = [
        [("Lärare", 1), ("Rektorer", 2), ("Rektorer", 3)],
        [("Lärare", 4), ("Lärare", 5)],
        [("Lärare", 6), ("Elevhälsa", 7)],
    ]
    # Tables 1 and 2 are the smallest; table 2 has fewer teachers.
    assert place_latecomer(tables, "Lärare") == 2
    assert place_latecomer(tables, "Elevhälsa") == 1  # only table without a health worker


def test_latecomer_into_empty_tables_and_refusal() -> None:
    assert place_latecomer([[], []], "Lärare") == 0
    with pytest.raises(AllocationError) as caught:
        place_latecomer([], "Lärare")
    assert caught.value.code == "no_expert_groups"


@PROPERTY
@given(
    tables=st.lists(
        st.lists(st.tuples(st.sampled_from("ABCDE"), st.integers()), max_size=8),
        min_size=1,
        max_size=10,
    ),
    home_group=st.sampled_from("ABCDE"),
)
def test_latecomer_properties(tables: list[list[tuple[str, int]]], home_group: str) -> None:
    chosen = place_latecomer(tables, home_group)
    assert 0 <= chosen < len(tables)
    assert place_latecomer(tables, home_group) == chosen

    def missing(table: list[tuple[str, int]]) -> bool:
        return all(group != home_group for group, _participant in table)

    candidates = [table for table in tables if missing(table)] or tables
    assert tables[chosen] in candidates
    assert len(tables[chosen]) == min(len(table) for table in candidates)


@PROPERTY
@given(sizes=sizes_strategy, data=st.data())
def test_latecomers_after_an_allocation_keep_their_group_spread(
    sizes: list[int], data: st.DataObject
) -> None:
    # Allocate, then seat every member of one home group one by one as latecomers: where that
    # group was missing comes first, so a group of late arrivals still spreads over the tables.
    members = home_groups_of(sizes)
    late_group = data.draw(st.sampled_from(sorted(members)))
    on_time = {group: ms for group, ms in members.items() if group != late_group}
    if sum(len(ms) for ms in on_time.values()) == 0:
        return
    expert_count = data.draw(st.integers(1, sum(len(ms) for ms in on_time.values())))
    seated = [
        [(member.split("-")[0], member) for member in table]
        for table in allocate(on_time, expert_count)
    ]
    for member in members[late_group]:
        seated[place_latecomer(seated, late_group)].append((late_group, member))
    late_counts = [sum(1 for group, _m in table if group == late_group) for table in seated]
    # Nobody gets a second latecomer of the group while another table has none.
    assert min(late_counts) >= 1 or max(late_counts) <= 1


def test_refusal_messages_have_english() -> None:
    with translation.override("en"), pytest.raises(AllocationError) as caught:
        allocate({"Lärare": ["a", "b"], "Rektorer": ["c"]}, 4)
    assert str(caught.value) == "3 participants cannot form 4 expert groups: choose at most 3."
