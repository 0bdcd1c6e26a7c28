"""What a group's idea pool looks like now: read once per render, the same for every viewer.

The phone, room column and console row render from a `PoolView`. It holds nothing about who
is looking: in private mode before the reveal it carries only counts, and a member's own
ideas and dots come with their own HTTP answers (see views.py `_my_pool`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings as settings_module
from django.db.models import OuterRef, Subquery, Sum

from meetings.models import Group, Meeting, PhaseKind
from meetings.phases import Action, PhaseRules, rules_for

from .models import Dot, Idea, IdeaPool, PoolSettings, SuccessFactor
from .pool import DuplicatePair, likely_duplicates

# The phases in which phones show the pool (in a meeting that uses it, see rules_for); what
# may be done with it (write, dot, merge, pick) follows the phase's rules.
POOL_PHASES = frozenset({PhaseKind.BUZZ, PhaseKind.DIALOGUE, PhaseKind.AGREE})
# How many of the top ideas a room column shows.
ROOM_TOP = 3


@dataclass
class IdeaRow:
    idea: Idea
    votes: int
    merged_texts: list[str]
    merged_ids: list[int]
    factor_position: int | None
    suggested: bool = False


@dataclass
class Suggestion:
    keep: IdeaRow
    merge: IdeaRow
    shared: tuple[str, ...]


@dataclass
class PoolView:
    group: Group
    settings: PoolSettings
    phase_kind: str
    hidden: bool
    revealed: bool
    count: int
    locked: bool
    list_full: bool
    rules: PhaseRules
    uses_pool: bool = True
    rows: list[IdeaRow] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    total_votes: int = 0

    @property
    def listed_fewer(self) -> bool:
        """Not every idea is listed (POOL_SHOWN): the page says how many are."""
        return len(self.rows) < self.count

    @property
    def shown(self) -> bool:
        return self.uses_pool and self.phase_kind in POOL_PHASES

    @property
    def adding(self) -> bool:
        # New ideas while the phase allows them (the buzz; with ideas until agreed, also the
        # dialogue and agree phases), never into an agreed list's pool.
        return self.rules.allowed(Action.WRITE_IDEA) and not self.locked

    @property
    def voting(self) -> bool:
        return self.rules.allowed(Action.DOT) and not self.hidden and not self.locked

    @property
    def merging(self) -> bool:
        return self.rules.allowed(Action.MERGE) and not self.hidden and not self.locked

    @property
    def picking(self) -> bool:
        return (
            self.rules.allowed(Action.PICK)
            and not self.hidden
            and not self.locked
            and not self.list_full
        )

    @property
    def top(self) -> list[IdeaRow]:
        return [row for row in self.rows if row.votes][:ROOM_TOP]

    @property
    def top_slots(self) -> list[str]:
        """Stand-ins for the room's top ideas still to come (reserved, invisible)."""
        return ["xxx xxx xxxxx xxx"] * (ROOM_TOP - len(self.top))


def current_kind(meeting: Meeting) -> str:
    phase = meeting.current_phase
    return str(phase.kind) if phase is not None and phase.is_running else "none"


def _loaded_settings(meeting: Meeting) -> PoolSettings:
    """The meeting's settings as `Group.objects.with_factors()` read them, else from the
    database; a meeting without a row has the defaults."""
    cache = meeting._state.fields_cache
    if "pool_settings" not in cache:
        return PoolSettings.for_meeting(meeting.pk)
    loaded: PoolSettings | None = cache["pool_settings"]
    return loaded if loaded is not None else PoolSettings(meeting_id=meeting.pk)


def _loaded_pool(group: Group) -> IdeaPool | None:
    cache = group._state.fields_cache
    if "idea_pool" not in cache:
        return IdeaPool.objects.filter(group=group).first()
    pool: IdeaPool | None = cache["idea_pool"]
    return pool


def pool_view(group: Group) -> PoolView:
    meeting = group.meeting
    settings = _loaded_settings(meeting)
    pool = _loaded_pool(group)
    revealed = pool is not None and pool.revealed_at is not None
    hidden = settings.private_until_revealed and not revealed
    ideas = group.ideas.filter(withdrawn_at__isnull=True, merged_into__isnull=True)
    factors = list(group.ordered_factors())
    view = PoolView(
        group=group,
        settings=settings,
        phase_kind=current_kind(meeting),
        hidden=hidden,
        revealed=revealed,
        count=0,
        locked=group.is_agreed,
        list_full=len(factors) >= meeting.factor_count,
        rules=rules_for(meeting),
    )
    # Only a pool phase asks whether the agenda has buzz groups (a memo, usually no query).
    view.uses_pool = view.phase_kind in POOL_PHASES and meeting.uses_idea_pool
    if hidden:
        view.count = ideas.count()
        return view
    # Every idea of the group in one query, with its votes and the list's place of the factor
    # it became (a subquery, not a second query on every write that shows the pool): the
    # active ones are the rows, the others say which ideas were merged into them (oldest first).
    picked_position = (
        SuccessFactor.objects.filter(group_id=group.pk, source_ideas=OuterRef("pk"))
        .order_by("position")
        .values("position")[:1]
    )
    every = list(
        group.ideas.annotate(
            votes=Sum("dots__count"), picked_position=Subquery(picked_position)
        ).order_by("created_at", "pk")
    )
    merged_into: dict[int, list[Idea]] = {}
    for idea in sorted(every, key=lambda idea: idea.pk):
        if idea.merged_into_id is not None:
            merged_into.setdefault(idea.merged_into_id, []).append(idea)
    rows = [
        IdeaRow(
            idea=idea,
            votes=idea.votes or 0,
            merged_texts=[merged.text for merged in merged_into.get(idea.pk, [])],
            merged_ids=[merged.pk for merged in merged_into.get(idea.pk, [])],
            factor_position=idea.picked_position,
        )
        for idea in every
        if idea.is_active
    ]
    view.count = len(rows)
    rows = _bounded(rows, settings_module.POOL_SHOWN)
    rows.sort(key=lambda row: -row.votes)  # stable: equal votes keep the order written
    free = max(0, meeting.factor_count - len(factors))
    for row in [row for row in rows if row.factor_position is None and row.votes][:free]:
        row.suggested = True
    view.rows = rows
    view.total_votes = sum(row.votes for row in rows)
    if view.voting:
        by_id = {row.idea.pk: row for row in rows}
        pairs: list[DuplicatePair] = likely_duplicates(
            [(row.idea.pk, row.idea.text) for row in rows if row.factor_position is None]
        )
        for pair in pairs:
            first, second = by_id[pair.first], by_id[pair.second]
            # Keep the one with more votes (the earlier one when equal: rows are ranked).
            view.suggestions.append(Suggestion(keep=first, merge=second, shared=pair.shared))
    return view


def _bounded(rows: list[IdeaRow], most: int) -> list[IdeaRow]:
    """At most `most` rows, so every phone's frame stays bounded whatever one member sends:
    the ideas with dots or in the list first (what the group is deciding on), then the
    newest; in the order written. The page says how many there are (`count`)."""
    if len(rows) <= most:
        return rows
    weighed = [row for row in rows if row.votes or row.factor_position is not None]
    rest = [row for row in rows if not (row.votes or row.factor_position is not None)]
    keep = {id(row) for row in weighed[:most]}
    keep.update(id(row) for row in rest[len(rest) - max(0, most - len(keep)) :])
    return [row for row in rows if id(row) in keep]


def my_pool(
    group: Group, participant_id: int, shared: PoolView | None = None
) -> tuple[list[Idea], dict[int, int]]:
    """A member's own active ideas and dots: for their own screen only. When the group's
    pool view lists every idea (not hidden), their ideas are picked from it."""
    if shared is not None and not shared.hidden:
        mine = [row.idea for row in shared.rows if row.idea.author_id == participant_id]
        ideas = sorted(mine, key=lambda idea: (idea.created_at, idea.pk))
    else:
        ideas = list(
            group.ideas.filter(
                author_id=participant_id, withdrawn_at__isnull=True, merged_into__isnull=True
            )
        )
    dots = dict(
        Dot.objects.filter(participant_id=participant_id, idea__group=group).values_list(
            "idea_id", "count"
        )
    )
    return ideas, dots
