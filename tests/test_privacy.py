"""Privacy: optional names, reminders, a privacy page on every participant page, no IP
addresses stored, purge of old meetings' personal data, deleting a whole meeting."""

from __future__ import annotations

import datetime
from io import StringIO

from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from groups.models import SuccessFactor
from meetings import services
from meetings.models import Group, Meeting, Participant

REMINDER = "Skriv inga namn på elever eller kollegor."
IP = "203.0.113.77"


def test_name_is_optional_and_inputs_remind(client: Client, meeting: Meeting, teachers: Group):
    join = client.get(reverse("meetings:join", args=[meeting.join_code])).content.decode()
    assert "(valfritt)" in join and REMINDER in join
    client.post(reverse("meetings:join", args=[meeting.join_code]), {"home_group": teachers.pk})
    group = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
    assert REMINDER in group


def test_privacy_page_linked_from_every_participant_page(
    client: Client, meeting: Meeting, teachers: Group
) -> None:
    privacy = reverse("privacy")
    page = client.get(privacy)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="sv"' in html and 'lang="en"' in html
    assert "Inga IP-adresser" in html and "No IP addresses" in html
    assert "90 dagar" in html
    pages = [
        "/",
        "/?code=ZZZZZZ",
        reverse("meetings:join", args=[meeting.join_code]),
    ]
    for url in pages:
        assert f'href="{privacy}"' in client.get(url).content.decode(), url
    client.post(reverse("meetings:join", args=[meeting.join_code]), {"home_group": teachers.pk})
    group = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
    assert f'href="{privacy}"' in group


def test_no_ip_address_is_stored(meeting: Meeting, teachers: Group, facilitator: User) -> None:
    phone = Client(REMOTE_ADDR=IP)
    phone.get("/", {"code": "ZZZZZZ"})  # a failed join: counted in the cache
    phone.post(
        reverse("meetings:join", args=[meeting.join_code]),
        {"home_group": teachers.pk, "display_name": "Eva"},
    )
    phone.post(reverse("groups:add", args=[meeting.join_code, teachers.pk]), {"text": "Tid"})
    phone.post(reverse("login"), {"username": "anna", "password": "fel"})
    for model in apps.get_models():
        for row in model.objects.all().values_list():
            assert IP not in repr(row), model
    for session in Session.objects.all():
        assert IP not in repr(session.get_decoded())
    cache = caches["default"]
    stored = repr(getattr(cache, "_cache", {}))  # local memory in tests
    assert IP not in stored


def test_purge_meetings_removes_names_and_sessions_keeps_results(
    meeting: Meeting, teachers: Group, facilitator: User
) -> None:
    recent = services.create_meeting(
        facilitator=facilitator,
        title="Nyligen",
        date=datetime.date.today(),
        core_question="?",
        usual_home_groups=True,
    )
    old_phone, recent_phone = Client(), Client()
    old_phone.post(
        reverse("meetings:join", args=[meeting.join_code]),
        {"home_group": teachers.pk, "display_name": "Eva"},
    )
    recent_group = recent.home_groups().first()
    assert recent_group is not None
    recent_phone.post(
        reverse("meetings:join", args=[recent.join_code]),
        {"home_group": recent_group.pk, "display_name": "Olle"},
    )
    group_services.add_factor(group=teachers, text="Tid för lärande")
    Meeting.objects.filter(pk=meeting.pk).update(
        date=datetime.date.today() - datetime.timedelta(days=40)
    )
    out = StringIO()
    call_command("purge_meetings", "--older-than", "30", stdout=out)
    assert "1 möten" in out.getvalue()
    assert list(meeting.participants.values_list("display_name", flat=True)) == [""]
    assert SuccessFactor.objects.get(group=teachers).text == "Tid för lärande"
    # The old meeting's phone no longer has a place; the recent one keeps its own.
    assert old_phone.get(reverse("groups:page", args=[meeting.join_code])).status_code == 302
    assert recent_phone.get(reverse("groups:page", args=[recent.join_code])).status_code == 200
    assert Participant.objects.get(meeting=recent).display_name == "Olle"


def test_facilitator_deletes_a_whole_meeting(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group, join_as
) -> None:
    join_as(teachers, as_client=Client())
    group_services.add_factor(group=teachers, text="Tid")
    client.force_login(facilitator)
    url = reverse("meetings:delete", args=[meeting.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Det går inte att ångra" in confirm.content.decode()
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    assert client.post(url, {}).status_code == 400
    assert Meeting.objects.filter(pk=meeting.pk).exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    assert not Participant.objects.exists() and not SuccessFactor.objects.exists()
