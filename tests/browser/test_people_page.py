"""A facilitator of a large meeting finds one participant among many and moves them, in a real
browser: the console names the newest joins and links to the people page, whose search
finds the person (Swedish letters folded) and whose move comes back to the search with a
status line; the console then counts the person in the new group."""

from __future__ import annotations

import re
import uuid

import pytest
from django.contrib.auth.models import User

from meetings.models import Group, Meeting, Participant
from screens import broadcast

from .conftest import Browser, LiveASGIServer
from .test_afternoon import login_console

pytestmark = pytest.mark.browser


@pytest.fixture
def crowd(meeting: Meeting, teachers: Group) -> Participant:
    """More people than the console lists; Åsa joined first, so the console does not show her."""
    people = Participant.objects.bulk_create(
        Participant(
            meeting=meeting,
            home_group=teachers,
            display_name="Åsa Öberg" if n == 0 else f"Lärare {n:03d}",
            join_token=uuid.uuid4(),
        )
        for n in range(broadcast.PEOPLE_SHOWN + 20)
    )
    return people[0]


def test_a_facilitator_finds_and_moves_one_person_among_many(
    meeting: Meeting,
    teachers: Group,
    principals: Group,
    crowd: Participant,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
) -> None:
    console = login_console(browser, facilitator, meeting)
    people = console.locator("#console-people")
    assert f"{broadcast.PEOPLE_SHOWN + 20} deltagare i mötet" in people.inner_text()
    assert people.locator(f"#person-{crowd.pk}").count() == 0

    with console.expect_navigation():
        people.get_by_role("link", name="Sök bland alla deltagare").click()
    console.get_by_label("Sök på namn eller hemgrupp").fill("åsa")
    console.get_by_label("Sök på namn eller hemgrupp").press("Enter")
    row = console.get_by_role("row", name=re.compile("Åsa Öberg"))
    row.wait_for()
    assert console.locator("tbody tr").count() == 1

    row.get_by_label("Ny hemgrupp: Åsa Öberg").select_option(str(principals.pk))
    row.get_by_role("button", name="Flytta Åsa Öberg").click()
    console.get_by_role("status").filter(has_text="Åsa Öberg flyttades till Rektorer.").wait_for()
    assert console.get_by_label("Sök på namn eller hemgrupp").input_value() == "åsa"
    moved_to = asgi_server.call(
        lambda: Participant.objects.values_list("home_group_id", flat=True).get(pk=crowd.pk)
    )
    assert moved_to == principals.pk

    console.get_by_role("link", name="Tillbaka till mötet").click()
    console.wait_for_function(
        f"() => document.querySelector('#console-group-{principals.pk} td')"
        ".textContent.trim().startsWith('1')"
    )
    browser.assert_no_errors()
