"""The console on a laptop (1280×720): the running phase and its controls stay in view while
the facilitator scrolls, and the Exportera menu is a disclosure that closes with Escape, a
click outside and after a download, returns focus, and covers nothing below it."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting
from meetings.phases import AgendaTemplate
from summary import services as summary_services

from .conftest import Browser, LiveASGIServer

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 720}


def log_in(page: Any, facilitator: User) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill(facilitator.username)
    page.get_by_label("Lösenord").fill("hemligt-losen-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/console/")


def in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
    )


def uncovered(page: Any, locator: Any) -> bool:
    """The element (or something inside it) is what a click at its centre would hit."""
    return bool(
        locator.evaluate(
            """el => { const r = el.getBoundingClientRect();
                const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                return !!hit && (hit === el || el.contains(hit)); }"""
        )
    )


@pytest.fixture
def running(facilitator: User) -> Meeting:
    meeting = services.create_meeting(
        facilitator=facilitator,
        title="Topp25 hösten",
        date=datetime.date(2026, 11, 23),
        core_question="Vad höjer elevernas resultat?",
        usual_home_groups=True,
        agenda_template=AgendaTemplate.PROFESSION_AFTERNOON,
    )
    for index, group in enumerate(meeting.home_groups()):
        for person in range(3):
            services.join_meeting(
                meeting=meeting, home_group_id=group.pk, display_name=f"Person {index}-{person}"
            )
    services.start_phase(meeting=meeting)
    services.start_phase(meeting=meeting)  # Bikupor: the second phase
    return meeting


def test_the_running_phase_stays_in_view(
    running: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    artifacts: Path,
) -> None:
    phase_count = asgi_server.call(running.phases.count)
    page = browser.new_page("console", viewport=LAPTOP)
    log_in(page, facilitator)
    page.goto(f"/console/meetings/{running.pk}/")
    phase = page.locator("#console-phase")
    phase.get_by_role("button", name="Pausa").wait_for()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 3 * LAPTOP["height"], "the console should be long enough to scroll"
    controls = [
        phase.locator(".console-phase-now"),
        phase.locator(".timer-clock"),
        phase.get_by_role("button", name="Pausa"),
        page.locator("#phase-next"),
    ]
    # Compact: the panel leaves most of the laptop's screen to what is scrolled under it.
    panel = page.evaluate(
        "(() => { const r = document.getElementById('console-phase').getBoundingClientRect(); return {height: r.height, y: r.y}; })()"
    )
    assert panel is not None and panel["height"] <= 0.35 * LAPTOP["height"], panel
    page.screenshot(path=str(artifacts / "console-1280x720-sticky.png"), caret="initial")
    for fraction in (0.0, 0.3, 0.6, 1.0):
        page.evaluate(f"window.scrollTo(0, {fraction} * document.documentElement.scrollHeight)")
        page.wait_for_function(
            f"Math.abs(window.scrollY - Math.min({fraction} * document.documentElement.scrollHeight,"
            " document.documentElement.scrollHeight - window.innerHeight)) < 2"
        )
        for control in controls:
            assert in_view(page, control), f"{control} scrolled away at {fraction:.0%}"
            assert uncovered(page, control), f"{control} is covered at {fraction:.0%}"
    # The controls work from there: pausing at the bottom of the page.
    phase.get_by_role("button", name="Pausa").click()
    from playwright.sync_api import expect  # as conftest: imported where a browser runs

    # The answer swaps the panel, and the phase's broadcast may swap it again just after:
    # wait until the new button is whole in view (a button that stays out of view fails).
    expect(phase.get_by_role("button", name="Fortsätt")).to_be_in_viewport(ratio=1)
    # The agenda itself scrolls with the page (the panel holds only what runs now).
    assert page.locator("#console-agenda .agenda-run li").count() == phase_count
    browser.assert_no_errors()


@pytest.fixture
def published(meeting: Meeting, teachers: Group, facilitator: User) -> Meeting:
    group_services.add_factor(group=teachers, text="Tid för kollegialt lärande")
    summary_services.publish(meeting=meeting, user=facilitator)
    return meeting


def test_the_export_menu_closes_and_covers_nothing(
    published: Meeting, facilitator: User, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    page = browser.new_page("workspace", viewport=LAPTOP, accept_downloads=True)
    log_in(page, facilitator)
    page.goto(f"/console/meetings/{published.pk}/summary/")
    menu = page.locator("details.export-menu")
    button = menu.locator("summary")
    publish = page.get_by_role("button", name="Publicera ändringarna")
    revoke = page.get_by_role("button", name="Avpublicera")

    def is_open() -> bool:
        return bool(menu.evaluate("el => el.open"))

    # Open, the list covers neither publishing button.
    button.click()
    page.get_by_role("link", name="Word (DOCX)").wait_for()
    for target in (publish, revoke):
        target.scroll_into_view_if_needed()
        assert uncovered(page, target), "the open Exportera menu covers a publishing button"
    page.evaluate("window.scrollTo(0, 0)")

    # Escape closes it and focus is back on its button.
    page.get_by_role("link", name="Word (DOCX)").focus()
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('details.export-menu').open")
    assert button.evaluate("el => el === document.activeElement")

    # A click outside closes it.
    button.click()
    assert is_open()
    page.locator("h1").click()
    page.wait_for_function("!document.querySelector('details.export-menu').open")

    # Focus moving out (Tab past the last item) closes it.
    button.focus()
    page.keyboard.press("Enter")
    assert is_open()
    for _ in range(menu.locator("a").count() + 1):
        page.keyboard.press("Tab")
    page.wait_for_function("!document.querySelector('details.export-menu').open")

    # Choosing a download downloads, closes the menu and returns focus to its button.
    button.click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Word (DOCX)").click()
    assert download.value.suggested_filename.endswith(".docx")
    page.wait_for_function("!document.querySelector('details.export-menu').open")
    assert button.evaluate("el => el === document.activeElement")
    browser.assert_no_errors()
