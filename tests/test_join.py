"""Joining by code or link: the right meeting, the right group, clear words when not."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import Group, Meeting, Participant
from meetings.services import set_joining_open


def test_start_page_has_a_labelled_code_field(client: Client, db: None) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="sv">' in html
    assert '<label for="join-code">Mötets kod</label>' in html


def test_code_is_forgiving_about_case_and_spaces(client: Client, meeting: Meeting) -> None:
    typed = " " + meeting.join_code.lower()[:3] + "-" + meeting.join_code.lower()[3:] + " "
    response = client.get("/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:join", args=[meeting.join_code])


@pytest.mark.parametrize("code", ["", "ZZZZZZ", "x" * 500])
def test_wrong_code_gets_a_swedish_message(client: Client, meeting: Meeting, code: str) -> None:
    response = client.get("/", {"code": code})
    assert response.status_code in (400, 404)
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "rumsskärmen" in html


def test_closed_meeting_refuses_new_participants(client: Client, meeting: Meeting) -> None:
    set_joining_open(meeting=meeting, is_open=False)
    response = client.get("/", {"code": meeting.join_code})
    # The same answer as a wrong code (see tests/test_join_guessing.py).
    assert response.status_code == 404
    assert "Det finns inget öppet möte med koden" in response.content.decode()
    join = client.get(reverse("meetings:join", args=[meeting.join_code]))
    assert join.status_code == 404
    group = meeting.home_groups().first()
    assert group is not None
    posted = client.post(
        reverse("meetings:join", args=[meeting.join_code]), {"home_group": group.pk}
    )
    assert posted.status_code == 404
    assert Participant.objects.count() == 0


def test_join_picks_group_and_resumes_on_the_same_phone(
    client: Client, meeting: Meeting, teachers: Group
) -> None:
    join_url = reverse("meetings:join", args=[meeting.join_code])
    picker = client.get(join_url).content.decode()
    assert f'name="home_group" value="{teachers.pk}"' in picker
    response = client.post(join_url, {"home_group": teachers.pk, "display_name": " Eva "})
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:page", args=[meeting.join_code])
    participant = Participant.objects.get()
    assert (participant.home_group, participant.display_name) == (teachers, "Eva")

    # Coming back: straight to the group page, no second participant.
    assert client.get(join_url)["Location"] == reverse("groups:page", args=[meeting.join_code])
    page = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
    assert "Din grupp: Lärare" in page
    assert Participant.objects.count() == 1


def test_join_link_with_lower_case_code_redirects(client: Client, meeting: Meeting) -> None:
    response = client.get(f"/m/{meeting.join_code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:join", args=[meeting.join_code])


def test_changing_group_moves_the_same_participant(
    client: Client, meeting: Meeting, teachers: Group, principals: Group
) -> None:
    join_url = reverse("meetings:join", args=[meeting.join_code])
    client.post(join_url, {"home_group": teachers.pk})
    assert client.get(join_url + "?change=1").status_code == 200
    client.post(join_url, {"home_group": principals.pk})
    assert list(Participant.objects.values_list("home_group", flat=True)) == [principals.pk]


@pytest.mark.parametrize("forged", ["", "abc", "999999"])
def test_forged_group_id_is_refused(client: Client, meeting: Meeting, forged: str) -> None:
    response = client.post(
        reverse("meetings:join", args=[meeting.join_code]), {"home_group": forged}
    )
    assert response.status_code == 400
    assert "Välj en av mötets hemgrupper" in response.content.decode()
    assert Participant.objects.count() == 0


def test_group_of_another_meeting_is_refused(client: Client, meeting: Meeting, facilitator) -> None:
    from meetings.services import create_meeting

    other = create_meeting(
        facilitator=facilitator,
        title="Annat",
        date=meeting.date,
        core_question="?",
        usual_home_groups=True,
    )
    foreign = other.home_groups().first()
    assert foreign is not None
    response = client.post(
        reverse("meetings:join", args=[meeting.join_code]), {"home_group": foreign.pk}
    )
    assert response.status_code == 400
    assert Participant.objects.count() == 0


def test_display_name_too_long_is_refused(
    client: Client, meeting: Meeting, teachers: Group
) -> None:
    response = client.post(
        reverse("meetings:join", args=[meeting.join_code]),
        {"home_group": teachers.pk, "display_name": "x" * 61},
    )
    assert response.status_code == 400
    assert "högst 60 tecken" in response.content.decode()
    assert Participant.objects.count() == 0


def test_unknown_meeting_link(client: Client, db: None) -> None:
    response = client.get("/m/ZZZZZZ/")
    assert response.status_code == 404
    assert "Det finns inget öppet möte med koden ZZZZZZ" in response.content.decode()


def test_qr_code_is_an_svg_of_the_join_url(client: Client, meeting: Meeting) -> None:
    response = client.get(reverse("meetings:qr", args=[meeting.join_code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    body = response.content.decode()
    assert body.startswith("<?xml") and "<svg" in body and "<path" in body


def test_double_tap_on_a_group_joins_once(
    client: Client, meeting: Meeting, teachers: Group
) -> None:
    url = reverse("meetings:join", args=[meeting.join_code])
    token = re.search(r'name="join_token" value="([^"]+)"', client.get(url).content.decode())
    assert token
    form = {"home_group": teachers.pk, "join_token": token.group(1)}
    assert client.post(url, form).status_code == 302
    assert Client().post(url, form).status_code == 302  # the second tap, session not yet set
    assert Participant.objects.count() == 1


@pytest.mark.parametrize("path", ["/m/-/", "/m/ab-cd/qr.svg", "/room/x/"])
def test_malformed_codes_are_not_found(client: Client, db: None, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/m/%00%00/", "/m/ab%00cd/qr.svg", "/room/%00/"])
def test_a_nul_in_the_address_is_refused(client: Client, db: None, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "Otillåtet tecken" in response.content.decode()


@pytest.mark.parametrize("code", ["ab\x00cd", "\x00" * 6, "ÅÄÖÅÄÖ", "-"])
def test_malformed_typed_codes_get_a_message(client: Client, db: None, code: str) -> None:
    response = client.get("/", {"code": code})
    assert response.status_code in (400, 404)
    assert 'role="alert"' in response.content.decode()


def test_participant_comes_back_through_the_start_page_after_closing(
    client: Client, meeting: Meeting, teachers: Group
) -> None:
    client.post(reverse("meetings:join", args=[meeting.join_code]), {"home_group": teachers.pk})
    set_joining_open(meeting=meeting, is_open=False)
    response = client.get("/", {"code": meeting.join_code})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:join", args=[meeting.join_code])
