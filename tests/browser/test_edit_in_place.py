"""Editing a factor on the phone: the form is filled from the list the page already shows, with
no request for it; saving is one POST; "Avbryt" puts the empty form back. Without script the
✎ is a plain link to the page with the form filled in by the server."""

from __future__ import annotations

from typing import Any

import pytest

from groups import services as group_services
from meetings.models import Group, Meeting

from .conftest import PHONE, Browser, LiveASGIServer

pytestmark = pytest.mark.browser


def _requests(page: Any) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    page.on("request", lambda request: seen.append((request.method, request.url)))
    return seen


def test_edit_form_comes_from_the_list_without_a_request(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    for text in ("Studiero", "Tydliga mål"):
        asgi_server.call(group_services.add_factor, group=teachers, text=text)
    phone = browser.new_page("phone", **PHONE)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name="Lärare", exact=True).click()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    phone.evaluate("() => { window.__noReload = 1; }")
    seen = _requests(phone)
    # Without script the ✎ is a link to the page with the form filled in (tests/test_factors.py).
    edit = phone.locator("#factor-list li").nth(1).get_by_role("link", name="Ändra")
    assert (edit.get_attribute("href") or "").endswith("/edit/")

    phone.locator("#factor-list li").nth(1).get_by_role("link", name="Ändra").click()
    field = phone.get_by_label("Ändra framgångsfaktor 2")
    field.wait_for()
    assert field.input_value() == "Tydliga mål"
    assert phone.evaluate("() => document.activeElement.id") == "factor-text"
    assert not [url for method, url in seen if "/edit/" in url], seen

    # Cancel: the empty form is back, still without a request.
    phone.get_by_role("link", name="Avbryt").click()
    phone.get_by_label("Ny framgångsfaktor").wait_for()
    assert seen == []

    # Edit and save: one POST, the list shows the new text, the form is empty again.
    phone.locator("#factor-list li").nth(0).get_by_role("link", name="Ändra").click()
    field = phone.get_by_label("Ändra framgångsfaktor 1")
    field.fill("Studiero i varje klassrum")
    phone.get_by_role("button", name="Spara").click()
    phone.locator("#factor-list").get_by_text("Studiero i varje klassrum", exact=True).wait_for()
    phone.get_by_label("Ny framgångsfaktor").wait_for()
    assert [method for method, url in seen if "/factors/" in url] == ["POST"]
    assert phone.evaluate("() => window.__noReload") == 1
    browser.assert_no_errors()
