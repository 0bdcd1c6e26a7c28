"""Two phones of one group at the same moment: the list never holds more than it may."""

from __future__ import annotations

import pytest

from groups import services as group_services
from meetings.models import Group
from tests.support.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_phones_taking_the_last_place(teachers: Group, add_factors) -> None:
    add_factors(teachers, 4)
    done, refused = race(2, lambda n: group_services.add_factor(group=teachers, text=f"Sista {n}"))
    assert len(done) == 1
    assert [error.code for error in refused] == ["list_full"]
    assert list(teachers.factors.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_many_phones_adding_at_once(teachers: Group) -> None:
    done, refused = race(8, lambda n: group_services.add_factor(group=teachers, text=f"Faktor {n}"))
    assert len(done) == 5 and len(refused) == 3
    assert list(teachers.factors.order_by("position").values_list("position", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_remove_and_move_at_once_keep_positions_dense(teachers: Group, add_factors) -> None:
    factors = add_factors(teachers, 5)

    def act(n: int) -> object:
        if n == 0:
            return group_services.remove_factor(group=teachers, factor_id=factors[0].pk)
        return group_services.move_factor(group=teachers, factor_id=factors[4].pk, direction="up")

    done, refused = race(2, act)
    # The removal always succeeds; the move either succeeds (before or after the removal)
    # or is refused because the list changed under it; never both lost.
    assert len(done) + len(refused) == 2
    assert all(error.code in ("moved", "factor_gone") for error in refused)
    assert not teachers.factors.filter(pk=factors[0].pk).exists()
    positions = list(teachers.factors.order_by("position").values_list("position", flat=True))
    assert positions == [1, 2, 3, 4]
    ids = list(teachers.factors.order_by("position").values_list("pk", flat=True))
    assert sorted(ids) == sorted(factor.pk for factor in factors[1:])


def test_two_clicks_on_the_usual_seven(meeting) -> None:
    from meetings import services
    from meetings.models import Group as MeetingGroup

    MeetingGroup.objects.filter(meeting=meeting).delete()
    done, refused = race(2, lambda n: services.add_usual_home_groups(meeting=meeting))
    assert len(done) + len(refused) == 2
    assert all(error.code == "group_exists" for error in refused)
    assert meeting.home_groups().count() == 7
