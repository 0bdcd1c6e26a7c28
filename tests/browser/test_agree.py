"""Marking a short list as agreed on a phone: confirmation, lock, and the room screen's mark."""

from __future__ import annotations

import pytest

from meetings.models import Group, Meeting

from .conftest import Browser, LiveASGIServer
from .test_live_room import add_on_phone, open_room, room_column

pytestmark = pytest.mark.browser


def test_short_list_agreed_after_confirmation(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    room = open_room(browser, meeting)
    phone = add_on_phone(browser, meeting, "Lärare", "Studiero")

    phone.get_by_role("button", name="Markera som klar").click()
    assert "Ni har 1 av 5 framgångsfaktorer" in phone.locator(".confirm-panel").inner_text()
    assert room_column(room, teachers).locator(".agreed-mark").count() == 0

    # The broadcast of the lock usually reaches the phone before the HTTP answer does; the
    # answer must still land (no htmx:oobErrorNoTarget in the console, checked below).
    phone.get_by_role("button", name="Ja, markera som klar").click()
    phone.locator(".agreed-banner").wait_for()
    assert not phone.get_by_label("Ny framgångsfaktor").is_visible()  # locked: no form
    assert phone.get_by_role("button", name="Ta bort: Studiero").count() == 0
    room_column(room, teachers).locator(".agreed-mark").wait_for()
    assert "✓ Klar" in room_column(room, teachers).inner_text()
    assert room.evaluate("window.__noReload") == 1
    browser.assert_no_errors()
