"""Reading an archive: everything the schema cannot say (unique keys, references, positions,
the meeting's own factor count, the phone's text rule), checked before anything is written."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from groups.models import (
    FACTOR_MAX_LENGTH,
    IDEA_MAX_LENGTH,
)
from groups.services import clean_factor_text, clean_idea_text
from meetings.errors import DomainError
from meetings.models import Group
from meetings.text import clean_text

from ..document import Theme, ThemeFactor
from ..services import clean_paragraph
from .schema import _check_header, _check_schema, _fail

if TYPE_CHECKING:
    pass


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
