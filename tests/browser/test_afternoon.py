"""A small afternoon run through every kind of phase, in real browsers, with no reload anywhere:
a facilitator's console, four phones in two home groups and the room screen.

After each phase change and timer action the test asserts what each screen shows.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from meetings import services
from meetings.models import Group, Meeting

from .conftest import PHONE, ROOM_VIEWPORT, Browser, LiveASGIServer
from .test_accessibility import axe_source, violations  # noqa: F401  (a fixture)

LIVE = 30_000  # ms to wait for a live update (a wait ends as soon as it arrives)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.afternoon(
        title="Eftermiddag i Stadshuset", core_question="Vad höjer elevernas resultat?"
    ),
]


@pytest.fixture
def groups(afternoon: Meeting) -> dict[str, Group]:
    return {group.name: group for group in afternoon.home_groups()}


def login_console(browser: Browser, facilitator: User, meeting: Meeting) -> Any:
    page = browser.new_page("console", viewport={"width": 1366, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill(facilitator.username)
    page.get_by_label("Lösenord").fill("hemligt-losen-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/console/")
    page.goto(f"/console/meetings/{meeting.pk}/")
    live(page)
    return page


def live(page: Any) -> None:
    page.wait_for_function("() => window.__ws.opened >= 1 && window.__ws.messages >= 1")
    page.evaluate("window.__noReload = 1")


def join(browser: Browser, meeting: Meeting, group: str, name: str) -> Any:
    phone = browser.new_page(f"phone {name}", **PHONE)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name=group, exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    live(phone)
    return phone


def phase_panel(phone: Any) -> Any:
    return phone.locator("#phone-phase")


def wait_text(locator: Any, text: str) -> None:
    locator.get_by_text(text).first.wait_for(timeout=LIVE)


def clock_seconds(locator: Any) -> int:
    text = locator.locator(".timer-clock").first.inner_text()
    parts = [int(part) for part in text.split(":")]
    seconds = 0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


def next_phase(console: Any) -> None:
    """The facilitator starts the next phase, and the test waits until the console has had
    the broadcast of it too: the click's own answer comes first and the broadcast re-renders
    the same controls a moment later, so a click or a typed value in between could be lost
    (a facilitator just tries again; a test must not)."""
    click_then_broadcast(console, console.locator("#phase-next"), "phases")


def click_then_broadcast(console: Any, button: Any, part: str) -> None:
    """Click on the console, then wait until the broadcast of that change has re-rendered the
    console's part too (window.__ws counts them: "phases", "experts")."""
    before = console.evaluate(f"window.__ws.{part}")
    button.click()
    console.wait_for_function(f"n => window.__ws.{part} > n", arg=before, timeout=LIVE)


def test_an_afternoon_through_every_phase(
    afternoon: Meeting,
    groups: dict[str, Group],
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,  # noqa: F811  (the fixture imported above)
) -> None:
    console = login_console(browser, facilitator, afternoon)
    room = browser.new_page("room screen", viewport=ROOM_VIEWPORT)
    room.goto(f"/room/{afternoon.room_token}/")
    live(room)
    phones = {
        "anna": join(browser, afternoon, "Lärare", "anna"),
        "bo": join(browser, afternoon, "Lärare", "bo"),
        "cia": join(browser, afternoon, "Rektorer", "cia"),
        "dan": join(browser, afternoon, "Rektorer", "dan"),
    }
    room_live = room.locator("#room-live")
    found: dict[str, list[str]] = {}

    def scan(state: str) -> None:
        """WCAG 2.1 AA (axe-core) on every screen in this phase state."""
        for screen, page in (("room", room), ("phone", phones["anna"]), ("console", console)):
            # A new factor fades in once: judge contrast at its end state, not mid-fade.
            page.evaluate("document.getAnimations().forEach(a => a.finish())")
            found[f"{state}: {screen}"] = violations(page, axe_source)

    # Before the first phase: the room invites people in, phones wait, the console counts.
    assert room_live.get_attribute("data-mode") == "room_join"
    assert room.locator(".room-code-big").inner_text() == afternoon.join_code
    for phone in phones.values():
        assert "Välkommen!" in phase_panel(phone).inner_text()
    wait_text(console.locator("#console-people"), "4 deltagare i mötet")
    scan("before the first phase")

    # Introduction: code and QR still large in the room, the talk's title and its timer.
    next_phase(console)
    wait_text(room_live, "Inledning: föreläsning och film")
    assert room_live.get_attribute("data-mode") == "room_join"
    assert room.locator(".room-code-big").is_visible()
    for phone in phones.values():
        wait_text(phase_panel(phone), "Inledning: föreläsning och film")
    wait_text(console.locator("#console-phase"), "Pausa")

    # Buzz groups: phones show the question (once, at the top) and "talk in pairs"; the room
    # a big timer.
    next_phase(console)
    for phone in phones.values():
        wait_text(phase_panel(phone), "Prata två och två")
        assert "grundfrågan ovan" in phase_panel(phone).inner_text()
        assert "Vad höjer elevernas resultat?" in phone.locator(".phone-header").inner_text()
    wait_text(room_live, "Bikupor: samtala två och två")
    room.wait_for_function(
        "() => document.querySelector('#room-live').dataset.mode === 'room_timer'"
    )
    start = clock_seconds(room_live)
    assert 9 * 60 <= start <= 10 * 60

    # Timer actions: pause freezes every screen's clock; +5 minutes reaches every screen.
    console.locator("#phase-pause").click()
    wait_text(room_live, "Pausad")
    for phone in phones.values():
        wait_text(phase_panel(phone), "Pausad")
    scan("buzz groups, paused")
    paused_at = clock_seconds(room_live)
    room.wait_for_timeout(0)  # yield to the page's own timer once
    console.locator("#phase-plus-5").click()
    room.wait_for_function(
        "s => { const c = document.querySelector('#room-live .timer-clock');"
        " const [m, x] = c.textContent.split(':').map(Number); return m * 60 + x >= s; }",
        arg=paused_at + 5 * 60 - 2,
        timeout=LIVE,
    )
    for phone in phones.values():
        phone.wait_for_function(
            "s => { const c = document.querySelector('#phone-phase .timer-clock');"
            " const [m, x] = c.textContent.split(':').map(Number); return m * 60 + x >= s; }",
            arg=paused_at + 5 * 60 - 2,
            timeout=LIVE,
        )
    console.locator("#phase-resume").click()
    room.locator("#room-live .timer-state").wait_for(state="detached", timeout=LIVE)
    # Running again: the clock moves on its own, from the server's remaining time.
    resumed = clock_seconds(room_live)
    room.wait_for_function(
        "s => { const c = document.querySelector('#room-live .timer-clock');"
        " const [m, x] = c.textContent.split(':').map(Number); return m * 60 + x < s; }",
        arg=resumed,
        timeout=LIVE,
    )

    # Home-group dialogue: the gallery, and a factor typed on one phone shows everywhere.
    next_phase(console)
    room.wait_for_function("() => document.querySelector('#room-live').dataset.mode === 'gallery'")
    assert room.locator("#room-groups .room-col").count() == 2
    anna, bo = phones["anna"], phones["bo"]
    wait_text(phase_panel(anna), "Samtal i hemgruppen")
    anna.get_by_label("Ny framgångsfaktor").fill("Tid för kollegialt lärande")
    anna.get_by_role("button", name="Lägg till", exact=True).click()
    teachers = groups["Lärare"]
    wait_text(room.locator(f"#room-group-{teachers.pk}"), "Tid för kollegialt lärande")
    wait_text(bo.locator("#factor-list"), "Tid för kollegialt lärande")
    wait_text(console.locator(f"#console-group-{teachers.pk}"), "1 av 5")
    assert phones["cia"].locator("#factor-list").count() == 0  # another group's list
    scan("dialogue")

    # Agree on five: a short list agreed after confirmation, shown as klar everywhere.
    next_phase(console)
    wait_text(phase_panel(bo), "Enas om fem framgångsfaktorer")
    bo.get_by_role("button", name="Markera som klar").click()
    bo.get_by_role("button", name="Ja, markera som klar").click()
    wait_text(anna.locator("#group-state"), "listan är låst för hela gruppen")
    wait_text(room.locator(f"#room-group-{teachers.pk}"), "✓ Klar")
    wait_text(console.locator(f"#console-group-{teachers.pk}"), "✓ Klar")

    # Fika: a rest screen on phones and in the room; a half-typed entry stays.
    cia = phones["cia"]
    cia.get_by_label("Ny framgångsfaktor").fill("Halvskriven tanke om")
    next_phase(console)
    wait_text(phase_panel(cia), "Ta en paus")
    room.wait_for_function(
        "() => document.querySelector('#room-live').dataset.mode === 'room_break'"
    )
    wait_text(room_live, "Ta en kopp kaffe")
    assert cia.get_by_label("Ny framgångsfaktor").input_value() == "Halvskriven tanke om"
    assert "Tid för kollegialt lärande" in anna.locator("#factor-list").inner_text()
    scan("fika")

    # Expert groups: the gallery again; phones wait for their table.
    next_phase(console)
    room.wait_for_function("() => document.querySelector('#room-live').dataset.mode === 'gallery'")
    wait_text(phase_panel(anna), "delar in er i expertgrupper")

    # Reflection, then closed: the room thanks and shows the lists; phones say thank you.
    next_phase(console)
    wait_text(phase_panel(cia), "vad tar du med dig")
    wait_text(room_live, "Gemensam reflektion")
    next_phase(console)
    for phone in phones.values():
        wait_text(phase_panel(phone), "Tack för att du deltog!")
    wait_text(room.locator("#room-phase"), "Tack för att ni deltog!")
    assert room.locator("#room-groups .room-col").count() == 2
    assert cia.get_by_label("Ny framgångsfaktor").input_value() == "Halvskriven tanke om"
    scan("closed")

    # The console's agenda shows what ran, and nothing was ever reloaded.
    done = console.locator(".agenda-run .is-done")
    assert done.count() == 7
    assert re.search(r"Klar \d\d:\d\d–\d\d:\d\d", done.first.inner_text())
    for page in (console, room, *phones.values()):
        assert page.evaluate("window.__noReload") == 1, "a screen reloaded"
    assert {state: v for state, v in found.items() if v} == {}
    browser.assert_no_errors()


def test_console_is_live(
    afternoon: Meeting,
    groups: dict[str, Group],
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
) -> None:
    console = login_console(browser, facilitator, afternoon)
    teachers, principals = groups["Lärare"], groups["Rektorer"]
    row = console.locator(f"#console-group-{teachers.pk}")
    assert row.locator("td").first.inner_text() == "0"

    phone = join(browser, afternoon, "Lärare", "anna")
    wait_text(console.locator("#console-people"), "1 deltagare i mötet")
    wait_text(console.locator("#console-people"), "anonym")
    console.wait_for_function(
        f"() => document.querySelector('#console-group-{teachers.pk} td').textContent.trim() === '1'"
    )

    phone.get_by_label("Ny framgångsfaktor").fill("Studiero i klassrummet")
    phone.get_by_role("button", name="Lägg till", exact=True).click()
    wait_text(row, "Studiero i klassrummet")
    wait_text(row, "1 av 5")
    phone.get_by_role("button", name="Markera som klar").click()
    phone.get_by_role("button", name="Ja, markera som klar").click()
    wait_text(console.locator(f"#console-group-{teachers.pk}"), "✓ Klar")

    # The facilitator unlocks; the phone's list opens again without a reload.
    console.locator(f"#console-group-{teachers.pk}").get_by_role(
        "button", name=re.compile("Lås upp")
    ).click()
    phone.get_by_label("Ny framgångsfaktor").wait_for(timeout=LIVE)
    console.locator(f"#console-group-{teachers.pk}").get_by_text("✓ Klar").wait_for(
        state="detached", timeout=LIVE
    )

    # A phase started elsewhere (another facilitator) shows with its time left. (The agenda
    # under "Nu" names the phase before it starts too: the clock is what says it runs.)
    asgi_server.call(services.start_phase, meeting=afternoon)
    clock = console.locator("#console-phase .console-now .timer-clock")
    clock.wait_for(timeout=LIVE)
    wait_text(console.locator("#console-phase .console-now"), "Inledning: föreläsning och film")
    assert 29 * 60 <= clock_seconds(console.locator("#console-phase")) <= 30 * 60
    wait_text(phase_panel(phone), "Inledning: föreläsning och film")

    # Moving the participant to another group shows in the console at once.
    person = console.locator("#console-people tbody tr").first
    person.get_by_label("Ny hemgrupp").select_option(str(principals.pk))
    person.get_by_role("button", name="Flytta").click()
    console.wait_for_function(
        f"() => document.querySelector('#console-group-{principals.pk} td').textContent.trim() === '1'"
    )
    assert console.evaluate("window.__noReload") == 1
    browser.assert_no_errors()
