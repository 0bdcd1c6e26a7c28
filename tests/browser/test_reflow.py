"""WCAG 1.4.10 reflow and 1.4.4 resize: every participant and facilitator screen works 320 CSS
px wide and at 200 % zoom of a 1280×800 window (640×400 CSS px), with no horizontal scrolling,
no control cut off at a side, and the main controls operated at those sizes.

One page per role, resized between the two sizes in each state (the layout depends only on
the CSS viewport, which is what a browser's zoom changes)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings import services
from meetings.models import Meeting, PhaseKind

from .conftest import Browser, LiveASGIServer

NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10: 320 CSS px
ZOOMED = {"width": 640, "height": 400}  # 1280×800 at 200 %
SIZES = {"320 px": NARROW, "200 %": ZOOMED}
LIVE = 30_000  # ms to wait for a live update (a wait ends as soon as it arrives)
# A long Swedish compound: it must wrap, not push the page sideways.
LONG = "Samverkansöverenskommelseuppföljningsmöten varje vecka"

# What is wrong with the layout at this size: the page scrolls sideways, or a control (or any
# text block) sticks out of the viewport at a side where nobody can scroll to it.
LAYOUT_PROBLEMS = """() => {
  const root = document.scrollingElement;
  const width = root.clientWidth;
  const problems = [];
  // Inside a box that scrolls by itself (a wide table): that box is what has to fit.
  const scroller = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const overflow = getComputedStyle(p).overflowX;
      if (overflow === 'auto' || overflow === 'scroll') return p;
    }
    return null;
  };
  const label = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
  if (root.scrollWidth > width + 1) {
    // Name the widest elements that reach past the side: where the width comes from.
    const wide = [...document.body.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !scroller(el))
      .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
    const names = wide.slice(0, 4).map(
      (el) => label(el) + ':' + Math.round(el.getBoundingClientRect().right));
    problems.push(`scrolls sideways: ${root.scrollWidth} > ${width} (${names.join(', ')})`);
  }
  const seen = (el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return style.visibility !== 'hidden' && box.width > 0 && box.height > 0
      && !el.closest('[hidden], .visually-hidden, .skip-link, details:not([open]) > :not(summary)');
  };
  const selector = 'a[href], button, input, select, textarea, summary, h1, h2, h3, p, li, label, td, th';
  for (const el of document.querySelectorAll(selector)) {
    if (!seen(el) || scroller(el)) continue;
    const box = el.getBoundingClientRect();
    const name = () => label(el) + ' ' + (el.textContent || el.value || '').trim().slice(0, 40);
    // Text running out of its own box (a long word that does not wrap) is cut off or
    // overlaps, even where the box itself fits.
    if (getComputedStyle(el).overflowX === 'visible' && el.scrollWidth > el.clientWidth + 1
        && !['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(el.tagName)) {
      problems.push(`${name()}: its text is ${el.scrollWidth} px wide in ${el.clientWidth}`);
    }
    if (box.left < -1 || box.right > width + 1) {
      problems.push(`${name()}: ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    }
  }
  return problems.slice(0, 8);
}"""


pytestmark = [
    pytest.mark.browser,
    pytest.mark.afternoon(
        title="Eftermiddag för alla skärmstorlekar",
        venue="Stadshusets stora sal",
        core_question="Vad höjer elevernas resultat i grundskolan och gymnasiet?",
        home_groups=["Lärare", "Rektorer och biträdande rektorer"],
    ),
]


@pytest.fixture
def long_texts_afternoon(afternoon: Meeting) -> Meeting:
    group_services.update_pool_settings(
        meeting=afternoon,
        dots_per_member=3,
        several_dots_per_idea=False,
        private_until_revealed=False,
    )
    teachers = afternoon.home_groups().get(name="Lärare")
    group_services.add_factor(group=teachers, text=LONG)
    return afternoon


def _phase_ids(meeting: Meeting) -> dict[str, int]:
    return {phase.kind: phase.pk for phase in meeting.agenda()}


def layout_problems(page: Any, state: str) -> dict[str, list[str]]:
    """Each size's problems in this state (the page is left at the narrow size)."""
    found: dict[str, list[str]] = {}
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.wait_for_function(
            f"() => document.scrollingElement.clientWidth <= {viewport['width']}"
        )
        found[f"{state}, {size}"] = page.evaluate(LAYOUT_PROBLEMS)
    page.set_viewport_size(NARROW)
    return found


def in_view(page: Any, locator: Any) -> None:
    """Scrolled to, the control is wholly inside the viewport (not cut off at a side)."""
    # One call that finds, scrolls and measures: a live update may replace the element (by an
    # equal one) at any moment, which a scroll-then-measure in two steps would trip over.
    box = locator.evaluate(
        "el => { el.scrollIntoView({block: 'center'}); const b = el.getBoundingClientRect();"
        " return {left: b.left, right: b.right, top: b.top, bottom: b.bottom,"
        " width: document.scrollingElement.clientWidth, height: innerHeight}; }"
    )
    assert box["left"] >= 0 and box["right"] <= box["width"] + 1, box
    assert box["top"] >= 0 and box["bottom"] <= box["height"] + 1, box


def test_participant_screens_at_320_px_and_200_percent(
    long_texts_afternoon: Meeting, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    phases = asgi_server.call(_phase_ids, long_texts_afternoon)
    phone = browser.new_page("phone", viewport=NARROW)
    found: dict[str, list[str]] = {}

    phone.goto("/")
    found.update(layout_problems(phone, "start"))
    phone.goto(f"/m/{long_texts_afternoon.join_code}/")
    found.update(layout_problems(phone, "join"))
    group_button = phone.get_by_role("button", name="Lärare", exact=True)
    in_view(phone, group_button)
    group_button.click()
    phone.wait_for_url(f"**/m/{long_texts_afternoon.join_code}/group/")
    phone.wait_for_function("() => window.__ws.messages >= 1")

    def phase(kind: str) -> None:
        asgi_server.call(services.start_phase, meeting=long_texts_afternoon, phase_id=phases[kind])
        phone.wait_for_function(
            "k => document.querySelector('#phone-phase')?.dataset.kind === k",
            arg=kind,
            timeout=LIVE,
        )
        phone.wait_for_function(
            "k => (document.querySelector('#pool-state')?.dataset.phaseKind || k) === k",
            arg=kind,
            timeout=LIVE,
        )

    # Buzz groups: the idea pool takes an idea at 200 %, then is checked at both sizes.
    phase(PhaseKind.BUZZ)
    phone.set_viewport_size(ZOOMED)
    phone.get_by_label("Ny idé").fill("Läxhjälp på biblioteket för alla årskurser")
    add = phone.get_by_role("button", name="Lägg till idé", exact=True)
    in_view(phone, add)
    add.click()
    phone.locator("#idea-list").get_by_text("Läxhjälp på biblioteket", exact=False).first.wait_for()
    found.update(layout_problems(phone, "buzz, pool"))

    # Agree: dot an idea and take it to the list at 320 px; the list with its tools fits.
    phase(PhaseKind.AGREE)
    dot = phone.get_by_role("button", name="Sätt en prick på: Läxhjälp", exact=False)
    in_view(phone, dot)
    dot.click()
    phone.wait_for_function(
        "() => document.querySelector('#pool-state .dots-left-count')?.textContent === '2'"
    )
    pick = phone.locator("#idea-list li").get_by_role("button", name="Till listan")
    in_view(phone, pick)
    pick.click()
    phone.locator("#factor-list .factor-text").nth(1).wait_for(timeout=LIVE)
    for control in ("#factor-list li >> nth=1 >> button >> nth=0", "#agree-button", "#live-pause"):
        in_view(phone, phone.locator(control))
    found.update(layout_problems(phone, "agree, list and pool"))

    # Expert groups, published: the expert group's own page, adding to its list at 320 px.
    phase(PhaseKind.EXPERT)
    asgi_server.call(services.allocate_experts, meeting=long_texts_afternoon, expert_count=1)
    asgi_server.call(services.publish_experts, meeting=long_texts_afternoon)
    link = phone.locator("#expert-page-link")
    link.wait_for(timeout=LIVE)
    found.update(layout_problems(phone, "expert, published"))
    in_view(phone, link)
    link.click()
    phone.wait_for_url(f"**/m/{long_texts_afternoon.join_code}/expert/")
    phone.wait_for_function("() => window.__ws.messages >= 1")
    phone.get_by_label("Ny framgångsfaktor").fill(LONG + " i expertgruppen")
    submit = phone.locator("#factor-submit")
    in_view(phone, submit)
    submit.click()
    phone.locator("#factor-list").get_by_text("i expertgruppen", exact=False).first.wait_for()
    found.update(layout_problems(phone, "expert group page"))

    # Reflection: the words form, sent at 200 %.
    phone.goto(f"/m/{long_texts_afternoon.join_code}/group/")
    phone.wait_for_function("() => window.__ws.messages >= 1")
    phase(PhaseKind.REFLECTION)
    phone.set_viewport_size(ZOOMED)
    phone.get_by_label("Ord 1", exact=True).fill("Trygghet")
    send = phone.locator("#reflection-submit")
    in_view(phone, send)
    send.click()
    phone.locator("#my-words").get_by_text("Trygghet").wait_for()
    found.update(layout_problems(phone, "reflection"))

    problems = {state: v for state, v in found.items() if v}
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    browser.assert_no_errors()


def test_login_and_console_at_320_px_and_200_percent(
    long_texts_afternoon: Meeting, facilitator: User, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    page = browser.new_page("console", viewport=NARROW)
    found: dict[str, list[str]] = {}
    page.goto("/accounts/login/")
    found.update(layout_problems(page, "login"))
    page.get_by_label("Användarnamn").fill(facilitator.username)
    page.get_by_label("Lösenord").fill("hemligt-losen-1")
    login = page.get_by_role("button", name="Logga in")
    in_view(page, login)
    login.click()
    page.wait_for_url("**/console/")
    found.update(layout_problems(page, "meetings"))

    page.goto(f"/console/meetings/{long_texts_afternoon.pk}/")
    page.wait_for_function("() => window.__ws.messages >= 1")
    found.update(layout_problems(page, "meeting, not started"))
    # The phase controls work at both sizes: start at 320 px, next at 200 %.
    start = page.locator("#phase-next")
    in_view(page, start)
    start.click()
    page.locator("#phase-pause").wait_for(timeout=LIVE)
    found.update(layout_problems(page, "meeting, introduction"))
    page.set_viewport_size(ZOOMED)
    pause = page.locator("#phase-pause")
    in_view(page, pause)
    pause.click()
    page.locator("#phase-resume").wait_for(timeout=LIVE)
    next_phase = page.locator("#phase-next")
    in_view(page, next_phase)
    next_phase.click()
    page.locator("#console-phase").get_by_text("Bikupor: samtala två och två").first.wait_for(
        timeout=LIVE
    )
    found.update(layout_problems(page, "meeting, buzz groups"))

    problems = {state: v for state, v in found.items() if v}
    assert not problems, json.dumps(problems, indent=1, ensure_ascii=False)
    browser.assert_no_errors()
