"""The facilitator: log in, create a meeting with its groups, see it, unlock a list."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings.models import Group, Meeting


def test_console_needs_login(client: Client, db: None) -> None:
    response = client.get(reverse("meetings:console"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_login_page_is_labelled(client: Client, db: None) -> None:
    html = client.get(reverse("login")).content.decode()
    assert 'for="id_username"' in html and 'for="id_password"' in html


def test_create_meeting_with_the_usual_seven(client: Client, facilitator: User) -> None:
    client.force_login(facilitator)
    form = client.get(reverse("meetings:create"))
    assert form.status_code == 200
    response = client.post(
        reverse("meetings:create"),
        {
            "title": "Dialogmöte 2",
            "date": "2026-12-01",
            "venue": "Aulan",
            "core_question": "Vad gör skillnad?",
            "factor_count": "5",
            "series_name": "Topp 25",
            "home_groups": "usual",
            "agenda_template": "afternoon",
        },
    )
    meeting = Meeting.objects.get(title="Dialogmöte 2")
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.series is not None and meeting.series.name == "Topp 25"
    assert meeting.home_groups().count() == 7
    assert list(meeting.facilitators.all()) == [facilitator]
    page = client.get(response["Location"]).content.decode()
    assert meeting.join_code in page and meeting.room_token in page


def test_create_meeting_default_is_five_factors(client: Client, facilitator: User) -> None:
    client.force_login(facilitator)
    html = client.get(reverse("meetings:create")).content.decode()
    assert 'name="factor_count" value="5"' in html


def test_create_meeting_bad_input(client: Client, facilitator: User) -> None:
    client.force_login(facilitator)
    response = client.post(
        reverse("meetings:create"),
        {"title": "", "date": "igår", "core_question": "   ", "factor_count": "11"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Välj mellan 1 och 10" in html
    assert Meeting.objects.count() == 0


def test_add_group_and_duplicate(client: Client, facilitator: User, meeting: Meeting) -> None:
    client.force_login(facilitator)
    url = reverse("meetings:group_add", args=[meeting.pk])
    assert client.post(url, {"name": "Fritidspedagoger", "profession": ""}).status_code == 302
    duplicate = client.post(url, {"name": "fritidspedagoger", "profession": ""})
    assert duplicate.status_code == 409
    assert "Det finns redan en hemgrupp" in duplicate.content.decode()
    assert client.post(url, {"name": "  ", "profession": ""}).status_code == 400
    assert meeting.home_groups().count() == 8


def test_usual_seven_are_not_added_twice(
    client: Client, facilitator: User, meeting: Meeting
) -> None:
    client.force_login(facilitator)
    response = client.post(reverse("meetings:groups_usual", args=[meeting.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.home_groups().count() == 7


def test_unlock_an_agreed_list(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group
) -> None:
    group_services.add_factor(group=teachers, text="En")
    group_services.mark_agreed(group=teachers, confirmed_short=True)
    client.force_login(facilitator)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Lås upp" in page
    response = client.post(reverse("groups:console_unlock", args=[meeting.pk, teachers.pk]))
    assert response.status_code == 302
    teachers.refresh_from_db()
    assert not teachers.is_agreed


def test_other_facilitators_meeting_is_forbidden(
    client: Client, meeting: Meeting, teachers: Group
) -> None:
    from django.contrib.auth.models import Group as AuthGroup

    stranger = User.objects.create_user("bertil", password="x-hemligt-2")
    stranger.groups.add(AuthGroup.objects.get(name="Samtalsledare"))
    client.force_login(stranger)
    # Someone else's meeting looks like none at all.
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert (
        client.post(reverse("groups:console_unlock", args=[meeting.pk, teachers.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("meetings:joining", args=[meeting.pk]), {"open": "0"}).status_code
        == 404
    )
    meeting.refresh_from_db()
    assert meeting.joining_open


def test_close_and_open_joining(client: Client, facilitator: User, meeting: Meeting) -> None:
    client.force_login(facilitator)
    client.post(reverse("meetings:joining", args=[meeting.pk]), {"open": "0"})
    meeting.refresh_from_db()
    assert not meeting.joining_open
    client.post(reverse("meetings:joining", args=[meeting.pk]), {"open": "1"})
    meeting.refresh_from_db()
    assert meeting.joining_open


def test_room_screen_needs_the_token(client: Client, meeting: Meeting, teachers: Group) -> None:
    group_services.add_factor(group=teachers, text="Tydliga mål")
    assert client.get("/room/gissning/").status_code == 404
    assert client.get("/room/" + "g" * 32 + "/").status_code == 404
    html = client.get(reverse("meetings:room", args=[meeting.room_token])).content.decode()
    assert meeting.join_code in html and "Tydliga mål" in html
    assert f'data-ws-connect="/ws/room/{meeting.room_token}/"' in html
    assert html.count('class="room-col') == 7


def test_error_pages_say_what_happened(client: Client, meeting: Meeting, settings) -> None:
    settings.DEBUG = False
    stranger = User.objects.create_user("cecilia", password="x-hemligt-5")
    client.force_login(stranger)
    forbidden = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert forbidden.status_code == 404
    assert (
        "Det finns inget sådant möte, eller så är du inte samtalsledare för det."
        in forbidden.content.decode()
    )
    missing = client.get("/room/" + "x" * 32 + "/")
    assert missing.status_code == 404
    assert "Det finns ingen rumsskärm på den adressen." in missing.content.decode()
