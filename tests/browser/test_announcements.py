"""What others change is said politely on the phone, without moving focus (WCAG 4.1.3).

A screen-reader user on Anna's phone hears a new phase and the factors and ideas her group
adds from other phones through the page's polite live region (#announcer); her own actions
are said by their own answers; focus stays where she left it.
"""

from __future__ import annotations

from typing import Any

import pytest

from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting

from .conftest import Browser, LiveASGIServer
from .test_afternoon import LIVE, groups, join  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.afternoon(
        title="Eftermiddag i Stadshuset", core_question="Vad höjer elevernas resultat?"
    ),
]


def announced(phone: Any, text: str) -> None:
    phone.wait_for_function(
        "t => document.getElementById('announcer').textContent === t", arg=text, timeout=LIVE
    )


def test_new_phase_and_others_items_are_announced_without_moving_focus(
    afternoon: Meeting,  # noqa: F811
    groups: dict[str, Group],  # noqa: F811
    asgi_server: LiveASGIServer,
    browser: Browser,
) -> None:
    teachers = groups["Lärare"]
    anna = join(browser, afternoon, "Lärare", "anna")
    bo = join(browser, afternoon, "Lärare", "bo")
    for phone in (anna, bo):
        live_region = phone.locator("#announcer")
        assert live_region.get_attribute("role") == "status"
        assert live_region.get_attribute("aria-live") == "polite"
    # Anna reads the list's heading; nothing that happens elsewhere moves her.
    anna.locator("#factors-heading").focus()

    # Before the first phase the groups may write their lists. Bo adds a factor on his
    # phone: Anna hears it; Bo hears his own answer instead.
    bo.get_by_label("Ny framgångsfaktor").fill("Tydliga mål")
    bo.get_by_role("button", name="Lägg till", exact=True).click()
    announced(anna, "Ny framgångsfaktor i gruppens lista: Tydliga mål.")
    announced(bo, "Framgångsfaktor 1 är tillagd.")
    assert anna.evaluate("document.activeElement.id") == "factors-heading"

    # Two more from elsewhere, committed one after the other: said as they arrive (each
    # alone, or counted when one broadcast brings both).
    def two_factors() -> None:
        group_services.add_factor(group=teachers, text="Studiero")
        group_services.add_factor(group=teachers, text="Elevhälsa nära undervisningen")

    asgi_server.call(two_factors)
    bo.locator("#factor-list .factor-text").nth(2).wait_for(timeout=LIVE)
    anna.wait_for_function(
        "() => ['Ny framgångsfaktor i gruppens lista: Elevhälsa nära undervisningen.',"
        " 'Ny framgångsfaktor i gruppens lista: Studiero.',"
        " '2 nya framgångsfaktorer i gruppens lista.']"
        ".includes(document.getElementById('announcer').textContent)",
        timeout=LIVE,
    )

    # The facilitator starts the introduction: every phone is told, focus stays.
    first = asgi_server.call(lambda: services.start_phase(meeting=afternoon))
    announced(anna, f"Ny fas: {first.title}.")
    announced(bo, f"Ny fas: {first.title}.")
    assert anna.evaluate("document.activeElement.id") == "factors-heading"

    # The buzz groups: a phase change, then a new idea in the group's (open) pool.
    buzz = asgi_server.call(lambda: services.start_phase(meeting=afternoon))
    announced(anna, f"Ny fas: {buzz.title}.")
    # Anna's phone shows the pool (fetched for the new phase) before Bo writes in it.
    anna.locator("#pool-state #pool-heading").wait_for(timeout=LIVE)
    bo.get_by_label("Ny idé").fill("Mer tid för samplanering")
    bo.get_by_role("button", name="Lägg till idé").click()
    announced(anna, "Ny idé: Mer tid för samplanering.")
    assert anna.evaluate("document.activeElement.id") == "factors-heading"
    assert anna.evaluate("window.__noReload") == 1
    browser.assert_no_errors()
