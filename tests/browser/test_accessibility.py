"""WCAG 2.1 AA on every screen, checked by axe-core in the real browser.

axe-core comes from the npm registry (package.json, `make setup` runs `npm ci`); it is
evaluated through the DevTools protocol, which the page's CSP does not govern, so the app's
own policy stays as strict as in production.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting, PhaseKind
from screens.registry import REGISTRY

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


def start_axe(page: Any, axe_source: str) -> None:
    """Start axe-core in the page without waiting for it, so that several pages (each its own
    renderer process) are checked at once; `axe_result` collects what it found."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)  # once per document: pages kept across states reuse it
    page.evaluate(
        "tags => { window.__axeRun = axe.run(document, {runOnly: {type: 'tag', values: tags}}); }",
        WCAG_AA,
    )


def axe_result(page: Any) -> list[str]:
    result = page.evaluate("() => window.__axeRun")
    return [
        f"{item['id']} ({item['impact']}): {item['help']} — "
        + json.dumps([node["target"] for node in item["nodes"]][:5], ensure_ascii=False)
        for item in result["violations"]
    ]


def violations(page: Any, axe_source: str) -> list[str]:
    start_axe(page, axe_source)
    return axe_result(page)


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
    asgi_server.call(
        lambda: services.join_meeting(
            meeting=meeting, home_group_id=meeting.home_groups()[0].pk, display_name="Kim"
        )
    )
    page.goto(f"/console/meetings/{meeting.pk}/participants/?q=kim")
    page.get_by_role("row", name="Kim").wait_for()
    found["people, search"] = violations(page, axe_source)
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


# --- Every phase state ---------------------------------------------------------------------


@pytest.fixture
def every_kind(facilitator: User) -> Meeting:
    """A meeting whose agenda has one phase of each kind the registry knows, in its order: a
    kind added to meetings/phases.py is walked and checked below without editing this test."""
    meeting = services.create_meeting(
        facilitator=facilitator,
        title="Alla faser",
        date=datetime.date(2026, 12, 1),
        core_question="Vad höjer elevernas resultat?",
        home_group_names=["Lärare", "Rektorer"],
    )
    for kind in REGISTRY:
        services.add_phase(
            meeting=meeting, kind=kind, title=f"Fas: {PhaseKind(kind).label}", planned_minutes=10
        )
    group_services.update_pool_settings(
        meeting=meeting, dots_per_member=3, several_dots_per_idea=False, private_until_revealed=True
    )
    return meeting


def _revision(meeting: Meeting) -> int:
    return int(Meeting.objects.get(pk=meeting.pk).revision)


def _phase_ids(meeting: Meeting) -> dict[str, int]:
    return {phase.kind: phase.pk for phase in meeting.agenda()}


def test_every_phase_state_on_every_screen(
    every_kind: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
) -> None:
    """axe-core (WCAG 2.1 AA) on the phone, the room screen and the console in every phase
    kind of the registry, before the first phase and between phases, and in the states
    within a phase: the idea pool private, revealed and dotted, the expert groups published
    (and the expert group's own page), the reflection with words and a hidden word. One
    page per screen, kept across the states (no reload)."""
    meeting = every_kind
    console = browser.new_page("console", viewport={"width": 1366, "height": 900})
    console.goto("/accounts/login/")
    console.get_by_label("Användarnamn").fill(facilitator.username)
    console.get_by_label("Lösenord").fill("hemligt-losen-1")
    console.get_by_role("button", name="Logga in").click()
    console.wait_for_url("**/console/")
    console.goto(f"/console/meetings/{meeting.pk}/")
    room = browser.new_page("room screen", viewport=ROOM_VIEWPORT)
    room.goto(f"/room/{meeting.room_token}/")
    phone = browser.new_page("phone", **PHONE)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name="Lärare", exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    screens = {"phone": phone, "room": room, "console": console}
    for page in screens.values():
        page.wait_for_function("() => window.__ws.opened >= 1 && window.__ws.messages >= 1")
    phases = asgi_server.call(_phase_ids, meeting)
    found: dict[str, list[str]] = {}

    def settled(revision: int) -> None:
        """Every screen shows the meeting at `revision` or later, and the phone's pool has
        caught up with the phase (it fetches its controls after a phase change)."""
        for selector, page in (
            ("#phone-phase", phone),
            ("#room-live", room),
            ("#console-phase", console),
        ):
            page.wait_for_function(
                "([s, r]) => Number(document.querySelector(s)?.dataset.revision) >= r",
                arg=[selector, revision],
                timeout=30_000,
            )
        phone.wait_for_function(
            "() => { const pool = document.querySelector('#pool-state');"
            " const phase = document.querySelector('#phone-phase');"
            " return !pool || !phase.dataset.kind ||"
            " (pool.dataset.phaseKind || 'none') === (phase.dataset.kind || 'none'); }",
            timeout=30_000,
        )

    def scan(state: str, pages: dict[str, Any] = screens) -> None:
        for page in pages.values():
            # A new factor fades in once: judge contrast at its end state, not mid-fade.
            page.evaluate("document.getAnimations().forEach(a => a.finish())")
            start_axe(page, axe_source)
        for screen, page in pages.items():
            found[f"{state}: {screen}"] = axe_result(page)

    scan("before the first phase")

    def buzz() -> None:
        phone.get_by_label("Ny idé").fill("Mer tid för samtal")
        phone.get_by_role("button", name="Lägg till idé", exact=True).click()
        phone.locator("#my-pool").get_by_text("Mer tid för samtal", exact=True).wait_for()
        scan("buzz, pool private")
        phone.get_by_role("button", name="Visa alla idéer").click()
        phone.locator("#idea-list").get_by_text("Mer tid för samtal", exact=True).wait_for()
        settled(asgi_server.call(_revision, meeting))
        scan("buzz, pool revealed")

    def agree() -> None:
        phone.get_by_role("button", name="Sätt en prick på: Mer tid för samtal").click()
        phone.wait_for_function(
            "() => document.querySelector('#pool-state .dots-left-count')?.textContent === '2'"
        )
        scan("agree, dots placed")

    def expert() -> None:
        asgi_server.call(services.allocate_experts, meeting=meeting, expert_count=1)
        asgi_server.call(services.publish_experts, meeting=meeting)
        phone.locator("#expert-page-link").wait_for(timeout=30_000)
        settled(asgi_server.call(_revision, meeting))
        scan("expert groups published")
        phone.locator("#expert-page-link").tap()
        phone.wait_for_url(f"**/m/{meeting.join_code}/expert/")
        phone.wait_for_function("() => window.__ws.messages >= 1")
        scan("expert group's own page", {"phone": phone})
        phone.goto(f"/m/{meeting.join_code}/group/")
        phone.wait_for_function("() => window.__ws.messages >= 1")

    def reflection_words() -> None:
        phone.get_by_label("Ord 1", exact=True).fill("Trygghet")
        phone.get_by_label("Ord 2", exact=True).fill("Tid")
        phone.locator("#reflection-submit").tap()
        phone.locator("#my-words").get_by_text("Tid", exact=True).wait_for()
        room.locator("#room-words [data-key='tid']").wait_for(timeout=30_000)
        console.locator("#console-words").get_by_role(
            "button", name=re.compile(r"^Dölj\W+Tid$")
        ).click()
        room.locator("#room-words [data-key='tid']").wait_for(state="detached", timeout=30_000)
        console.locator("#console-words").get_by_text("dolt av anna").wait_for(timeout=30_000)
        scan("reflection, words and a hidden word")

    within = {PhaseKind.BUZZ: buzz, PhaseKind.AGREE: agree, PhaseKind.EXPERT: expert}
    within[PhaseKind.REFLECTION] = reflection_words
    for kind in REGISTRY:
        asgi_server.call(services.start_phase, meeting=meeting, phase_id=phases[kind])
        settled(asgi_server.call(_revision, meeting))
        assert phone.locator("#phone-phase").get_attribute("data-kind") == kind
        scan(f"{kind}")
        if kind in within:
            within[kind]()

    asgi_server.call(services.end_phase, meeting=meeting)
    settled(asgi_server.call(_revision, meeting))
    scan("between phases")

    assert {state: v for state, v in found.items() if v} == {}
    assert {state.split(":")[0] for state in found} >= set(REGISTRY)
    browser.assert_no_errors()
