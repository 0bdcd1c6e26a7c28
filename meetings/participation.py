"""Which participant a phone is: a session cookie maps meeting ids to participant ids."""

from __future__ import annotations

import uuid
from typing import Any

from topp25.jsonlog import bind_meeting

from .codes import is_plausible_join_code, normalize_join_code
from .models import Meeting, Participant

SESSION_KEY = "topp25_participants"


def participant_for_session(session: Any, meeting: Meeting) -> Participant | None:
    participant_id = participants_in_session(session).get(meeting.pk)
    if participant_id is None:
        return None
    return (
        Participant.objects.select_related("home_group")
        .filter(pk=participant_id, meeting=meeting)
        .first()
    )


def participant_by_code(session: Any, raw_code: str) -> Participant | None:
    """This session's participant in the meeting with this code, with the meeting and home
    group, in one query: what every write and page of a phone needs first. None when the
    session knows no participant there (the caller then reads the meeting by its code)."""
    known = participants_in_session(session)
    code = normalize_join_code(raw_code)
    if not known or not is_plausible_join_code(code):
        return None
    for participant in (
        Participant.objects.select_related("meeting", "home_group")
        .filter(pk__in=known.values(), meeting__join_code=code)
        .order_by()
    ):
        if known.get(participant.meeting_id) == participant.pk:
            bind_meeting(participant.meeting_id)  # this request's log lines name the meeting
            return participant
    return None


def participants_in_session(session: Any) -> dict[int, int]:
    """{meeting id: participant id} as this session remembers them (malformed entries left out)."""
    known: dict[int, int] = {}
    raw = session.get(SESSION_KEY, {})
    if not isinstance(raw, dict):
        return known
    for meeting_id, participant_id in raw.items():
        try:
            known[int(meeting_id)] = int(participant_id)
        except (TypeError, ValueError):
            continue
    return known


def remember_participant(session: Any, participant: Participant) -> None:
    known = dict(session.get(SESSION_KEY, {}))
    known[str(participant.meeting_id)] = participant.pk
    session[SESSION_KEY] = known


def parse_uuid(raw: str | None) -> uuid.UUID | None:
    """A form token a phone sent back (join form, factor form); garbage counts as none."""
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None
