"""The phone's controls inside its lists name only their action ("move/", "dot/"); the page's
script (static/js/topp25.js) completes the URL from the list's data-base and the item's id.
Pressed in Chromium, each reaches its view and does what it says (the server's rows prove it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from groups.models import Dot, Idea
from meetings.models import Group, Meeting, PhaseKind
from tests.support.phases import run_phase

from .conftest import Browser, LiveASGIServer
from .test_live_room import add_on_phone

pytestmark = pytest.mark.browser

WAIT = 30_000  # ms; a wait ends as soon as its condition holds


def _until(server: LiveASGIServer, read: Callable[[], Any], expected: Any, page: Any) -> None:
    """Wait (polling the database through the server's thread) until `read()` == expected."""
    for _ in range(WAIT // 100):
        if server.call(read) == expected:
            return
        page.wait_for_timeout(100)
    assert server.call(read) == expected


def test_relative_controls_reach_their_views(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    def factors() -> list[str]:
        return list(teachers.factors.order_by("position").values_list("text", flat=True))

    phone = add_on_phone(browser, meeting, "Lärare", "Studiero")
    phone.get_by_label("Ny framgångsfaktor").fill("Tid för lärande")
    phone.get_by_role("button", name="Lägg till").click()
    phone.locator("#factor-list").get_by_text("Tid för lärande", exact=True).wait_for()

    phone.get_by_role("button", name="Flytta ner: Studiero").click()
    _until(asgi_server, factors, ["Tid för lärande", "Studiero"], phone)
    phone.get_by_role("button", name="Ta bort: Tid för lärande").click()
    _until(asgi_server, factors, ["Studiero"], phone)

    asgi_server.call(run_phase, meeting, PhaseKind.BUZZ)
    phone.get_by_label("Ny idé").wait_for(timeout=WAIT)
    for text in ("Lugn i korridoren", "Trygghet"):
        phone.get_by_label("Ny idé").fill(text)
        phone.get_by_role("button", name="Lägg till idé", exact=True).click()
        phone.locator("#idea-list").get_by_text(text, exact=True).wait_for(timeout=WAIT)

    def withdrawn() -> bool:
        return Idea.objects.get(text="Lugn i korridoren").withdrawn_at is not None

    phone.get_by_role("button", name="Ta tillbaka din idé: Lugn i korridoren").click()
    _until(asgi_server, withdrawn, True, phone)

    asgi_server.call(run_phase, meeting, PhaseKind.DIALOGUE)

    def dots() -> int:
        return Dot.objects.filter(idea__text="Trygghet").count()

    phone.get_by_role("button", name="Sätt en prick på: Trygghet").click(timeout=WAIT)
    _until(asgi_server, dots, 1, phone)
    phone.get_by_role("button", name="Ta bort en prick från: Trygghet").click(timeout=WAIT)
    _until(asgi_server, dots, 0, phone)
    phone.locator("#idea-list li", has_text="Trygghet").get_by_role(
        "button", name="Till listan"
    ).click(timeout=WAIT)
    _until(asgi_server, factors, ["Studiero", "Trygghet"], phone)
    browser.assert_no_errors()


def test_next_idea_typed_before_the_answer_is_kept(
    meeting: Meeting, teachers: Group, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    """The broadcast often shows a sent idea before the form's own answer arrives; whoever
    starts the next idea meanwhile keeps it when the answer's fresh form is swapped in."""
    phone = add_on_phone(browser, meeting, "Lärare", "Studiero")
    asgi_server.call(run_phase, meeting, PhaseKind.BUZZ)
    phone.get_by_label("Ny idé").wait_for(timeout=WAIT)

    # The answer to the first idea is held back (the server has taken it) until the next
    # idea has been typed.
    held: list[tuple[Any, Any]] = []

    def hold(route: Any) -> None:
        held.append((route, route.fetch()))

    phone.route("**/ideas/", hold)
    phone.get_by_label("Ny idé").fill("Lugn i korridoren")
    phone.get_by_role("button", name="Lägg till idé", exact=True).click()
    phone.locator("#idea-list").get_by_text("Lugn i korridoren", exact=True).wait_for(timeout=WAIT)
    for _ in range(WAIT // 100):
        if held:
            break
        phone.wait_for_timeout(100)
    phone.get_by_label("Ny idé").fill("Trygghet")
    route, response = held[0]
    route.fulfill(response=response)
    phone.unroute("**/ideas/")

    def sent() -> list[str]:
        return list(Idea.objects.filter(group=teachers).values_list("text", flat=True))

    # The fresh form (a new client token) carries on with what was typed.
    phone.get_by_role("button", name="Lägg till idé", exact=True).click()
    phone.locator("#idea-list").get_by_text("Trygghet", exact=True).wait_for(timeout=WAIT)
    _until(asgi_server, lambda: sorted(sent()), ["Lugn i korridoren", "Trygghet"], phone)
    assert phone.get_by_label("Ny idé").input_value() == ""
    browser.assert_no_errors()
