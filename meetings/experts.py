"""The jigsaw in a meeting, as the console shows it: the draft tables, who is not seated, and
whether the draft differs from what the phones were shown. Reads only; the writes are in
services.py (allocate_experts, move_expert_draft, publish_experts, set_participant_left)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .jigsaw import AllocationError, suggest_expert_count
from .models import Group, Meeting, Participant, PhaseKind


@dataclass
class ExpertTable:
    group: Group
    members: list[Participant] = field(default_factory=list)

    @property
    def present_count(self) -> int:
        return sum(1 for member in self.members if not member.has_left)


@dataclass
class ExpertOverview:
    tables: list[ExpertTable]
    unseated: list[Participant]
    present_count: int
    suggested_count: int | None
    published_at: Any
    draft_differs: bool

    @property
    def default_count(self) -> int:
        """What the count field offers: the draft's tables, else the suggestion."""
        drafted = sum(1 for table in self.tables if table.members)
        return drafted or self.suggested_count or 1

    @property
    def has_draft(self) -> bool:
        return any(table.members for table in self.tables)


def uses_expert_groups(meeting: Meeting) -> bool:
    """Whether the console shows the jigsaw: the agenda has an expert phase, or groups exist."""
    return (
        meeting.phases.filter(kind=PhaseKind.EXPERT).exists()
        or meeting.groups.filter(kind=Group.Kind.EXPERT).exists()
    )


def home_group_sizes(participants: Sequence[Participant]) -> list[int]:
    counts = Counter(p.home_group_id for p in participants if not p.has_left)
    return list(counts.values())


def suggested_count(participants: Sequence[Participant]) -> int | None:
    try:
        return suggest_expert_count(home_group_sizes(participants))
    except AllocationError:
        return None


def overview(meeting: Meeting, participants: Sequence[Participant]) -> ExpertOverview:
    """`participants`: the meeting's, with home_group, expert_group and expert_draft loaded."""
    groups = list(meeting.groups.filter(kind=Group.Kind.EXPERT).order_by("position", "pk"))
    tables = {group.pk: ExpertTable(group) for group in groups}
    unseated = []
    for person in participants:
        table = tables.get(person.expert_draft_id) if person.expert_draft_id else None
        if table is not None:
            table.members.append(person)
        elif not person.has_left:
            unseated.append(person)
    for table in tables.values():
        # Home groups in their room order, so the preview reads "one from each".
        table.members.sort(key=lambda p: (p.home_group.position, p.home_group_id, p.pk))
    return ExpertOverview(
        tables=list(tables.values()),
        unseated=unseated,
        present_count=sum(1 for p in participants if not p.has_left),
        suggested_count=suggested_count(participants),
        published_at=meeting.experts_published_at,
        draft_differs=meeting.experts_published_at is not None
        and any(p.expert_draft_id != p.expert_group_id for p in participants),
    )
