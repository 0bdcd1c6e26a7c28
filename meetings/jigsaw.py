"""Jigsaw expert groups: who from which home group sits at which table. Pure functions, no database.

The allocation deals every home group's members over the tables so that two things hold at once:

* each home group of n members sends ⌊n/E⌋ or ⌈n/E⌉ members to every one of the E tables, and
* the tables' sizes differ by at most one.

A home group of n sends q = n // E to every table plus one extra member to r = n % E tables. The
q's are the same for every table, so only the extras decide the table sizes. The extras are dealt
as one continuous round-robin over the tables: home group 1's r₁ extras go to tables
0, 1, …, r₁ - 1, home group 2's continue at table r₁, and so on, wrapping around. Because r < E, no
home group gets two extras at one table (its extras are r consecutive tables), and because one
pointer walks over all R = Σr extras, every table gets ⌊R/E⌋ or ⌈R/E⌉ of them. Both invariants
follow; tests/test_jigsaw.py checks them over random inputs.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

from django.utils.translation import gettext as _

from .errors import DomainError

# What the suggestion aims at: a table small enough for everyone to talk, big enough to mix.
TABLE_SIZE_AIM = (5, 10)
# In the jigsaw format every home group sends "one or two" representatives to each table: a table
# of up to two per home group is still a jigsaw table even when that is more than ten people.
MAX_REPRESENTATIVES_PER_HOME_GROUP = 2


class AllocationError(DomainError, ValueError):
    """An allocation that cannot be made; a ValueError, so plain callers can catch that."""


def allocate[Person: Hashable](
    members_by_home_group: Mapping[Hashable, Sequence[Person]], expert_count: int
) -> list[list[Person]]:
    """Split every home group's members over `expert_count` expert groups (tables).

    Returns one list of participant ids per table, table 0 first. Within a table the members come
    in the order of their home groups in the mapping, and within a home group in the given order.
    The same input always gives the same output (no randomness, no hashing order).
    """
    if isinstance(expert_count, bool) or not isinstance(expert_count, int):
        raise AllocationError(
            "expert_count_type", _("Antalet expertgrupper måste vara ett heltal.")
        )
    if expert_count < 1:
        raise AllocationError("too_few_expert_groups", _("Det måste finnas minst en expertgrupp."))
    _refuse_repeated_participants(members_by_home_group)
    total = sum(len(members) for members in members_by_home_group.values())
    if total == 0:
        raise AllocationError(
            "no_participants", _("Det finns inga deltagare att fördela på expertgrupper.")
        )
    if expert_count > total:
        raise AllocationError(
            "too_many_expert_groups",
            _(
                "Det går inte att bilda %(groups)d expertgrupper av %(people)d deltagare: "
                "välj högst %(people)d."
            )
            % {"groups": expert_count, "people": total},
        )

    tables: list[list[Person]] = [[] for _table in range(expert_count)]
    next_extra = 0  # the table that gets the next "extra" member, carried across home groups
    for members in members_by_home_group.values():
        per_table, extras = divmod(len(members), expert_count)
        if per_table == 0:
            # Fewer members than tables: one each at the next tables (without walking all tables,
            # so allocating stays linear in people plus tables).
            for step, member in enumerate(members):
                tables[(next_extra + step) % expert_count].append(member)
            next_extra = (next_extra + extras) % expert_count
            continue
        counts = [per_table] * expert_count
        for step in range(extras):
            counts[(next_extra + step) % expert_count] += 1
        next_extra = (next_extra + extras) % expert_count
        position = 0
        for table, count in zip(tables, counts, strict=True):
            table.extend(members[position : position + count])
            position += count
    return tables


def suggest_expert_count(sizes: Sequence[int]) -> int:
    """How many expert groups to suggest for home groups of these sizes (empty groups ignored).

    In order of priority:
    1. Every table gets at least one member of every home group (E ≤ the smallest non-empty home
       group), unless that makes tables bigger than both 10 and "two from every home group": a home
       group of one or two people must not force a whole room around one or two tables.
    2. Tables of 5–10 people, or as near to that as possible.
    3. Then the most tables when every home group is covered (smaller tables, one representative
       from each home group where possible); without coverage the fewest tables within 5–10, so
       each table mixes as many home groups as it can.
    """
    if any(isinstance(size, bool) or not isinstance(size, int) for size in sizes):
        raise AllocationError("size_type", _("Gruppstorlekarna måste vara heltal."))
    if any(size < 0 for size in sizes):
        raise AllocationError("negative_size", _("En grupp kan inte ha färre än noll medlemmar."))
    present = [size for size in sizes if size > 0]
    total = sum(present)
    if total == 0:
        raise AllocationError(
            "no_participants", _("Det finns inga deltagare att fördela på expertgrupper.")
        )

    def distance_from_aim(expert_count: int) -> int:
        smallest_table = total // expert_count
        largest_table = -(-total // expert_count)
        low, high = TABLE_SIZE_AIM
        return max(0, low - smallest_table) + max(0, largest_table - high)

    covering = min(range(1, min(present) + 1), key=lambda count: (distance_from_aim(count), -count))
    largest_covering_table = -(-total // covering)
    if largest_covering_table <= max(
        TABLE_SIZE_AIM[1], MAX_REPRESENTATIVES_PER_HOME_GROUP * len(present)
    ):
        return covering
    return min(range(1, total + 1), key=lambda count: (distance_from_aim(count), count))


def place_latecomer(
    tables: Sequence[Sequence[tuple[Hashable, Hashable]]], home_group: Hashable
) -> int:
    """The index of the table a latecomer from `home_group` should join.

    `tables` holds each table's (home group, participant) pairs as they sit now. A table where the
    home group is missing comes first; then the smallest table; on a tie, the table with the fewest
    members of the home group, then the lowest index (so the answer is deterministic).
    """
    if not tables:
        raise AllocationError(
            "no_expert_groups", _("Det finns inga expertgrupper att placera deltagaren i.")
        )

    def preference(index: int) -> tuple[bool, int, int, int]:
        seated = tables[index]
        same_group = sum(1 for group, _participant in seated if group == home_group)
        return (same_group > 0, len(seated), same_group, index)

    return min(range(len(tables)), key=preference)


def _refuse_repeated_participants(
    members_by_home_group: Mapping[Hashable, Sequence[Hashable]],
) -> None:
    seen: set[Hashable] = set()
    for members in members_by_home_group.values():
        for member in members:
            if member in seen:
                raise AllocationError(
                    "repeated_participant",
                    _("Samma deltagare står med mer än en gång: %(participant)s.")
                    % {"participant": member},
                )
            seen.add(member)
