"""Printable cards: one per home group (a QR that joins straight into it, the code, the
address), one per published expert table, and the A4 agenda handout; and the join link a
group's card encodes (one tap joins that group; a wrong group answers like a wrong code)."""

from __future__ import annotations

import io
import math
from typing import Any

import pypdf
import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.models import Group, Meeting, Participant
from meetings.phases import AgendaTemplate
from screens.cards import cards_context, group_join_path, qr_data_uri


@pytest.fixture
def afternoon(facilitator: User) -> Meeting:
    import datetime

    return services.create_meeting(
        facilitator=facilitator,
        title="Topp25 hösten",
        date=datetime.date(2026, 11, 23),
        venue="Stadshuset",
        core_question="Vad höjer elevernas resultat?",
        usual_home_groups=True,
        agenda_template=AgendaTemplate.PROFESSION_AFTERNOON,
    )


def pdf_pages(client: Client, meeting: Meeting) -> list[pypdf.PageObject]:
    response = client.get(reverse("meetings:cards", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    return list(pypdf.PdfReader(io.BytesIO(response.content)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_one_card_per_home_group_then_the_agenda(
    client: Client, afternoon: Meeting, facilitator: User
) -> None:
    client.force_login(facilitator)
    groups = list(afternoon.home_groups())
    pages = pdf_pages(client, afternoon)
    sheets = math.ceil(len(groups) / 4)
    texts = [flat(page.extract_text()) for page in pages]
    # Four A6 cards to an A4 sheet, in the groups' order, each with its name, the code and
    # the address to type; each card has its own QR image.
    for index, group in enumerate(groups):
        sheet = texts[index // 4]
        assert group.name in sheet
    for number in range(sheets):
        cards_here = len(groups[number * 4 : number * 4 + 4])
        assert texts[number].count(afternoon.join_code) == cards_here
        assert texts[number].count("Hemgrupp") == cards_here
        assert texts[number].count("http://testserver/") == cards_here
        width, height = (float(value) for value in pages[number].mediabox[2:])
        assert (round(width), round(height)) == (595, 842)  # A4 in points
    order = [texts[index // 4].index(group.name) for index, group in enumerate(groups[:4])]
    assert order == sorted(order)
    # The agenda handout after the cards: title, core question, every phase, the code.
    handout = " ".join(texts[sheets:])
    assert "Topp25 hösten" in handout and "Vad höjer elevernas resultat?" in handout
    for phase in afternoon.phases.all():
        assert phase.title in handout
    assert afternoon.join_code in handout


def test_each_qr_encodes_its_groups_join_link(afternoon: Meeting) -> None:
    """segno cannot decode: the QR on each card is the one made from the group's own join
    URL by the same function, and that URL leads to the group's one-tap page."""

    def absolute(path: str) -> str:
        return "https://topp25.example.se" + path

    context: dict[str, Any] = cards_context(afternoon, absolute=absolute)
    groups = list(afternoon.home_groups())
    cards = context["cards"]
    assert [card.name for card in cards] == [group.name for group in groups]
    for card, group in zip(cards, groups, strict=True):
        expected = absolute(f"/m/{afternoon.join_code}/g/{group.pk}/")
        assert card.url == expected == absolute(group_join_path(afternoon, group))
        assert card.qr == qr_data_uri(expected)
    assert len({card.qr for card in cards}) == len(cards)
    # The printed page shows each card's own QR, described for a screen reader.
    html = render_to_string("screens/cards_print.html", context)
    for card in cards:
        assert html.count(f'src="{card.qr}"') == 1
        assert f'alt="QR-kod: gå med i {card.name}"' in html


def test_expert_tables_get_cards_once_published(
    client: Client, afternoon: Meeting, facilitator: User
) -> None:
    for group in afternoon.home_groups():
        for person in range(2):
            services.join_meeting(
                meeting=afternoon, home_group_id=group.pk, display_name=f"{group.name} {person}"
            )
    tables = services.allocate_experts(meeting=afternoon, expert_count=3)
    client.force_login(facilitator)
    # The last page is the agenda handout (which names the phase "Expertgrupper").
    before = " ".join(flat(page.extract_text()) for page in pdf_pages(client, afternoon)[:-1])
    assert "Expertgrupp" not in before  # a draft is not printed
    services.publish_experts(meeting=afternoon, confirmed=True)
    pages = pdf_pages(client, afternoon)
    text = " ".join(flat(page.extract_text()) for page in pages[:-1])
    assert text.count("Din expertgrupp visas i telefonen.") == len(tables)
    for table in tables:
        assert table.name in text
    assert "Vid bordet:" in text
    assert len(pages) == math.ceil((7 + len(tables)) / 4) + 1


def test_cards_are_the_facilitators(client: Client, afternoon: Meeting) -> None:
    url = reverse("meetings:cards", args=[afternoon.pk])
    assert client.get(url).status_code == 302  # to the login page
    User.objects.create_user("bertil", password="hemligt-losen-2")
    client.login(username="bertil", password="hemligt-losen-2")
    assert client.get(url).status_code == 404  # another organiser's meeting: as if none


def test_console_links_to_the_cards(client: Client, afternoon: Meeting, facilitator: User) -> None:
    client.force_login(facilitator)
    html = client.get(reverse("meetings:detail", args=[afternoon.pk])).content.decode()
    assert f'href="{reverse("meetings:cards", args=[afternoon.pk])}"' in html


def test_a_groups_link_asks_once_and_one_tap_joins(
    client: Client, meeting: Meeting, teachers: Group
) -> None:
    url = reverse("meetings:join_group", args=[meeting.join_code, teachers.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Gå med i Lärare" in html
    assert f'name="home_group" value="{teachers.pk}"' in html
    token = html.split('name="join_token" value="')[1].split('"')[0]
    tapped = client.post(
        reverse("meetings:join", args=[meeting.join_code]),
        {"home_group": teachers.pk, "join_token": token},
    )
    assert tapped.status_code == 302
    assert tapped["Location"] == reverse("groups:page", args=[meeting.join_code])
    participant = Participant.objects.get()
    assert participant.home_group == teachers
    # Scanning the card again: straight to the group.
    again = client.get(url)
    assert again.status_code == 302
    assert again["Location"] == reverse("groups:page", args=[meeting.join_code])


def test_another_groups_card_offers_to_change(
    client: Client, meeting: Meeting, teachers: Group, principals: Group, join_as: Any
) -> None:
    join_as(teachers)
    html = client.get(
        reverse("meetings:join_group", args=[meeting.join_code, principals.pk])
    ).content.decode()
    assert "Du är med i Lärare nu." in html and "Byt till Rektorer" in html


def test_a_wrong_group_answers_like_a_wrong_code(
    client: Client, meeting: Meeting, facilitator: User, settings: Any
) -> None:
    other = services.create_meeting(
        facilitator=facilitator,
        title="Annat möte",
        date=meeting.date,
        core_question="?",
        usual_home_groups=True,
    )
    wrong_code = client.get(reverse("meetings:join_group", args=["ZZZZZZ", 1]))
    foreign = other.home_groups().first()
    assert foreign is not None
    for group_id in (foreign.pk, 999_999):
        wrong_group = client.get(reverse("meetings:join_group", args=[meeting.join_code, group_id]))
        assert wrong_group.status_code == wrong_code.status_code == 404
        assert "Det finns inget öppet möte med koden" in wrong_group.content.decode()
    services.set_joining_open(meeting=meeting, is_open=False)
    teachers = meeting.home_groups().get(name="Lärare")
    closed = client.get(reverse("meetings:join_group", args=[meeting.join_code, teachers.pk]))
    assert closed.status_code == 404


def test_guessing_groups_is_throttled_like_codes(
    client: Client, meeting: Meeting, teachers: Group, settings: Any
) -> None:
    settings.JOIN_FAILURES_PER_CLIENT = "3/10m"
    for group_id in range(900_001, 900_004):
        response = client.get(reverse("meetings:join_group", args=[meeting.join_code, group_id]))
        assert response.status_code == 404
    blocked = client.get(reverse("meetings:join_group", args=[meeting.join_code, teachers.pk]))
    assert blocked.status_code == 429
    assert "Retry-After" in blocked
