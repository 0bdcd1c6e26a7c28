from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client

from groups import services as group_services
from groups.models import SuccessFactor
from meetings import services
from meetings.models import Group, Meeting, Participant
from meetings.participation import remember_participant
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE


@pytest.fixture
def facilitator(db: Any) -> User:
    user = User.objects.create_user("anna", password="hemligt-losen-1")
    user.groups.add(AuthGroup.objects.get(name=FACILITATOR_ROLE))
    user.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    return user


@pytest.fixture
def meeting(facilitator: User) -> Meeting:
    return services.create_meeting(
        facilitator=facilitator,
        title="Dialogmöte 1",
        date=datetime.date(2026, 11, 23),
        venue="Stadshuset",
        core_question="Vad höjer elevernas resultat?",
        usual_home_groups=True,
    )


@pytest.fixture
def teachers(meeting: Meeting) -> Group:
    return meeting.home_groups().get(name="Lärare")


@pytest.fixture
def principals(meeting: Meeting) -> Group:
    return meeting.home_groups().get(name="Rektorer")


@pytest.fixture
def join_as(client: Client) -> Callable[..., Participant]:
    """Make `client` (or another Client) a participant of a group, as a phone would."""

    def join(group: Group, *, as_client: Client | None = None, name: str = "") -> Participant:
        target = as_client or client
        participant = services.join_meeting(
            meeting=group.meeting, home_group_id=group.pk, display_name=name
        )
        session = target.session
        remember_participant(session, participant)
        session.save()
        return participant

    return join


@pytest.fixture
def add_factors() -> Callable[[Group, int], list[SuccessFactor]]:
    def add(group: Group, count: int) -> list[SuccessFactor]:
        return [
            group_services.add_factor(group=group, text=f"Faktor {index}")
            for index in range(1, count + 1)
        ]

    return add


def texts(group: Group) -> list[str]:
    return list(group.factors.order_by("position").values_list("text", flat=True))


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: Any) -> None:
    """Each test counts failed joins from zero (a prefix of its own: the Redis cache of a CI
    run is shared, so clearing it is not an option)."""
    import uuid

    settings.RATELIMIT_KEY_PREFIX = f"topp25-rl-test-{uuid.uuid4().hex}:"
