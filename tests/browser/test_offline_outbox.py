"""A phone that loses the network: what is tapped is kept (across a reload too), says "not
sent yet" beside the button tapped, and is sent exactly once when the network is back."""

from __future__ import annotations

import time
from typing import Any

import pytest

from groups import services as group_services
from groups.models import Dot, Idea, ReflectionWord, SuccessFactor
from meetings import services
from meetings.models import Group, Meeting, PhaseKind
from tests.support.phases import run_phase

from .conftest import PHONE, Browser, LiveASGIServer
from .test_afternoon import LIVE, live

pytestmark = pytest.mark.browser

QUEUED = "Inte skickat än — skickas när nätet är tillbaka."
# What Chromium and htmx log for a request made while offline.
OFFLINE_ERRORS = (
    r"ERR_INTERNET_DISCONNECTED|Failed to load resource|htmx:(sendError|afterRequest), "
    r"|\[object (Event|ProgressEvent)\]"
)


def join(browser: Browser, meeting: Meeting, group: str = "Lärare") -> Any:
    phone = browser.new_page("phone", **PHONE)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name=group, exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    live(phone)
    return phone


def beside(phone: Any, status: Any, button: Any) -> None:
    """The status is right below the button tapped, both on the screen."""
    status_box, button_box = status.bounding_box(), button.bounding_box()
    assert status_box is not None and button_box is not None
    gap = status_box["y"] - (button_box["y"] + button_box["height"])
    assert 0 <= gap <= 48, f"the status is {gap}px from the button"
    height = phone.viewport_size["height"]
    assert 0 <= status_box["y"] and status_box["y"] + status_box["height"] <= height


def tap_twice_offline(phone: Any, label: str, text: str, button: Any, form: str) -> None:
    """Offline: type, send; "not sent yet" beside the button, not at the top of the page; a
    second tap is the same item (one entry in the outbox), not a second one."""
    phone.context.set_offline(True)
    phone.get_by_label(label).fill(text)
    button.scroll_into_view_if_needed()
    button.click()
    status = phone.locator(f"{form} .tap-status")
    status.get_by_text(QUEUED).wait_for()
    beside(phone, status, button)
    assert phone.locator("#live-status").inner_text() == ""
    button.click()
    phone.wait_for_function(
        "() => JSON.parse(localStorage.getItem('topp25:outbox') || '[]').length === 1"
    )


def outbox_empty(phone: Any) -> None:
    phone.wait_for_function("() => !localStorage.getItem('topp25:outbox')", timeout=LIVE)


def test_a_factor_tapped_offline_is_sent_once_after_a_reload(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    text = "Tid för kollegialt lärande"

    def saved() -> int:
        return asgi_server.call(
            lambda: SuccessFactor.objects.filter(group=teachers, text=text).count()
        )

    phone = join(browser, meeting)
    button = phone.get_by_role("button", name="Lägg till")
    with browser.errors.allowed(OFFLINE_ERRORS):
        tap_twice_offline(phone, "Ny framgångsfaktor", text, button, "#factor-form")
        assert saved() == 0

        # Reloading without network fails; the item is kept in the browser.
        try:
            phone.reload()
        except Exception as error:  # Chromium's offline error page
            assert "ERR_INTERNET_DISCONNECTED" in str(error)
        phone.context.set_offline(False)
        phone.goto(f"/m/{meeting.join_code}/group/")
        phone.locator("#factor-list").get_by_text(text, exact=True).wait_for(timeout=LIVE)
    outbox_empty(phone)
    assert phone.get_by_label("Ny framgångsfaktor").input_value() == ""
    assert saved() == 1
    # Nothing is sent again later (the outbox retries every 5 s while it holds something).
    time.sleep(6)
    assert saved() == 1
    assert phone.locator("#factor-list li").count() == 1
    browser.assert_no_errors()


@pytest.fixture
def reflecting(meeting: Meeting) -> Meeting:
    phase = services.add_phase(
        meeting=meeting, kind=PhaseKind.REFLECTION, title="Reflektion", planned_minutes=10
    )
    services.start_phase(meeting=meeting, phase_id=phase.pk)
    return meeting


def test_a_word_tapped_offline_is_sent_once_when_the_network_returns(
    reflecting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    def saved() -> int:
        return asgi_server.call(
            lambda: ReflectionWord.objects.filter(meeting=reflecting, text="trygghet").count()
        )

    phone = join(browser, reflecting)
    button = phone.get_by_role("button", name="Skicka")
    with browser.errors.allowed(OFFLINE_ERRORS):
        phone.context.set_offline(True)
        phone.get_by_label("Ord 1").fill("trygghet")
        button.click()
        status = phone.locator("#reflection-form .tap-status")
        status.get_by_text(QUEUED).wait_for()
        beside(phone, status, button)
        assert saved() == 0
        # Back online, without a reload or a tap: sent once, by itself.
        phone.context.set_offline(False)
        phone.locator("#my-words").get_by_text("trygghet", exact=True).wait_for(timeout=LIVE)
    outbox_empty(phone)
    assert saved() == 1
    time.sleep(6)
    assert saved() == 1
    browser.assert_no_errors()


NOT_SENT = "Inte skickat — ingen uppkoppling. Försök igen när nätet är tillbaka."


def near(phone: Any, status: Any, button: Any) -> None:
    """The status is next to the button tapped (beside it or just below it), on the screen,
    and the page's top status says nothing."""
    status_box, button_box = status.bounding_box(), button.bounding_box()
    assert status_box is not None and button_box is not None
    below = status_box["y"] - (button_box["y"] + button_box["height"])
    above = button_box["y"] - (status_box["y"] + status_box["height"])
    assert max(below, above) <= 48, f"the status is {max(below, above)}px from the button"
    height = phone.viewport_size["height"]
    assert 0 <= status_box["y"] and status_box["y"] + status_box["height"] <= height
    assert phone.locator("#live-status").inner_text() == ""


def _participant_of(meeting: Meeting) -> Any:
    return meeting.participants.order_by("pk").last()


def test_an_idea_tapped_offline_is_sent_once_when_the_network_returns(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    text = "Läxhjälp på biblioteket"

    def saved() -> int:
        return asgi_server.call(lambda: Idea.objects.filter(group=teachers, text=text).count())

    asgi_server.call(run_phase, meeting, PhaseKind.BUZZ)
    phone = join(browser, meeting)
    button = phone.get_by_role("button", name="Lägg till idé", exact=True)
    with browser.errors.allowed(OFFLINE_ERRORS):
        tap_twice_offline(phone, "Ny idé", text, button, "#idea-form")
        assert saved() == 0
        # Back online, without a reload or a tap: sent once, by itself.
        phone.context.set_offline(False)
        phone.locator("#pool-state, #my-pool").get_by_text(text, exact=True).first.wait_for(
            timeout=LIVE
        )
    outbox_empty(phone)
    assert saved() == 1
    assert phone.get_by_label("Ny idé").input_value() == ""
    # Nothing is sent again later (the outbox retries every 5 s while it holds something).
    time.sleep(6)
    assert saved() == 1
    assert phone.locator("#pool-state #idea-list li").count() == 1
    browser.assert_no_errors()


def test_a_move_tapped_offline_says_not_sent_beside_the_button(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    first, second = "Trygghet i klassrummet", "Tid för kollegialt lärande"

    def order() -> list[str]:
        return asgi_server.call(
            lambda: list(teachers.factors.order_by("position").values_list("text", flat=True))
        )

    for text in (first, second):
        asgi_server.call(lambda text=text: group_services.add_factor(group=teachers, text=text))
    phone = join(browser, meeting)
    down = phone.get_by_role("button", name=f"Flytta ner: {first}", exact=True)
    buttons = phone.locator("#factor-list li").first.locator(".factor-actions .icon-button").all()
    with browser.errors.allowed(OFFLINE_ERRORS):
        phone.context.set_offline(True)
        down.click()
        status = phone.locator("#factor-list .tap-status")
        status.get_by_text(NOT_SENT).wait_for()
        near(phone, status, down)
        # Under the factor, not between its buttons: the row of controls stays one row.
        rows = {round(box["y"]) for box in (b.bounding_box() for b in buttons) if box}
        assert len(rows) == 1, f"the factor's buttons are on {len(rows)} rows"
        assert phone.locator("#factor-list li").first.locator(":scope > .tap-status").count() == 1
        assert phone.locator("#factor-list").locator(".tap-status").count() == 1
        assert order() == [first, second]
        phone.context.set_offline(False)
    # Online again, the same tap moves it; the list's new state replaces the status.
    down.click()
    phone.wait_for_function(
        "t => document.querySelector('#factor-list .factor-text').textContent === t",
        arg=second,
        timeout=LIVE,
    )
    assert order() == [second, first]
    assert phone.locator("#factor-list .tap-status").count() == 0
    browser.assert_no_errors()


def test_a_dot_tapped_offline_says_not_sent_beside_the_button(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    text = "Läxhjälp på biblioteket"
    asgi_server.call(run_phase, meeting, PhaseKind.BUZZ)
    phone = join(browser, meeting)
    asgi_server.call(
        lambda: group_services.add_idea(group=teachers, author=_participant_of(meeting), text=text)
    )
    asgi_server.call(run_phase, meeting, PhaseKind.DIALOGUE)
    dot = phone.get_by_role("button", name=f"Sätt en prick på: {text}", exact=True)
    dot.wait_for(timeout=LIVE)
    with browser.errors.allowed(OFFLINE_ERRORS):
        phone.context.set_offline(True)
        dot.click()
        status = phone.locator("#idea-list .tap-status")
        status.get_by_text(NOT_SENT).wait_for()
        near(phone, status, dot)
        assert asgi_server.call(lambda: Dot.objects.filter(idea__group=teachers).count()) == 0
        phone.context.set_offline(False)
    dot.click()
    phone.wait_for_function(
        "() => document.querySelector('#pool-state .dots-left-count')?.textContent === '2'",
        timeout=LIVE,
    )
    assert asgi_server.call(lambda: Dot.objects.filter(idea__group=teachers).count()) == 1
    browser.assert_no_errors()
