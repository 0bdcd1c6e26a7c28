"""The room screen in a real browser: a phone adds a factor, the projector shows it live.

Data fixtures (`meeting`, `teachers`) come before `browser` in every signature, and the test
body touches only attributes they already loaded (no lazy relations): while Playwright runs,
the ORM refuses to work in this thread — see conftest.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from groups import services as group_services
from meetings.models import Group, Meeting

from .conftest import PHONE, ROOM_VIEWPORT, Browser, LiveASGIServer

pytestmark = pytest.mark.browser

# While the room screen is offline its reconnect attempts fail: Chromium logs each one, and
# htmx logs the socket's error event (console.error of an Event object).
WEBSOCKET_FAILED = (
    r"WebSocket connection to 'ws://[^']*/ws/room/[^']*' failed"
    r"|console error: \[object Event\] \(http://[^)]*/static/django_htmx/htmx-2\.min\.js:"
)
LIVE_TIMEOUT = 30_000  # ms; htmx backs off up to seconds between reconnect attempts


def open_room(browser: Browser, meeting: Meeting) -> Any:
    room = browser.new_page("room screen", viewport=ROOM_VIEWPORT)
    room.goto(f"/room/{meeting.room_token}/")
    wait_for_live(room)
    room.evaluate("window.__noReload = 1")
    return room


def wait_for_live(page: Any, *, opened: int = 1) -> None:
    """The consumer subscribes, accepts, then sends the full state: wait until htmx opened the
    socket `opened` times and has swapped in at least as many messages."""
    page.wait_for_function(
        "n => window.__ws.opened >= n && window.__ws.messages >= n",
        arg=opened,
        timeout=LIVE_TIMEOUT,
    )
    assert page.locator("#room-groups .room-col").count() == 7  # the usual home groups


def room_column(room: Any, group: Group) -> Any:
    return room.locator(f"#room-group-{group.pk}")


def add_on_phone(browser: Browser, meeting: Meeting, group_name: str, text: str) -> Any:
    """Join by tapping the group's button, type a factor, send it; wait for the phone's list."""
    phone = browser.new_page("phone", **PHONE)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name=group_name, exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    phone.get_by_label("Ny framgångsfaktor").fill(text)
    phone.get_by_role("button", name="Lägg till").click()
    phone.locator("#factor-list").get_by_text(text, exact=True).wait_for()
    return phone


def test_phone_factor_appears_live_on_room_screen(
    meeting: Meeting,
    teachers: Group,
    asgi_server: LiveASGIServer,
    browser: Browser,
    artifacts: Path,
) -> None:
    text = "Tid för kollegialt lärande varje vecka"
    room = open_room(browser, meeting)
    column = room_column(room, teachers)
    assert column.locator("h2").inner_text() == "Lärare"
    assert column.locator(".marks").inner_text() == "○○○○○"

    phone = add_on_phone(browser, meeting, "Lärare", text)
    assert phone.get_by_role("heading", level=1).inner_text() == "Din grupp: Lärare"
    assert phone.locator("#factor-list li").count() == 1
    assert phone.locator("#group-state .marks").inner_text() == "●○○○○"

    column.locator(".room-factors li").get_by_text(text, exact=True).wait_for()
    assert column.locator(".room-factors li").all_inner_texts() == [text]
    assert column.locator(".marks").inner_text() == "●○○○○"
    assert "is-new" in (column.locator(".room-factors li").get_attribute("class") or "")
    assert room.evaluate("window.__noReload") == 1, "the room screen reloaded"
    assert room.evaluate("window.__ws.opened") == 1, "the room screen reconnected"
    # Only the Lärare column changed.
    assert room.locator(".room-factors li").count() == 1

    # Nothing wider than the phone; the projector never scrolls.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    assert room.evaluate("document.documentElement.scrollHeight") <= ROOM_VIEWPORT["height"]
    assert room.evaluate("document.documentElement.scrollWidth") <= ROOM_VIEWPORT["width"]

    phone.screenshot(path=artifacts / "phone-group.png", full_page=True)
    # "disabled" fast-forwards the new factor's fade-in to its end state.
    room.screenshot(path=artifacts / "room-screen.png", animations="disabled")
    browser.assert_no_errors()


def test_fresh_form_is_empty_after_adding(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    phone = add_on_phone(browser, meeting, "Lärare", "Tydliga mål")
    # Past htmx's settle of the answer, when a kept draft would have been restored.
    phone.wait_for_function("() => window.__htmx.settled >= 1")
    assert phone.get_by_label("Ny framgångsfaktor").input_value() == ""
    browser.assert_no_errors()


def test_room_screen_catches_up_after_a_dropped_connection(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    # How the connection is dropped, honestly: Chromium's offline emulation
    # (context.set_offline) only fails *new* connections — an open WebSocket keeps delivering
    # (checked with Chromium 156), and JS cannot close a socket abnormally. So the test goes
    # offline (reconnect attempts now fail) and the server cuts the open socket at the TCP
    # level (transport.abort(): no close frame, the browser sees 1006 and htmx retries). The
    # factor is added while no socket is open, so no broadcast can reach the screen; once
    # online again the consumer's full state on connect is the only way it can appear.
    text = "Elevhälsan är med från början"
    room = open_room(browser, meeting)
    column = room_column(room, teachers)
    status = room.locator("#live-status")
    assert status.inner_text() == ""

    with browser.errors.allowed(WEBSOCKET_FAILED):
        room.context.set_offline(True)
        assert asgi_server.drop_websockets() == 1
        room.wait_for_function("() => window.__ws.closed >= 1")
        assert status.inner_text() == "Återansluter …"

        factor = asgi_server.call(group_services.add_factor, group=teachers, text=text)
        # A reconnect attempt has been made and failed (offline) after the factor was added.
        room.wait_for_function("() => window.__ws.closed >= 2", timeout=LIVE_TIMEOUT)
        assert room.evaluate("window.__ws.opened") == 1, "reconnected while offline"
        assert column.locator(".room-factors li").count() == 0

        room.context.set_offline(False)
        wait_for_live(room, opened=2)

    column.locator(f'li[data-factor-id="{factor.pk}"]').wait_for()
    assert column.locator(".room-factors li").all_inner_texts() == [text]
    assert column.locator(".marks").inner_text() == "●○○○○"
    assert status.inner_text() == ""
    assert room.evaluate("window.__noReload") == 1, "the room screen reloaded"
    browser.assert_no_errors()
