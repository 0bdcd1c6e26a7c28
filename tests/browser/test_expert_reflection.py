"""Expert groups and the reflection in real browsers, with no reload of the console or the room:
the facilitator allocates (preview), moves one person by keyboard and publishes; phones show
their table; an expert-group phone adds to the expert list; reflection words from phones appear
folded in the room's cloud; the facilitator hides one and it leaves the room."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings.models import Meeting, Participant, PhaseKind

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

pytestmark = [
    pytest.mark.browser,
    pytest.mark.afternoon(
        title="Eftermiddag med expertgrupper", core_question="Vad höjer elevernas resultat?"
    ),
]


@pytest.fixture
def afternoon_with_lists(afternoon: Meeting) -> Meeting:
    teachers, principals = afternoon.home_groups().order_by("position")
    group_services.add_factor(group=teachers, text="Kollegialt lärande")
    group_services.add_factor(group=principals, text="Tydligt ledarskap")
    return afternoon


def expert_phase(meeting: Meeting) -> int:
    return meeting.agenda().get(kind=PhaseKind.EXPERT).pk


def test_expert_groups_and_the_word_cloud(
    afternoon_with_lists: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    artifacts: Path,
) -> None:
    console = login_console(browser, facilitator, afternoon_with_lists)
    room = browser.new_page("room screen", viewport=ROOM_VIEWPORT)
    room.goto(f"/room/{afternoon_with_lists.room_token}/")
    live(room)
    phones = {
        "anna": join(browser, afternoon_with_lists, "Lärare", "anna"),
        "bo": join(browser, afternoon_with_lists, "Lärare", "bo"),
        "cia": join(browser, afternoon_with_lists, "Rektorer", "cia"),
        "dan": join(browser, afternoon_with_lists, "Rektorer", "dan"),
    }
    people = asgi_server.call(
        lambda: list(
            Participant.objects.filter(meeting=afternoon_with_lists)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    )
    assert len(people) == 4
    names = dict(zip(phones, people, strict=True))
    wait_text(console.locator("#console-people"), "4 deltagare i mötet")

    # The expert phase starts; phones wait for their table, the room shows the home lists.
    start = console.locator(f"#phase-start-{asgi_server.call(expert_phase, afternoon_with_lists)}")
    click_then_broadcast(console, start, "phases")
    for phone in phones.values():
        wait_text(phase_panel(phone), "delar in er i expertgrupper")
    room.wait_for_function("() => document.querySelector('#room-live').dataset.mode === 'gallery'")
    wait_text(room.locator("#room-live"), "Kollegialt lärande")

    # Allocate two tables and preview: every person, from which home group, at which table.
    experts = console.locator("#console-experts")
    experts.get_by_label("Antal expertgrupper").fill("2")
    click_then_broadcast(console, console.locator("#expert-allocate"), "experts")
    table_one, table_two = console.locator("#expert-table-1"), console.locator("#expert-table-2")
    wait_text(table_one, "Expertgrupp 1 — bord 1")
    wait_text(table_two, "Expertgrupp 2 — bord 2")
    for table in (table_one, table_two):
        assert table.locator(".expert-person").count() == 2
        text = table.inner_text()
        assert "Lärare" in text and "Rektorer" in text and "anonym" in text

    # Move one person to the other table by keyboard only: the select, then Tab, Enter.
    anna_row = console.locator(f"#draft-person-{names['anna']}")
    anna_table = "1" if table_one.locator(f"#draft-person-{names['anna']}").count() else "2"
    select = anna_row.locator("select")
    select.focus()
    console.keyboard.press("ArrowDown" if anna_table == "1" else "ArrowUp")
    console.keyboard.press("Tab")
    assert console.evaluate("document.activeElement.id") == f"draft-move-{names['anna']}-submit"
    console.keyboard.press("Enter")
    other = table_two if anna_table == "1" else table_one
    other.locator(f"#draft-person-{names['anna']}").wait_for(timeout=LIVE)
    assert other.locator(".expert-person").count() == 3
    anna_draft = asgi_server.call(_draft, names["anna"])

    console.screenshot(path=artifacts / "console-experts.png", full_page=True, caret="initial")

    # Publish: every phone shows its own table, without a reload.
    console.locator("#expert-publish").click()
    wait_text(experts, "Publicerade kl.")
    tables = {name: asgi_server.call(lambda pk=pk: _expert(pk)) for name, pk in names.items()}
    assert tables["anna"][0] == anna_draft
    for name, phone in phones.items():
        _group_id, position = tables[name]
        wait_text(phase_panel(phone), f"Expertgrupp {position} — bord {position}")
    # The room's gallery now shows the expert groups.
    room.locator(f"#room-group-{tables['anna'][0]}").wait_for(timeout=LIVE)

    # Anna opens her expert group's list: the home groups' lists above it, then adds to it.
    anna = phones["anna"]
    anna.locator("#expert-page-link").tap()
    anna.wait_for_url(f"**/m/{afternoon_with_lists.join_code}/expert/")
    live(anna)
    home_lists = anna.locator("#home-lists")
    assert "Kollegialt lärande" in home_lists.inner_text()
    assert "Tydligt ledarskap" in home_lists.inner_text()
    anna.get_by_label("Ny framgångsfaktor").fill("Gemensamt språk för lärande")
    anna.get_by_role("button", name="Lägg till").click()
    wait_text(anna.locator("#factor-list"), "Gemensamt språk för lärande")
    wait_text(room.locator(f"#room-group-{tables['anna'][0]}"), "Gemensamt språk för lärande")
    wait_text(console.locator(f"#console-group-{tables['anna'][0]}"), "Gemensamt språk för lärande")

    # Reflection: words from the phones, folded in the room's cloud.
    next_phase(console)
    for phone in phones.values():
        wait_text(phase_panel(phone), "vad tar du med dig")
    words = {"anna": ["Trygghet", "Tid"], "bo": ["tryggheten"], "cia": ["trygghet"], "dan": ["tid"]}
    for name, entries in words.items():
        phone = phones[name]
        for index, word in enumerate(entries, start=1):
            phone.get_by_label(f"Ord {index}", exact=True).fill(word)
        phone.locator("#reflection-submit").tap()
        wait_text(phone.locator("#my-words"), entries[0])
    cloud = room.locator("#room-words")
    room.wait_for_function(
        "() => { const w = document.querySelector('#room-words [data-key=\"trygghet\"]');"
        " return w && w.classList.contains('word-size-3'); }",
        timeout=LIVE,
    )
    assert cloud.locator("[data-key='trygghet']").inner_text() == "Trygghet"
    assert cloud.locator(".cloud-word").count() == 2
    ranked = cloud.locator("#room-words-ranked").text_content() or ""
    assert "Trygghet: 3 gånger" in ranked and "Tid: 2 gånger" in ranked

    room.screenshot(path=artifacts / "room-word-cloud.png", caret="initial")
    anna.screenshot(path=artifacts / "phone-expert-reflection.png", full_page=True, caret="initial")

    # The facilitator hides "Tid": it leaves the room's cloud and list, live.
    words_card = console.locator("#console-words")
    wait_text(words_card, "Tid")
    words_card.get_by_role("button", name=re.compile(r"^Dölj\W+Tid$")).click()
    cloud.locator("[data-key='tid']").wait_for(state="detached", timeout=LIVE)
    assert "Tid" not in (cloud.locator("#room-words-ranked").text_content() or "")
    wait_text(console.locator("#console-words"), "dolt av anna")

    for page in (console, room, phones["bo"], phones["cia"], phones["dan"]):
        assert page.evaluate("window.__noReload") == 1, "a screen reloaded"
    browser.assert_no_errors()


def _draft(pk: int) -> int | None:
    return Participant.objects.get(pk=pk).expert_draft_id


def _expert(pk: int) -> tuple[int, int]:
    person = Participant.objects.select_related("expert_group").get(pk=pk)
    assert person.expert_group is not None
    return person.expert_group.pk, person.expert_group.position
