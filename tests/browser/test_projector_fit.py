"""The room screen's gallery reads on the projectors people have, from 1024×768 to 3840×2160.

Seven home groups of five factors as real groups write them (tests/factor_texts.py: ~55
characters on average, up to 140, wordy and terse groups mixed differently per seed). At every
viewport: every factor whole on screen (every element's box inside the viewport, no element
whose content overflows it, no scrolling either way), one type size for all factors and at
least the size that reads at that resolution, contrast ≥ 7:1, the header band ≤ 15 % of the
height, lines broken only between words or at a (shown) hyphen, group names whole. Screenshots
go to test-artifacts/projector-*.png.

Data fixtures come before `browser` in every signature (see conftest.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from groups import services as group_services
from meetings.models import Meeting

from ..factor_texts import meeting_factors
from .conftest import Browser, LiveASGIServer

pytestmark = pytest.mark.browser

# (width, height): the smallest factor type that reads there, in CSS px.
VIEWPORTS = {
    (1024, 768): 14,
    (1280, 720): 16,
    (1366, 768): 16,
    (1920, 1080): 24,
    (3840, 2160): 40,
}


# More seeds for a wider look: TOPP25_FIT_SEEDS=1-40 (a range) or 5,9,12.
def _seeds(spec: str) -> list[int]:
    if "-" in spec:
        first, last = spec.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(seed) for seed in spec.split(",")]


SEEDS = _seeds(os.environ.get("TOPP25_FIT_SEEDS", "1,2,3,4"))
HEADER_SHARE = 0.15
CONTRAST = 7.0
LIVE_TIMEOUT = 30_000

# Core questions from short to long: a long one steps its own size down, never hidden.
QUESTIONS = {
    1: "Vad höjer elevernas resultat?",
    2: "Vad behöver vi göra tillsammans – i förskoleklassverksamheten, skolan och elevhälsan –"
    " för att fler elever ska nå målen?",
    3: "Vilka framgångsfaktorer ser ni i er egen verksamhet för att höja elevernas kunskaps"
    "resultat, och vad behöver huvudmannen, rektorerna och elevhälsoarbetet göra annorlunda"
    " under nästa läsår för att kompetensutvecklingsinsatserna ska nå ända in i klassrummet?",
    4: "Vad höjer elevernas resultat i vår kommun?",
}

# Everything measured in the page at once. Returns plain data for the asserts.
MEASURE = r"""
() => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const screen = document.querySelector(".room-screen");
  const label = (el) => el.id ? "#" + el.id
    : el.tagName.toLowerCase() + (typeof el.className === "string" && el.className
      ? "." + el.className.trim().split(/\s+/).join(".") : "")
      + (el.dataset && el.dataset.factorId ? `[factor ${el.dataset.factorId}]` : "");
  const shown = [screen, ...screen.querySelectorAll("*")].filter(
    (el) => !el.closest(".visually-hidden") && el.getClientRects().length > 0);
  const outside = [], overflowing = [];
  for (const el of shown) {
    const r = el.getBoundingClientRect();
    if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) {
      outside.push(`${label(el)} [${r.left}, ${r.top}, ${r.right}, ${r.bottom}]`);
    }
    if (el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth) {
      overflowing.push(`${label(el)} scroll ${el.scrollWidth}×${el.scrollHeight}`
        + ` client ${el.clientWidth}×${el.clientHeight}`);
    }
  }

  // Where each line of an element's text breaks: between two visible characters on different
  // lines there must be a space or a soft hyphen (drawn as "-"), or the first must be a dash.
  const badBreaks = (el) => {
    const chars = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest(".visually-hidden")) { continue; }
      for (let i = 0; i < node.data.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        // A character just after a break also reports an empty box at the end of the line before.
        const boxes = [...range.getClientRects()].filter((box) => box.width > 0);
        chars.push({c: node.data[i], top: boxes.length ? boxes[boxes.length - 1].top : null});
      }
    }
    const lineHeight = parseFloat(getComputedStyle(el).fontSize);
    const bad = [];
    let last = -1;
    for (let i = 0; i < chars.length; i++) {
      const {c, top} = chars[i];
      if (/\s|\u00ad/.test(c) || top === null) { continue; }
      if (last >= 0 && top > chars[last].top + lineHeight / 2) {
        const between = chars.slice(last + 1, i).map((x) => x.c).join("");
        if (!/[\s\u00ad]/.test(between) && !/[-–\/]/.test(chars[last].c)) {
          const text = chars.map((x) => x.c).join("").replace(/\u00ad/g, "");
          bad.push(`${label(el)}: "${chars[last].c}|${c}" in ${JSON.stringify(text)}`);
        }
      }
      last = i;
    }
    return bad;
  };

  const rgb = (value) => value.match(/[\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length < 4 || c[3] > 0) { return c.slice(0, 3); }
    }
    return [255, 255, 255];
  };
  const contrast = (el) => {
    const a = luminance(rgb(getComputedStyle(el).color)), b = luminance(background(el));
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  };

  const factors = [...document.querySelectorAll("#room-groups .room-factors li")];
  const names = [...document.querySelectorAll("#room-groups .room-col h2")];
  const texts = [...factors, ...names, document.querySelector(".room-question h1"),
                 document.querySelector(".room-code"), ...document.querySelectorAll(".room-progress")];
  const header = document.querySelector(".room-header").getBoundingClientRect();
  const question = document.querySelector(".room-question");
  return {
    outside,
    overflowing,
    badBreaks: [...factors, ...names].flatMap(badBreaks),
    factorTexts: factors.map((li) => li.textContent.replace(/\u00ad/g, "").trim()),
    factorSizes: [...new Set(factors.map((li) => getComputedStyle(li).fontSize))],
    nameLines: names.map((h2) => [h2.textContent.trim(),
      Math.round(h2.getBoundingClientRect().height / parseFloat(getComputedStyle(h2).lineHeight))]),
    lowContrast: texts.filter((el) => contrast(el) < 7).map((el) => `${label(el)} ${contrast(el)}`),
    headerHeight: header.height,
    headerBottom: header.bottom,
    questionSize: parseFloat(getComputedStyle(question.querySelector("h1")).fontSize),
    questionVisible: question.getBoundingClientRect().height > 0,
    code: document.querySelector(".room-code").getBoundingClientRect().height,
    scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight,
             document.body.scrollWidth, document.body.scrollHeight],
    rows: document.getElementById("room-groups").dataset.rows,
    fitMs: Number(screen.dataset.fitMs),
  };
}
"""


@dataclass
class GalleryMeeting:
    meeting: Meeting
    seed: int
    texts: list[str]
    group_names: list[str]
    longest_group_id: int


def fill(meeting: Meeting, seed: int, *, leave_out_last: bool = False) -> GalleryMeeting:
    """Seven groups of five factors from `seed`; optionally the wordiest group lacks its fifth."""
    meeting.core_question = QUESTIONS[(seed - 1) % len(QUESTIONS) + 1]
    meeting.save(update_fields=["core_question"])
    groups = list(meeting.home_groups())
    lists = meeting_factors(seed, groups=len(groups))
    wordiest = max(range(len(groups)), key=lambda i: sum(map(len, lists[i].texts)))
    texts: list[str] = []
    for index, (group, factors) in enumerate(zip(groups, lists, strict=True)):
        for text in factors.texts:
            if leave_out_last and index == wordiest and text == factors.texts[-1]:
                continue
            group_services.add_factor(group=group, text=text)
            texts.append(text)
    return GalleryMeeting(
        meeting, seed, texts, [group.name for group in groups], groups[wordiest].pk
    )


@pytest.fixture(params=SEEDS, ids=[f"seed{seed}" for seed in SEEDS])
def gallery(meeting: Meeting, request: pytest.FixtureRequest) -> GalleryMeeting:
    return fill(meeting, request.param)


def open_room(browser: Browser, gallery: GalleryMeeting, width: int, height: int) -> Any:
    room = browser.new_page(f"room {width}×{height}", viewport={"width": width, "height": height})
    room.goto(f"/room/{gallery.meeting.room_token}/")
    # The full state arrives on connect; the screen is fitted after it.
    room.wait_for_function("() => window.__ws.messages >= 1", timeout=LIVE_TIMEOUT)
    wait_fitted(room, width, height)
    return room


def wait_fitted(room: Any, width: int, height: int) -> None:
    room.wait_for_function(
        "size => document.querySelector('.room-screen').dataset.fittedFor === size",
        arg=f"{width}x{height}",
    )


def assert_reads(found: dict[str, Any], gallery: GalleryMeeting, width: int, height: int) -> None:
    where = f"seed {gallery.seed} at {width}×{height}"
    assert sorted(found["factorTexts"]) == sorted(gallery.texts), where
    assert found["outside"] == [], f"{where}: outside the viewport"
    assert found["overflowing"] == [], f"{where}: text cut off"
    assert found["scroll"] == [width, height, width, height], f"{where}: the page scrolls"
    assert len(found["factorSizes"]) == 1, f"{where}: more than one type size {found}"
    size = float(found["factorSizes"][0].removesuffix("px"))
    assert size >= VIEWPORTS[(width, height)], f"{where}: factors at {size}px"
    assert found["headerHeight"] <= HEADER_SHARE * height, f"{where}: header {found}"
    assert found["questionVisible"] and found["questionSize"] >= 10, where
    assert found["code"] > 0, f"{where}: the join code is not shown"
    assert found["lowContrast"] == [], where
    assert found["badBreaks"] == [], f"{where}: a word broken without a hyphen"
    # Group names are single words: whole, on one line.
    assert [lines for _name, lines in found["nameLines"]] == [1] * 7, f"{where}: {found}"


def test_gallery_reads_at_every_viewport(
    gallery: GalleryMeeting, asgi_server: LiveASGIServer, browser: Browser, artifacts: Path
) -> None:
    sizes = {}
    for (width, height), _minimum in VIEWPORTS.items():
        room = open_room(browser, gallery, width, height)
        found = room.evaluate(MEASURE)
        sizes[f"{width}×{height}"] = (
            found["factorSizes"][0],
            f"{found['rows']} row(s)",
            f"{found['fitMs']} ms",
        )
        room.screenshot(
            path=artifacts / f"projector-seed{gallery.seed}-{width}x{height}.png",
            animations="disabled",
        )
        assert_reads(found, gallery, width, height)
        room.context.close()
    print(f"seed {gallery.seed}: factor size, rows, fit time per viewport {sizes}")
    browser.assert_no_errors()


@pytest.fixture
def seed_one(meeting: Meeting) -> GalleryMeeting:
    return fill(meeting, 3)


def test_gallery_refits_when_the_window_changes(
    seed_one: GalleryMeeting, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    room = open_room(browser, seed_one, 1920, 1080)
    for width, height in [(1024, 768), (3840, 2160), (1280, 720), (1366, 768), (1920, 1080)]:
        room.set_viewport_size({"width": width, "height": height})
        wait_fitted(room, width, height)
        assert_reads(room.evaluate(MEASURE), seed_one, width, height)
    browser.assert_no_errors()


@pytest.fixture
def four_of_five(meeting: Meeting) -> GalleryMeeting:
    return fill(meeting, 2, leave_out_last=True)


# Runs in the first animation frame after a live update, i.e. what is painted first: the
# new list must already be fitted then (nothing cut off, one type size), not a frame later.
FIRST_FRAME = r"""
() => {
  window.__frames = [];
  document.addEventListener("htmx:wsAfterMessage", () => {
    requestAnimationFrame(() => {
      const cols = [...document.querySelectorAll("#room-groups .room-col")];
      const sizes = new Set([...document.querySelectorAll(".room-factors li")]
        .map((li) => getComputedStyle(li).fontSize));
      window.__frames.push({
        factors: document.querySelectorAll(".room-factors li").length,
        cut: cols.filter((c) => c.scrollHeight > c.clientHeight || c.scrollWidth > c.clientWidth)
          .map((c) => c.id),
        sizes: [...sizes],
      });
    });
  });
}
"""


def test_gallery_refits_after_a_live_update_before_it_is_painted(
    four_of_five: GalleryMeeting, asgi_server: LiveASGIServer, browser: Browser
) -> None:
    width, height = 1280, 720
    room = open_room(browser, four_of_five, width, height)
    size_before = room.evaluate(MEASURE)["factorSizes"]
    room.evaluate(FIRST_FRAME)
    text = (
        "Kompetensutvecklingsinsatser i elevhälsoarbetet och förskoleklassverksamheten"
        " med stöd av förstelärare och specialpedagoger varje termin"
    )
    assert len(text) == 136
    factor = asgi_server.call(
        lambda: group_services.add_factor(
            group=four_of_five.meeting.home_groups().get(pk=four_of_five.longest_group_id),
            text=text,
        )
    )
    room.locator(f'li[data-factor-id="{factor.pk}"]').wait_for()
    room.wait_for_function("() => window.__frames.length >= 1")
    frames = room.evaluate("window.__frames")
    assert frames[0]["factors"] == 35
    assert frames[0]["cut"] == [], "the first painted frame had text cut off"
    assert len(frames[0]["sizes"]) == 1
    four_of_five.texts.append(text)
    found = room.evaluate(MEASURE)
    assert_reads(found, four_of_five, width, height)
    print(
        f"factor size before {size_before}, after the 136-character factor {found['factorSizes']}"
    )
    assert room.evaluate("window.__ws.opened") == 1
    browser.assert_no_errors()
