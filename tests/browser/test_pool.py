"""The idea pool in real browsers: two phones of one home group write ideas in private mode,
reveal them, dot, merge two that say the same, pick into the list, edit its wording and agree;
the room screen shows counts (never who voted) and the console sets the rules and sees the pool.
No screen is ever reloaded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from meetings.models import Group, Meeting

from .conftest import ROOM_VIEWPORT, Browser, LiveASGIServer
from .test_accessibility import axe_source, violations  # noqa: F401  (fixture)
from .test_afternoon import join, live, login_console, next_phase, phase_panel, wait_text

LIVE = 30_000  # ms to wait for a live update (a wait ends as soon as it arrives)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.afternoon(
        title="Eftermiddag med idéer", core_question="Vad höjer elevernas resultat?"
    ),
]


@pytest.fixture
def teachers(afternoon: Meeting) -> Group:
    return afternoon.home_groups().get(name="Lärare")


def add_idea(phone: Any, text: str) -> None:
    phone.get_by_label("Ny idé").fill(text)
    phone.get_by_role("button", name="Lägg till idé", exact=True).click()
    wait_text(phone.locator("#my-pool, #pool-state"), text)


def dot(phone: Any, text: str) -> None:
    phone.get_by_role("button", name=f"Sätt en prick på: {text}", exact=True).click()


def pick(phone: Any, text: str) -> None:
    idea = phone.locator("#idea-list li", has_text=text)
    idea.get_by_role("button", name="Till listan").click()


def dots_left(phone: Any, expected: int) -> None:
    phone.wait_for_function(
        "n => document.querySelector('#pool-state .dots-left-count')?.textContent === String(n)",
        arg=expected,
        timeout=LIVE,
    )


def votes_of(phone: Any, text: str) -> str:
    return phone.locator("#idea-list li", has_text=text).locator(".idea-votes").inner_text()


def test_pool_private_reveal_dots_merge_pick_agree(
    afternoon: Meeting,
    teachers: Group,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    artifacts: Path,
    axe_source: str,  # noqa: F811
) -> None:
    found: dict[str, list[str]] = {}
    console = login_console(browser, facilitator, afternoon)
    room = browser.new_page("room screen", viewport=ROOM_VIEWPORT)
    room.goto(f"/room/{afternoon.room_token}/")
    live(room)
    anna = join(browser, afternoon, "Lärare", "anna")
    bo = join(browser, afternoon, "Lärare", "bo")

    # The facilitator makes ideas private until revealed, before the afternoon starts.
    settings = console.locator("#pool-settings")
    settings.get_by_label("Idéerna är dolda tills gruppen visar dem").check()
    settings.get_by_role("button", name="Spara").click()
    wait_text(settings, "Sparat.")

    # Buzz: each phone writes ideas and sees only its own; the group sees the count.
    next_phase(console)
    wait_text(phase_panel(anna), "Inledning")
    next_phase(console)
    for phone in (anna, bo):
        wait_text(phase_panel(phone), "Ni ser bara era egna")
    add_idea(anna, "Trygghet i klassrummet")
    add_idea(anna, "Tid för kollegialt lärande")
    add_idea(bo, "Tryggheten i klassrum")
    wait_text(anna.locator("#pool-state"), "Gruppen har skrivit 3 idéer.")
    wait_text(bo.locator("#pool-state"), "Gruppen har skrivit 3 idéer.")
    found["phone, private buzz"] = violations(anna, axe_source)
    assert "Tid för kollegialt lärande" not in bo.locator(".phone-column").inner_text()
    assert "Tryggheten i klassrum" not in anna.locator(".phone-column").inner_text()
    row = console.locator(f"#console-group-{teachers.pk}")
    wait_text(row, "3 idéer")
    assert "Trygghet" not in row.inner_text()

    # A member edits their own idea before the reveal.
    bo.locator("#my-pool").get_by_role("link", name="Ändra din idé: Tryggheten i klassrum").click()
    bo.get_by_label("Ändra din idé").fill("Tryggheten i klassrummen")
    bo.get_by_role("button", name="Spara idén").click()
    wait_text(bo.locator("#my-pool"), "Tryggheten i klassrummen")

    # bo reveals the pool: both phones see every idea at once.
    bo.get_by_role("button", name="Visa alla idéer").click()
    for phone in (anna, bo):
        wait_text(phone.locator("#idea-list"), "Tryggheten i klassrummen")
        wait_text(phone.locator("#idea-list"), "Tid för kollegialt lärande")
    wait_text(row, "visade")

    # Dialogue, then agree: dots appear on the phones without a reload.
    next_phase(console)
    wait_text(phase_panel(anna), "Samtal i hemgruppen")
    next_phase(console)
    for phone in (anna, bo):
        wait_text(phase_panel(phone), "Enas om fem framgångsfaktorer")
        dots_left(phone, 3)
    dot(anna, "Trygghet i klassrummet")
    dots_left(anna, 2)
    dot(bo, "Tryggheten i klassrummen")
    dots_left(bo, 2)
    dot(bo, "Trygghet i klassrummet")
    dots_left(bo, 1)
    wait_text(anna.locator("#idea-list li", has_text="Trygghet i klassrummet"), "2 röster")
    column = room.locator(f"#room-group-{teachers.pk}")
    wait_text(column, "3 idéer · 3 röster")
    assert "anna" not in column.inner_text() and "bo" not in column.inner_text().split()

    found["phone, dots"] = violations(bo, axe_source)
    found["room, counts"] = violations(room, axe_source)
    found["console, pool"] = violations(console, axe_source)

    # The two about safety are suggested as duplicates; anna merges them. bo, who dotted both,
    # keeps one dot on the merged idea and gets the other back.
    suggestion = anna.locator(".duplicate", has_text="båda nämner")
    wait_text(suggestion, "trygghet")
    suggestion.get_by_role("button").click()
    wait_text(anna.locator("#idea-list"), "Sammanslagen med: Tryggheten i klassrummen")
    wait_text(bo.locator("#idea-list"), "Sammanslagen med: Tryggheten i klassrummen")
    dots_left(bo, 2)
    assert votes_of(bo, "Trygghet i klassrummet").endswith("2 röster")
    wait_text(column, "2 idéer · 2 röster")

    # Pick two into the list (the top-voted is suggested), fix the wording, agree.
    assert (
        "Förslag till listan"
        in anna.locator("#idea-list li", has_text="Trygghet i klassrummet").inner_text()
    )
    pick(anna, "Trygghet i klassrummet")
    wait_text(bo.locator("#factor-list"), "Trygghet i klassrummet")
    pick(bo, "Tid för kollegialt lärande")
    wait_text(anna.locator("#factor-list"), "Tid för kollegialt lärande")
    wait_text(anna.locator("#idea-list"), "I listan som nr 2")
    factor = anna.locator("#factor-list li").first
    factor.get_by_role("link", name="Ändra: Trygghet i klassrummet").click()
    anna.get_by_label("Ändra framgångsfaktor 1").fill("Trygghet och studiero i klassrummet")
    anna.get_by_role("button", name="Spara", exact=True).click()
    wait_text(column, "Trygghet och studiero i klassrummet")
    wait_text(bo.locator("#factor-list"), "Trygghet och studiero i klassrummet")
    bo.get_by_role("button", name="Markera som klar").click()
    bo.get_by_role("button", name="Ja, markera som klar").click()
    wait_text(anna.locator("#group-state"), "listan är låst för hela gruppen")
    wait_text(column, "✓ Klar")
    # A locked list closes the pool: no more dots.
    anna.locator("#pool-state .dot-button").first.wait_for(state="detached", timeout=LIVE)

    for page in (console, room, anna, bo):
        assert page.evaluate("window.__noReload") == 1, "a screen reloaded"
    assert {screen: problems for screen, problems in found.items() if problems} == {}
    browser.assert_no_errors()
    # For people to look at (a screenshot may add inline styles, so after the CSP check).
    bo.screenshot(path=artifacts / "phone-pool-agreed.png", full_page=True)
    room.screenshot(path=artifacts / "room-pool-agreed.png", animations="disabled")
