"""Fixtures shared by many modules; tests/conftest.py imports them (pytest finds them there).

`afternoon` is a meeting on the profession afternoon's agenda. A module that needs other home
groups or a title says so with `pytestmark = pytest.mark.afternoon(home_groups=[...],
title="...")`; extra set-up belongs in the module's own fixture built on this one.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from meetings import services
from meetings.models import Meeting
from meetings.phases import AgendaTemplate

# The header htmx sends with each of its requests (django-htmx's `request.htmx`).
HX = {"HTTP_HX_REQUEST": "true"}

AFTERNOON_GROUPS = ["Lärare", "Rektorer"]


def new_afternoon(
    facilitator: User,
    *,
    home_groups: list[str] | None = None,
    title: str = "Eftermiddag",
    core_question: str = "Vad höjer resultaten?",
    **extra: Any,
) -> Meeting:
    """A meeting on the profession afternoon's agenda (intro, buzz, dialogue, agree, fika,
    experts, reflection, closing), none of its phases started."""
    groups = AFTERNOON_GROUPS if home_groups is None else home_groups
    return services.create_meeting(
        facilitator=facilitator,
        title=title,
        date=datetime.date(2026, 12, 1),
        core_question=core_question,
        home_group_names=list(groups) if groups else None,
        usual_home_groups=not groups,
        agenda_template=AgendaTemplate.PROFESSION_AFTERNOON,
        **extra,
    )


@pytest.fixture
def afternoon(request: pytest.FixtureRequest, facilitator: User) -> Meeting:
    """See the module docstring; `home_groups=[]` gives the usual seven."""
    marker = request.node.get_closest_marker("afternoon")
    return new_afternoon(facilitator, **(marker.kwargs if marker else {}))


@pytest.fixture
def editor_client(client: Client, facilitator: User) -> Client:
    """The test client logged in as the facilitator, who is also an editor (Redaktör)."""
    client.force_login(facilitator)
    return client
