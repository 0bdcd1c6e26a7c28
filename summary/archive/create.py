"""Creating a meeting from a checked archive: all or nothing."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.db import DataError, IntegrityError, transaction
from django.utils.translation import gettext as _

from groups.models import (
    Dot,
    HiddenWord,
    Idea,
    IdeaPool,
    PoolSettings,
    ReflectionWord,
    SuccessFactor,
)
from meetings.models import Group, Meeting, Participant, Phase
from meetings.services import series_for

from ..models import FactorEdit, SummaryDraft
from .parse import _EditorPlan, _parse, _Plan
from .schema import _fail

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def _create(plan: _Plan, facilitator: AbstractBaseUser | None) -> Meeting:
    # The importer's own series of that name, else a new one: never another organiser's.
    series = series_for(organiser=facilitator, name=plan.series) if plan.series else None
    # An archive is not a live meeting: nobody can join it until a facilitator opens it.
    meeting = Meeting.objects.create(
        **plan.meeting,
        series=series,
        joining_open=False,
        is_archive=True,
        experts_published_at=plan.experts_published_at,
    )
    if facilitator is not None:
        meeting.facilitators.add(facilitator)  # type: ignore[arg-type]
    positions = {Group.Kind.HOME: 0, Group.Kind.EXPERT: 0}
    groups: dict[str, Group] = {}
    for raw_group in plan.groups:
        positions[Group.Kind(raw_group.kind)] += 1
        groups[raw_group.key] = Group.objects.create(
            meeting=meeting,
            kind=raw_group.kind,
            profession=raw_group.profession,
            position=positions[Group.Kind(raw_group.kind)],
            name=raw_group.name,
            agreed_at=meeting.created_at if raw_group.agreed else None,
        )
    participants: dict[str, Participant] = {}
    for raw in plan.participants:
        participants[raw.key] = Participant.objects.create(
            meeting=meeting,
            home_group=groups[raw.home_group],
            expert_group=groups[raw.expert_group] if raw.expert_group is not None else None,
            left_at=raw.left_at,
        )
    ideas = _create_ideas(plan, meeting, groups, participants)
    for raw_group in plan.groups:
        for position, factor in enumerate(raw_group.factors, start=1):
            created = SuccessFactor.objects.create(
                group=groups[raw_group.key],
                position=position,
                text=factor.text,
                author=participants[factor.author] if factor.author is not None else None,
            )
            if factor.source_ideas:
                created.source_ideas.add(*(ideas[key] for key in factor.source_ideas))
    _create_reflection(plan, meeting, participants)
    if plan.editor is not None:
        _create_editor(plan.editor, meeting, groups)
    for position, item in enumerate(plan.agenda, start=1):
        started, ended = _parse_moment(item["started_at"]), _parse_moment(item["ended_at"])
        Phase.objects.create(
            meeting=meeting,
            position=position,
            kind=item["kind"],
            title=item["title"],
            planned_minutes=item["planned_minutes"],
            speaker=item["speaker"],
            note=item["note"],
            started_at=started,
            # A phase that was running when exported is over in the archive.
            ended_at=ended or started,
            duration_seconds=item["planned_minutes"] * 60,
        )
    return meeting


def _create_ideas(
    plan: _Plan, meeting: Meeting, groups: dict[str, Group], participants: dict[str, Participant]
) -> dict[str, Idea]:
    def person(key: str | None) -> Participant | None:
        return participants[key] if key is not None else None

    if plan.pool_settings is not None:
        PoolSettings.objects.create(meeting=meeting, **plan.pool_settings)
    ideas: dict[str, Idea] = {}
    for raw_group in plan.groups:
        group = groups[raw_group.key]
        if raw_group.pool is not None:
            IdeaPool.objects.create(
                group=group,
                revealed_at=raw_group.pool.revealed_at,
                revealed_by=person(raw_group.pool.revealed_by),
                revealed_by_facilitator=raw_group.pool.revealed_by_facilitator,
            )
        for raw in raw_group.ideas:
            idea = Idea.objects.create(
                group=group,
                author=person(raw.author),
                text=raw.text,
                withdrawn_at=raw.withdrawn_at,
                merged_at=raw.merged_at,
                merged_by=person(raw.merged_by),
            )
            # created_at is set on insert; the record's own time replaces it.
            Idea.objects.filter(pk=idea.pk).update(created_at=raw.created_at)
            ideas[raw.key] = idea
            Dot.objects.bulk_create(
                Dot(idea=idea, participant=participants[dot.participant], count=dot.count)
                for dot in raw.dots
            )
        for raw in raw_group.ideas:
            if raw.merged_into is not None:
                Idea.objects.filter(pk=ideas[raw.key].pk).update(merged_into=ideas[raw.merged_into])
    return ideas


def _create_reflection(plan: _Plan, meeting: Meeting, participants: dict[str, Participant]) -> None:
    for raw in plan.words:
        word = ReflectionWord.objects.create(
            meeting=meeting,
            participant=participants[raw.participant] if raw.participant is not None else None,
            text=raw.text,
            key=raw.key,
            client_token=uuid.uuid4(),
        )
        ReflectionWord.objects.filter(pk=word.pk).update(created_at=raw.created_at)
    for hidden in plan.hidden:
        entry = HiddenWord.objects.create(
            meeting=meeting, key=hidden.key, text=hidden.text, hidden_by_name=hidden.hidden_by_name
        )
        HiddenWord.objects.filter(pk=entry.pk).update(hidden_at=hidden.hidden_at)


def _create_editor(plan: _EditorPlan, meeting: Meeting, groups: dict[str, Group]) -> None:
    draft = SummaryDraft.objects.create(
        meeting=meeting,
        lead=plan.lead,
        closing=plan.closing,
        group_order=[groups[key].pk for key in plan.group_order],
    )
    for edit in plan.factor_edits:
        group = groups[edit["group"]]
        factor = group.factors.get(position=edit["position"])
        FactorEdit.objects.create(
            draft=draft,
            group=group,
            factor_id=factor.pk,
            text=edit["text"],
            based_on=edit["based_on"],
        )


def _parse_moment(raw: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(raw) if raw else None


@transaction.atomic
def import_meeting(data: Any, *, facilitator: AbstractBaseUser | None = None) -> Meeting:
    """Create a meeting (new join code, closed for joining) from an export; all or nothing.

    Every problem in the file raises ImportRejected with a Swedish message; nothing is
    written then.
    """
    plan = _parse(data)
    try:
        with transaction.atomic():
            return _create(plan, facilitator)
    except (IntegrityError, DataError) as error:
        # Not expected after _parse(); still an answer, not a traceback.
        raise _fail(
            _("Databasen tog inte emot filen (%(error)s); inget har sparats.") % {"error": error}
        ) from error
