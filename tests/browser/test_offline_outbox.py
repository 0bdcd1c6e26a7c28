"""A phone that loses the network: what is tapped is kept (across a reload too), says "not
sent yet" beside the button tapped, and is sent exactly once when the network is back."""

from __future__ import annotations

import time
from typing import Any

import pytest

from groups.models import ReflectionWord, SuccessFactor
from meetings import services
from meetings.models import Group, Meeting, PhaseKind

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
        phone.context.set_offline(True)
        phone.get_by_label("Ny framgångsfaktor").fill(text)
        button.scroll_into_view_if_needed()
        button.click()
        status = phone.locator("#factor-form .tap-status")
        status.get_by_text(QUEUED).wait_for()
        beside(phone, status, button)
        assert phone.locator("#live-status").inner_text() == ""  # not at the top of the page
        # A second tap while still offline is the same item, not a second one.
        button.click()
        phone.wait_for_function(
            "() => JSON.parse(localStorage.getItem('topp25:outbox') || '[]').length === 1"
        )
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
