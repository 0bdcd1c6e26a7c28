"""Every phase designed for its moment (issue #16), in real browsers: both agendas — the
profession afternoon (seven home groups, buzz groups and the idea pool) and the unit day (units
typed one per line, no buzz groups) — walked phase by phase with phones at 390×844 and room
screens at 1920×1080 and 1280×720. Per phase it asserts:

* the phone's primary control for the phase is in the first screen (scroll 0, bottom ≤ 844);
* the phase panel's texts name only allowed actions, each linked to a control that is shown,
  and every control shown is one the phase allows (#phone-phase[data-allows]);
* no leftovers: the unit day shows no pool (phone, room) and calls a group "enheten";
* the room: the agreed lists are the largest text in agree and closing, the lobby shows the
  address to open beside the code and the QR;
* the room's layout shift (a `layout-shift` PerformanceObserver, as Lighthouse's CLS counts it)
  stays ≤ 0.1 in every phase: on load and while the lists change live.

Screenshots of every phase go to /tmp/topp25-phases/ (looked at by a person, not compared).
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting, Participant, PhaseKind
from meetings.phases import AgendaTemplate

from .conftest import PHONE, ROOM_VIEWPORT, Browser, LiveASGIServer
from .test_afternoon import LIVE, join, live, wait_text

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/topp25-phases")
SMALL_ROOM = {"width": 1280, "height": 720}
MAX_SHIFT = 0.1
# Layout shifts as Lighthouse counts them (CLS: the worst 5 s session window, shifts right
# after input excluded), kept per page since the last reset.
SHIFT_OBSERVER = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__shifts.push({t: entry.startTime, v: entry.value});
  }
}).observe({type: 'layout-shift', buffered: true});
window.__cls = (since) => {
  let worst = 0, sum = 0, first = -1, last = -1;
  for (const s of window.__shifts.filter(s => s.t >= since)) {
    if (first < 0 || s.t - last > 1000 || s.t - first > 5000) { sum = 0; first = s.t; }
    sum += s.v; last = s.t; worst = Math.max(worst, sum);
  }
  return worst;
};
"""
# The controls a phone may show, and the action each does (meetings/phases.py Action).
CONTROLS = {
    "#idea-text": "write_idea",
    "#pool-state .dot-add": "dot",
    "#pool-state [id$='-pick']": "pick",
    "#merge-submit, .duplicate-list button": "merge",
    "#factor-text": "edit_list",
    ".factor-actions": "edit_list",
    "#agree-button": "agree",
    "#reflection-word-1": "write_word",
}
# Per phase kind, the phone's primary control (all must be in the first screen).
PRIMARY = {
    PhaseKind.INTRODUCTION: ["#phone-phase-title", "#phone-phase .timer-clock"],
    PhaseKind.BUZZ: ["#idea-text", "#idea-submit"],
    PhaseKind.DIALOGUE: ["#factors-heading", "#factor-text"],
    PhaseKind.AGREE: ["#factors-heading", "#agree-button"],
    PhaseKind.BREAK: ["#phone-phase-title", "#phone-phase .timer-clock"],
    PhaseKind.EXPERT: ["#phone-phase .phase-table"],
    PhaseKind.REFLECTION: ["#reflection-word-1", "#reflection-submit"],
    PhaseKind.CLOSED: ["#phone-phase .phase-rest", "#factors-heading"],
}
# The expert group's own page in the expert phase: its table's name, its list's field.
EXPERT_PAGE_PRIMARY = ["h1", "#factors-heading", "#factor-text", "#factor-submit"]
FACTORS = [
    "Trygghet och studiero i klassrummet",
    "Kollegialt lärande på schemat varje vecka",
    "Tydliga mål som följs upp",
    "Elevhälsan med från början",
    "Ett nära pedagogiskt ledarskap",
]
UNITS = [
    "Lotsen",
    "KomTek",
    "Naturskolan",
    "Kulturskolan",
    "Fritidsgårdarna",
    "Elevhälsan",
    "Modersmålsenheten",
    "Resursskolan",
    "Vuxenutbildningen",
    "Gymnasiesärskolan",
]


@pytest.fixture
def afternoon(facilitator: User) -> Meeting:
    return services.create_meeting(
        facilitator=facilitator,
        title="Yrkeseftermiddag",
        date=datetime.date(2026, 12, 1),
        core_question="Vad höjer elevernas resultat?",
        usual_home_groups=True,
        agenda_template=AgendaTemplate.PROFESSION_AFTERNOON,
    )


@pytest.fixture
def unit_day(facilitator: User) -> Meeting:
    return services.create_meeting(
        facilitator=facilitator,
        title="Verksamhetsdag",
        date=datetime.date(2026, 12, 2),
        core_question="Vad gör vi som höjer resultaten?",
        home_group_names=UNITS,
        agenda_template=AgendaTemplate.UNIT_DAY,
    )


def _groups(meeting_id: int) -> list[Group]:
    return list(Meeting.objects.get(pk=meeting_id).home_groups().order_by("position", "pk"))


def _next(meeting_id: int) -> str:
    meeting = Meeting.objects.get(pk=meeting_id)
    return str(services.start_phase(meeting=meeting).kind)


def _seed(group_id: int, count: int, agree: bool) -> None:
    group = Group.objects.get(pk=group_id)
    have = group.factors.count()
    for text in FACTORS[have:count]:
        group_services.add_factor(group=group, text=f"{text} ({group.name})")
    if agree and not group.is_agreed:
        agreed = group_services.mark_agreed(group=group, confirmed_short=True)
        assert isinstance(agreed, Group) and agreed.is_agreed


def _ideas(group_id: int, participant_id: int) -> None:
    group = Group.objects.get(pk=group_id)
    author = Participant.objects.get(pk=participant_id)
    for text in ["Trygghet i klassrummet", "Tryggheten i klassrum", "Tid för lärande"]:
        group_services.add_idea(group=group, author=author, text=text)


def _publish_experts(meeting_id: int) -> None:
    meeting = Meeting.objects.get(pk=meeting_id)
    services.allocate_experts(meeting=meeting, expert_count=2)
    services.publish_experts(meeting=meeting, confirmed=True)


def _participant(meeting_id: int, group_id: int) -> int:
    return int(
        Participant.objects.filter(meeting_id=meeting_id, home_group_id=group_id)
        .values_list("pk", flat=True)
        .first()
    )


def _reset_shifts(page: Any) -> float:
    return float(page.evaluate("performance.now()"))


def _settle(page: Any) -> None:
    """Two animation frames and a moment: whatever the last swap moves has moved."""
    page.wait_for_timeout(400)
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _cls(page: Any, since: float) -> float:
    return round(float(page.evaluate("since => window.__cls(since)", since)), 4)


def _in_first_screen(phone: Any, selector: str) -> tuple[float, float]:
    box = phone.evaluate(
        "s => { const el = document.querySelector(s); if (!el) return null;"
        " const r = el.getBoundingClientRect(); const st = getComputedStyle(el);"
        " if (st.display === 'none' || st.visibility === 'hidden' || !r.height) return null;"
        " return [r.top + scrollY, r.bottom + scrollY]; }",
        selector,
    )
    assert box is not None, f"{selector} is not shown"
    assert box[1] <= PHONE["viewport"]["height"], f"{selector} at {box}: below the first screen"
    return box[0], box[1]


def _visible(phone: Any, selector: str) -> bool:
    return bool(
        phone.evaluate(
            "s => [...document.querySelectorAll(s)].some(el => el.getClientRects().length"
            " && getComputedStyle(el).visibility !== 'hidden')",
            selector,
        )
    )


def _texts_match_controls(phone: Any, kind: str) -> None:
    allows = set((phone.locator("#phone-phase").get_attribute("data-allows") or "").split())
    for selector, action in CONTROLS.items():
        if _visible(phone, selector):
            assert action in allows, f"{kind}: {selector} shown but {action} not allowed"
    for link in phone.locator("#phone-phase [data-action-target]").all():
        target = link.get_attribute("data-action-target")
        assert _visible(phone, f"#{target}"), f"{kind}: the text names #{target}, not shown"
    named = phone.locator("#phone-phase .phase-actions").all_inner_texts()
    for word, action in (
        ("idéer", "write_idea"),
        ("prickar", "dot"),
        ("slå ihop", "merge"),
        ("ordmolnet", "write_word"),
    ):
        if any(word in text for text in named):
            assert action in allows, f"{kind}: the panel says {word!r}"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _room_checks(room: Any, kind: str, mode: str) -> None:
    if mode in ("room_join",):
        big = room.locator(".room-big-join")
        assert big.locator(".room-code").is_visible() and big.locator("img").is_visible()
        url = big.locator(".room-join-url")
        assert url.is_visible() and "/m/" in url.inner_text(), "the lobby shows the address"
    if kind in (PhaseKind.AGREE, PhaseKind.CLOSED):
        sizes = room.evaluate(
            "() => ({factor: Math.min(...[...document.querySelectorAll('.room-factors li')]"
            ".map(li => parseFloat(getComputedStyle(li).fontSize))),"
            " idea: Math.max(0, ...[...document.querySelectorAll('.room-pool li, .room-pool p')]"
            ".map(el => parseFloat(getComputedStyle(el).fontSize)))})"
        )
        assert sizes["factor"] > sizes["idea"], f"{kind}: the agreed list is not the largest"


def _walk(
    meeting: Meeting,
    asgi_server: LiveASGIServer,
    browser: Browser,
    name: str,
    seven: list[Group],
    pool: bool,
) -> dict[str, Any]:
    rooms = {
        "1920": browser.new_page(f"{name} room 1920", viewport=ROOM_VIEWPORT),
        "1280": browser.new_page(f"{name} room 1280", viewport=SMALL_ROOM),
    }
    for room in rooms.values():
        room.add_init_script(SHIFT_OBSERVER)
        room.goto(f"/room/{meeting.room_token}/")
        live(room)
    phones = [
        join(browser, meeting, seven[0].name, "a"),
        join(browser, meeting, seven[1].name, "b"),
    ]
    phone = phones[0]
    me = asgi_server.call(_participant, meeting.pk, seven[0].pk)
    report: dict[str, Any] = {}
    kinds = asgi_server.call(lambda: [str(phase.kind) for phase in meeting.agenda()])
    for index, expected in enumerate(kinds):
        since = {key: _reset_shifts(room) for key, room in rooms.items()}
        kind = asgi_server.call(_next, meeting.pk)
        assert kind == expected
        for room in rooms.values():
            room.wait_for_function(
                "k => document.querySelector('#phone-phase, body') && true", arg=kind
            )
        phone.wait_for_function(
            "k => document.querySelector('#phone-phase').dataset.kind === k",
            arg=kind,
            timeout=LIVE,
        )
        # What happens in the phase, live on every screen.
        if kind == PhaseKind.BUZZ:
            asgi_server.call(_ideas, seven[0].pk, me)
            wait_text(phone.locator("#pool-state"), "Tid för lärande")
        if kind == PhaseKind.DIALOGUE:
            for group in seven[1:]:
                asgi_server.call(_seed, group.pk, 3, False)
        if kind == PhaseKind.AGREE:
            for group in seven[1:]:
                asgi_server.call(_seed, group.pk, 5, True)
            asgi_server.call(_seed, seven[0].pk, 3, False)
            wait_text(phone.locator("#factor-list"), FACTORS[2])
        if kind == PhaseKind.EXPERT:
            asgi_server.call(_publish_experts, meeting.pk)
            wait_text(phone.locator("#phone-phase"), "bord")
        if kind == PhaseKind.REFLECTION:
            phone.locator("#reflection-word-1").wait_for(timeout=LIVE)
        for room in rooms.values():
            _settle(room)
            room.wait_for_function(
                "() => !document.querySelector('#room-groups') ||"
                " document.querySelector('#room-groups').dataset.factorSize",
                timeout=LIVE,
            )
        _settle(phone)
        phone.evaluate("window.scrollTo(0, 0)")
        # Phone: the primary control in the first screen; texts and controls match.
        positions = {sel: _in_first_screen(phone, sel) for sel in PRIMARY[kind]}
        _texts_match_controls(phone, kind)
        text = phone.locator("body").inner_text()
        if not pool:
            for word in ("prick", "Slå ihop", "Idéer", "idéer", "hemgrupp"):
                assert word not in text, f"{name} {kind}: {word!r} on the phone"
            for room in rooms.values():
                assert room.locator(".room-pool").count() == 0
        assert text.count(meeting.core_question) == 1, f"{kind}: the core question twice"
        if kind == PhaseKind.EXPERT:
            # The second phone opens its table's page: the table and its list's field first.
            other = phones[1]
            wait_text(other.locator("#phone-phase"), "bord")
            other.locator("#expert-page-link").tap()
            other.wait_for_url(f"**/m/{meeting.join_code}/expert/")
            live(other)
            _settle(other)
            for selector in EXPERT_PAGE_PRIMARY:
                _in_first_screen(other, selector)
        # Room.
        mode = rooms["1920"].evaluate("document.querySelector('#room-live').dataset.mode")
        for room in rooms.values():
            _room_checks(room, kind, mode)
        shifts = {key: _cls(room, since[key]) for key, room in rooms.items()}
        # A reload of the room in this phase (what a projector laptop does after a sleep).
        reload_shift = {}
        for key, room in rooms.items():
            room.reload()
            live(room)
            _settle(room)
            reload_shift[key] = _cls(room, 0)
        step = f"{name}-{index + 1}-{kind}"
        _shot(phone, f"{step}-phone")
        for key, room in rooms.items():
            _shot(room, f"{step}-room{key}")
        report[step] = {
            "phone_first_screen": positions,
            "room_shift_live": shifts,
            "room_shift_reload": reload_shift,
        }
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / f"{name}.json").write_text(json.dumps(report, indent=1))
    over = {
        step: figures
        for step, figures in report.items()
        if max([*figures["room_shift_live"].values(), *figures["room_shift_reload"].values()])
        > MAX_SHIFT
    }
    assert not over, f"layout shift above {MAX_SHIFT}: {over}"
    return report


def test_the_profession_afternoon_phase_by_phase(
    afternoon: Meeting, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    seven = asgi_server.call(_groups, afternoon.pk)
    assert len(seven) == 7
    _walk(afternoon, asgi_server, browser, "afternoon", seven, pool=True)
    browser.assert_no_errors()


def test_the_unit_day_phase_by_phase(
    unit_day: Meeting, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    units = asgi_server.call(_groups, unit_day.pk)
    assert unit_day.group_word == "enheten"
    _walk(unit_day, asgi_server, browser, "unitday", units[:7], pool=False)
    browser.assert_no_errors()


def _withdraw_all(group_id: int, participant_id: int) -> None:
    group = Group.objects.get(pk=group_id)
    author = Participant.objects.get(pk=participant_id)
    for idea in group.ideas.filter(author=author, withdrawn_at__isnull=True):
        group_services.withdraw_idea(group=group, author=author, idea_id=idea.pk)


def test_a_refused_tap_in_the_pool_is_answered_beside_the_pool(
    afternoon: Meeting, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    """Anna has paused live updates; Bo withdraws his ideas meanwhile; Anna dots one of them:
    the refusal shows right above the pool she tapped in, not under the list far above."""
    seven = asgi_server.call(_groups, afternoon.pk)
    anna = join(browser, afternoon, seven[0].name, "anna")
    bo = join(browser, afternoon, seven[0].name, "bo")
    assert bo is not None
    anna_id = asgi_server.call(_participant, afternoon.pk, seven[0].pk)
    bo_id = asgi_server.call(
        lambda: Participant.objects.filter(meeting=afternoon).exclude(pk=anna_id).get().pk
    )
    for _step in range(2):  # the introduction, then the buzz groups
        asgi_server.call(_next, afternoon.pk)
    asgi_server.call(_ideas, seven[0].pk, bo_id)
    assert asgi_server.call(_next, afternoon.pk) == PhaseKind.DIALOGUE
    dot = anna.locator("#pool-state .dot-add").first
    dot.wait_for(timeout=LIVE)
    anna.locator("#live-pause").click()
    asgi_server.call(_withdraw_all, seven[0].pk, bo_id)
    with browser.errors.allowed("status of 404"):  # the idea is gone: a 404, said in Swedish
        dot.tap()
        flash = anna.locator("#flash .alert")
        flash.wait_for(timeout=LIVE)
    below_form = anna.evaluate(
        "() => document.getElementById('flash').getBoundingClientRect().top >="
        " document.getElementById('factor-form').getBoundingClientRect().bottom"
    )
    assert below_form, "the answer is not beside the pool"
    assert anna.evaluate("document.getElementById('flash').nextElementSibling.id") == "my-pool"
    assert anna.locator("#flash").count() == 1
    browser.assert_no_errors()


def _to_expert_phase(meeting_id: int) -> None:
    meeting = Meeting.objects.get(pk=meeting_id)
    while meeting.current_phase is None or meeting.current_phase.kind != PhaseKind.EXPERT:
        services.start_phase(meeting=meeting)
        meeting.refresh_from_db()


def test_the_expert_page_shows_the_table_and_its_list_first(
    afternoon: Meeting, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    """In the expert phase the expert group's page shows, in the phone's first screen, the
    table (its name and number) and its list's primary control, the factor field and its
    button; the seven home groups' lists to bring come below, however long they are."""
    seven = asgi_server.call(_groups, afternoon.pk)
    phones = [
        join(browser, afternoon, seven[0].name, "a"),
        join(browser, afternoon, seven[1].name, "b"),
    ]
    for group in seven:
        asgi_server.call(_seed, group.pk, 5, True)
    asgi_server.call(_to_expert_phase, afternoon.pk)
    asgi_server.call(_publish_experts, afternoon.pk)
    phone = phones[0]
    wait_text(phone.locator("#phone-phase"), "bord")
    phone.locator("#expert-page-link").tap()
    phone.wait_for_url(f"**/m/{afternoon.join_code}/expert/")
    live(phone)
    _settle(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    heading = phone.locator("h1").inner_text()
    assert "Din expertgrupp" in heading and "bord" in heading, heading
    for selector in EXPERT_PAGE_PRIMARY:
        _in_first_screen(phone, selector)
    # The page is the table's: its heading names it once (the phase panel, the same for the
    # table's home pages, shows no second name and no link to this page), the home groups'
    # lists below the table's form.
    assert not _visible(phone, "#expert-page-link") and not _visible(phone, ".phase-table")
    assert phone.locator("body").inner_text().count("Din expertgrupp") == 1
    assert phone.evaluate(
        "() => document.getElementById('home-lists').getBoundingClientRect().top >="
        " document.getElementById('factor-form').getBoundingClientRect().bottom"
    ), "the home groups' lists come before the table's own list"
    assert phone.locator("#home-lists .home-list").count() == 7
    _shot(phone, "expert-page-phone")
    browser.assert_no_errors()
