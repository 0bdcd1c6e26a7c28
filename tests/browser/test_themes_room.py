"""The themes phase on the projector: at 1280×720 and 1920×1080 every theme is whole on screen
(every card and word inside the viewport, nothing overflowing, no scrolling), live; the
facilitator hides a theme from the console and the room follows; a phone shows the same list.

Data fixtures come before `browser` in every signature (see conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest

from groups import services as group_services
from meetings import services as meeting_services
from meetings.models import Meeting, PhaseKind
from summary import room_themes, services, themes

from ..factor_texts import meeting_factors
from .conftest import Browser, LiveASGIServer
from .test_afternoon import join

pytestmark = pytest.mark.browser

LIVE_TIMEOUT = 30_000

MEASURE = r"""
() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const screen = document.querySelector(".room-screen");
  const shown = [screen, ...screen.querySelectorAll("*")].filter(
    (el) => !el.closest(".visually-hidden") && el.getClientRects().length > 0);
  const outside = [], overflowing = [];
  for (const el of shown) {
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
      outside.push(`${el.tagName}.${el.className} [${r.left}, ${r.top}, ${r.right}, ${r.bottom}]`);
    }
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
      overflowing.push(`${el.tagName}.${el.className} ${el.scrollWidth}×${el.scrollHeight}`
        + ` in ${el.clientWidth}×${el.clientHeight}`);
    }
  }
  const box = document.getElementById("room-themes");
  const area = box.getBoundingClientRect();
  // A theme is whole when its card is one box (not split across columns) inside the themes'
  // area and the viewport, and each of its lines is inside the card.
  const clipped = [];
  for (const card of box.querySelectorAll(".theme-card")) {
    const boxes = card.getClientRects(), r = card.getBoundingClientRect();
    const name = card.querySelector(".theme-heading").textContent.trim();
    if (boxes.length !== 1 || r.top < area.top - 0.5 || r.bottom > area.bottom + 0.5
        || r.left < area.left - 0.5 || r.right > area.right + 0.5 || r.bottom > vh + 0.5) {
      clipped.push(`${name} [${r.left}, ${r.top}, ${r.right}, ${r.bottom}] in ${boxes.length} boxes`);
    }
    for (const line of card.querySelectorAll(".theme-heading, .theme-words li")) {
      if (!line.getClientRects().length) { continue; }  // a line the card counts in "… och N till"
      const l = line.getBoundingClientRect();
      if (l.top < r.top - 0.5 || l.bottom > r.bottom + 0.5 || line.scrollWidth > line.clientWidth + 1) {
        clipped.push(`${name}: ${line.textContent.trim().slice(0, 40)}`);
      }
    }
  }
  // What each card shows: its factors' lines, and how many more it counts ("… och 3 till").
  const cards = [...box.querySelectorAll(".theme-card")].map((card) => {
    const more = card.querySelector(".theme-more");
    return {
      shown: [...card.querySelectorAll(".theme-words li:not(.theme-more)")]
        .filter((li) => li.getClientRects().length).length,
      more: more ? parseInt(more.textContent.replace(/\D+/g, ""), 10) : 0,
      total: card.querySelectorAll(".theme-words li:not(.theme-more)").length,
    };
  });
  const sizes = [...box.querySelectorAll(".theme-words li")].filter(
    (li) => li.getClientRects().length).map(
    (li) => parseFloat(getComputedStyle(li).fontSize));
  return {
    clipped,
    body: sizes.length ? Math.min(...sizes) : 0,
    outside, overflowing,
    headings: [...document.querySelectorAll("#room-themes .theme-heading")].map((h) => h.textContent.trim()),
    words: document.querySelectorAll("#room-themes .theme-words li").length,
    cards,
    size: parseFloat(getComputedStyle(box).fontSize),
    scroll: [document.documentElement.scrollWidth - vw, document.documentElement.scrollHeight - vh],
  };
}
"""


@pytest.fixture
def themes_phase(meeting: Meeting) -> Meeting:
    """Seven home groups of five factors as real groups write them; the themes phase runs."""
    themes.warm_up()  # loaded ahead, as the agenda's themes phase does in a server
    for group, factors in zip(
        meeting.home_groups(), meeting_factors(1, groups=meeting.home_groups().count()), strict=True
    ):
        for text in factors.texts:
            group_services.add_factor(group=group, text=text)
    phase = meeting_services.add_phase(
        meeting=meeting, kind=PhaseKind.THEMES, title="Teman", planned_minutes=10
    )
    meeting_services.start_phase(meeting=meeting, phase_id=phase.pk)
    meeting.refresh_from_db()
    return meeting


def _expected(meeting: Meeting) -> list[str]:
    return [theme.heading for theme in room_themes.room_themes(meeting).themes]


@pytest.mark.parametrize(("width", "height"), [(1280, 720), (1920, 1080)])
def test_every_theme_whole_on_the_projector(
    themes_phase: Meeting,
    asgi_server: LiveASGIServer,
    browser: Browser,
    width: int,
    height: int,
) -> None:
    meeting = themes_phase
    expected = asgi_server.call(lambda: _expected(Meeting.objects.get(pk=meeting.pk)))
    assert len(expected) >= 3  # a real afternoon's lists share several themes
    room = browser.new_page(f"themes {width}×{height}", viewport={"width": width, "height": height})
    room.goto(f"/room/{meeting.room_token}/")
    room.wait_for_function("() => window.__ws.messages >= 1", timeout=LIVE_TIMEOUT)
    room.wait_for_function(
        "size => document.querySelector('.room-screen').dataset.fittedFor === size",
        arg=f"{width}x{height}",
    )
    found: dict[str, Any] = room.evaluate(MEASURE)
    room.screenshot(path=f"test-artifacts/themes-{width}x{height}.png")
    assert found["headings"] == expected
    assert found["outside"] == [] and found["overflowing"] == [], found
    assert found["scroll"] == [0, 0]
    assert found["clipped"] == [], found["clipped"]
    # Every factor is on the card or counted in its "… och N till" (the phones list them all).
    for card in found["cards"]:
        assert card["shown"] >= 1 and card["shown"] + card["more"] == card["total"], found["cards"]
    # Readable from the back of the room: the factors' text at 18 px or more (the gallery's
    # rule of thumb for a projector at 1280×720), larger on a larger screen.
    assert found["body"] >= 18, f"the themes' text is {found['body']} px at {width}×{height}"
    assert found["body"] >= 18 * height / 720 * 0.9, found["body"]
    print(
        f"\n{width}×{height}: {len(expected)} themes, {found['words']} factors, "
        f"{found['size']} px, factors' text {found['body']} px, "
        f"{sum(card['more'] for card in found['cards'])} counted in '… och N till'"
    )

    # The facilitator hides the first theme from the console: the room follows, still fitted.
    first = asgi_server.call(
        lambda: room_themes.room_themes(Meeting.objects.get(pk=meeting.pk)).themes[0].key
    )
    asgi_server.call(
        lambda: services.dismiss_theme(meeting=Meeting.objects.get(pk=meeting.pk), theme_key=first)
    )
    room.wait_for_function(
        "n => document.querySelectorAll('#room-themes .theme-heading').length === n",
        arg=len(expected) - 1,
        timeout=LIVE_TIMEOUT,
    )
    found = room.evaluate(MEASURE)
    assert found["headings"] == expected[1:]
    assert found["outside"] == [] and found["overflowing"] == []
    assert found["clipped"] == [] and found["body"] >= 18, found
    browser.assert_no_errors()


def test_a_phone_shows_the_same_list(
    themes_phase: Meeting, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    expected = asgi_server.call(lambda: _expected(Meeting.objects.get(pk=themes_phase.pk)))
    phone = join(browser, themes_phase, "Lärare", "Anna")
    phone.locator("#phone-themes").wait_for(timeout=LIVE_TIMEOUT)
    assert phone.locator("#phone-themes .theme-heading").all_inner_texts() == expected
    browser.assert_no_errors()
