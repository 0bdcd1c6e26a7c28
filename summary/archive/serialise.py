"""A meeting as the JSON archive (docs/export-schema.md): the whole record without personal
data, the themes and (version 4) the editor's version."""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from groups.models import (
    HiddenWord,
    Idea,
    IdeaPool,
    PoolSettings,
    ReflectionWord,
    SuccessFactor,
)
from meetings.models import Group, Meeting

from ..document import Theme, group_keys, ordered_groups
from ..services import meeting_document
from .schema import SCHEMA_NAME, SCHEMA_VERSION


def _moment(value: datetime.datetime | None) -> str | None:
    # In the meeting's own time zone (TIME_ZONE), as people read the afternoon's clock.
    return timezone.localtime(value).isoformat() if value is not None else None


def _agenda_data(meeting: Meeting) -> list[dict[str, Any]]:
    """The meeting's agenda phases, in order, with when each ran (docs/export-schema.md)."""
    return [
        {
            "position": position,
            "kind": phase.kind,
            "title": phase.title,
            "planned_minutes": phase.planned_minutes,
            "speaker": phase.speaker,
            "note": phase.note,
            "started_at": _moment(phase.started_at),
            "ended_at": _moment(phase.ended_at),
        }
        for position, phase in enumerate(meeting.agenda(), start=1)
    ]


def _ideas_data(
    ideas: list[Idea], idea_keys: dict[int, str], participant_keys: dict[int, str]
) -> list[dict[str, Any]]:
    """A group's pool: every idea, withdrawn and merged ones too (the record), in the order
    they were written, with its votes and the dots behind them (docs/export-schema.md)."""

    def person(pk: int | None) -> str | None:
        return participant_keys.get(pk) if pk is not None else None

    rows = []
    for idea in ideas:
        dots = sorted(idea.dots.all(), key=lambda dot: dot.participant_id)
        rows.append(
            {
                "key": idea_keys[idea.pk],
                "text": idea.text,
                "author": person(idea.author_id),
                "created_at": _moment(idea.created_at),
                "withdrawn_at": _moment(idea.withdrawn_at),
                "merged_into": idea_keys.get(idea.merged_into_id) if idea.merged_into_id else None,
                "merged_at": _moment(idea.merged_at),
                "merged_by": person(idea.merged_by_id),
                "votes": sum(dot.count for dot in dots),
                "dots": [
                    {"participant": participant_keys[dot.participant_id], "count": dot.count}
                    for dot in dots
                ],
            }
        )
    return rows


def _pool_data(group: Group, participant_keys: dict[int, str]) -> dict[str, Any] | None:
    pool = IdeaPool.objects.filter(group=group).first()
    if pool is None:
        return None
    return {
        "revealed_at": _moment(pool.revealed_at),
        "revealed_by": participant_keys.get(pool.revealed_by_id) if pool.revealed_by_id else None,
        "revealed_by_facilitator": pool.revealed_by_facilitator,
    }


def _reflection_data(meeting: Meeting, participant_keys: dict[int, str]) -> dict[str, Any]:
    return {
        "words": [
            {
                "text": word.text,
                "key": word.key,
                "participant": participant_keys.get(word.participant_id)
                if word.participant_id
                else None,
                "created_at": _moment(word.created_at),
            }
            for word in ReflectionWord.objects.filter(meeting=meeting).order_by("created_at", "pk")
        ],
        "hidden": [
            {
                "key": hidden.key,
                "text": hidden.text,
                "hidden_at": _moment(hidden.hidden_at),
                "hidden_by_name": hidden.hidden_by_name,
            }
            for hidden in HiddenWord.objects.filter(meeting=meeting).order_by("hidden_at", "pk")
        ],
    }


def meeting_data(meeting: Meeting, *, themes: Sequence[Theme] | None = None) -> dict[str, Any]:
    """The whole meeting without personal data: participants are anonymous keys.

    The record in seating order: the groups' own texts, and from the meeting's document its
    record view (the meeting, the editor's version, and `themes` — by default the meeting's
    themes, the editor's if curated, else found afresh).
    """
    groups = ordered_groups(meeting)
    keys = group_keys(groups)
    record = meeting_document(meeting, themes=themes, with_reflection=False).for_record()
    participants = list(meeting.participants.order_by("pk"))
    participant_keys = {p.pk: f"p{index}" for index, p in enumerate(participants, start=1)}
    ideas = list(
        Idea.objects.filter(group__meeting=meeting)
        .prefetch_related("dots")
        .order_by("created_at", "pk")
    )
    by_group = {group.pk: [idea for idea in ideas if idea.group_id == group.pk] for group in groups}
    idea_keys = {
        idea.pk: f"i{index}"
        for index, idea in enumerate(
            (idea for group in groups for idea in by_group[group.pk]), start=1
        )
    }
    order = {pk: index for index, pk in enumerate(idea_keys)}
    sources = {
        factor_id: [idea_keys[pk] for pk in sorted(idea_ids, key=order.__getitem__)]
        for factor_id, idea_ids in _source_ideas(meeting).items()
    }
    settings = PoolSettings.for_meeting(meeting.pk)
    return {
        "schema": SCHEMA_NAME,
        "version": SCHEMA_VERSION,
        "meeting": record["meeting"],
        "agenda": _agenda_data(meeting),
        "groups": [
            {
                "key": keys[group.pk],
                "kind": group.kind,
                "name": group.name,
                "profession": group.profession or None,
                "agreed": group.is_agreed,
                "factors": [
                    {
                        "position": factor.position,
                        "text": factor.text,
                        "author": participant_keys.get(factor.author_id)
                        if factor.author_id
                        else None,
                        "source_ideas": sources.get(factor.pk, []),
                    }
                    for factor in group.ordered_factors()
                ],
                "pool": _pool_data(group, participant_keys),
                "ideas": _ideas_data(by_group[group.pk], idea_keys, participant_keys),
            }
            for group in groups
        ],
        "participants": [
            {
                "key": participant_keys[p.pk],
                "home_group": keys[p.home_group_id],
                "expert_group": keys.get(p.expert_group_id) if p.expert_group_id else None,
                "left_at": _moment(p.left_at),
            }
            for p in participants
        ],
        "experts_published_at": _moment(meeting.experts_published_at),
        "pool_settings": {
            "dots_per_member": settings.dots_per_member,
            "several_dots_per_idea": settings.several_dots_per_idea,
            "private_until_revealed": settings.private_until_revealed,
        },
        "reflection": _reflection_data(meeting, participant_keys),
        "editor": record["editor"],
        "themes": record["themes"],
    }


def _source_ideas(meeting: Meeting) -> dict[int, list[int]]:
    """{factor id: [idea ids]}: the ideas each factor was picked from."""
    links = SuccessFactor.source_ideas.through.objects.filter(
        successfactor__group__meeting=meeting
    ).values_list("successfactor_id", "idea_id")
    found: dict[int, list[int]] = {}
    for factor_id, idea_id in links:
        found.setdefault(factor_id, []).append(idea_id)
    return found


def meeting_json(meeting: Meeting, *, themes: Sequence[Theme] | None = None) -> str:
    return json.dumps(meeting_data(meeting, themes=themes), ensure_ascii=False, indent=2) + "\n"
