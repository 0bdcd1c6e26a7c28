"""A keyboard (or screen-reader) user on the group page: focus survives every re-render."""

from __future__ import annotations

from typing import Any

import pytest

from meetings.models import Group, Meeting

from .conftest import PHONE, Browser, LiveASGIServer

pytestmark = pytest.mark.browser


def focused(page: Any) -> str:
    """The focused element's name as its aria-labelledby composes it (the action's word and
    the factor's text), else its text, else its id."""
    page.wait_for_function(
        "() => document.activeElement && document.activeElement !== document.body"
    )
    return str(
        page.evaluate(
            """() => {
              const el = document.activeElement, ids = el.getAttribute("aria-labelledby");
              if (ids) {
                return ids.split(" ").map(id => document.getElementById(id).textContent.trim())
                  .join(" ");
              }
              return el.textContent.trim() || el.id;
            }"""
        )
    )


def settled(page: Any) -> None:
    """htmx has finished swapping and wiring up the new content (a key pressed before then
    would reach a plain, not yet enhanced form) and the page did not reload."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    assert page.evaluate("() => window.__noReload") == 1, "the phone page reloaded"


def first_texts(page: Any) -> list[str]:
    return page.locator("#factor-list .factor-text").all_inner_texts()


def test_add_reorder_and_remove_without_a_mouse(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    phone = browser.new_page("phone", **PHONE)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name="Lärare", exact=True).focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    phone.evaluate("() => { window.__noReload = 1; }")

    for text in ("Studiero", "Tydliga mål", "Tidiga insatser"):
        phone.get_by_label("Ny framgångsfaktor").focus()
        phone.keyboard.type(text)
        phone.keyboard.press("Tab")  # to "Lägg till"
        phone.keyboard.press("Enter")
        phone.locator("#factor-list").get_by_text(text, exact=True).wait_for()
        settled(phone)
        # Ready for the next one: focus is back in the emptied text field.
        phone.wait_for_function("() => document.activeElement.id === 'factor-text'")
        assert phone.get_by_label("Ny framgångsfaktor").input_value() == ""

    # Moving a factor keeps focus on that factor's button, wherever the factor went.
    phone.get_by_role("button", name="Flytta ner: Studiero").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_function(
        "() => document.querySelector('#factor-list .factor-text').textContent === 'Tydliga mål'"
    )
    settled(phone)
    assert first_texts(phone) == ["Tydliga mål", "Studiero", "Tidiga insatser"]
    assert focused(phone) == "Flytta ner: Studiero"

    # Removing it: its buttons are gone, so focus goes to the list's heading, not lost.
    phone.get_by_role("button", name="Ta bort: Studiero").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_function("() => document.querySelectorAll('#factor-list li').length === 2")
    settled(phone)
    assert focused(phone) == "Framgångsfaktorer"
    browser.assert_no_errors()
