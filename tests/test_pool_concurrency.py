"""Phones of one group voting and merging at the same instant: every vote counts once."""

from __future__ import annotations

import pytest

from groups import services
from meetings import services as meeting_services
from meetings.models import Group, PhaseKind
from tests.support.concurrency import race
from tests.support.phases import run_phase

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_phones_voting_at_the_same_instant_both_count(teachers: Group) -> None:
    people = [
        meeting_services.join_meeting(meeting=teachers.meeting, home_group_id=teachers.pk)
        for _ in range(2)
    ]
    run_phase(teachers.meeting, PhaseKind.BUZZ)
    idea = services.add_idea(group=teachers, author=people[0], text="Studiero")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    done, refused = race(
        2,
        lambda n: services.set_dots(
            group=teachers, participant=people[n], idea_id=idea.pk, count=1
        ),
    )
    assert len(done) == 2 and refused == []
    assert services.vote_counts(teachers) == {idea.pk: 2}


def test_many_phones_voting_and_one_merging(teachers: Group) -> None:
    people = [
        meeting_services.join_meeting(meeting=teachers.meeting, home_group_id=teachers.pk)
        for _ in range(6)
    ]
    run_phase(teachers.meeting, PhaseKind.BUZZ)
    first = services.add_idea(group=teachers, author=people[0], text="Trygghet")
    second = services.add_idea(group=teachers, author=people[1], text="Tryggheten")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    for person in people[:3]:
        services.set_dots(group=teachers, participant=person, idea_id=second.pk, count=1)

    def act(n: int) -> object:
        if n == 0:
            return services.merge_ideas(group=teachers, idea_id=second.pk, into_id=first.pk)
        # Five phones dot the surviving idea at the same moment as the merge.
        return services.set_dots(group=teachers, participant=people[n], idea_id=first.pk, count=1)

    done, refused = race(6, act)
    assert refused == [] and len(done) == 6
    # people 1–2 dotted both (once each after the merge), 0 only the merged one, 3–5 the survivor.
    assert services.vote_counts(teachers) == {first.pk: 6}
    for person in people:
        assert services.dots_of(person, teachers) == {first.pk: 1}
