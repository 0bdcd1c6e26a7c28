"""A meeting's summary as one data structure, read from the database once: `MeetingDocument`.

One builder (`build_summary`; `summary.services.meeting_document` gives it the editor's draft
and the meeting's themes) and three views of the same document for its three readers:

- `for_editor()`: the workspace's groups, each factor with the group's text, the editor's
  wording and its version (summary/workspace_views.py);
- `for_public()`: the JSON-ready article the public page shows and publishing stores;
- `for_record()`: the meeting, the editor's version and the themes as the JSON archive keeps
  them (summary/archive/serialise.py adds the rest of the record: ideas, votes, people).

Every article format (Markdown, HTML, DOCX, PDF) and the spreadsheets (summary/outputs.py)
read the document itself, so no reader can disagree with another about order, counts or
wording.
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
from groups.models import SuccessFactor
from groups.reflection import visible_texts
from meetings.models import Group, Meeting, PhaseKind, Profession

from .models import FactorEdit, SummaryDraft


@dataclass(frozen=True)
class FactorEntry:
    position: int
    # What the group agreed, exactly as in the record.
    text: str
    # The editor's wording for publication, or None when the editor has not changed it.
    edited_text: str | None = None
    # The database row (0 in documents built by hand), and the editor's stored wording as it is
    # (even when it says what the group says), its version and the group's text it was based on.
    factor_id: int = 0
    edit: str | None = None
    edit_version: int = 0
    based_on: str = ""

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
    pk: int = 0  # the database row (0 in documents built by hand)

    @property
    def kind_label(self) -> str:
        return str(Group.Kind(self.kind).label)

    @property
    def profession_label(self) -> str:
        return str(Profession(self.profession).label) if self.profession else ""

    @property
    def seat(self) -> int:
        """The place in seating order (home groups first): the number in the key "g3"."""
        return int(self.key.removeprefix("g")) if self.key.startswith("g") else 0

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


@dataclass
class FactorRow:
    """One factor in the editor's view: the group's text, the editor's wording and version, and
    the workspace form's state after a save (what was typed, and how it went)."""

    entry: FactorEntry
    group_name: str
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
        return self.entry.factor_id

    @property
    def position(self) -> int:
        return self.entry.position

    @property
    def original(self) -> str:
        return self.entry.text

    @property
    def text(self) -> str:
        """What will be published: the editor's wording where there is one."""
        return self.entry.edit if self.entry.edit is not None else self.entry.text

    @property
    def is_edited(self) -> bool:
        return self.entry.edited_text is not None

    @property
    def version(self) -> int:
        return self.entry.edit_version

    @property
    def group_changed_since(self) -> bool:
        """The group changed its text after the editor reworded it (an unlocked list)."""
        return self.is_edited and self.entry.based_on != self.entry.text


@dataclass
class GroupRow:
    """One group in the editor's view, in the editor's order."""

    group: GroupSummary
    factors: list[FactorRow]
    is_first: bool = False
    is_last: bool = False

    @property
    def pk(self) -> int:
        return self.group.pk

    @property
    def count(self) -> int:
        return len(self.factors)

    @property
    def limit(self) -> int:
        return self.group.factor_count

    @property
    def members(self) -> int:
        return self.group.participant_count


@dataclass(frozen=True)
class Participation:
    total: int
    by_group: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class EditorView:
    home_groups: list[GroupRow]
    expert_groups: list[GroupRow]
    participation: Participation

    def rows(self) -> list[GroupRow]:
        return self.home_groups + self.expert_groups

    def factor(self, factor_id: int) -> FactorRow | None:
        return next(
            (f for row in self.rows() for f in row.factors if f.pk == factor_id),
            None,
        )


@dataclass(frozen=True)
class MeetingDocument:
    """The one model of a meeting's summary; its readers take one of its views."""

    title: str
    date: datetime.date
    venue: str
    series: str | None
    core_question: str
    factor_count: int
    participant_count: int
    # Each kind in the editor's order (seating order without a draft); keys stay the record's.
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
    # Whether an editor has opened the summary, and the order they left (group keys, as stored).
    has_draft: bool = False
    group_order: tuple[str, ...] = field(default=())

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
        """(home group name, participants) in the article's order."""
        return tuple((group.name, group.participant_count) for group in self.home_groups)

    @property
    def has_factors(self) -> bool:
        return any(group.factors for group in self.groups)

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

    # --- The three views ---------------------------------------------------------------------

    def for_editor(self) -> EditorView:
        """The workspace: every group in the editor's order, each factor with both wordings."""

        def rows(groups: tuple[GroupSummary, ...]) -> list[GroupRow]:
            result = [
                GroupRow(group, [FactorRow(entry, group.name) for entry in group.factors])
                for group in groups
            ]
            if result:
                result[0].is_first = True
                result[-1].is_last = True
            return result

        home = rows(self.home_groups)
        return EditorView(
            home_groups=home,
            expert_groups=rows(self.expert_groups),
            participation=Participation(
                total=sum(row.members for row in home),
                by_group=list(self.participation),
            ),
        )

    def for_public(self) -> dict[str, Any]:
        """Exactly what the public page shows, JSON-ready: only the editor's version where
        there is one. Publishing keeps it as it is, so the page does not change afterwards."""

        def group_content(group: GroupSummary) -> dict[str, Any]:
            return {
                "name": group.name,
                "profession": group.profession_label,
                "agreed": group.agreed,
                "count": group.filled,
                "limit": group.factor_count,
                "members": group.participant_count,
                "factors": [
                    factor.edit if factor.edit is not None else factor.text
                    for factor in group.factors
                ],
            }

        def theme_content(theme: ThemeView) -> dict[str, Any]:
            names = list(dict.fromkeys(group.name for group, _factor in theme.entries))
            return {
                "label": theme.label,
                "groups": names,
                "group_count": theme.group_count,
                "total_groups": theme.total_groups,
                # The published wording, as in the groups above.
                "factors": [
                    {
                        "group": group.name,
                        "text": factor.edit if factor.edit is not None else factor.text,
                    }
                    for group, factor in theme.entries
                ],
            }

        return {
            "title": self.title,
            "date": self.date.isoformat(),
            "venue": self.venue,
            "series": self.series or "",
            "core_question": self.core_question,
            "lead": self.lead,
            "closing": self.closing,
            "participants": sum(group.participant_count for group in self.home_groups),
            "home_groups": [group_content(group) for group in self.home_groups],
            "expert_groups": [group_content(group) for group in self.expert_groups],
            "agenda": [entry.to_content() for entry in self.agenda],
            "themes": [theme_content(theme) for theme in self.theme_views()],
            "reflection": [{"text": word.text, "count": word.count} for word in self.reflection],
        }

    def for_record(self) -> dict[str, Any]:
        """The archive's parts of the document (docs/export-schema.md): the meeting, the
        editor's version (null when no editor has opened the summary) and the themes, by
        group key and position; groups in seating order, whatever the editor's order."""
        seating = sorted(self.groups, key=lambda group: group.seat)
        editor = None
        if self.has_draft:
            editor = {
                "lead": self.lead,
                "closing": self.closing,
                "group_order": list(self.group_order),
                "factor_edits": [
                    {
                        "group": group.key,
                        "position": factor.position,
                        "text": factor.edit,
                        "based_on": factor.based_on,
                    }
                    for group in seating
                    for factor in group.factors
                    if factor.edit is not None
                ],
            }
        return {
            "meeting": {
                "title": self.title,
                "date": self.date.isoformat(),
                "venue": self.venue,
                "core_question": self.core_question,
                "factor_count": self.factor_count,
                "series": self.series,
            },
            "editor": editor,
            "themes": [
                {
                    "label": theme.label,
                    "factors": [{"group": f.group, "position": f.position} for f in theme.factors],
                }
                for theme in self.themes
            ],
        }


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
    meeting: Meeting,
    *,
    themes: Sequence[Theme] = (),
    draft: SummaryDraft | None = None,
    with_reflection: bool = True,
) -> MeetingDocument:
    """The one builder: the summary of `meeting` as it is in the database now (a handful of
    queries).

    `themes` are the theme finder's or the editor's themes, referring to groups by the keys
    this function gives them; none unless passed. With the editor's `draft`, each factor
    carries the editor's wording beside the group's and the groups of each kind stand in the
    editor's order; their keys stay the record's (seating order). `with_reflection=False`
    leaves the reflection's words out (the workspace's autosave answers need none).
    """
    groups = ordered_groups(meeting)
    keys = group_keys(groups)
    edits = {edit.factor_id: edit for edit in draft.factor_edits.all()} if draft else {}
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
                _entry(factor, edits.get(factor.pk)) for factor in group.ordered_factors()
            ),
            pk=group.pk,
        )
        for group in groups
    ]
    return MeetingDocument(
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
        reflection=reflection_entries(meeting) if with_reflection else (),
        lead=draft.lead if draft is not None else "",
        closing=draft.closing if draft is not None else "",
        has_draft=draft is not None,
        group_order=tuple(keys[pk] for pk in draft.group_order if pk in keys)
        if draft is not None
        else (),
    )


def _entry(factor: SuccessFactor, edit: FactorEdit | None) -> FactorEntry:
    return FactorEntry(
        position=factor.position,
        text=factor.text,
        edited_text=_edited(edit.text if edit is not None else None, factor.text),
        factor_id=factor.pk,
        edit=edit.text if edit is not None else None,
        edit_version=edit.version if edit is not None else 0,
        based_on=edit.based_on if edit is not None else "",
    )


def order_of(meeting: Meeting, draft: SummaryDraft | None) -> list[int]:
    """Every group's pk (home groups, then expert groups), each kind in the editor's order."""
    groups = list(meeting.groups.all())
    order = draft.group_order if draft is not None else []
    result: list[int] = []
    for kind in (Group.Kind.HOME, Group.Kind.EXPERT):
        result += [g.pk for g in in_editors_order([g for g in groups if g.kind == kind], order)]
    return result


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
