"""Multi-model writes for meetings: each one function, atomic, raising DomainError."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Hashable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .changes import (
    Aspect,
    GroupChanged,
    MeetingChanged,
    ParticipantsChanged,
    RoomRevoked,
    announce,
)
from .codes import is_plausible_join_code, new_join_code, new_room_token, normalize_join_code
from .errors import Conflict, DomainError, NeedsConfirmation, NotFound
from .jigsaw import allocate, place_latecomer
from .locks import lock
from .models import (
    MAX_FACTOR_COUNT,
    MAX_PHASE_MINUTES,
    USUAL_PROFESSIONS,
    Group,
    Meeting,
    Participant,
    Phase,
    PhaseKind,
    Profession,
    Series,
)
from .phases import AgendaTemplate, planned_agenda
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
    home_group_names: list[str] | None = None,
    agenda_template: str = AgendaTemplate.EMPTY,
    group_word: str = "",
    ideas_until_agreed: bool = True,
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
    series = series_for(organiser=facilitator, name=series_name) if series_name else None
    meeting = Meeting(
        title=clean_text(title),
        date=date,
        venue=clean_text(venue),
        core_question=clean_text(core_question, multiline=True),
        factor_count=factor_count,
        series=series,
        group_word=_group_word(group_word, agenda_template),
        ideas_until_agreed=ideas_until_agreed,
    )
    _save_with_unique_code(meeting)
    meeting.facilitators.add(facilitator)  # type: ignore[arg-type]
    if usual_home_groups:
        add_usual_home_groups(meeting=meeting)
    for name in home_group_names or []:
        if name.strip():
            add_home_group(meeting=meeting, name=name, announce=False)
    with translation.override(settings.LANGUAGE_CODE):
        for planned in planned_agenda(agenda_template):
            add_phase(
                meeting=meeting,
                kind=planned.kind,
                title=planned.title,
                planned_minutes=planned.minutes,
                announce=False,
            )
    return meeting


def series_for(*, organiser: AbstractBaseUser | None, name: str) -> Series:
    """The organiser's own series of this name, else a new one that is theirs. Another
    organiser's series of the same name is never found: naming it grants nothing (sharing
    is `share_series`, by someone who has it)."""
    name = " ".join(clean_text(name).split())
    if organiser is not None:
        mine = Series.objects.filter(organisers=organiser.pk, name__iexact=name).order_by("pk")
        existing = mine.first()
        if existing is not None:
            return existing
    series = Series.objects.create(name=name)
    if organiser is not None:
        series.organisers.add(organiser)  # type: ignore[arg-type]
    return series


@transaction.atomic
def share_series(*, series: Series, username: str) -> AbstractBaseUser:
    """Make a colleague an organiser of the series (the caller is one: views check). Only
    someone who may run meetings can be one; an unknown name and a visitor answer alike."""
    from django.contrib.auth import get_user_model

    username = clean_text(username)[:150]
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None or not (
        user.has_perm("meetings.add_meeting") or user.has_perm("meetings.export_meeting")
    ):
        raise NotFound(
            "series_user_unknown",
            _("Det finns ingen samtalsledare eller redaktör med användarnamnet %(name)s.")
            % {"name": username},
        )
    series.organisers.add(user)
    return user


def _group_word(typed: str, agenda_template: str) -> str:
    """The word the phones use for a group: as typed, else "enheten" on the unit day (in the
    server's language, as the agenda's titles), else empty ("hemgruppen")."""
    word = clean_text(typed)
    if len(word) > 40:
        raise DomainError("group_word", _("Ordet för en grupp får vara högst 40 tecken."))
    if not word and agenda_template == AgendaTemplate.UNIT_DAY:
        with translation.override(settings.LANGUAGE_CODE):
            word = str(_("enheten"))
    return word


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
    lock(Meeting).filter(pk=meeting.pk).first()
    exists = Conflict(
        "group_exists",
        _("Det finns redan en hemgrupp som heter %(name)s.") % {"name": name},
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
        meeting_changed(meeting)
    return group


@transaction.atomic
def add_usual_home_groups(*, meeting: Meeting) -> list[Group]:
    """The shortcut "add the usual seven": one home group per profession not yet present.

    Named in the meeting's language whatever language the facilitator's browser uses, so the
    room screen and the export read alike and a second click adds nothing.
    """
    lock(Meeting).filter(pk=meeting.pk).first()
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
        meeting_changed(meeting)
    return created


def meeting_by_code(code: str) -> Meeting | None:
    """The meeting with this (normalised) code; implausible codes never reach the database."""
    return Meeting.objects.filter(join_code=code).first() if is_plausible_join_code(code) else None


def blank_code() -> DomainError:
    return DomainError("code_blank", _("Skriv mötets kod — den står på rumsskärmen."))


def not_joinable(code: str) -> DomainError:
    """The one answer for a wrong code and for a meeting closed to newcomers: a guesser
    learns nothing from it."""
    return NotFound(
        "code_unknown",
        _(
            "Det finns inget öppet möte med koden %(code)s — kontrollera koden på rumsskärmen "
            "eller fråga samtalsledaren."
        )
        % {"code": code[:12]},
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
        participants_changed(meeting)
        return participant
    if join_token is not None:
        earlier = meeting.participants.filter(join_token=join_token).first()
        if earlier is not None:
            return earlier
    if meeting.participants.count() >= settings.PARTICIPANTS_PER_MEETING:
        raise Conflict(
            "meeting_full",
            _("Mötet är fullt — fråga samtalsledaren."),
        )
    participant = Participant.objects.create(
        meeting=meeting,
        home_group=group,
        display_name=display_name,
        join_token=join_token or uuid.uuid4(),
    )
    # Read from the database: the caller's meeting may be older than the publishing.
    if Meeting.objects.filter(pk=meeting.pk, experts_published_at__isnull=False).exists():
        _seat_latecomer(meeting, participant)
    participants_changed(meeting)
    return participant


@transaction.atomic
def set_joining_open(*, meeting: Meeting, is_open: bool) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(joining_open=is_open)
    meeting.joining_open = is_open
    meeting_changed(meeting, Aspect.SETUP)


def participants_changed(meeting: Meeting) -> ParticipantsChanged:
    """A join (or a phone's own change of group): a new revision; the consoles hear of it
    (the screens coalesce joins per short window)."""
    _new_revision(meeting)
    return announce(ParticipantsChanged(meeting_id=meeting.pk))


def meeting_changed(
    meeting: Meeting,
    aspect: Aspect = Aspect.STRUCTURE,
    moved: dict[int, int] | None = None,
) -> MeetingChanged:
    """Every change to the meeting as a whole: a new revision, then the news (after commit)."""
    _new_revision(meeting)
    return announce(MeetingChanged(meeting_id=meeting.pk, aspect=aspect, moved=moved or {}))


def _new_revision(meeting: Meeting) -> None:
    """The increment is one UPDATE, so it takes the row lock itself and two writers never get
    the same revision."""
    Meeting.objects.filter(pk=meeting.pk).update(revision=F("revision") + 1)


def _lock_meeting(meeting: Meeting) -> Meeting:
    return lock(Meeting).get(pk=meeting.pk)


# --- Agenda -------------------------------------------------------------------------------


def _clean_phase_fields(
    kind: str, title: str, planned_minutes: int, speaker: str, note: str
) -> tuple[str, str, int, str, str]:
    if kind not in PhaseKind.values:
        raise DomainError("phase_kind", _("Välj vad som ska hända i fasen."))
    title = " ".join(clean_text(title).split())
    if not title:
        raise DomainError("phase_title_blank", _("Skriv en rubrik för fasen."))
    if len(title) > 120:
        raise DomainError("phase_title_too_long", _("Fasens rubrik får vara högst 120 tecken."))
    if not 0 <= planned_minutes <= MAX_PHASE_MINUTES:
        raise DomainError(
            "phase_minutes",
            _("Planerad tid ska vara mellan 0 och %(max)d minuter.") % {"max": MAX_PHASE_MINUTES},
        )
    speaker = " ".join(clean_text(speaker).split())
    if len(speaker) > 120:
        raise DomainError("phase_speaker_too_long", _("Talarens namn får vara högst 120 tecken."))
    note = clean_text(note, multiline=True)
    if len(note) > 1000:
        raise DomainError("phase_note_too_long", _("Anteckningen får vara högst 1000 tecken."))
    return kind, title, planned_minutes, speaker, note


@transaction.atomic
def add_phase(
    *,
    meeting: Meeting,
    kind: str,
    title: str,
    planned_minutes: int,
    speaker: str = "",
    note: str = "",
    announce: bool = True,
) -> Phase:
    kind, title, planned_minutes, speaker, note = _clean_phase_fields(
        kind, title, planned_minutes, speaker, note
    )
    meeting = _lock_meeting(meeting)
    last = meeting.phases.aggregate(last=Max("position"))["last"]
    phase = Phase.objects.create(
        meeting=meeting,
        position=(last or 0) + 1,
        kind=kind,
        title=title,
        planned_minutes=planned_minutes,
        speaker=speaker,
        note=note,
    )
    if announce:
        meeting_changed(meeting)
    return phase


def _phase_in(meeting: Meeting, phase_id: int) -> Phase:
    phase = Phase.objects.filter(meeting=meeting, pk=phase_id).first()
    if phase is None:
        raise NotFound("phase_gone", _("Fasen finns inte längre — ladda om sidan."))
    return phase


@transaction.atomic
def update_phase(
    *,
    meeting: Meeting,
    phase_id: int,
    kind: str,
    title: str,
    planned_minutes: int,
    speaker: str = "",
    note: str = "",
) -> Phase:
    kind, title, planned_minutes, speaker, note = _clean_phase_fields(
        kind, title, planned_minutes, speaker, note
    )
    meeting = _lock_meeting(meeting)
    phase = _phase_in(meeting, phase_id)
    if phase.is_running and phase.kind != kind:
        raise DomainError(
            "phase_running_kind",
            _("Fasen pågår — avsluta den innan du byter vad som ska hända i den."),
        )
    if not phase.is_running or phase.started_at is None:
        phase.duration_seconds = planned_minutes * 60
    else:
        # Retiming a running phase moves its end by the difference.
        phase.duration_seconds = max(
            0, phase.duration_seconds + (planned_minutes - phase.planned_minutes) * 60
        )
    phase.kind, phase.title, phase.planned_minutes = kind, title, planned_minutes
    phase.speaker, phase.note = speaker, note
    phase.save()
    meeting_changed(meeting)
    return phase


@transaction.atomic
def remove_phase(*, meeting: Meeting, phase_id: int) -> None:
    meeting = _lock_meeting(meeting)
    phase = _phase_in(meeting, phase_id)
    if phase.is_running:
        raise DomainError("phase_running", _("Fasen pågår — avsluta den innan du tar bort den."))
    phase.delete()
    meeting_changed(meeting)


@transaction.atomic
def move_phase(*, meeting: Meeting, phase_id: int, direction: str) -> Phase:
    if direction not in ("up", "down"):
        raise DomainError("direction", _("Välj om fasen ska flyttas upp eller ner."))
    meeting = _lock_meeting(meeting)
    phases = list(meeting.phases.all())
    index = next((i for i, phase in enumerate(phases) if phase.pk == phase_id), None)
    if index is None:
        raise NotFound("phase_gone", _("Fasen finns inte längre — ladda om sidan."))
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(phases):
        raise Conflict(
            "cannot_move",
            _("Fasen står redan först.") if direction == "up" else _("Fasen står redan sist."),
        )
    phases[index], phases[other] = phases[other], phases[index]
    # Renumber 1..n: positions have no unique constraint, so plain updates keep identities.
    for position, phase in enumerate(phases, start=1):
        if phase.position != position:
            Phase.objects.filter(pk=phase.pk).update(position=position)
    meeting_changed(meeting)
    return phases[other]


# --- Running the afternoon: phases and the timer -------------------------------------------


def _end_running(meeting: Meeting, now: datetime.datetime) -> None:
    running = meeting.current_phase
    if running is not None and running.is_running:
        if running.paused_at is not None:
            running.paused_seconds += int((now - running.paused_at).total_seconds())
            running.paused_at = None
        running.ended_at = now
        running.save(update_fields=["ended_at", "paused_at", "paused_seconds"])


@transaction.atomic
def start_phase(*, meeting: Meeting, phase_id: int | None = None) -> Phase:
    """Start a phase (the next one when none is named), ending the one that runs."""
    meeting = _lock_meeting(meeting)
    phases = list(meeting.phases.all())
    if phase_id is None:
        phase = _next_phase(meeting, phases)
        if phase is None:
            raise DomainError("no_next_phase", _("Det finns ingen nästa fas i dagordningen."))
    else:
        phase = _phase_in(meeting, phase_id)
    now = timezone.now()
    _end_running(meeting, now)
    # Starting a phase again (after going back to it) gives it its planned time anew.
    phase.started_at, phase.ended_at, phase.paused_at = now, None, None
    phase.paused_seconds = 0
    phase.duration_seconds = phase.planned_minutes * 60
    phase.save()
    meeting.current_phase = phase
    meeting.save(update_fields=["current_phase"])
    meeting_changed(meeting)
    return phase


def _next_phase(meeting: Meeting, phases: list[Phase]) -> Phase | None:
    """After the current phase, else after the last one started, else the first."""
    current = meeting.current_phase_id
    started = [phase for phase in phases if phase.started_at is not None]
    anchor = current or (max(started, key=lambda p: p.started_at).pk if started else None)  # type: ignore[arg-type, return-value]
    if anchor is None:
        return phases[0] if phases else None
    ids = [phase.pk for phase in phases]
    if anchor not in ids:
        return phases[0] if phases else None
    index = ids.index(anchor)
    return phases[index + 1] if index + 1 < len(phases) else None


def _running_phase(meeting: Meeting) -> Phase:
    phase = meeting.current_phase
    if phase is None or not phase.is_running:
        raise Conflict("phase_not_running", _("Ingen fas pågår just nu."))
    return phase


@transaction.atomic
def pause_phase(*, meeting: Meeting) -> Phase:
    meeting = _lock_meeting(meeting)
    phase = _running_phase(meeting)
    if phase.paused_at is None:  # a second tap on Pausa changes nothing
        phase.paused_at = timezone.now()
        phase.save(update_fields=["paused_at"])
        meeting_changed(meeting)
    return phase


@transaction.atomic
def resume_phase(*, meeting: Meeting) -> Phase:
    meeting = _lock_meeting(meeting)
    phase = _running_phase(meeting)
    if phase.paused_at is not None:
        phase.paused_seconds += int((timezone.now() - phase.paused_at).total_seconds())
        phase.paused_at = None
        phase.save(update_fields=["paused_at", "paused_seconds"])
        meeting_changed(meeting)
    return phase


MAX_ADJUST_MINUTES = 120


@transaction.atomic
def adjust_phase_minutes(*, meeting: Meeting, minutes: int) -> Phase:
    """Add (or, negative, remove) minutes; the remaining time never goes below zero by it."""
    if minutes == 0 or abs(minutes) > MAX_ADJUST_MINUTES:
        raise DomainError(
            "adjust_minutes",
            _("Lägg till eller ta bort mellan 1 och %(max)d minuter.")
            % {"max": MAX_ADJUST_MINUTES},
        )
    meeting = _lock_meeting(meeting)
    phase = _running_phase(meeting)
    elapsed = phase.elapsed_seconds(timezone.now())
    phase.duration_seconds = max(elapsed, phase.duration_seconds + minutes * 60)
    phase.save(update_fields=["duration_seconds"])
    meeting_changed(meeting)
    return phase


@transaction.atomic
def end_phase(*, meeting: Meeting) -> Phase:
    meeting = _lock_meeting(meeting)
    phase = _running_phase(meeting)
    _end_running(meeting, timezone.now())
    meeting.current_phase = None
    meeting.save(update_fields=["current_phase"])
    meeting_changed(meeting)
    return phase


# --- Groups and participants, from the console ----------------------------------------------


def _group_in(meeting: Meeting, group_id: int) -> Group:
    group = meeting.groups.filter(pk=group_id).first()
    if group is None:
        raise NotFound("group_gone", _("Gruppen finns inte längre — ladda om sidan."))
    return group


@transaction.atomic
def rename_group(*, meeting: Meeting, group_id: int, name: str) -> Group:
    name = " ".join(clean_text(name).split())
    if not name:
        raise DomainError("group_name_blank", _("Skriv ett namn på hemgruppen."))
    if len(name) > 100:
        raise DomainError("group_name_too_long", _("Gruppens namn får vara högst 100 tecken."))
    meeting = _lock_meeting(meeting)
    group = _group_in(meeting, group_id)
    taken = meeting.groups.filter(kind=group.kind, name__iexact=name).exclude(pk=group.pk)
    if taken.exists():
        raise Conflict(
            "group_exists", _("Det finns redan en hemgrupp som heter %(name)s.") % {"name": name}
        )
    if group.name != name:
        group.name = name
        group.revision += 1
        group.save(update_fields=["name", "revision"])
        announce(GroupChanged(meeting_id=meeting.pk, group_id=group.pk))
        meeting_changed(meeting)
    return group


@transaction.atomic
def move_group(*, meeting: Meeting, group_id: int, direction: str) -> Group:
    if direction not in ("up", "down"):
        raise DomainError("direction", _("Välj om gruppen ska flyttas upp eller ner."))
    meeting = _lock_meeting(meeting)
    group = _group_in(meeting, group_id)
    siblings = list(meeting.groups.filter(kind=group.kind).order_by("position", "pk"))
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == group.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        raise Conflict(
            "cannot_move",
            _("Gruppen står redan först.") if direction == "up" else _("Gruppen står redan sist."),
        )
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            Group.objects.filter(pk=sibling.pk).update(position=position)
    meeting_changed(meeting)
    return group


@transaction.atomic
def delete_group(
    *, meeting: Meeting, group_id: int, confirmed: bool = False
) -> NeedsConfirmation | None:
    """Remove an empty home group; one that holds factors asks once more."""
    meeting = _lock_meeting(meeting)
    group = _group_in(meeting, group_id)
    members = group.members.count()
    if members:
        raise Conflict(
            "group_not_empty",
            ngettext(
                "%(name)s har %(count)d deltagare — flytta deltagaren till en annan grupp först.",
                "%(name)s har %(count)d deltagare — flytta dem till en annan grupp först.",
                members,
            )
            % {"name": group.name, "count": members},
        )
    factors = group.factors.count()
    if factors and not confirmed:
        return NeedsConfirmation(
            ngettext(
                "%(name)s har %(count)d framgångsfaktor. Den tas bort med gruppen.",
                "%(name)s har %(count)d framgångsfaktorer. De tas bort med gruppen.",
                factors,
            )
            % {"name": group.name, "count": factors}
        )
    group.delete()
    meeting_changed(meeting)
    return None


@transaction.atomic
def move_participant(*, meeting: Meeting, participant_id: int, group_id: int) -> Participant:
    meeting = _lock_meeting(meeting)
    participant = meeting.participants.filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("participant_gone", _("Deltagaren finns inte längre i mötet."))
    group = _group_in(meeting, group_id)
    if group.kind != Group.Kind.HOME:
        raise DomainError("group_unknown", _("Välj en av mötets hemgrupper i listan."))
    if participant.home_group_id != group.pk:
        participant.home_group = group
        participant.save(update_fields=["home_group"])
        # Their phone is told (and linked to the new group); the other phones learn nothing new.
        meeting_changed(meeting, Aspect.PEOPLE, moved={participant.pk: group.pk})
    return participant


@transaction.atomic
def rotate_room_token(*, meeting: Meeting) -> str:
    """A new secret address for the room screen; the old address and its open screens stop."""
    token = new_room_token()
    Meeting.objects.filter(pk=meeting.pk).update(room_token=token)
    meeting.room_token = token
    announce(RoomRevoked(meeting_id=meeting.pk))
    return token


@transaction.atomic
def delete_meeting(*, meeting: Meeting) -> None:
    """The whole meeting: groups, participants, factors. Open room screens close."""
    meeting_id = meeting.pk
    meeting.delete()
    forget_meetings_in_sessions({meeting_id})
    announce(RoomRevoked(meeting_id=meeting_id))


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


# --- Expert groups (the jigsaw) -------------------------------------------------------------


MAX_EXPERT_GROUPS = 50


def _expert_groups(meeting: Meeting) -> list[Group]:
    return list(meeting.groups.filter(kind=Group.Kind.EXPERT).order_by("position", "pk"))


def _ensure_expert_groups(meeting: Meeting, count: int) -> list[Group]:
    """Tables 1..count as Group(kind=EXPERT) "Expertgrupp N" at position N. A table beyond
    `count` is removed unless it has a list or people the phones were sent to (the record)."""
    existing = {group.position: group for group in _expert_groups(meeting)}
    tables = []
    with translation.override(settings.LANGUAGE_CODE):
        for number in range(1, count + 1):
            group = existing.pop(number, None)
            if group is None:
                name = _("Expertgrupp %(number)d") % {"number": number}
                taken = meeting.groups.filter(kind=Group.Kind.EXPERT, name__iexact=name)
                if taken.exists():  # renamed in the admin: a free name, still table N
                    name = f"{name} ({number})"
                group = Group.objects.create(
                    meeting=meeting, kind=Group.Kind.EXPERT, name=name, position=number
                )
            tables.append(group)
    for extra in existing.values():
        if not extra.factors.exists() and not extra.expert_members.exists():
            extra.delete()
    return tables


@transaction.atomic
def allocate_experts(*, meeting: Meeting, expert_count: int) -> list[Group]:
    """A new draft of the jigsaw for everyone present (not marked as gone), replacing the
    old draft. Nothing reaches the phones until it is published."""
    if not 1 <= expert_count <= MAX_EXPERT_GROUPS:
        raise DomainError(
            "expert_count",
            _("Välj mellan 1 och %(max)d expertgrupper.") % {"max": MAX_EXPERT_GROUPS},
        )
    meeting = _lock_meeting(meeting)
    members_by_home: dict[Hashable, list[int]] = {}
    for home_group in meeting.home_groups().order_by("position", "pk"):
        members_by_home[home_group.pk] = []
    for participant_id, home_group_id in (
        meeting.participants.filter(left_at__isnull=True)
        .order_by("pk")
        .values_list("pk", "home_group_id")
    ):
        members_by_home.setdefault(home_group_id, []).append(participant_id)
    tables = allocate(members_by_home, expert_count)  # AllocationError is a DomainError
    groups = _ensure_expert_groups(meeting, expert_count)
    meeting.participants.update(expert_draft=None)
    for group, participant_ids in zip(groups, tables, strict=True):
        Participant.objects.filter(pk__in=participant_ids).update(expert_draft=group)
    meeting_changed(meeting, Aspect.SETUP)
    return groups


def _participant_in(meeting: Meeting, participant_id: int) -> Participant:
    participant = meeting.participants.filter(pk=participant_id).first()
    if participant is None:
        raise NotFound("participant_gone", _("Deltagaren finns inte längre i mötet."))
    return participant


@transaction.atomic
def move_expert_draft(*, meeting: Meeting, participant_id: int, group_id: int) -> Participant:
    """Move one person to another table in the draft (the console's select or a drag)."""
    meeting = _lock_meeting(meeting)
    participant = _participant_in(meeting, participant_id)
    group = meeting.groups.filter(kind=Group.Kind.EXPERT, pk=group_id).first()
    if group is None:
        raise NotFound("expert_group_gone", _("Expertgruppen finns inte längre — ladda om sidan."))
    if participant.expert_draft_id != group.pk:
        participant.expert_draft = group
        participant.save(update_fields=["expert_draft"])
        meeting_changed(meeting, Aspect.SETUP)
    return participant


@transaction.atomic
def publish_experts(*, meeting: Meeting, confirmed: bool = False) -> NeedsConfirmation | None:
    """The draft becomes what the phones show ("Expertgrupp 3 — bord 3")."""
    meeting = _lock_meeting(meeting)
    if not meeting.participants.filter(expert_draft__isnull=False).exists():
        raise Conflict(
            "no_allocation", _("Fördela deltagarna på expertgrupper först, och publicera sedan.")
        )
    if meeting.experts_published_at is not None and not confirmed:
        published = timezone.localtime(meeting.experts_published_at)
        return NeedsConfirmation(
            _(
                "Expertgrupperna publicerades redan kl. %(time)s. Publicerar du igen visar "
                "telefonerna de nya borden."
            )
            % {"time": f"{published:%H:%M}"}
        )
    meeting.participants.update(expert_group=F("expert_draft"))
    meeting.experts_published_at = timezone.now()
    meeting.save(update_fields=["experts_published_at"])
    # Every phone gets its own table in the phase panel (the screens render one phase panel per table).
    meeting_changed(meeting)
    return None


def _seat_latecomer(meeting: Meeting, participant: Participant) -> None:
    """After publishing: a newcomer sits where their home group is missing, else at the
    smallest table (jigsaw.place_latecomer), in the draft and the published allocation."""
    meeting = _lock_meeting(meeting)
    groups = _expert_groups(meeting)
    if not groups:
        return
    seated: dict[int, list[tuple[int, int]]] = {group.pk: [] for group in groups}
    for person_id, home_group_id, group_id in meeting.participants.filter(
        ~Q(pk=participant.pk), left_at__isnull=True, expert_group__isnull=False
    ).values_list("pk", "home_group_id", "expert_group_id"):
        if group_id in seated:
            seated[group_id].append((home_group_id, person_id))
    # Tables nobody sits at any more (emptied by the facilitator) are not offered.
    candidates = [group for group in groups if seated[group.pk]] or groups
    index = place_latecomer([seated[group.pk] for group in candidates], participant.home_group_id)
    participant.expert_group = participant.expert_draft = candidates[index]
    participant.save(update_fields=["expert_group", "expert_draft"])


@transaction.atomic
def set_participant_left(*, meeting: Meeting, participant_id: int, left: bool) -> Participant:
    """The facilitator marks someone as gone (or back). Gone people keep their seat in the
    lists, marked as gone, but are not allocated again nor counted for latecomers."""
    meeting = _lock_meeting(meeting)
    participant = _participant_in(meeting, participant_id)
    if participant.has_left != left:
        participant.left_at = timezone.now() if left else None
        participant.save(update_fields=["left_at"])
        meeting_changed(meeting, Aspect.SETUP)
    return participant
