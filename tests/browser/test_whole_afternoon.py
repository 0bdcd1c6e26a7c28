"""The whole afternoon of issue #7 in real browsers, every step by the role that does it: the
facilitator's console drives the phases, six phones in three home groups write, reveal, dot,
merge, pick and agree, meet in expert groups and give reflection words, and the room screen
shows it all. After each step the test asserts what each screen shows; no page is ever reloaded
(three phones follow the link to their expert group's page, as people do, and are live there).

Seeded (not what this test exercises): the second and third home groups' agreed lists.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings.errors import NeedsConfirmation
from meetings.models import Group, Meeting, Participant

from .conftest import ROOM_VIEWPORT, Browser, LiveASGIServer
from .test_afternoon import (
    LIVE,
    click_then_broadcast,
    join,
    live,
    login_console,
    next_phase,
    phase_panel,
    wait_text,
)
from .test_expert_reflection import _expert
from .test_pool import add_idea, dot, dots_left, pick, votes_of

HOME_GROUPS = ["Lärare", "Rektorer", "Politiker"]
# The phones, in the order they join, and their home groups.
PHONES = {
    "anna": "Lärare",
    "bo": "Lärare",
    "cia": "Rektorer",
    "dan": "Rektorer",
    "eva": "Politiker",
    "filip": "Politiker",
}
# What each phone writes while the pool is private. "Tryggheten i klassrum" says what anna's
# first idea says: the two are merged later.
IDEAS = {
    "anna": ["Trygghet i klassrummet", "Tid för kollegialt lärande", "Tydliga mål varje lektion"],
    "bo": ["Tryggheten i klassrum", "Elevhälsan med från början", "Fler vuxna ute på rasterna"],
    "cia": ["Nära pedagogiskt ledarskap"],
    "dan": ["Rektor på plats i verksamheten"],
    "eva": ["Långsiktiga beslut"],
    "filip": ["Resurser efter elevernas behov"],
}
# The seeded, agreed lists of the other two home groups.
SEEDED = {
    "Rektorer": [
        "Nära pedagogiskt ledarskap",
        "Rektor på plats i verksamheten",
        "Elevhälsan i planeringen",
        "Tydliga mål som följs upp",
        "Kollegialt lärande på schemat",
    ],
    "Politiker": [
        "Långsiktiga beslut",
        "Resurser efter elevernas behov",
        "Attraktiva arbetsplatser för lärare",
        "Samverkan med socialtjänsten",
        "Lokaler som fungerar",
    ],
}
# Reflection words, one field each; "Trygghet", "Tryggheten" and "trygghet" are one word.
WORDS = {
    "anna": ["Trygghet", "Mod"],
    "bo": ["Tryggheten"],
    "cia": ["trygghet", "Samarbete"],
    "dan": ["mod"],
    "eva": ["Samarbete"],
    "filip": ["Tid"],
}


pytestmark = [
    pytest.mark.browser,
    pytest.mark.afternoon(
        home_groups=HOME_GROUPS,
        title="Eftermiddag i Stadshuset",
        core_question="Vad höjer elevernas resultat?",
    ),
]


@pytest.fixture
def groups(afternoon: Meeting) -> dict[str, Group]:
    return {group.name: group for group in afternoon.home_groups()}


def advance(console: Any, title: str) -> None:
    """The facilitator starts the next phase; the console's "now" shows it."""
    next_phase(console)
    wait_text(console.locator("#console-phase"), title)


def room_mode(room: Any, mode: str) -> None:
    room.wait_for_function(
        "m => document.querySelector('#room-live').dataset.mode === m", arg=mode, timeout=LIVE
    )


def texts(locator: Any) -> list[str]:
    return [text.strip() for text in locator.all_inner_texts()]


def wait_items(page: Any, selector: str, expected: list[str]) -> None:
    """Wait until the elements `selector` finds are as many as `expected`, each containing its
    text, in order (soft hyphens, which the room screen puts in long words, left out)."""
    page.wait_for_function(
        "([selector, expected]) => { const items = [...document.querySelectorAll(selector)];"
        " return items.length === expected.length"
        " && items.every((item, i) =>"
        " item.textContent.replaceAll('\\u00ad', '').includes(expected[i])); }",
        arg=[selector, expected],
        timeout=LIVE,
    )


def seed_agreed_list(group: Group, factors: list[str]) -> None:
    for text in factors:
        group_services.add_factor(group=group, text=text)
    outcome = group_services.mark_agreed(group=group)
    assert not isinstance(outcome, NeedsConfirmation)


def test_the_whole_afternoon(
    afternoon: Meeting,
    groups: dict[str, Group],
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
) -> None:
    console = login_console(browser, facilitator, afternoon)
    room = browser.new_page("room screen", viewport=ROOM_VIEWPORT)
    room.goto(f"/room/{afternoon.room_token}/")
    live(room)
    phones = {name: join(browser, afternoon, group, name) for name, group in PHONES.items()}
    members = {
        group: [phones[name] for name, home in PHONES.items() if home == group]
        for group in HOME_GROUPS
    }
    teachers, principals, politicians = (groups[name] for name in HOME_GROUPS)
    anna, bo = phones["anna"], phones["bo"]
    room_live = room.locator("#room-live")
    rows = {name: console.locator(f"#console-group-{group.pk}") for name, group in groups.items()}
    wait_text(console.locator("#console-people"), "6 deltagare i mötet")

    # The facilitator keeps ideas private until revealed, before the afternoon starts.
    settings = console.locator("#pool-settings")
    settings.get_by_label("Idéerna är dolda tills gruppen visar dem").check()
    settings.get_by_role("button", name="Spara").click()
    wait_text(settings, "Sparat.")

    # Introduction, then buzz groups: every phone is told it sees only its own ideas.
    advance(console, "Inledning: föreläsning och film")
    wait_text(room_live, "Inledning: föreläsning och film")
    for phone in phones.values():
        wait_text(phase_panel(phone), "Lyssna på inledningen")
    advance(console, "Bikupor: samtala två och två")
    for phone in phones.values():
        wait_text(phase_panel(phone), "Ni ser bara era egna")
    wait_text(room_live, "Bikupor: samtala två och två")
    room_mode(room, "room_timer")
    wait_text(console.locator("#console-pool-rules"), "idéerna är dolda tills gruppen visar dem")

    # Each phone writes; each sees its own ideas only, and its group's count.
    for name, ideas in IDEAS.items():
        for idea in ideas:
            add_idea(phones[name], idea)
    for name, phone in phones.items():
        count = sum(len(IDEAS[other]) for other, home in PHONES.items() if home == PHONES[name])
        wait_text(phone.locator("#pool-state"), f"Gruppen har skrivit {count} ")
        shown = phone.locator(".phone-column").inner_text()
        assert all(idea in shown for idea in IDEAS[name])
        others = [idea for other, ideas in IDEAS.items() if other != name for idea in ideas]
        assert not [idea for idea in others if idea in shown], f"{name} sees others' ideas"
    wait_text(rows["Lärare"], "6 idéer")
    wait_text(rows["Rektorer"], "2 idéer")
    assert "Trygghet" not in rows["Lärare"].inner_text()  # the console counts, never reads

    # bo reveals the teachers' pool: both teachers' phones list all six at once.
    bo.get_by_role("button", name="Visa alla idéer").click()
    for phone in members["Lärare"]:
        for idea in IDEAS["anna"] + IDEAS["bo"]:
            wait_text(phone.locator("#idea-list"), idea)
    wait_text(rows["Lärare"], "visade")
    # The facilitator reveals the principals' pool from the console.
    console.locator(f"#console-reveal-{principals.pk}").click()
    for phone in members["Rektorer"]:
        for idea in IDEAS["cia"] + IDEAS["dan"]:
            wait_text(phone.locator("#idea-list"), idea)
    wait_text(rows["Rektorer"], "visade")
    # The politicians' pool stays private: neither sees the other's idea.
    for name in ("eva", "filip"):
        assert phones[name].locator("#idea-list").count() == 0
        other = IDEAS["filip" if name == "eva" else "eva"][0]
        assert other not in phones[name].locator(".phone-column").inner_text()
    assert console.locator(f"#console-reveal-{politicians.pk}").is_visible()

    # Home-group dialogue: the room's gallery, one column per home group.
    advance(console, "Samtal i hemgruppen")
    room_mode(room, "gallery")
    assert room.locator("#room-groups .room-col").count() == 3
    wait_text(room.locator(f"#room-group-{teachers.pk}"), "6 idéer · 0 röster")
    wait_text(room.locator(f"#room-group-{politicians.pk}"), "2 idéer (dolda)")
    for phone in phones.values():
        wait_text(phase_panel(phone), "sätta prickar")

    # Agree on five: dots, then the two about safety merged.
    advance(console, "Enas om fem framgångsfaktorer")
    for phone in members["Lärare"]:
        wait_text(phase_panel(phone), "Enas om fem framgångsfaktorer")
        dots_left(phone, 3)
    dot(anna, "Trygghet i klassrummet")
    dots_left(anna, 2)
    dot(bo, "Tryggheten i klassrum")
    dots_left(bo, 2)
    dot(bo, "Trygghet i klassrummet")
    dots_left(bo, 1)
    wait_text(anna.locator("#idea-list li", has_text="Trygghet i klassrummet"), "2 röster")
    column = room.locator(f"#room-group-{teachers.pk}")
    wait_text(column, "6 idéer · 3 röster")
    wait_text(rows["Lärare"], "6 idéer · 3 röster")

    suggestion = anna.locator(".duplicate", has_text="Tryggheten i klassrum")
    wait_text(suggestion, "trygghet")
    suggestion.get_by_role("button").click()
    for phone in members["Lärare"]:
        wait_text(phone.locator("#idea-list"), "Sammanslagen med: Tryggheten i klassrum")
    dots_left(bo, 2)  # bo had dotted both: one dot stays on the merged idea
    assert votes_of(bo, "Trygghet i klassrummet").endswith("2 röster")
    wait_text(column, "5 idéer · 2 röster")
    wait_text(rows["Lärare"], "5 idéer · 2 röster")

    # Five picked into the list, turn about; each pick reaches the other phone and the room.
    five = [
        "Trygghet i klassrummet",
        "Tid för kollegialt lärande",
        "Tydliga mål varje lektion",
        "Elevhälsan med från början",
        "Fler vuxna ute på rasterna",
    ]
    for index, idea in enumerate(five):
        picker, other = (anna, bo) if index % 2 == 0 else (bo, anna)
        pick(picker, idea)
        wait_items(other, "#factor-list li", five[: index + 1])
    wait_text(anna.locator("#idea-list"), "I listan som nr 5")
    wait_text(column, "Fler vuxna ute på rasterna")
    wait_text(rows["Lärare"], "5 av 5")
    # The order: bo moves the last one up; anna's list and the room follow.
    bo.get_by_role("button", name="Flytta upp: Fler vuxna ute på rasterna").click()
    ordered = [*five[:3], five[4], five[3]]
    wait_items(anna, "#factor-list li", ordered)
    wait_items(room, f"#room-group-{teachers.pk} .room-factors li", ordered)
    # A full list is agreed at once (no short-list question).
    anna.get_by_role("button", name="Markera som klar").click()
    wait_text(bo.locator("#group-state"), "listan är låst för hela gruppen")
    wait_text(column, "✓ Klar")
    wait_text(rows["Lärare"], "✓ Klar")
    bo.locator("#pool-state .dot-button").first.wait_for(state="detached", timeout=LIVE)

    # The other two groups' lists (seeded) show as agreed on their phones, the room, the console.
    for name in ("Rektorer", "Politiker"):
        asgi_server.call(seed_agreed_list, groups[name], SEEDED[name])
    for name in ("Rektorer", "Politiker"):
        wait_text(room.locator(f"#room-group-{groups[name].pk}"), "✓ Klar")
        wait_text(rows[name], "✓ Klar")
        for phone in members[name]:
            wait_text(phone.locator("#group-state"), "listan är låst för hela gruppen")
            wait_items(phone, "#factor-list li", SEEDED[name])

    # Fika: a rest screen on phones and in the room; the lists stay.
    advance(console, "Fika")
    for phone in phones.values():
        wait_text(phase_panel(phone), "Ta en paus")
    room_mode(room, "room_break")
    wait_text(room_live, "Ta en kopp kaffe")
    assert texts(anna.locator("#factor-list li")) == ordered

    # Expert groups: phones wait for their table; the facilitator previews two tables.
    advance(console, "Expertgrupper")
    for phone in phones.values():
        wait_text(phase_panel(phone), "delar in er i expertgrupper")
    room_mode(room, "gallery")
    experts = console.locator("#console-experts")
    experts.get_by_label("Antal expertgrupper").fill("2")
    click_then_broadcast(console, console.locator("#expert-allocate"), "experts")
    tables = [console.locator("#expert-table-1"), console.locator("#expert-table-2")]
    for position, table in enumerate(tables, start=1):
        wait_text(table, f"Expertgrupp {position} — bord {position}")
    for table in tables:
        # One from each home group at each table.
        assert table.locator(".expert-person").count() == 3
        assert all(name in table.inner_text() for name in HOME_GROUPS)
    wait_text(experts, "Inte publicerade.")
    for phone in phones.values():  # a preview only: no phone has a table yet
        assert "delar in er i expertgrupper" in phase_panel(phone).inner_text()

    # Published: each phone shows its table; the room's gallery the expert groups.
    console.locator("#expert-publish").click()
    wait_text(experts, "Publicerade kl.")
    people = asgi_server.call(
        lambda: list(
            Participant.objects.filter(meeting=afternoon)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    )
    seats = {name: asgi_server.call(_expert, pk) for name, pk in zip(PHONES, people, strict=True)}
    for name, phone in phones.items():
        position = seats[name][1]
        wait_text(phase_panel(phone), f"Expertgrupp {position} — bord {position}")
    for group_id, _position in set(seats.values()):
        room.locator(f"#room-group-{group_id}").wait_for(timeout=LIVE)

    # Three phones open their expert group's page: anna, a tablemate, and one from the other
    # table. Each shows the three agreed lists and its own group's (empty) list.
    anna_table = seats["anna"][0]
    mate = next(n for n in PHONES if n != "anna" and seats[n][0] == anna_table)
    stranger = next(n for n in PHONES if seats[n][0] != anna_table)
    for name in ("anna", mate, stranger):
        phone = phones[name]
        phone.locator("#expert-page-link").click()
        phone.wait_for_url(f"**/m/{afternoon.join_code}/expert/")
        live(phone)
        home_lists = phone.locator("#home-lists")
        for group_name, listed in (("Lärare", ordered), *SEEDED.items()):
            group_list = home_lists.locator(
                f".home-list[aria-labelledby='home-list-{groups[group_name].pk}']"
            )
            assert "✓ Klar" in group_list.inner_text()
            assert texts(group_list.locator("li")) == listed
        assert "Inga framgångsfaktorer ännu" in phone.locator("#group-state").inner_text()
    # anna adds to her expert group's list: her tablemate, the room and the console see it.
    anna.get_by_label("Ny framgångsfaktor").fill("Gemensamt språk för lärande")
    anna.get_by_role("button", name="Lägg till").click()
    wait_text(anna.locator("#factor-list"), "Gemensamt språk för lärande")
    wait_text(phones[mate].locator("#factor-list"), "Gemensamt språk för lärande")
    wait_text(room.locator(f"#room-group-{anna_table}"), "Gemensamt språk för lärande")
    wait_text(console.locator(f"#console-group-{anna_table}"), "Gemensamt språk för lärande")
    assert phones[stranger].locator("#factor-list").count() == 0  # another table's list

    # Reflection: every phone (home or expert page) gives words; the room's cloud folds them.
    advance(console, "Gemensam reflektion")
    for phone in phones.values():
        wait_text(phase_panel(phone), "vad tar du med dig")
    wait_text(room_live, "Gemensam reflektion")
    for name, entries in WORDS.items():
        phone = phones[name]
        for index, word in enumerate(entries, start=1):
            phone.get_by_label(f"Ord {index}", exact=True).fill(word)
        phone.locator("#reflection-submit").click()
        wait_items(phone, "#my-words li", entries)
    cloud = room.locator("#room-words")
    room.wait_for_function(
        "() => document.querySelectorAll('#room-words-ranked li').length === 4"
        " && document.querySelector('#room-words [data-key=\"trygghet\"]')"
        "?.classList.contains('word-size-3')",
        timeout=LIVE,
    )
    assert cloud.locator("[data-key='trygghet']").inner_text() == "Trygghet"
    assert cloud.locator(".cloud-word").count() == 4
    assert texts(cloud.locator("#room-words-ranked li")) == [
        "Trygghet: 3 gånger",
        "Mod: 2 gånger",
        "Samarbete: 2 gånger",
        "Tid: 1 gång",
    ]
    wait_items(console, "#console-words tbody th", ["Trygghet", "Mod", "Samarbete", "Tid"])
    counts = console.locator("#console-words tbody tr > td:first-of-type")
    assert texts(counts) == ["3", "2", "2", "1"]

    # Closed: every phone thanks, the room too; nothing was ever reloaded.
    advance(console, "Tack för i dag")
    for phone in phones.values():
        wait_text(phase_panel(phone), "Tack för att du deltog!")
    wait_text(room.locator("#room-phase"), "Tack för att ni deltog!")
    for page in (console, room, *phones.values()):
        assert page.evaluate("window.__noReload") == 1, f"{page.url} reloaded"
    browser.assert_no_errors()
