"""Who a phone is, read cheaply: the participant with its meeting in one query by the meeting's
code, and whether a meeting has an agenda and has begun without a query while a phase runs.
The answers must be the same as reading them one by one."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.models import Group, Meeting, Participant, PhaseKind
from meetings.participation import participant_by_code

pytestmark = pytest.mark.django_db


def other_meeting(facilitator: User) -> Meeting:
    return services.create_meeting(
        facilitator=facilitator,
        title="Ett annat möte",
        date=datetime.date(2026, 12, 2),
        core_question="Vad höjer elevernas resultat?",
        home_group_names=["Lärare"],
    )


def test_the_participant_of_this_code_among_several_meetings(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    facilitator: User,
    join_as: Callable[..., Participant],
    django_assert_num_queries: Any,
) -> None:
    elsewhere = other_meeting(facilitator)
    there = join_as(elsewhere.home_groups().get())
    here = join_as(teachers)
    session = client.session
    list(session.items())  # a request has read its session before the view runs
    with django_assert_num_queries(1):
        found = participant_by_code(session, meeting.join_code.lower())
        assert found == here
        assert found.meeting == meeting and found.home_group == teachers
    assert participant_by_code(session, elsewhere.join_code) == there


def test_no_participant_for_another_code_a_forged_entry_or_garbage(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    facilitator: User,
    join_as: Callable[..., Participant],
) -> None:
    elsewhere = other_meeting(facilitator)
    someone = join_as(elsewhere.home_groups().get())
    session = client.session
    assert participant_by_code(session, meeting.join_code) is None  # not joined here
    # A session claiming another meeting's participant for this meeting finds nobody.
    session["topp25_participants"] = {str(meeting.pk): someone.pk}
    assert participant_by_code(session, meeting.join_code) is None
    assert participant_by_code(session, elsewhere.join_code) is None
    for code in ["", "x", "ÅÄÖ!!", "A" * 500]:
        assert participant_by_code(session, code) is None


def test_a_phone_page_and_a_write_still_answer_as_before(
    client: Client, meeting: Meeting, teachers: Group, join_as: Callable[..., Participant]
) -> None:
    join_as(teachers)
    page = client.get(reverse("groups:page", args=[meeting.join_code]))
    assert page.status_code == 200 and "Framgångsfaktorer" in page.content.decode()
    added = client.post(
        reverse("groups:add", args=[meeting.join_code, teachers.pk]),
        {"text": "Studiero"},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200 and "Studiero" in added.content.decode()
    # Someone who never joined is sent to the join page; a member following a wrong code gets
    # the join page's answer for it (404, counted as a failed join); a write with a wrong code
    # is sent to the join page (htmx) and changes nothing.
    stranger = Client()
    page = stranger.get(reverse("groups:page", args=[meeting.join_code]))
    assert page.status_code == 302 and page["Location"].endswith(f"/m/{meeting.join_code}/")
    wrong = client.get(reverse("groups:page", args=["ZZZZZZ"]))
    assert wrong.status_code == 404 and "Det finns inget öppet möte" in wrong.content.decode()
    refused = client.post(
        reverse("groups:add", args=["ZZZZZZ", teachers.pk]), {"text": "Fel"}, HTTP_HX_REQUEST="true"
    )
    assert refused["HX-Redirect"].endswith("/m/ZZZZZZ/")
    assert not teachers.factors.filter(text="Fel").exists()


def test_agenda_and_begun_read_once_and_not_at_all_while_a_phase_runs(
    meeting: Meeting, django_assert_num_queries: Any
) -> None:
    def fresh() -> Meeting:
        return Meeting.objects.select_related("current_phase").get(pk=meeting.pk)

    meeting.phases.all().delete()
    with django_assert_num_queries(1):
        empty = fresh()
    with django_assert_num_queries(1):
        assert (empty.has_agenda, empty.has_run) == (False, False)
    phase = services.add_phase(
        meeting=meeting, kind=PhaseKind.DIALOGUE, title="Samtal", planned_minutes=10
    )
    planned = fresh()
    with django_assert_num_queries(1):
        assert (planned.has_agenda, planned.has_run) == (True, False)
    services.start_phase(meeting=meeting, phase_id=phase.pk)
    running = fresh()
    with django_assert_num_queries(0):
        assert (running.has_agenda, running.has_run) == (True, True)
    services.end_phase(meeting=meeting)
    ended = fresh()
    assert ended.current_phase_id is None
    with django_assert_num_queries(1):
        assert (ended.has_agenda, ended.has_run) == (True, True)
