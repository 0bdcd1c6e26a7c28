"""The summary as the editor sees it: the meeting's record with the editor's version beside it.

Read-only. `workspace_groups` feeds the workspace (original and edited text side by side);
`public_content` is the plain, JSON-ready summary that publishing stores and the public page
shows. Both order groups the same way: the editor's order first, then groups the editor has
not placed (added after the order was saved) in their seating order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from groups.models import SuccessFactor
from meetings.models import Group, Meeting

from .document import EditorTheme as Theme
from .document import agenda_entries, in_editors_order, reflection_entries
from .models import FactorEdit, SummaryDraft


@dataclass
class FactorRow:
    factor: SuccessFactor
    edit: FactorEdit | None
    # The workspace form's state after a save: what was typed, and how it went.
    typed: str | None = None
    typed_version: int | None = None
    error: str | None = None
    conflict: Any = None
    saved: Any = None

    @property
    def form_text(self) -> str:
        return self.typed if self.typed is not None else self.text

    @property
    def form_version(self) -> int:
        return self.typed_version if self.typed_version is not None else self.version

    @property
    def pk(self) -> int:
        return self.factor.pk

    @property
    def position(self) -> int:
        return self.factor.position

    @property
    def original(self) -> str:
        return self.factor.text

    @property
    def text(self) -> str:
        """What will be published: the editor's wording where there is one."""
        return self.edit.text if self.edit is not None else self.factor.text

    @property
    def is_edited(self) -> bool:
        return self.edit is not None and self.edit.text != self.factor.text

    @property
    def version(self) -> int:
        return self.edit.version if self.edit is not None else 0

    @property
    def group_changed_since(self) -> bool:
        """The group changed its text after the editor reworded it (an unlocked list)."""
        return self.is_edited and self.edit is not None and self.edit.based_on != self.factor.text


@dataclass
class GroupRow:
    group: Group
    factors: list[FactorRow]
    limit: int
    members: int = 0
    is_first: bool = False
    is_last: bool = False

    @property
    def pk(self) -> int:
        return self.group.pk

    @property
    def count(self) -> int:
        return len(self.factors)


@dataclass
class Participation:
    total: int
    by_group: list[tuple[str, int]] = field(default_factory=list)


def order_of(meeting: Meeting, draft: SummaryDraft | None) -> list[int]:
    """Every group's pk (home groups, then expert groups), each kind in the editor's order."""
    groups = list(meeting.groups.all())
    order = draft.group_order if draft is not None else []
    result: list[int] = []
    for kind in (Group.Kind.HOME, Group.Kind.EXPERT):
        result += [g.pk for g in in_editors_order([g for g in groups if g.kind == kind], order)]
    return result


def workspace_groups(meeting: Meeting, draft: SummaryDraft | None) -> dict[str, list[GroupRow]]:
    groups = list(meeting.groups.prefetch_related("factors"))
    edits = {e.factor_id: e for e in draft.factor_edits.all()} if draft is not None else {}
    members = dict(
        meeting.participants.values_list("home_group").annotate(n=Count("pk")).order_by()
    )
    expert_members = dict(
        meeting.participants.filter(expert_group__isnull=False)
        .values_list("expert_group")
        .annotate(n=Count("pk"))
        .order_by()
    )
    order = draft.group_order if draft is not None else []
    result: dict[str, list[GroupRow]] = {}
    for kind in (Group.Kind.HOME, Group.Kind.EXPERT):
        rows = [
            GroupRow(
                group=group,
                factors=[FactorRow(f, edits.get(f.pk)) for f in group.ordered_factors()],
                limit=meeting.factor_count,
                members=(members if kind == Group.Kind.HOME else expert_members).get(group.pk, 0),
            )
            for group in in_editors_order([g for g in groups if g.kind == kind], order)
        ]
        if rows:
            rows[0].is_first = True
            rows[-1].is_last = True
        result[kind] = rows
    return result


def participation(meeting: Meeting, home_groups: list[GroupRow]) -> Participation:
    return Participation(
        total=sum(row.members for row in home_groups),
        by_group=[(row.group.name, row.members) for row in home_groups],
    )


def _group_content(row: GroupRow) -> dict[str, Any]:
    return {
        "name": row.group.name,
        "profession": str(row.group.get_profession_display()) if row.group.profession else "",
        "agreed": row.group.is_agreed,
        "count": row.count,
        "limit": row.limit,
        "members": row.members,
        "factors": [factor.text for factor in row.factors],
    }


def _theme_content(theme: Theme, texts: dict[int, str], total_groups: int) -> dict[str, Any]:
    return {
        "label": theme.label,
        "groups": [group.name for group in theme.groups],
        "group_count": len(theme.groups),
        "total_groups": total_groups,
        # The published wording, as in the groups above.
        "factors": [
            {"group": factor.group_name, "text": texts.get(factor.factor_id, factor.text)}
            for factor in theme.factors
        ],
    }


def public_content(
    meeting: Meeting, draft: SummaryDraft | None, *, themes: Sequence[Theme] = ()
) -> dict[str, Any]:
    """Exactly what the public page shows: only the editor's version where there is one.

    `themes` are the meeting's themes as the editor left them (summary.services.meeting_themes);
    they are kept in the snapshot like the rest, so the page does not change after publishing.
    """
    groups = workspace_groups(meeting, draft)
    home = groups[Group.Kind.HOME]
    texts = {
        factor.pk: factor.text for rows in groups.values() for r in rows for factor in r.factors
    }
    return {
        "title": meeting.title,
        "date": meeting.date.isoformat(),
        "venue": meeting.venue,
        "series": meeting.series.name if meeting.series else "",
        "core_question": meeting.core_question,
        "lead": draft.lead if draft is not None else "",
        "closing": draft.closing if draft is not None else "",
        "participants": sum(row.members for row in home),
        "home_groups": [_group_content(row) for row in home],
        "expert_groups": [_group_content(row) for row in groups[Group.Kind.EXPERT]],
        "agenda": [entry.to_content() for entry in agenda_entries(meeting)],
        "themes": [_theme_content(theme, texts, len(home)) for theme in themes],
        "reflection": [
            {"text": word.text, "count": word.count} for word in reflection_entries(meeting)
        ],
    }
