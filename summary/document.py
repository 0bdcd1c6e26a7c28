"""A meeting's summary as one data structure, read from the database once.

Every format (Markdown, HTML, DOCX, PDF, XLSX, CSV) is written from a `SummaryDocument`, so
they cannot disagree about order, counts or wording. Two fields are seams for work that lands
beside this module: `FactorEntry.edited_text` (the editor's published wording, from the summary
workspace's FactorEdit, given a `draft`) and `SummaryDocument.themes` (the editor's or the theme
finder's, given `themes`). `summary.formats.summary_document` passes both; `build_summary`
alone gives the record as the groups left it.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from groups import words
from groups.reflection import visible_texts
from meetings.models import Group, Meeting, PhaseKind

from .models import SummaryDraft


@dataclass(frozen=True)
class FactorEntry:
    position: int
    # What the group agreed, exactly as in the record.
    text: str
    # The editor's wording for publication, or None when the editor has not changed it.
    edited_text: str | None = None

    @property
    def published_text(self) -> str:
        """The wording an article shows: the editor's if there is one."""
        return self.edited_text if self.edited_text else self.text


@dataclass(frozen=True)
class GroupSummary:
    # The same key as the JSON export's ("g1", "g2", …): home groups first, then expert groups.
    key: str
    name: str
    kind: str  # Group.Kind value: "home" or "expert"
    profession: str  # Profession value or ""
    agreed: bool
    participant_count: int
    factor_count: int  # how many the meeting asks for (N in "x av N")
    factors: tuple[FactorEntry, ...]

    @property
    def kind_label(self) -> str:
        return str(Group.Kind(self.kind).label)

    @property
    def filled(self) -> int:
        return len(self.factors)

    @property
    def progress(self) -> str:
        """ "3 av 5" """
        return _("%(filled)d av %(count)d") % {"filled": self.filled, "count": self.factor_count}

    @property
    def status(self) -> str:
        """ "Klar · 5 av 5" or "Inte klar · 3 av 5": never colour alone, always words."""
        state = _("Klar") if self.agreed else _("Inte klar")
        return f"{state} · {self.progress}"


@dataclass(frozen=True)
class ThemeFactor:
    group: str  # a GroupSummary.key
    position: int


@dataclass(frozen=True)
class Theme:
    label: str
    factors: tuple[ThemeFactor, ...]


@dataclass(frozen=True)
class ThemeGroup:
    key: str  # the group's pk as text: stable for the meeting's lifetime
    name: str


@dataclass(frozen=True)
class ThemeFactorRef:
    factor_id: int
    group: str  # ThemeGroup.key
    group_name: str
    position: int
    text: str


@dataclass(frozen=True)
class EditorTheme:
    """A theme as the editor sees it. `key` names it in forms: "t<id>" once curated, else the
    finder's concept."""

    key: str
    label: str
    factors: tuple[ThemeFactorRef, ...]
    groups: tuple[ThemeGroup, ...]
    curated: bool = False
    dismissed: bool = False

    @property
    def dom_id(self) -> str:
        """An HTML id that stays the same while the key does, so focus can follow a theme
        through a re-render (the key itself may hold spaces and any letter)."""
        return "theme-" + hashlib.sha1(self.key.encode(), usedforsecurity=False).hexdigest()[:10]

    def named_by(self, group_key: str) -> bool:
        return any(group.key == group_key for group in self.groups)


@dataclass(frozen=True)
class MeetingThemes:
    themes: list[EditorTheme]
    dismissed: list[EditorTheme]
    groups: list[ThemeGroup]  # every home group, in seating order (the M of "N av M")


def theme_heading(label: str, count: int, total: int) -> str:
    """ "Trygg lärmiljö — 3 av 7 grupper": a theme's heading in every article and screen."""
    return _("%(label)s — %(count)d av %(total)d grupper") % {
        "label": label,
        "count": count,
        "total": total,
    }


@dataclass(frozen=True)
class ThemeView:
    """A theme resolved against the document: its factors' texts and groups, in order."""

    label: str
    entries: tuple[tuple[GroupSummary, FactorEntry], ...]
    group_count: int
    total_groups: int

    @property
    def heading(self) -> str:
        return theme_heading(self.label, self.group_count, self.total_groups)


@dataclass(frozen=True)
class AgendaEntry:
    """One phase of the meeting's agenda, and when it ran (local time), if it did."""

    title: str
    kind: str  # PhaseKind value
    planned_minutes: int
    speaker: str
    started_at: datetime.datetime | None
    ended_at: datetime.datetime | None

    def to_content(self) -> dict[str, object]:
        """JSON-ready, for the published snapshot (labels are translated when shown)."""
        return {
            "title": self.title,
            "kind": self.kind,
            "planned_minutes": self.planned_minutes,
            "speaker": self.speaker,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
        }

    @classmethod
    def from_content(cls, data: dict[str, Any]) -> AgendaEntry:
        def moment(value: str | None) -> datetime.datetime | None:
            return timezone.localtime(datetime.datetime.fromisoformat(value)) if value else None

        kind = str(data.get("kind", ""))
        return cls(
            title=str(data.get("title", "")),
            kind=kind,
            planned_minutes=int(data.get("planned_minutes", 0)),
            speaker=str(data.get("speaker", "")),
            started_at=moment(data.get("started_at")),
            ended_at=moment(data.get("ended_at")),
        )

    @property
    def kind_label(self) -> str:
        return str(PhaseKind(self.kind).label) if self.kind in PhaseKind.values else self.kind

    @property
    def line(self) -> str:
        """ "Bikupor (Bikupa, 10 minuter, Anna) — kl. 13:05–13:15": one agenda item as every
        article format writes it."""
        minutes = ngettext("%(minutes)d minut", "%(minutes)d minuter", self.planned_minutes) % {
            "minutes": self.planned_minutes
        }
        details = ", ".join(part for part in (self.kind_label, minutes, self.speaker) if part)
        line = f"{self.title} ({details})"
        if self.started_at is not None and self.ended_at is not None:
            line += " — " + _("kl. %(start)s–%(end)s") % {
                "start": f"{self.started_at:%H:%M}",
                "end": f"{self.ended_at:%H:%M}",
            }
        elif self.started_at is not None:
            line += " — " + _("från kl. %(start)s") % {"start": f"{self.started_at:%H:%M}"}
        return line


@dataclass(frozen=True)
class ReflectionEntry:
    """A word of the closing reflection as the room saw it, and how many gave it."""

    text: str
    count: int


@dataclass(frozen=True)
class SummaryDocument:
    title: str
    date: datetime.date
    venue: str
    series: str | None
    core_question: str
    factor_count: int
    participant_count: int
    home_groups: tuple[GroupSummary, ...]
    expert_groups: tuple[GroupSummary, ...]
    themes: tuple[Theme, ...] = field(default=())
    agenda: tuple[AgendaEntry, ...] = field(default=())
    # The reflection's words, ranked (most frequent first), without the ones the facilitator hid.
    reflection: tuple[ReflectionEntry, ...] = field(default=())
    # The editor's paragraphs (the workspace's draft): the lead opens the article, the closing
    # paragraph ends it. Empty without a draft.
    lead: str = ""
    closing: str = ""

    @property
    def lead_paragraphs(self) -> list[str]:
        return paragraphs(self.lead)

    @property
    def closing_paragraphs(self) -> list[str]:
        return paragraphs(self.closing)

    @property
    def groups(self) -> tuple[GroupSummary, ...]:
        return self.home_groups + self.expert_groups

    @property
    def expert_groups_with_factors(self) -> tuple[GroupSummary, ...]:
        return tuple(group for group in self.expert_groups if group.factors)

    @property
    def participation(self) -> tuple[tuple[str, int], ...]:
        """(home group name, participants) in seating order."""
        return tuple((group.name, group.participant_count) for group in self.home_groups)

    def themes_of(self, group_key: str, position: int) -> list[str]:
        return [
            theme.label
            for theme in self.themes
            if any(f.group == group_key and f.position == position for f in theme.factors)
        ]

    def theme_views(self) -> list[ThemeView]:
        by_key = {group.key: group for group in self.groups}
        views = []
        for theme in self.themes:
            entries = []
            for ref in theme.factors:
                group = by_key.get(ref.group)
                if group is None:
                    continue
                factor = next((f for f in group.factors if f.position == ref.position), None)
                if factor is not None:
                    entries.append((group, factor))
            views.append(
                ThemeView(
                    label=theme.label,
                    entries=tuple(entries),
                    group_count=len({group.key for group, _factor in entries}),
                    total_groups=len(self.home_groups),
                )
            )
        return views


def in_editors_order(groups: list[Group], order: list[Any]) -> list[Group]:
    """Groups in the editor's order (a list of pks); the rest after, in seating order."""
    rank = {pk: index for index, pk in enumerate(order) if isinstance(pk, int)}
    seating = sorted(groups, key=lambda g: (g.position, g.pk))
    return sorted(seating, key=lambda g: rank.get(g.pk, len(rank)))


def ordered_groups(meeting: Meeting) -> list[Group]:
    """Home groups first, then expert groups, each in their seating order, factors prefetched."""
    groups = meeting.groups.with_factors().annotate(
        home_members=Count("members", distinct=True),
        expert_members_count=Count("expert_members", distinct=True),
    )
    return sorted(groups, key=lambda g: (g.kind != Group.Kind.HOME, g.position, g.pk))


def group_keys(groups: Iterable[Group]) -> dict[int, str]:
    """The export's group keys: g1, g2 … in `ordered_groups` order."""
    return {group.pk: f"g{index}" for index, group in enumerate(groups, start=1)}


def export_group_keys(meeting: Meeting) -> dict[int, str]:
    """`group_keys` without loading factors (the same order as `ordered_groups`)."""
    groups = meeting.groups.only("pk", "kind", "position")
    return group_keys(sorted(groups, key=lambda g: (g.kind != Group.Kind.HOME, g.position, g.pk)))


def _members(group: Group) -> int:
    """Participants seated in the group (annotated by `ordered_groups`)."""
    if group.kind == Group.Kind.HOME:
        return int(getattr(group, "home_members", 0))
    return int(getattr(group, "expert_members_count", 0))


def build_summary(
    meeting: Meeting, *, themes: Sequence[Theme] = (), draft: SummaryDraft | None = None
) -> SummaryDocument:
    """The summary of `meeting` as it is in the database now (a handful of queries).

    `themes` are the theme finder's or the editor's themes, referring to groups by the keys
    this function gives them; none unless passed. With the editor's `draft`, each factor
    carries the editor's wording beside the group's (`edited_text`) and the groups of each
    kind stand in the editor's order; their keys stay the record's (seating order).
    """
    groups = ordered_groups(meeting)
    keys = group_keys(groups)
    edits = {edit.factor_id: edit.text for edit in draft.factor_edits.all()} if draft else {}
    if draft is not None:
        groups = [
            group
            for kind in (Group.Kind.HOME, Group.Kind.EXPERT)
            for group in in_editors_order([g for g in groups if g.kind == kind], draft.group_order)
        ]
    summaries = [
        GroupSummary(
            key=keys[group.pk],
            name=group.name,
            kind=group.kind,
            profession=group.profession,
            agreed=group.is_agreed,
            participant_count=_members(group),
            factor_count=meeting.factor_count,
            factors=tuple(
                FactorEntry(
                    position=factor.position,
                    text=factor.text,
                    edited_text=_edited(edits.get(factor.pk), factor.text),
                )
                for factor in group.ordered_factors()
            ),
        )
        for group in groups
    ]
    return SummaryDocument(
        title=meeting.title,
        date=meeting.date,
        venue=meeting.venue,
        series=meeting.series.name if meeting.series_id and meeting.series else None,
        core_question=meeting.core_question,
        factor_count=meeting.factor_count,
        participant_count=meeting.participants.count(),
        home_groups=tuple(g for g in summaries if g.kind == Group.Kind.HOME),
        expert_groups=tuple(g for g in summaries if g.kind == Group.Kind.EXPERT),
        themes=tuple(themes),
        agenda=agenda_entries(meeting),
        reflection=reflection_entries(meeting),
        lead=draft.lead if draft is not None else "",
        closing=draft.closing if draft is not None else "",
    )


def paragraphs(text: str) -> list[str]:
    """The editor's text as paragraphs: a blank line separates them, a single line break
    stays inside one (as on the public page, which uses Django's `linebreaks`)."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return [
        " ".join(line.strip() for line in block.splitlines()) for block in blocks if block.strip()
    ]


def agenda_entries(meeting: Meeting) -> tuple[AgendaEntry, ...]:
    return tuple(
        AgendaEntry(
            title=phase.title,
            kind=phase.kind,
            planned_minutes=phase.planned_minutes,
            speaker=phase.speaker,
            started_at=timezone.localtime(phase.started_at) if phase.started_at else None,
            ended_at=timezone.localtime(phase.ended_at) if phase.ended_at else None,
        )
        for phase in meeting.agenda()
    )


def reflection_entries(meeting: Meeting) -> tuple[ReflectionEntry, ...]:
    # The same ranking as the room screen's list (folded case and inflection, hidden words
    # left out); the dictionary loads only when there are words.
    texts = visible_texts(meeting)
    if not texts:
        return ()
    return tuple(ReflectionEntry(text=word.text, count=word.count) for word in words.rank(texts))


def _edited(edit: str | None, text: str) -> str | None:
    # An edit that says what the group says is no edit (the editor typed it back).
    return edit if edit is not None and edit != text else None
