"""The meeting as versioned JSON (docs/export-schema.md), and its import.

The file's shape is a JSON Schema document (summary/schema/meeting-export.schema.json),
checked with `jsonschema`; what needs the whole file (unique keys, references, positions,
the meeting's own factor count, the phone's text rule) is checked here. Both report in
Swedish, naming the field and where it is.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groups.models import (
    FACTOR_MAX_LENGTH,
    IDEA_MAX_LENGTH,
    Dot,
    HiddenWord,
    Idea,
    IdeaPool,
    PoolSettings,
    ReflectionWord,
    SuccessFactor,
)
from groups.services import clean_factor_text, clean_idea_text
from meetings.errors import DomainError
from meetings.models import Group, Meeting, Participant, Phase, Series
from meetings.text import clean_text

from .document import Theme, ThemeFactor, group_keys, ordered_groups
from .models import FactorEdit, SummaryDraft
from .services import clean_paragraph, export_themes

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SCHEMA_NAME = "topp25.meeting"
SCHEMA_VERSION = 4
READABLE_VERSIONS = (1, 2, 3, 4)
VERSION_2_FIELDS = ("agenda", "themes")
VERSION_3_FIELDS = ("pool_settings", "reflection", "experts_published_at")
VERSION_4_FIELDS = ("editor",)
# Fields (at any level) a file of an earlier version may not have, and the version that added them.
_LATER_FIELDS = {
    **dict.fromkeys(VERSION_2_FIELDS, 2),
    **dict.fromkeys(VERSION_3_FIELDS, 3),
    **dict.fromkeys(("ideas", "pool", "source_ideas", "left_at"), 3),
    **dict.fromkeys(VERSION_4_FIELDS, 4),
}
SCHEMA_PATH = Path(__file__).with_name("schema") / "meeting-export.schema.json"


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

    The record only, in seating order: the groups' own texts (not the editor's wording) and
    `themes` — by default the meeting's themes, the editor's if curated, else found afresh.
    """
    groups = ordered_groups(meeting)
    keys = group_keys(groups)
    if themes is None:
        themes = export_themes(meeting, keys)
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
        "meeting": {
            "title": meeting.title,
            "date": meeting.date.isoformat(),
            "venue": meeting.venue,
            "core_question": meeting.core_question,
            "factor_count": meeting.factor_count,
            "series": meeting.series.name if meeting.series else None,
        },
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
        "editor": _editor_data(meeting, groups, keys),
        "themes": [
            {
                "label": theme.label,
                "factors": [{"group": f.group, "position": f.position} for f in theme.factors],
            }
            for theme in themes
        ],
    }


def _editor_data(
    meeting: Meeting, groups: list[Group], keys: dict[int, str]
) -> dict[str, Any] | None:
    """The editor's version (version 4): the lead, the closing paragraph, the groups' order and
    every reworded factor, by group key and position; null when no editor has opened the
    summary. Publishing is not archived: a restored meeting is published again by hand."""
    draft = SummaryDraft.objects.filter(meeting=meeting).first()
    if draft is None:
        return None
    edits = {edit.factor_id: edit for edit in draft.factor_edits.all()}
    return {
        "lead": draft.lead,
        "closing": draft.closing,
        "group_order": [keys[pk] for pk in draft.group_order if pk in keys],
        "factor_edits": [
            {
                "group": keys[group.pk],
                "position": factor.position,
                "text": edits[factor.pk].text,
                "based_on": edits[factor.pk].based_on,
            }
            for group in groups
            for factor in group.ordered_factors()
            if factor.pk in edits
        ],
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


class ImportRejected(DomainError):
    pass


def _fail(message: str) -> ImportRejected:
    return ImportRejected("invalid_import", message)


# --- The schema, with a strict idea of an integer ------------------------------------------


def _strict_integer(checker: Any, instance: Any) -> bool:
    # JSON Schema counts 5.0 as an integer and Python counts True as one; a file that says
    # 5.0 or true where a count belongs was not written by topp25, so both are refused.
    return isinstance(instance, int) and not isinstance(instance, bool)


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _strict_integer),
)


@cache
def export_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


@cache
def _validator() -> Any:
    schema = export_schema()
    _Validator.check_schema(schema)
    return _Validator(schema)


def _control_pattern() -> str:
    return str(export_schema()["$defs"]["text"]["pattern"])


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, int):
        return _("ett heltal")
    if isinstance(value, float):
        return _("ett decimaltal")
    if isinstance(value, str):
        return _("text")
    if isinstance(value, list):
        return _("en lista")
    return _("ett objekt")


def _expected(types: str | list[str]) -> str:
    names = {
        "string": _("text"),
        "integer": _("ett heltal"),
        "boolean": _("true eller false"),
        "array": _("en lista ([ … ])"),
        "object": _("ett objekt ({ … })"),
    }
    kinds = [types] if isinstance(types, str) else list(types)
    expected = " / ".join(names[kind] for kind in kinds if kind != "null")
    if "null" in kinds:
        expected = _("%(kind)s eller null") % {"kind": expected}
    return expected


# The order fields are written in, to report the first problem in reading order.
_FIELD_ORDER = {
    name: rank
    for rank, name in enumerate(
        [
            "schema",
            "version",
            "meeting",
            "title",
            "date",
            "venue",
            "core_question",
            "factor_count",
            "series",
            "agenda",
            "groups",
            "key",
            "position",
            "kind",
            "name",
            "profession",
            "agreed",
            "factors",
            "text",
            "author",
            "planned_minutes",
            "speaker",
            "note",
            "started_at",
            "ended_at",
            "source_ideas",
            "pool",
            "revealed_at",
            "revealed_by",
            "revealed_by_facilitator",
            "ideas",
            "created_at",
            "withdrawn_at",
            "merged_into",
            "merged_at",
            "merged_by",
            "votes",
            "dots",
            "participant",
            "count",
            "participants",
            "home_group",
            "expert_group",
            "left_at",
            "themes",
            "label",
            "group",
            "experts_published_at",
            "pool_settings",
            "dots_per_member",
            "several_dots_per_idea",
            "private_until_revealed",
            "reflection",
            "words",
            "hidden",
            "hidden_at",
            "hidden_by_name",
        ]
    )
}
_KEYWORD_ORDER = {"additionalProperties": 0, "required": 1, "type": 2}


def _error_order(error: jsonschema.ValidationError) -> tuple[Any, ...]:
    path = tuple(
        (0, step) if isinstance(step, int) else (1, _FIELD_ORDER.get(step, 99))
        for step in error.absolute_path
    )
    return (path, _KEYWORD_ORDER.get(str(error.validator), 3))


def _where(data: Any, path: Sequence[str | int]) -> str:
    """Where in the file, as the docs and earlier messages say it: "groups[2]", "meeting",
    "gruppen groups[1] ”Lärare”, framgångsfaktor 3", "themes[1].factors[2]"."""
    if not path:
        return _("filen")
    words: list[str] = []
    for step in path:
        if isinstance(step, int):
            words[-1] = f"{words[-1]}[{step + 1}]"
        else:
            words.append(step)
    if len(path) == 4 and path[0] == "groups" and path[2] == "factors":
        group = data["groups"][path[1]]
        name = group.get("name") if isinstance(group, dict) else None
        label = f"groups[{int(path[1]) + 1}]" + (f" ”{name}”" if isinstance(name, str) else "")
        return _("gruppen %(group)s, framgångsfaktor %(position)d") % {
            "group": label,
            "position": int(path[3]) + 1,
        }
    return ".".join(words)


def _schema_message(data: Any, error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    value = error.instance
    keyword = error.validator
    if keyword is None:  # a `false` schema: a field of a later version than the file's
        # jsonschema reports it at the object that holds the field, without the field's name.
        holder: Any = data
        for step in path:
            holder = holder[step]
        later = [key for key in holder if key in _LATER_FIELDS] if isinstance(holder, dict) else []
        if later:
            return _(
                "Okänt fält ”%(key)s” i %(where)s (det finns först i version %(version)d)."
            ) % {
                "key": later[0],
                "where": _where(data, path),
                "version": _LATER_FIELDS[later[0]],
            }
        return _("Ett fält i %(where)s är inte tillåtet i den här versionen av filen.") % {
            "where": _where(data, path)
        }
    if keyword == "additionalProperties":
        known = error.schema.get("properties", {})
        key = next(key for key in value if key not in known)
        return _("Okänt fält ”%(key)s” i %(where)s.") % {"key": key, "where": _where(data, path)}
    if keyword == "required":
        key = next(key for key in error.validator_value if key not in value)
        return _("Fältet ”%(key)s” saknas i %(where)s.") % {"key": key, "where": _where(data, path)}
    if keyword == "type" and (error.validator_value == "object" or not path):
        return _("Fel typ i %(where)s: det ska vara ett objekt ({ … }), inte %(found)s.") % {
            "where": _where(data, path),
            "found": _json_type(value),
        }
    key, where = str(path[-1]), _where(data, path[:-1])
    field = {"key": key, "where": where}
    if keyword == "type":
        return _("Fältet ”%(key)s” i %(where)s ska vara %(expected)s, inte %(found)s.") % {
            **field,
            "expected": _expected(error.validator_value),
            "found": _json_type(value),
        }
    if keyword == "pattern":
        if error.validator_value == _control_pattern():
            return (
                _("Fältet ”%(key)s” i %(where)s innehåller otillåtna tecken (styrtecken).") % field
            )
        if key == "date":
            return _("Datumet ”%(date)s” i %(where)s ska vara ett datum som ÅÅÅÅ-MM-DD.") % {
                "date": value,
                "where": where,
            }
        if key in _TIMESTAMP_FIELDS:
            return (
                _(
                    "Fältet ”%(key)s” i %(where)s ska vara en tidpunkt som 2026-11-23T13:05:00+01:00 eller null."
                )
                % field
            )
        return _("Fältet ”%(key)s” i %(where)s är tomt.") % field
    if keyword == "maxLength":
        return _("Fältet ”%(key)s” i %(where)s är längre än %(max)d tecken.") % {
            **field,
            "max": error.validator_value,
        }
    if keyword == "maxItems":
        return _("%(where)s har fler än %(count)d framgångsfaktorer.") % {
            "where": where,
            "count": error.validator_value,
        }
    if keyword in ("minimum", "maximum"):
        low = error.schema.get("minimum")
        high = error.schema.get("maximum")
        if low is not None and high is not None:
            return _("%(key)s i %(where)s ska vara mellan %(low)d och %(high)d.") % {
                **field,
                "low": low,
                "high": high,
            }
        return _("%(key)s i %(where)s ska vara minst %(low)d.") % {**field, "low": low}
    if keyword == "enum" and key == "profession":
        if value == "":
            return _("%(where)s: profession är tom; skriv null för en grupp utan yrkesgrupp.") % {
                "where": where
            }
        return _("%(where)s: okänd yrkesgrupp ”%(p)s”.") % {"where": where, "p": value}
    if keyword == "enum" and key == "kind":
        return _("%(where)s: okänd sort ”%(kind)s”.") % {"where": where, "kind": value}
    return _("Fältet ”%(key)s” i %(where)s har ett värde som inte är tillåtet: %(value)s.") % {
        **field,
        "value": json.dumps(value, ensure_ascii=False),
    }


def _check_header(data: Any) -> None:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_NAME:
        raise _fail(
            _("Filen är ingen topp25-export (schema ”%(name)s” saknas).") % {"name": SCHEMA_NAME}
        )
    version = data.get("version")
    if (
        not isinstance(version, int)
        or isinstance(version, bool)
        or version not in READABLE_VERSIONS
    ):
        raise _fail(
            _(
                "Filen har schemaversion %(found)s; den här versionen av topp25 läser version 1, 2, 3 och 4."
            )
            % {"found": json.dumps(version, ensure_ascii=False)}
        )
    if version == 1:
        # The schema says the same (if version 1 then no agenda/themes), but jsonschema's
        # error for it does not name the field.
        for key in VERSION_2_FIELDS:
            if key in data:
                raise _fail(
                    _("Okänt fält ”%(key)s” i %(where)s (det finns först i version 2).")
                    % {"key": key, "where": _("filen")}
                )
    if version < 3:
        for key in VERSION_3_FIELDS:
            if key in data:
                raise _fail(
                    _("Okänt fält ”%(key)s” i %(where)s (det finns först i version 3).")
                    % {"key": key, "where": _("filen")}
                )
    if version < 4:
        for key in VERSION_4_FIELDS:
            if key in data:
                raise _fail(
                    _("Okänt fält ”%(key)s” i %(where)s (det finns först i version 4).")
                    % {"key": key, "where": _("filen")}
                )


def _check_schema(data: Any) -> None:
    errors = sorted(_validator().iter_errors(data), key=_error_order)
    if errors:
        raise _fail(_schema_message(data, errors[0]))


# --- What the schema cannot say: rules across the whole file ------------------------------


@dataclass(frozen=True)
class _FactorPlan:
    where: str
    text: str
    author: str | None
    source_ideas: tuple[str, ...] = ()


@dataclass(frozen=True)
class _DotPlan:
    participant: str
    count: int


@dataclass(frozen=True)
class _IdeaPlan:
    where: str
    key: str
    text: str
    author: str | None
    created_at: datetime.datetime
    withdrawn_at: datetime.datetime | None
    merged_into: str | None
    merged_at: datetime.datetime | None
    merged_by: str | None
    dots: tuple[_DotPlan, ...]


@dataclass(frozen=True)
class _PoolPlan:
    where: str
    revealed_at: datetime.datetime | None
    revealed_by: str | None
    revealed_by_facilitator: bool


@dataclass(frozen=True)
class _WordPlan:
    text: str
    key: str
    participant: str | None
    created_at: datetime.datetime


@dataclass(frozen=True)
class _HiddenPlan:
    key: str
    text: str
    hidden_at: datetime.datetime
    hidden_by_name: str


@dataclass(frozen=True)
class _GroupPlan:
    key: str
    kind: str
    name: str
    profession: str
    agreed: bool
    factors: list[_FactorPlan]
    ideas: list[_IdeaPlan]
    pool: _PoolPlan | None


@dataclass(frozen=True)
class _ParticipantPlan:
    key: str
    home_group: str
    expert_group: str | None
    left_at: datetime.datetime | None


@dataclass(frozen=True)
class _EditorPlan:
    lead: str
    closing: str
    group_order: list[str]  # group keys
    factor_edits: list[dict[str, Any]]  # {"group", "position", "text", "based_on"}


@dataclass(frozen=True)
class _Plan:
    meeting: dict[str, Any]
    series: str | None
    groups: list[_GroupPlan]
    participants: list[_ParticipantPlan]
    agenda: list[dict[str, Any]]
    # Checked, not stored: themes are found afresh from the factors (docs/export-schema.md).
    themes: list[Theme]
    experts_published_at: datetime.datetime | None
    pool_settings: dict[str, Any] | None
    words: list[_WordPlan]
    hidden: list[_HiddenPlan]
    editor: _EditorPlan | None = None


def _parse_meeting(info: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    try:
        date = datetime.date.fromisoformat(info["date"])
    except ValueError as error:
        raise _fail(
            _("Datumet ”%(date)s” i %(where)s ska vara ett datum som ÅÅÅÅ-MM-DD.")
            % {"date": info["date"], "where": "meeting"}
        ) from error
    fields = {
        "title": info["title"],
        "date": date,
        "venue": info["venue"],
        "core_question": info["core_question"],
        "factor_count": info["factor_count"],
    }
    return fields, info["series"]


def _parse_factors(raw_factors: list[Any], group: str, factor_count: int) -> list[_FactorPlan]:
    if len(raw_factors) > factor_count:
        raise _fail(
            _("Gruppen %(group)s har fler än %(count)d framgångsfaktorer.")
            % {"group": group, "count": factor_count}
        )
    factors = []
    for index, factor in enumerate(raw_factors, start=1):
        where = _("gruppen %(group)s, framgångsfaktor %(position)d") % {
            "group": group,
            "position": index,
        }
        if factor["position"] != index:
            raise _fail(
                _("Fel plats i %(where)s: platserna ska vara 1, 2, 3 … i ordning.")
                % {"where": where}
            )
        try:
            # The same rule as typing on a phone: whitespace collapsed, 1–200 characters.
            text = clean_factor_text(factor["text"])
        except DomainError as error:
            if error.code == "blank":
                raise _fail(_("Fältet ”text” i %(where)s är tomt.") % {"where": where}) from error
            raise _fail(
                _("Fältet ”text” i %(where)s är längre än %(max)d tecken.")
                % {"where": where, "max": FACTOR_MAX_LENGTH}
            ) from error
        factors.append(
            _FactorPlan(
                where=where,
                text=text,
                author=factor["author"],
                source_ideas=tuple(factor.get("source_ideas", ())),
            )
        )
    return factors


def _parse_groups(raw_groups: list[dict[str, Any]], factor_count: int) -> list[_GroupPlan]:
    groups: list[_GroupPlan] = []
    keys: set[str] = set()
    # Group names are unique per meeting and kind regardless of case (group_unique_name_ci).
    names: dict[tuple[str, str], str] = {}
    for index, group in enumerate(raw_groups, start=1):
        where = f"groups[{index}]"
        key, kind, name = group["key"], group["kind"], group["name"]
        if key in keys:
            raise _fail(_("Gruppnyckeln ”%(key)s” förekommer två gånger.") % {"key": key})
        keys.add(key)
        if kind == Group.Kind.HOME and groups and groups[-1].kind == Group.Kind.EXPERT:
            raise _fail(
                _("%(where)s: hemgrupperna ska stå före expertgrupperna.") % {"where": where}
            )
        earlier = names.setdefault((kind, name.lower()), where)
        if earlier != where:
            raise _fail(
                _("%(where)s: det finns redan en %(kind)s som heter ”%(name)s” (%(earlier)s).")
                % {
                    "where": where,
                    "kind": str(Group.Kind(kind).label).lower(),
                    "name": name,
                    "earlier": earlier,
                }
            )
        label = f"{where} ”{name}”"
        factors = _parse_factors(group["factors"], label, factor_count)
        profession = group["profession"] or ""
        ideas = _parse_ideas(group.get("ideas", []), label)
        pool = _parse_pool(group.get("pool"), label)
        groups.append(
            _GroupPlan(key, kind, name, profession, group["agreed"], factors, ideas, pool)
        )
    return groups


def _parse_participants(
    raw_participants: list[dict[str, Any]], groups: dict[str, _GroupPlan]
) -> list[_ParticipantPlan]:
    participants: list[_ParticipantPlan] = []
    keys: set[str] = set()
    for index, participant in enumerate(raw_participants, start=1):
        where = f"participants[{index}]"
        key = participant["key"]
        if key in keys:
            raise _fail(_("Deltagarnyckeln ”%(key)s” förekommer två gånger.") % {"key": key})
        keys.add(key)
        home = groups.get(participant["home_group"])
        if home is None or home.kind != Group.Kind.HOME:
            raise _fail(_("%(where)s: home_group pekar inte på en hemgrupp.") % {"where": where})
        expert_key = participant["expert_group"]
        if expert_key is not None:
            expert = groups.get(expert_key)
            if expert is None or expert.kind != Group.Kind.EXPERT:
                raise _fail(
                    _("%(where)s: expert_group pekar inte på en expertgrupp.") % {"where": where}
                )
        left_at = _time(participant.get("left_at"), "left_at", where)
        participants.append(_ParticipantPlan(key, home.key, expert_key, left_at))
    return participants


def _time(
    raw: str | None, field: str, where: str, *, required: bool = False
) -> datetime.datetime | None:
    """A timestamp of the file: ISO 8601 with a UTC offset (the schema checked the form)."""
    if raw is None and not required:
        return None
    try:
        moment = datetime.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _fail(
            _(
                "Fältet ”%(field)s” i %(where)s ska vara en tidpunkt med "
                "tidszon, till exempel 2026-11-23T13:05:00+01:00."
            )
            % {"field": field, "where": where}
        )
    return moment


def _parse_ideas(raw_ideas: list[dict[str, Any]], group: str) -> list[_IdeaPlan]:
    ideas = []
    for index, idea in enumerate(raw_ideas, start=1):
        where = _("gruppen %(group)s, idé %(number)d") % {"group": group, "number": index}
        try:
            # The same rule as typing an idea on a phone: whitespace collapsed, 1–200 characters.
            text = clean_idea_text(idea["text"])
        except DomainError as error:
            if error.code == "blank":
                raise _fail(_("Fältet ”text” i %(where)s är tomt.") % {"where": where}) from error
            raise _fail(
                _("Fältet ”text” i %(where)s är längre än %(max)d tecken.")
                % {"where": where, "max": IDEA_MAX_LENGTH}
            ) from error
        dots = tuple(_DotPlan(dot["participant"], dot["count"]) for dot in idea["dots"])
        if idea["votes"] != sum(dot.count for dot in dots):
            raise _fail(
                _(
                    "Fältet ”votes” i %(where)s ska vara summan av prickarna i ”dots” "
                    "(%(sum)d), inte %(votes)d."
                )
                % {"where": where, "sum": sum(dot.count for dot in dots), "votes": idea["votes"]}
            )
        created_at = _time(idea["created_at"], "created_at", where, required=True)
        assert created_at is not None
        ideas.append(
            _IdeaPlan(
                where=where,
                key=idea["key"],
                text=text,
                author=idea["author"],
                created_at=created_at,
                withdrawn_at=_time(idea["withdrawn_at"], "withdrawn_at", where),
                merged_into=idea["merged_into"],
                merged_at=_time(idea["merged_at"], "merged_at", where),
                merged_by=idea["merged_by"],
                dots=dots,
            )
        )
    return ideas


def _parse_pool(raw: dict[str, Any] | None, group: str) -> _PoolPlan | None:
    if raw is None:
        return None
    where = _("gruppen %(group)s, pool") % {"group": group}
    return _PoolPlan(
        where=where,
        revealed_at=_time(raw["revealed_at"], "revealed_at", where),
        revealed_by=raw["revealed_by"],
        revealed_by_facilitator=raw["revealed_by_facilitator"],
    )


def _check_ideas(groups: list[_GroupPlan], members: dict[str, str]) -> None:
    """References of the pools: unique idea keys, merges and sources inside the group, the
    people known, each voter once per idea."""
    seen: set[str] = set()

    def known(key: str | None, field: str, where: str) -> None:
        if key is not None and key not in members:
            raise _fail(
                _("Okänd deltagare ”%(key)s” i fältet ”%(field)s” i %(where)s.")
                % {"key": key, "field": field, "where": where}
            )

    for group in groups:
        own = {idea.key for idea in group.ideas}
        for idea in group.ideas:
            if idea.key in seen:
                raise _fail(_("Idényckeln ”%(key)s” förekommer två gånger.") % {"key": idea.key})
            seen.add(idea.key)
            known(idea.author, "author", idea.where)
            known(idea.merged_by, "merged_by", idea.where)
            if idea.merged_into is not None and (
                idea.merged_into not in own or idea.merged_into == idea.key
            ):
                raise _fail(
                    _("%(where)s: merged_into pekar inte på en annan idé i samma grupp.")
                    % {"where": idea.where}
                )
            voters: set[str] = set()
            for dot in idea.dots:
                known(dot.participant, "dots", idea.where)
                if dot.participant in voters:
                    raise _fail(
                        _("%(where)s: deltagaren ”%(key)s” står två gånger i ”dots”.")
                        % {"where": idea.where, "key": dot.participant}
                    )
                voters.add(dot.participant)
        if group.pool is not None:
            known(group.pool.revealed_by, "revealed_by", group.pool.where)
        for factor in group.factors:
            for source in factor.source_ideas:
                if source not in own:
                    raise _fail(
                        _("%(where)s: källidén ”%(key)s” finns inte i gruppens idéer.")
                        % {"where": factor.where, "key": source}
                    )


def _parse_reflection(
    raw: dict[str, Any] | None, members: dict[str, str]
) -> tuple[list[_WordPlan], list[_HiddenPlan]]:
    if raw is None:
        return [], []
    words = []
    for index, word in enumerate(raw["words"], start=1):
        where = f"reflection.words[{index}]"
        participant = word["participant"]
        if participant is not None and participant not in members:
            raise _fail(
                _("Okänd deltagare ”%(key)s” i fältet ”%(field)s” i %(where)s.")
                % {"key": participant, "field": "participant", "where": where}
            )
        created_at = _time(word["created_at"], "created_at", where, required=True)
        assert created_at is not None
        words.append(_WordPlan(word["text"], word["key"], participant, created_at))
    hidden = []
    keys: set[str] = set()
    for index, entry in enumerate(raw["hidden"], start=1):
        where = f"reflection.hidden[{index}]"
        if entry["key"] in keys:
            raise _fail(
                _("%(where)s: ordet ”%(key)s” är redan dolt.")
                % {"where": where, "key": entry["key"]}
            )
        keys.add(entry["key"])
        hidden_at = _time(entry["hidden_at"], "hidden_at", where, required=True)
        assert hidden_at is not None
        hidden.append(_HiddenPlan(entry["key"], entry["text"], hidden_at, entry["hidden_by_name"]))
    return words, hidden


def _parse_agenda(raw_agenda: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for index, item in enumerate(raw_agenda, start=1):
        if item["position"] != index:
            raise _fail(
                _("Fel plats i agenda[%(index)d]: platserna ska vara 1, 2, 3 … i ordning.")
                % {"index": index}
            )
        for field in ("started_at", "ended_at"):
            raw = item[field]
            try:
                moment = datetime.datetime.fromisoformat(raw) if raw else None
            except ValueError:
                moment = None
                raw = f"!{raw}"
            if raw and (moment is None or moment.tzinfo is None):
                raise _fail(
                    _(
                        "Fältet ”%(field)s” i agenda[%(index)d] ska vara en tidpunkt med "
                        "tidszon, till exempel 2026-11-23T13:05:00+01:00."
                    )
                    % {"field": field, "index": index}
                )
    return raw_agenda


def _parse_themes(raw_themes: list[dict[str, Any]], groups: list[_GroupPlan]) -> list[Theme]:
    sizes = {group.key: len(group.factors) for group in groups}
    themes = []
    for index, theme in enumerate(raw_themes, start=1):
        refs = []
        for number, ref in enumerate(theme["factors"], start=1):
            where = f"themes[{index}].factors[{number}]"
            size = sizes.get(ref["group"])
            if size is None:
                raise _fail(
                    _("%(where)s: gruppen ”%(key)s” finns inte i filen.")
                    % {"where": where, "key": ref["group"]}
                )
            if ref["position"] > size:
                raise _fail(
                    _("%(where)s: gruppen ”%(key)s” har ingen framgångsfaktor %(position)d.")
                    % {"where": where, "key": ref["group"], "position": ref["position"]}
                )
            refs.append(ThemeFactor(group=ref["group"], position=ref["position"]))
        themes.append(Theme(label=theme["label"], factors=tuple(refs)))
    return themes


def _parse_editor(raw: dict[str, Any] | None, groups: list[_GroupPlan]) -> _EditorPlan | None:
    if raw is None:
        return None
    sizes = {group.key: len(group.factors) for group in groups}
    seen_groups: set[str] = set()
    for index, key in enumerate(raw["group_order"], start=1):
        if key not in sizes or key in seen_groups:
            raise _fail(
                _(
                    "editor.group_order[%(index)d]: gruppen ”%(key)s” finns inte i filen, eller står där två gånger."
                )
                % {"index": index, "key": key}
            )
        seen_groups.add(key)
    seen_factors: set[tuple[str, int]] = set()
    edits = []
    for index, edit in enumerate(raw["factor_edits"], start=1):
        where = f"editor.factor_edits[{index}]"
        key, position = edit["group"], edit["position"]
        if key not in sizes or position > sizes[key] or (key, position) in seen_factors:
            raise _fail(
                _(
                    "%(where)s: gruppen ”%(key)s” har ingen framgångsfaktor %(position)d, eller den står där två gånger."
                )
                % {"where": where, "key": key, "position": position}
            )
        seen_factors.add((key, position))
        try:
            text = clean_factor_text(edit["text"])
            based_on = clean_factor_text(edit["based_on"])
        except DomainError as error:
            raise _fail(f"{where}: {error}") from error
        edits.append({"group": key, "position": position, "text": text, "based_on": based_on})
    try:
        lead, closing = clean_paragraph(raw["lead"]), clean_paragraph(raw["closing"])
    except DomainError as error:
        raise _fail(f"editor: {error}") from error
    return _EditorPlan(lead, closing, list(raw["group_order"]), edits)


# Fields that hold a date and time with a UTC offset, or null.
_TIMESTAMP_FIELDS = frozenset(
    {
        "started_at",
        "ended_at",
        "created_at",
        "withdrawn_at",
        "merged_at",
        "revealed_at",
        "left_at",
        "experts_published_at",
        "hidden_at",
    }
)


# Text fields that may hold line breaks; every other text is one line.
_MULTILINE_FIELDS = frozenset({"core_question", "note", "lead", "closing"})


def _cleaned(value: Any, field: str = "") -> Any:
    """Every text in the file through the one cleaning rule of the forms (meetings/text.py):
    a file is cleaned, not refused, for control characters, so an export from an older
    version still imports, and what is stored is what a form would have stored."""
    if isinstance(value, str):
        return clean_text(value, multiline=field in _MULTILINE_FIELDS)
    if isinstance(value, list):
        return [_cleaned(item, field) for item in value]
    if isinstance(value, dict):
        return {key: _cleaned(item, key) for key, item in value.items()}
    return value


def _parse(data: Any) -> _Plan:
    """Check the whole file before anything is written; the first problem is reported."""
    _check_header(data)
    data = _cleaned(data)
    _check_schema(data)
    meeting, series = _parse_meeting(data["meeting"])
    groups = _parse_groups(data["groups"], meeting["factor_count"])
    participants = _parse_participants(data["participants"], {group.key: group for group in groups})
    participant_keys = {participant.key for participant in participants}
    for group in groups:
        for factor in group.factors:
            if factor.author is not None and factor.author not in participant_keys:
                raise _fail(
                    _("Okänd författare ”%(key)s” i %(where)s.")
                    % {"where": factor.where, "key": factor.author}
                )
    members = {participant.key: participant.home_group for participant in participants}
    _check_ideas(groups, members)
    agenda = _parse_agenda(data.get("agenda", []))
    themes = _parse_themes(data.get("themes", []), groups)
    words, hidden = _parse_reflection(data.get("reflection"), members)
    editor = _parse_editor(data.get("editor"), groups)
    return _Plan(
        meeting,
        series,
        groups,
        participants,
        agenda,
        themes,
        experts_published_at=_time(
            data.get("experts_published_at"), "experts_published_at", _("filen")
        ),
        pool_settings=data.get("pool_settings"),
        words=words,
        hidden=hidden,
        editor=editor,
    )


def _create(plan: _Plan, facilitator: AbstractBaseUser | None) -> Meeting:
    series = Series.objects.get_or_create(name=plan.series)[0] if plan.series else None
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
