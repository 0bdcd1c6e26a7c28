"""The meeting as Markdown (for an article) and as versioned JSON (docs/export-schema.md)."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from groups.models import FACTOR_MAX_LENGTH, SuccessFactor
from meetings.errors import DomainError
from meetings.models import MAX_FACTOR_COUNT, Group, Meeting, Participant, Profession, Series

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


def _require(mapping: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise _fail(_("Fältet ”%(key)s” saknas i %(where)s.") % {"key": key, "where": where})
    value = mapping[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise _fail(_("Fältet ”%(key)s” i %(where)s har fel typ.") % {"key": key, "where": where})
    return value


def _text(mapping: Any, key: str, where: str, *, max_length: int, blank: bool = False) -> str:
    value: str = _require(mapping, key, str, where)
    if not blank and not value.strip():
        raise _fail(_("Fältet ”%(key)s” i %(where)s är tomt.") % {"key": key, "where": where})
    if len(value) > max_length:
        raise _fail(
            _("Fältet ”%(key)s” i %(where)s är längre än %(max)d tecken.")
            % {"key": key, "where": where, "max": max_length}
        )
    return value


@transaction.atomic
def import_meeting(data: Any) -> Meeting:
    """Create a meeting (with a new join code) from an export; all or nothing."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA_NAME:
        raise _fail(
            _("Filen är ingen topp25-export (schema ”%(name)s” saknas).") % {"name": SCHEMA_NAME}
        )
    if data.get("version") != SCHEMA_VERSION:
        raise _fail(
            _(
                "Filen har schemaversion %(found)s; den här versionen av topp25 läser version %(version)d."
            )
            % {"found": data.get("version"), "version": SCHEMA_VERSION}
        )
    info = _require(data, "meeting", dict, _("filen"))
    try:
        date = datetime.date.fromisoformat(_require(info, "date", str, "meeting"))
    except ValueError as error:
        raise _fail(_("Datumet ska skrivas ÅÅÅÅ-MM-DD.")) from error
    factor_count = _require(info, "factor_count", int, "meeting")
    if not 1 <= factor_count <= MAX_FACTOR_COUNT:
        raise _fail(_("factor_count ska vara mellan 1 och %(max)d.") % {"max": MAX_FACTOR_COUNT})
    series_name = info.get("series")
    if series_name is not None and (not isinstance(series_name, str) or not series_name.strip()):
        raise _fail(_("Fältet ”series” ska vara ett namn eller null."))
    meeting = Meeting.objects.create(
        title=_text(info, "title", "meeting", max_length=200),
        date=date,
        venue=_text(info, "venue", "meeting", max_length=200, blank=True),
        core_question=_text(info, "core_question", "meeting", max_length=500),
        factor_count=factor_count,
        series=Series.objects.get_or_create(name=series_name)[0] if series_name else None,
    )
    groups_by_key: dict[str, Group] = {}
    positions = {Group.Kind.HOME: 0, Group.Kind.EXPERT: 0}
    pending_factors: list[tuple[Group, list[Any]]] = []
    for index, raw_group in enumerate(_require(data, "groups", list, _("filen")), start=1):
        where = f"groups[{index}]"
        key = _text(raw_group, "key", where, max_length=40)
        kind = _require(raw_group, "kind", str, where)
        if kind not in Group.Kind.values:
            raise _fail(_("%(where)s: okänd sort ”%(kind)s”.") % {"where": where, "kind": kind})
        profession = raw_group.get("profession") or ""
        if profession not in ("", *Profession.values):
            raise _fail(
                _("%(where)s: okänd yrkesgrupp ”%(p)s”.") % {"where": where, "p": profession}
            )
        if key in groups_by_key:
            raise _fail(_("Gruppnyckeln ”%(key)s” förekommer två gånger.") % {"key": key})
        positions[kind] += 1
        group = Group.objects.create(
            meeting=meeting,
            kind=kind,
            profession=profession,
            position=positions[kind],
            name=_text(raw_group, "name", where, max_length=100),
            agreed_at=meeting.created_at if _require(raw_group, "agreed", bool, where) else None,
        )
        groups_by_key[key] = group
        pending_factors.append((group, _require(raw_group, "factors", list, where)))
    participants_by_key: dict[str, Participant] = {}
    for index, raw in enumerate(_require(data, "participants", list, _("filen")), start=1):
        where = f"participants[{index}]"
        key = _text(raw, "key", where, max_length=40)
        home = groups_by_key.get(_require(raw, "home_group", str, where))
        if home is None or home.kind != Group.Kind.HOME:
            raise _fail(_("%(where)s: home_group pekar inte på en hemgrupp.") % {"where": where})
        expert_key = raw.get("expert_group")
        expert = groups_by_key.get(expert_key) if expert_key is not None else None
        if expert_key is not None and (expert is None or expert.kind != Group.Kind.EXPERT):
            raise _fail(
                _("%(where)s: expert_group pekar inte på en expertgrupp.") % {"where": where}
            )
        if key in participants_by_key:
            raise _fail(_("Deltagarnyckeln ”%(key)s” förekommer två gånger.") % {"key": key})
        participants_by_key[key] = Participant.objects.create(
            meeting=meeting, home_group=home, expert_group=expert
        )
    for group, raw_factors in pending_factors:
        if len(raw_factors) > factor_count:
            raise _fail(
                _("Gruppen ”%(name)s” har fler än %(count)d framgångsfaktorer.")
                % {"name": group.name, "count": factor_count}
            )
        for index, raw in enumerate(raw_factors, start=1):
            where = f"{group.name}, factors[{index}]"
            if _require(raw, "position", int, where) != index:
                raise _fail(
                    _("%(where)s: platserna ska vara 1, 2, 3 … i ordning.") % {"where": where}
                )
            author_key = raw.get("author")
            if author_key is not None and author_key not in participants_by_key:
                raise _fail(
                    _("%(where)s: okänd författare ”%(key)s”.")
                    % {"where": where, "key": author_key}
                )
            SuccessFactor.objects.create(
                group=group,
                position=index,
                text=_text(raw, "text", where, max_length=FACTOR_MAX_LENGTH),
                author=participants_by_key.get(author_key) if author_key else None,
            )
    return meeting
