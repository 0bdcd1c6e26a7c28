"""Multi-model writes for meetings: each one function, atomic, raising DomainError."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from . import broadcast
from .codes import is_plausible_join_code, new_join_code, new_room_token, normalize_join_code
from .errors import DomainError
from .models import (
    MAX_FACTOR_COUNT,
    USUAL_PROFESSIONS,
    Group,
    Meeting,
    Participant,
    Profession,
    Series,
)
from .text import clean_text

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def create_meeting(
    *,
    facilitator: AbstractBaseUser,
    title: str,
    date: datetime.date,
    core_question: str,
    venue: str = "",
    factor_count: int = 5,
    series_name: str = "",
    usual_home_groups: bool = False,
) -> Meeting:
    if not 1 <= factor_count <= MAX_FACTOR_COUNT:
        raise DomainError(
            "factor_count",
            _("Antalet framgångsfaktorer måste vara mellan 1 och %(max)d.")
            % {"max": MAX_FACTOR_COUNT},
        )
    series_name = clean_text(series_name)
    if len(series_name) > 200:
        raise DomainError("series_name", _("Seriens namn får vara högst 200 tecken."))
    series = Series.objects.get_or_create(name=series_name)[0] if series_name else None
    meeting = Meeting(
        title=clean_text(title),
        date=date,
        venue=clean_text(venue),
        core_question=clean_text(core_question, multiline=True),
        factor_count=factor_count,
        series=series,
    )
    _save_with_unique_code(meeting)
    meeting.facilitators.add(facilitator)  # type: ignore[arg-type]
    if usual_home_groups:
        add_usual_home_groups(meeting=meeting)
    return meeting


def _save_with_unique_code(meeting: Meeting) -> None:
    # 31^6 ≈ 887 million codes: a clash is rare, but retried rather than shown as an error.
    for _attempt in range(10):
        try:
            with transaction.atomic():
                meeting.save()
            return
        except IntegrityError:
            if Meeting.objects.filter(join_code=meeting.join_code).exists():
                meeting.join_code = new_join_code()
                continue
            raise
    raise DomainError("join_code", _("Kunde inte skapa en unik kod för mötet — försök igen."))


@transaction.atomic
def add_home_group(
    *, meeting: Meeting, name: str, profession: str = "", announce: bool = True
) -> Group:
    name = clean_text(name)
    if not name:
        raise DomainError("group_name_blank", _("Skriv ett namn på hemgruppen."))
    if len(name) > 100:
        raise DomainError("group_name_too_long", _("Gruppens namn får vara högst 100 tecken."))
    if profession and profession not in Profession.values:
        raise DomainError("profession", _("Välj en yrkesgrupp i listan."))
    # Two facilitators (or a double click) adding at once queue on the meeting row.
    Meeting.objects.select_for_update(no_key=True).filter(pk=meeting.pk).first()
    exists = DomainError(
        "group_exists",
        _("Det finns redan en hemgrupp som heter %(name)s.") % {"name": name},
        status=409,
    )
    if meeting.groups.filter(kind=Group.Kind.HOME, name__iexact=name).exists():
        raise exists
    last = meeting.groups.filter(kind=Group.Kind.HOME).aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            group = Group.objects.create(
                meeting=meeting,
                kind=Group.Kind.HOME,
                name=name,
                profession=profession,
                position=(last or 0) + 1,
            )
    except IntegrityError as error:  # the case-insensitive unique name, on SQLite races
        raise exists from error
    if announce:
        broadcast.meeting_changed(meeting.pk)
    return group


@transaction.atomic
def add_usual_home_groups(*, meeting: Meeting) -> list[Group]:
    """The shortcut "add the usual seven": one home group per profession not yet present.

    Named in the meeting's language whatever language the facilitator's browser uses, so the
    room screen and the export read alike and a second click adds nothing.
    """
    Meeting.objects.select_for_update(no_key=True).filter(pk=meeting.pk).first()
    home_groups = meeting.groups.filter(kind=Group.Kind.HOME)
    present = set(home_groups.values_list("profession", flat=True))
    names = {name.casefold() for name in home_groups.values_list("name", flat=True)}
    created = []
    with translation.override(settings.LANGUAGE_CODE):
        for profession in USUAL_PROFESSIONS:
            name = str(profession.label)
            if profession.value in present or name.casefold() in names:
                continue
            created.append(
                add_home_group(
                    meeting=meeting, name=name, profession=profession.value, announce=False
                )
            )
    if created:
        broadcast.meeting_changed(meeting.pk)
    return created


def meeting_by_code(code: str) -> Meeting | None:
    """The meeting with this (normalised) code; implausible codes never reach the database."""
    return Meeting.objects.filter(join_code=code).first() if is_plausible_join_code(code) else None


def blank_code() -> DomainError:
    return DomainError("code_blank", _("Skriv mötets kod — den står på rumsskärmen."))


def not_joinable(code: str) -> DomainError:
    """The one answer for a wrong code and for a meeting closed to newcomers: a guesser
    learns nothing from it."""
    return DomainError(
        "code_unknown",
        _(
            "Det finns inget öppet möte med koden %(code)s — kontrollera koden på rumsskärmen "
            "eller fråga samtalsledaren."
        )
        % {"code": code[:12]},
        status=404,
    )


def find_meeting(raw_code: str) -> Meeting:
    """The meeting with the code a person typed or followed, open or not (for its members)."""
    code = normalize_join_code(raw_code)
    if not code:
        raise blank_code()
    meeting = meeting_by_code(code)
    if meeting is None:
        raise not_joinable(code)
    return meeting


def ensure_joining_open(meeting: Meeting) -> None:
    if not meeting.joining_open:
        raise not_joinable(meeting.join_code)


@transaction.atomic
def join_meeting(
    *,
    meeting: Meeting,
    home_group_id: int | str | None,
    display_name: str = "",
    participant: Participant | None = None,
    join_token: uuid.UUID | None = None,
) -> Participant:
    """Join (or, for a phone that already joined, change home group). A join form sent
    twice (a double tap) finds the participant its first sending made."""
    try:
        group_pk = int(home_group_id or 0)
    except (TypeError, ValueError):
        group_pk = 0
    group = meeting.groups.filter(kind=Group.Kind.HOME, pk=group_pk).first()
    if group is None:
        raise DomainError("group_unknown", _("Välj en av mötets hemgrupper i listan."))
    display_name = clean_text(display_name)
    if len(display_name) > 60:
        raise DomainError("name_too_long", _("Namnet får vara högst 60 tecken."))
    if participant is not None and participant.meeting_id == meeting.pk:
        participant.home_group = group
        if display_name:
            participant.display_name = display_name
        participant.save(update_fields=["home_group", "display_name"])
        return participant
    if join_token is not None:
        earlier = meeting.participants.filter(join_token=join_token).first()
        if earlier is not None:
            return earlier
    return Participant.objects.create(
        meeting=meeting,
        home_group=group,
        display_name=display_name,
        join_token=join_token or uuid.uuid4(),
    )


@transaction.atomic
def set_joining_open(*, meeting: Meeting, is_open: bool) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(joining_open=is_open)
    meeting.joining_open = is_open


@transaction.atomic
def rotate_room_token(*, meeting: Meeting) -> str:
    """A new secret address for the room screen; the old address and its open screens stop."""
    token = new_room_token()
    Meeting.objects.filter(pk=meeting.pk).update(room_token=token)
    meeting.room_token = token
    broadcast.room_token_rotated(meeting.pk)
    return token


@transaction.atomic
def delete_meeting(*, meeting: Meeting) -> None:
    """The whole meeting: groups, participants, factors. Open room screens close."""
    meeting_id = meeting.pk
    meeting.delete()
    forget_meetings_in_sessions({meeting_id})
    broadcast.room_token_rotated(meeting_id)


def forget_meetings_in_sessions(meeting_ids: set[int]) -> int:
    """Remove these meetings from every stored session; a session left with nothing (no
    other meeting, no login) is deleted. Returns how many sessions were changed or deleted."""
    from django.contrib.sessions.models import Session

    from .participation import SESSION_KEY

    wanted = {str(pk) for pk in meeting_ids}
    touched = 0
    for session in Session.objects.all().iterator():
        data = session.get_decoded()
        known = data.get(SESSION_KEY) or {}
        if not wanted & set(known):
            continue
        remaining = {key: value for key, value in known.items() if key not in wanted}
        touched += 1
        if not remaining and "_auth_user_id" not in data:
            session.delete()
            continue
        data[SESSION_KEY] = remaining
        Session.objects.filter(pk=session.pk).update(session_data=Session.objects.encode(data))
    return touched


@transaction.atomic
def purge_personal_data(*, held_before: datetime.date) -> tuple[int, int, int]:
    """Participants' names and sessions of meetings held before a date; results (groups,
    factors, anonymous participant rows they point to) are kept. Returns (meetings,
    names removed, sessions changed)."""
    meeting_ids = set(Meeting.objects.filter(date__lt=held_before).values_list("pk", flat=True))
    names = (
        Participant.objects.filter(meeting_id__in=meeting_ids)
        .exclude(display_name="")
        .update(display_name="")
    )
    sessions = forget_meetings_in_sessions(meeting_ids) if meeting_ids else 0
    return len(meeting_ids), names, sessions
