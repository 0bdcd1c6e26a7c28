"""The meeting as Markdown (for an article) and as versioned JSON (docs/export-schema.md)."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import DataError, IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from groups.models import FACTOR_MAX_LENGTH, SuccessFactor
from groups.services import clean_factor_text
from meetings.errors import DomainError
from meetings.models import MAX_FACTOR_COUNT, Group, Meeting, Participant, Profession, Series
from meetings.text import clean_text

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

SCHEMA_NAME = "topp25.meeting"
SCHEMA_VERSION = 1


def _groups(meeting: Meeting) -> list[Group]:
    """Home groups first, then expert groups, each in their seating order."""
    groups = meeting.groups.with_factors()
    return sorted(groups, key=lambda g: (g.kind != Group.Kind.HOME, g.position, g.pk))


def meeting_markdown(meeting: Meeting, *, language: str = "sv") -> str:
    with translation.override(language):
        groups = [group for group in _groups(meeting) if group.kind == Group.Kind.HOME]
        return render_to_string("summary/meeting.md", {"meeting": meeting, "groups": groups})


def meeting_data(meeting: Meeting) -> dict[str, Any]:
    """The whole meeting without personal data: participants are anonymous keys."""
    groups = _groups(meeting)
    group_keys = {group.pk: f"g{index}" for index, group in enumerate(groups, start=1)}
    participants = list(meeting.participants.order_by("pk"))
    participant_keys = {p.pk: f"p{index}" for index, p in enumerate(participants, start=1)}
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
        "groups": [
            {
                "key": group_keys[group.pk],
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
                    }
                    for factor in group.ordered_factors()
                ],
            }
            for group in groups
        ],
        "participants": [
            {
                "key": participant_keys[p.pk],
                "home_group": group_keys[p.home_group_id],
                "expert_group": group_keys.get(p.expert_group_id) if p.expert_group_id else None,
            }
            for p in participants
        ],
    }


def meeting_json(meeting: Meeting) -> str:
    return json.dumps(meeting_data(meeting), ensure_ascii=False, indent=2) + "\n"


class ImportRejected(DomainError):
    pass


def _fail(message: str) -> ImportRejected:
    return ImportRejected("invalid_import", message, status=400)


# Every object in the file has exactly these fields: a missing one and an unknown one (a typo,
# or a field from a newer topp25) are both refused, so nothing in a file is silently dropped.
_FILE_FIELDS = ("schema", "version", "meeting", "groups", "participants")
_MEETING_FIELDS = ("title", "date", "venue", "core_question", "factor_count", "series")
_GROUP_FIELDS = ("key", "kind", "name", "profession", "agreed", "factors")
_FACTOR_FIELDS = ("position", "text", "author")
_PARTICIPANT_FIELDS = ("key", "home_group", "expert_group")

KEY_MAX_LENGTH = 40
SERIES_MAX_LENGTH = 200
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


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


def _expected(kind: type) -> str:
    names = {str: _("text"), int: _("ett heltal"), bool: _("true eller false")}
    return names.get(kind, _("en lista ([ … ])"))


def _object(value: Any, fields: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(
            _("Fel typ i %(where)s: det ska vara ett objekt ({ … }), inte %(found)s.")
            % {"where": where, "found": _json_type(value)}
        )
    for key in value:
        if key not in fields:
            raise _fail(_("Okänt fält ”%(key)s” i %(where)s.") % {"where": where, "key": key})
    for key in fields:
        if key not in value:
            raise _fail(_("Fältet ”%(key)s” saknas i %(where)s.") % {"key": key, "where": where})
    return value


def _field(
    mapping: dict[str, Any], key: str, kind: type, where: str, *, nullable: bool = False
) -> Any:
    value = mapping[key]
    if value is None and nullable:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = _expected(kind)
        if nullable:
            expected = _("%(kind)s eller null") % {"kind": expected}
        raise _fail(
            _("Fältet ”%(key)s” i %(where)s ska vara %(expected)s, inte %(found)s.")
            % {"key": key, "where": where, "expected": expected, "found": _json_type(value)}
        )
    return value


def _text(
    mapping: dict[str, Any],
    key: str,
    where: str,
    *,
    max_length: int,
    blank: bool = False,
    multiline: bool = False,
) -> str:
    # The same cleaning rule as the forms (meetings/text.py): a file is cleaned, not refused
    # for control characters, so an export from an older version still imports.
    value = clean_text(_field(mapping, key, str, where), multiline=multiline)
    if not blank and not value.strip():
        raise _fail(_("Fältet ”%(key)s” i %(where)s är tomt.") % {"key": key, "where": where})
    if len(value) > max_length:
        raise _fail(
            _("Fältet ”%(key)s” i %(where)s är längre än %(max)d tecken.")
            % {"key": key, "where": where, "max": max_length}
        )
    return value


@dataclass(frozen=True)
class _FactorPlan:
    where: str
    text: str
    author: str | None


@dataclass(frozen=True)
class _GroupPlan:
    key: str
    kind: str
    name: str
    profession: str
    agreed: bool
    factors: list[_FactorPlan]


@dataclass(frozen=True)
class _ParticipantPlan:
    key: str
    home_group: str
    expert_group: str | None


@dataclass(frozen=True)
class _Plan:
    meeting: dict[str, Any]
    series: str | None
    groups: list[_GroupPlan]
    participants: list[_ParticipantPlan]


def _check_header(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_NAME:
        raise _fail(
            _("Filen är ingen topp25-export (schema ”%(name)s” saknas).") % {"name": SCHEMA_NAME}
        )
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version != SCHEMA_VERSION:
        raise _fail(
            _(
                "Filen har schemaversion %(found)s; den här versionen av topp25 läser version %(version)d."
            )
            % {"found": json.dumps(version, ensure_ascii=False), "version": SCHEMA_VERSION}
        )
    return _object(data, _FILE_FIELDS, _("filen"))


def _parse_meeting(raw: Any) -> tuple[dict[str, Any], str | None]:
    info = _object(raw, _MEETING_FIELDS, "meeting")
    title = _text(info, "title", "meeting", max_length=200)
    date_text = _field(info, "date", str, "meeting")
    try:
        # fromisoformat() alone also takes "20261123" and "2026-W48-1", which would not
        # come back the same; only the form the export writes is accepted.
        if not _DATE.fullmatch(date_text):
            raise ValueError(date_text)
        date = datetime.date.fromisoformat(date_text)
    except ValueError as error:
        raise _fail(
            _("Datumet ”%(date)s” i meeting ska vara ett datum som ÅÅÅÅ-MM-DD.")
            % {"date": date_text}
        ) from error
    venue = _text(info, "venue", "meeting", max_length=200, blank=True)
    core_question = _text(info, "core_question", "meeting", max_length=500, multiline=True)
    factor_count = _field(info, "factor_count", int, "meeting")
    if not 1 <= factor_count <= MAX_FACTOR_COUNT:
        raise _fail(_("factor_count ska vara mellan 1 och %(max)d.") % {"max": MAX_FACTOR_COUNT})
    series = None
    if _field(info, "series", str, "meeting", nullable=True) is not None:
        series = _text(info, "series", "meeting", max_length=SERIES_MAX_LENGTH)
    fields = {
        "title": title,
        "date": date,
        "venue": venue,
        "core_question": core_question,
        "factor_count": factor_count,
    }
    return fields, series


def _parse_factors(raw_factors: list[Any], group: str, factor_count: int) -> list[_FactorPlan]:
    if len(raw_factors) > factor_count:
        raise _fail(
            _("Gruppen %(group)s har fler än %(count)d framgångsfaktorer.")
            % {"group": group, "count": factor_count}
        )
    factors = []
    for index, raw in enumerate(raw_factors, start=1):
        where = _("gruppen %(group)s, framgångsfaktor %(position)d") % {
            "group": group,
            "position": index,
        }
        factor = _object(raw, _FACTOR_FIELDS, where)
        if _field(factor, "position", int, where) != index:
            raise _fail(
                _("Fel plats i %(where)s: platserna ska vara 1, 2, 3 … i ordning.")
                % {"where": where}
            )
        raw_text = _field(factor, "text", str, where)
        try:
            # The same rule as typing on a phone: whitespace collapsed, 1–200 characters.
            text = clean_factor_text(raw_text)
        except DomainError as error:
            if error.code == "blank":
                raise _fail(_("Fältet ”text” i %(where)s är tomt.") % {"where": where}) from error
            raise _fail(
                _("Fältet ”text” i %(where)s är längre än %(max)d tecken.")
                % {"where": where, "max": FACTOR_MAX_LENGTH}
            ) from error
        author = _field(factor, "author", str, where, nullable=True)
        factors.append(_FactorPlan(where=where, text=text, author=author))
    return factors


def _parse_groups(raw_groups: list[Any], factor_count: int) -> list[_GroupPlan]:
    groups: list[_GroupPlan] = []
    keys: set[str] = set()
    # Group names are unique per meeting and kind regardless of case (group_unique_name_ci).
    names: dict[tuple[str, str], str] = {}
    for index, raw in enumerate(raw_groups, start=1):
        where = f"groups[{index}]"
        group = _object(raw, _GROUP_FIELDS, where)
        key = _text(group, "key", where, max_length=KEY_MAX_LENGTH)
        if key in keys:
            raise _fail(_("Gruppnyckeln ”%(key)s” förekommer två gånger.") % {"key": key})
        keys.add(key)
        kind = _field(group, "kind", str, where)
        if kind not in Group.Kind.values:
            raise _fail(_("%(where)s: okänd sort ”%(kind)s”.") % {"where": where, "kind": kind})
        if kind == Group.Kind.HOME and groups and groups[-1].kind == Group.Kind.EXPERT:
            raise _fail(
                _("%(where)s: hemgrupperna ska stå före expertgrupperna.") % {"where": where}
            )
        name = _text(group, "name", where, max_length=100)
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
        profession = _field(group, "profession", str, where, nullable=True)
        if profession == "":
            raise _fail(
                _("%(where)s: profession är tom; skriv null för en grupp utan yrkesgrupp.")
                % {"where": where}
            )
        if profession is not None and profession not in Profession.values:
            raise _fail(
                _("%(where)s: okänd yrkesgrupp ”%(p)s”.") % {"where": where, "p": profession}
            )
        agreed = _field(group, "agreed", bool, where)
        label = f"{where} ”{name}”"
        factors = _parse_factors(_field(group, "factors", list, where), label, factor_count)
        groups.append(_GroupPlan(key, kind, name, profession or "", agreed, factors))
    return groups


def _parse_participants(
    raw_participants: list[Any], groups: dict[str, _GroupPlan]
) -> list[_ParticipantPlan]:
    participants: list[_ParticipantPlan] = []
    keys: set[str] = set()
    for index, raw in enumerate(raw_participants, start=1):
        where = f"participants[{index}]"
        participant = _object(raw, _PARTICIPANT_FIELDS, where)
        key = _text(participant, "key", where, max_length=KEY_MAX_LENGTH)
        if key in keys:
            raise _fail(_("Deltagarnyckeln ”%(key)s” förekommer två gånger.") % {"key": key})
        keys.add(key)
        home = groups.get(_field(participant, "home_group", str, where))
        if home is None or home.kind != Group.Kind.HOME:
            raise _fail(_("%(where)s: home_group pekar inte på en hemgrupp.") % {"where": where})
        expert_key = _field(participant, "expert_group", str, where, nullable=True)
        if expert_key is not None:
            expert = groups.get(expert_key)
            if expert is None or expert.kind != Group.Kind.EXPERT:
                raise _fail(
                    _("%(where)s: expert_group pekar inte på en expertgrupp.") % {"where": where}
                )
        participants.append(_ParticipantPlan(key, home.key, expert_key))
    return participants


def _parse(data: Any) -> _Plan:
    """Check the whole file before anything is written; the first problem is reported."""
    top = _check_header(data)
    meeting, series = _parse_meeting(top["meeting"])
    groups = _parse_groups(_field(top, "groups", list, _("filen")), meeting["factor_count"])
    participants = _parse_participants(
        _field(top, "participants", list, _("filen")), {group.key: group for group in groups}
    )
    participant_keys = {participant.key for participant in participants}
    for group in groups:
        for factor in group.factors:
            if factor.author is not None and factor.author not in participant_keys:
                raise _fail(
                    _("Okänd författare ”%(key)s” i %(where)s.")
                    % {"where": factor.where, "key": factor.author}
                )
    return _Plan(meeting, series, groups, participants)


def _create(plan: _Plan, facilitator: AbstractBaseUser | None) -> Meeting:
    series = Series.objects.get_or_create(name=plan.series)[0] if plan.series else None
    # An archive is not a live meeting: nobody can join it until a facilitator opens it.
    meeting = Meeting.objects.create(**plan.meeting, series=series, joining_open=False)
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
        )
    for raw_group in plan.groups:
        for position, factor in enumerate(raw_group.factors, start=1):
            SuccessFactor.objects.create(
                group=groups[raw_group.key],
                position=position,
                text=factor.text,
                author=participants[factor.author] if factor.author is not None else None,
            )
    return meeting


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
