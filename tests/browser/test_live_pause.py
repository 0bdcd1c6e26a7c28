"""WCAG 2.2.2 on the phone: a participant pauses the list's live updates. While paused what
others add is held back and counted in a polite status; their own changes still show; the
choice survives a reload; resuming shows the newest list, without a reload."""

from __future__ import annotations

from typing import Any

import pytest

from meetings.models import Group, Meeting

from .conftest import PHONE, Browser, LiveASGIServer
from .test_afternoon import LIVE, live

pytestmark = pytest.mark.browser


def join(browser: Browser, meeting: Meeting, name: str) -> Any:
    phone = browser.new_page(f"phone {name}", **PHONE)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name="Lärare", exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    live(phone)
    return phone


def add_factor(phone: Any, text: str) -> None:
    phone.get_by_label("Ny framgångsfaktor").fill(text)
    phone.get_by_role("button", name="Lägg till").click()
    phone.locator("#factor-list").get_by_text(text, exact=True).wait_for(timeout=LIVE)


def status_says(phone: Any, text: str) -> None:
    phone.wait_for_function(
        "t => document.querySelector('#live-pause-status').textContent === t",
        arg=text,
        timeout=LIVE,
    )


def test_a_participant_pauses_and_resumes_live_updates(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    anna, bo = join(browser, meeting, "anna"), join(browser, meeting, "bo")
    toggle = anna.get_by_role("button", name="Pausa uppdateringar")
    status = anna.locator("#live-pause-status")
    assert toggle.get_attribute("aria-pressed") == "false"
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    status_says(anna, "Uppdateringarna är pausade. Tryck på knappen igen för att fortsätta.")

    # The choice is kept in this browser: after a reload the page is still paused.
    anna.reload()
    live(anna)
    assert toggle.get_attribute("aria-pressed") == "true"
    status_says(anna, "Uppdateringarna är pausade. Tryck på knappen igen för att fortsätta.")

    # Bo's factors reach Bo's list but wait on Anna's phone, counted.
    add_factor(bo, "Tydliga mål")
    status_says(anna, "Pausat: 1 ny uppdatering väntar.")
    add_factor(bo, "Studiero i klassrummet")
    status_says(anna, "Pausat: 2 nya uppdateringar väntar.")
    assert anna.locator("#factor-list").count() == 0
    assert "0 av 5" in anna.locator("#group-state .progress").inner_text()

    # Resuming (by keyboard) shows the newest list at once, and says so.
    toggle.focus()
    anna.keyboard.press("Space")
    assert toggle.get_attribute("aria-pressed") == "false"
    items = anna.locator("#factor-list .factor-text")
    items.nth(1).wait_for(timeout=LIVE)
    assert items.all_inner_texts() == ["Tydliga mål", "Studiero i klassrummet"]
    status_says(anna, "Uppdateringarna visas igen.")
    assert anna.evaluate("document.activeElement.id") == "live-pause"

    # Paused again: Anna's own factor shows (with the list as it is now); Bo's next waits.
    toggle.click()
    add_factor(anna, "Elevhälsa nära undervisningen")
    assert items.count() == 3
    add_factor(bo, "Tid för kollegialt lärande")
    status_says(anna, "Pausat: 1 ny uppdatering väntar.")
    assert items.count() == 3
    toggle.click()
    anna.locator("#factor-list").get_by_text("Tid för kollegialt lärande", exact=True).wait_for(
        timeout=LIVE
    )
    assert items.count() == 4

    assert anna.evaluate("window.__noReload") == 1, "resuming reloaded the page"
    assert anna.evaluate("localStorage.getItem('topp25:live-paused')") is None
    browser.assert_no_errors()


def test_a_held_pool_change_still_counts_after_an_own_list_edit(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    """Answers bring only the parts a change altered: Anna's own edit brings her the list,
    not the pool Bo changed meanwhile, so that change is still waiting, and counted."""
    from groups import services as group_services
    from meetings import services as meeting_services
    from meetings.models import PhaseKind
    from tests.support.phases import run_phase

    def prepare() -> None:
        group_services.add_factor(group=teachers, text="Studiero")
        run_phase(meeting, PhaseKind.BUZZ)
        author = meeting_services.join_meeting(
            meeting=meeting, home_group_id=teachers.pk, display_name=""
        )
        group_services.add_idea(group=teachers, author=author, text="Lugna raster")
        run_phase(meeting, PhaseKind.DIALOGUE)

    asgi_server.call(prepare)
    anna, bo = join(browser, meeting, "anna"), join(browser, meeting, "bo")
    anna.get_by_role("button", name="Pausa uppdateringar").click()
    status_says(anna, "Uppdateringarna är pausade. Tryck på knappen igen för att fortsätta.")

    bo.get_by_role("button", name="Sätt en prick på: Lugna raster").click()
    status_says(anna, "Pausat: 1 ny uppdatering väntar.")

    anna.locator("#factor-list li").nth(0).get_by_role("link", name="Ändra").click()
    anna.get_by_label("Ändra framgångsfaktor 1").fill("Studiero i varje klassrum")
    settled = anna.evaluate("window.__htmx.settled")
    anna.get_by_role("button", name="Spara").click()
    anna.locator("#factor-list").get_by_text("Studiero i varje klassrum", exact=True).wait_for(
        timeout=LIVE
    )
    # The status is said again when the answer settles (topp25.js, htmx:afterSettle).
    anna.wait_for_function("n => window.__htmx.settled > n", arg=settled, timeout=LIVE)
    status = anna.locator("#live-pause-status").text_content()
    assert status == "Pausat: 1 ny uppdatering väntar."
    browser.assert_no_errors()
