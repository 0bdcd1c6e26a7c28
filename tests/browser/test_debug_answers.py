"""`make run` serves with DEBUG on, and django-htmx then adds its debug helper, which shows every
400/403/404 answer to an htmx request as a whole page (for Django's error pages). Our own
refusals are fragments for their form: a participant's too-long factor must keep the page and
say why in the form, as it does with DEBUG off."""

from __future__ import annotations

from typing import Any

import pytest

from meetings.models import Group, Meeting

from .conftest import PHONE, Browser, LiveASGIServer
from .test_afternoon import LIVE, live

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("debug", [True, False])
def test_a_refused_factor_keeps_the_page_with_debug_on_and_off(
    meeting: Meeting,
    teachers: Group,
    settings: Any,
    asgi_server: LiveASGIServer,
    browser: Browser,
    debug: bool,
) -> None:
    settings.DEBUG = debug
    phone = browser.new_page("phone", **PHONE)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name="Lärare", exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    live(phone)
    helper = phone.locator("script[src*='django-htmx.js']").count()
    assert helper == (1 if debug else 0)  # the helper is what this test is about

    field = phone.get_by_label("Ny framgångsfaktor")
    field.evaluate("el => el.removeAttribute('maxlength')")  # as an old browser would send it
    field.fill("Studiero " * 30)
    with browser.errors.allowed(r"status of 400"):
        phone.get_by_role("button", name="Lägg till").click()
        error = phone.locator("#factor-form #factor-error")
        error.wait_for(timeout=LIVE)
    assert "högst 200 tecken" in error.inner_text()
    # The page is still there, styled and live: the list, the heading, the typed text.
    assert phone.locator("#group-live #group-state").count() == 1
    assert phone.locator("link[rel=stylesheet]").count() >= 1
    assert phone.get_by_label("Ny framgångsfaktor").input_value().startswith("Studiero")
    assert phone.evaluate("window.__noReload") == 1
    browser.assert_no_errors()
