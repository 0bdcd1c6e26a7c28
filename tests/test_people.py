"""Who is in the meeting, at any size: the console lists the newest joins, the people page finds
anyone, and joins in a storm reach the console as one update per short window."""

from __future__ import annotations

import re
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.models import Group, Meeting, Participant
from screens import broadcast
from tests.support.live import connected, console_cookie, console_socket


def add_people(group: Group, count: int, prefix: str = "Person") -> list[Participant]:
    return Participant.objects.bulk_create(
        Participant(
            meeting=group.meeting,
            home_group=group,
            display_name=f"{prefix} {n:04d}",
            join_token=uuid.uuid4(),
        )
        for n in range(count)
    )


def rows(html: str) -> list[str]:
    return re.findall(r'<tr id="person-(\d+)">', html)


def test_a_large_meeting_lists_its_newest_joins_and_links_to_everyone(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group
) -> None:
    people = add_people(teachers, broadcast.PEOPLE_SHOWN + 30)
    client.force_login(facilitator)

    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

    count = broadcast.PEOPLE_SHOWN + 30
    assert f"{count} deltagare i mötet" in html
    newest = [str(person.pk) for person in people[-broadcast.PEOPLE_SHOWN :]]
    assert rows(html) == newest  # in the order they joined
    assert f"Visar de {broadcast.PEOPLE_SHOWN} senast anslutna av {count}." in html
    assert reverse("meetings:people", args=[meeting.pk]) in html


def test_a_meeting_of_usual_size_lists_everyone_without_a_note(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group
) -> None:
    people = add_people(teachers, 12)
    client.force_login(facilitator)

    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

    assert rows(html) == [str(person.pk) for person in people]
    assert "senast anslutna" not in html


def test_each_move_select_offers_every_group_with_the_persons_own_chosen(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group, principals: Group
) -> None:
    services.rename_group(meeting=meeting, group_id=principals.pk, name="Rektorer <&> chefer")
    [anna] = add_people(teachers, 1, "Anna")
    [bo] = add_people(principals, 1, "Bo")
    client.force_login(facilitator)

    html = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()

    for person, own in ((anna, teachers), (bo, principals)):
        select = re.search(rf'<select id="move-{person.pk}" name="group">(.*?)</select>', html)
        assert select is not None
        options = re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', select[1])
        assert [int(pk) for pk, _sel, _name in options] == [g.pk for g in meeting.home_groups()]
        assert [int(pk) for pk, selected, _name in options if selected] == [own.pk]
    assert "Rektorer &lt;&amp;&gt; chefer" in html and "<&>" not in html


def test_the_people_page_finds_by_name_or_group_and_moves_back_to_the_search(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group, principals: Group
) -> None:
    add_people(teachers, 3, "Lärare")
    [kim] = add_people(principals, 1, "Kim")
    client.force_login(facilitator)
    url = reverse("meetings:people", args=[meeting.pk])

    found = client.get(url, {"q": "kim"}).content.decode()
    assert rows(found) == [str(kim.pk)] and "1 träff på ”kim”" in found
    assert len(rows(client.get(url, {"q": "Rektorer"}).content.decode())) == 1
    assert len(rows(client.get(url).content.decode())) == 4

    moved = client.post(
        reverse("meetings:participant_move", args=[meeting.pk, kim.pk]),
        {"group": teachers.pk, "next": "people", "q": "kim"},
    )

    assert moved.status_code == 302 and moved["Location"] == f"{url}?q=kim&moved={kim.pk}"
    kim.refresh_from_db()
    assert kim.home_group_id == teachers.pk
    after = client.get(moved["Location"]).content.decode()
    assert re.search(r'role="status">\s*Kim 0000 flyttades till Lärare\.', after)
    # Each control says whom it moves.
    assert f'for="move-{kim.pk}">Ny hemgrupp: Kim 0000</label>' in after
    assert '<span class="visually-hidden"> Kim 0000</span></button>' in after


def test_the_search_folds_swedish_letters_on_every_database(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group
) -> None:
    [asa] = add_people(teachers, 1, "Åsa Örn")
    add_people(teachers, 2, "Bo")
    client.force_login(facilitator)
    url = reverse("meetings:people", args=[meeting.pk])

    for query in ("åsa", "ÖRN", "Åsa ö"):
        assert rows(client.get(url, {"q": query}).content.decode()) == [str(asa.pk)], query
    assert len(rows(client.get(url, {"q": "lärare"}).content.decode())) == 3


def test_the_people_page_pages_through_everyone_and_a_move_keeps_the_page(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group, principals: Group
) -> None:
    from screens.meeting_views import PEOPLE_PER_PAGE

    people = add_people(teachers, PEOPLE_PER_PAGE + 5)
    client.force_login(facilitator)
    url = reverse("meetings:people", args=[meeting.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()
    assert rows(first) == [str(p.pk) for p in people[:PEOPLE_PER_PAGE]]
    assert rows(second) == [str(p.pk) for p in people[PEOPLE_PER_PAGE:]]
    assert "Sida 2 av 2" in second and "?page=1" in second
    # A page out of range shows the last one rather than an error.
    assert rows(client.get(url, {"page": "99"}).content.decode()) == rows(second)
    assert rows(client.get(url, {"page": "x"}).content.decode()) == rows(first)

    last = people[-1]
    moved = client.post(
        reverse("meetings:participant_move", args=[meeting.pk, last.pk]),
        {"group": principals.pk, "next": "people", "q": "", "page": "2"},
    )
    assert moved["Location"] == f"{url}?page=2&moved={last.pk}"


def test_the_people_page_refuses_bad_input_in_swedish(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group, principals: Group
) -> None:
    [kim] = add_people(principals, 1, "Kim")
    client.force_login(facilitator)
    url = reverse("meetings:people", args=[meeting.pk])

    too_long = client.get(url, {"q": "x" * 61})
    assert too_long.status_code == 400
    assert "Sök med högst 60 tecken." in too_long.content.decode()
    # Control characters are cleaned away, not an error; a NUL is refused at the door (400).
    assert rows(client.get(url, {"q": "K\x01im\x07"}).content.decode()) == [str(kim.pk)]
    assert client.get(url, {"q": "K\x00im"}).status_code == 400

    other = services.create_meeting(
        facilitator=facilitator,
        title="Ett annat möte",
        date=meeting.date,
        core_question="?",
        usual_home_groups=True,
    )
    wrong_group = client.post(
        reverse("meetings:participant_move", args=[meeting.pk, kim.pk]),
        {"group": other.home_groups()[0].pk, "next": "people", "q": "kim"},
    )
    assert 400 <= wrong_group.status_code < 500
    assert 'role="alert"' in wrong_group.content.decode()
    kim.refresh_from_db()
    assert kim.home_group_id == principals.pk


def test_the_people_page_is_the_meetings_facilitators_only(
    client: Client, meeting: Meeting, teachers: Group
) -> None:
    url = reverse("meetings:people", args=[meeting.pk])
    assert client.get(url).status_code == 302  # to the login page
    stranger = User.objects.create_user("stranger", password="x-hemligt-1")
    client.force_login(stranger)
    assert client.get(url).status_code in (403, 404)


@pytest.mark.django_db(transaction=True)
async def test_joins_in_a_storm_reach_the_console_once_per_window_with_the_newest_count(
    meeting: Meeting, teachers: Group, facilitator: User
) -> None:
    console = console_socket(meeting, await console_cookie(facilitator))
    assert "0 deltagare i mötet" in await connected(console)
    join = database_sync_to_async(services.join_meeting)

    started = time.monotonic()
    for n in range(40):
        await join(meeting=meeting, home_group_id=teachers.pk, display_name=f"Deltagare {n}")
    joining = time.monotonic() - started

    updates = [await console.receive_from(timeout=5)]
    while "40 deltagare i mötet" not in updates[-1]:
        updates.append(await console.receive_from(timeout=5))
    # A build may count the last join but read the revision from before it: the next build
    # then sends the same count with the newer revision. Whatever still comes says 40.
    while not await console.receive_nothing(timeout=1):
        updates.append(await console.receive_from(timeout=5))
        assert "40 deltagare i mötet" in updates[-1]
    # One build per window (0.3 s here) while the joins ran, not one per join.
    assert len(updates) <= 3 + joining / 0.3
    assert len(updates) < 40
    await console.disconnect()
