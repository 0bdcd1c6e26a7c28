"""WCAG 2.1 AA on every screen, checked by axe-core in the real browser.

axe-core comes from the npm registry (package.json, `make setup` runs `npm ci`); it is
evaluated through the DevTools protocol, which the page's CSP does not govern, so the app's
own policy stays as strict as in production.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from meetings.models import Group, Meeting

from .conftest import PHONE, REQUIRE_BROWSER, ROOM_VIEWPORT, Browser, LiveASGIServer

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe_source() -> str:
    if not AXE.exists():
        message = f"ACCESSIBILITY CHECKS NOT RUN: {AXE} is missing (run `make setup`, needs npm)"
        if REQUIRE_BROWSER:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, axe_source: str) -> list[str]:
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{item['id']} ({item['impact']}): {item['help']} — "
        + json.dumps([node["target"] for node in item["nodes"]][:5], ensure_ascii=False)
        for item in result["violations"]
    ]


def test_participant_screens(
    meeting: Meeting,
    teachers: Group,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
) -> None:
    phone = browser.new_page("phone", **PHONE)
    found: dict[str, list[str]] = {}
    phone.goto("/")
    found["start"] = violations(phone, axe_source)
    with browser.errors.allowed(r"status of 404 .*\?code=FEL123"):  # the 404 is the point
        phone.goto("/?code=FEL123")
    found["start, wrong code"] = violations(phone, axe_source)
    phone.goto("/integritet/")
    found["privacy"] = violations(phone, axe_source)
    phone.goto(f"/m/{meeting.join_code}/")
    found["pick group"] = violations(phone, axe_source)
    phone.get_by_role("button", name="Lärare", exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    phone.get_by_label("Ny framgångsfaktor").fill("Tydliga mål")
    phone.get_by_role("button", name="Lägg till").click()
    phone.locator("#factor-list").get_by_text("Tydliga mål", exact=True).wait_for()
    found["group page"] = violations(phone, axe_source)
    phone.get_by_label("Ny framgångsfaktor").fill("   ")  # blank: the server's message
    with browser.errors.allowed(r"status of 400 .*/factors/"):
        phone.get_by_role("button", name="Lägg till").click()
        phone.locator("#factor-error").wait_for()
    found["group page, error"] = violations(phone, axe_source)
    phone.get_by_role("button", name="Markera som klar").click()
    phone.locator(".confirm-panel").wait_for()
    found["group page, confirm"] = violations(phone, axe_source)

    room = browser.new_page("room screen", viewport=ROOM_VIEWPORT)
    room.goto(f"/room/{meeting.room_token}/")
    room.locator(f"#room-group-{teachers.pk}").get_by_text("Tydliga mål").wait_for()
    found["room screen"] = violations(room, axe_source)

    assert {screen: v for screen, v in found.items() if v} == {}
    browser.assert_no_errors()


def test_facilitator_screens(
    meeting: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
) -> None:
    page = browser.new_page("console", viewport={"width": 1366, "height": 850})
    found: dict[str, list[str]] = {}
    page.goto("/accounts/login/")
    found["login"] = violations(page, axe_source)
    page.get_by_label("Användarnamn").fill(facilitator.username)
    page.get_by_label("Lösenord").fill("hemligt-losen-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/console/")
    found["console"] = violations(page, axe_source)
    page.goto(f"/console/meetings/{meeting.pk}/")
    found["meeting"] = violations(page, axe_source)
    page.goto(f"/console/meetings/{meeting.pk}/delete/")
    found["delete meeting, confirm"] = violations(page, axe_source)
    page.goto("/console/meetings/new/")
    found["new meeting"] = violations(page, axe_source)
    with browser.errors.allowed(r"status of 400 .*/console/meetings/new/"):
        page.get_by_role("button", name="Skapa mötet").click()
        page.locator(".error").first.wait_for()
    found["new meeting, errors"] = violations(page, axe_source)

    assert {screen: v for screen, v in found.items() if v} == {}
    browser.assert_no_errors()
