from __future__ import annotations

from typing import Any

import pytest
from django.db import DataError, IntegrityError, transaction

from groups.models import SuccessFactor
from meetings.codes import JOIN_CODE_ALPHABET, new_join_code, normalize_join_code
from meetings.models import Group, Meeting


def test_join_code_is_six_unambiguous_characters(meeting: Meeting) -> None:
    assert len(meeting.join_code) >= 6
    assert set(meeting.join_code) <= set(JOIN_CODE_ALPHABET)
    for look_alike in "0O1IlL":
        assert look_alike not in JOIN_CODE_ALPHABET


def test_join_codes_differ_and_normalize() -> None:
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    assert normalize_join_code(" k7w-x3r ") == "K7WX3R"


def test_room_token_is_long_and_unguessable(meeting: Meeting) -> None:
    assert len(meeting.room_token) >= 30
    assert meeting.room_token != meeting.join_code


def test_usual_seven_home_groups(meeting: Meeting) -> None:
    names = list(meeting.home_groups().values_list("name", flat=True))
    assert names == [
        "Lärare",
        "Förskollärare",
        "Rektorer",
        "Förskolechefer",
        "Skolchefer",
        "Elevhälsa",
        "Politiker",
    ]


@pytest.mark.django_db
def test_database_rejects_duplicate_position(teachers: Group) -> None:
    SuccessFactor.objects.create(group=teachers, position=1, text="Tid")
    with pytest.raises(IntegrityError), transaction.atomic():
        SuccessFactor.objects.create(group=teachers, position=1, text="Mer tid")


@pytest.mark.django_db
@pytest.mark.parametrize("position", [11, 12])
def test_database_rejects_position_out_of_range(teachers: Group, position: int) -> None:
    # 0 is admitted by the database as the parking place of a swap (groups.services), which
    # never outlives its transaction: tests/test_factors.py checks no list ever shows it.
    with pytest.raises(IntegrityError), transaction.atomic():
        SuccessFactor.objects.create(group=teachers, position=position, text="Tid")


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "   "])
def test_database_rejects_blank_text(teachers: Group, text: str) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SuccessFactor.objects.create(group=teachers, position=1, text=text)


@pytest.mark.django_db
def test_database_rejects_overlong_text(teachers: Group) -> None:
    # PostgreSQL's varchar says DataError; SQLite needs (and gets) the check constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        SuccessFactor.objects.create(group=teachers, position=1, text="x" * 201)


@pytest.mark.django_db
def test_database_rejects_factor_count_out_of_range(meeting: Meeting) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(factor_count=0)


def test_all_models_are_in_the_admin() -> None:
    from django.apps import apps
    from django.contrib import admin

    for app in ("meetings", "groups"):
        for model in apps.get_app_config(app).get_models():
            assert admin.site.is_registered(model), model


@pytest.mark.django_db
def test_the_admin_shows_the_run_state_but_does_not_let_it_be_set(
    admin_client: Any, meeting: Meeting
) -> None:
    """A running phase is set by the console only (Meeting.has_run relies on it)."""
    from django.urls import reverse

    page = admin_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert page.status_code == 200
    assert 'name="current_phase"' not in page.content.decode()
    from meetings.models import PhaseKind
    from meetings.services import add_phase

    phase = add_phase(meeting=meeting, kind=PhaseKind.DIALOGUE, title="Samtal", planned_minutes=10)
    page = admin_client.get(reverse("admin:meetings_phase_change", args=[phase.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'name="title"' in html
    assert 'name="started_at' not in html and 'name="ended_at' not in html


def test_a_meeting_with_participants_can_be_deleted(meeting: Meeting, teachers: Group) -> None:
    from meetings.services import join_meeting

    join_meeting(meeting=meeting, home_group_id=teachers.pk)
    meeting.delete()
    assert not Meeting.objects.exists()


def test_a_group_with_members_cannot_be_deleted_alone(meeting: Meeting, teachers: Group) -> None:
    from django.db.models import RestrictedError

    from meetings.services import join_meeting

    join_meeting(meeting=meeting, home_group_id=teachers.pk)
    with pytest.raises(RestrictedError):
        teachers.delete()


def test_nothing_points_at_a_success_factor() -> None:
    # groups/services.py reorders by deleting and re-inserting a row: anything pointing at a
    # factor (a vote, a comment) must first get a reorder that keeps rows in place.
    assert SuccessFactor._meta.related_objects == ()
