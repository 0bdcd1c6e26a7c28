"""A facilitator acts only on their own meetings: admin, console, exports, room token."""

from __future__ import annotations

import datetime

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.models import Meeting
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE
from screens.consumers import CLOSE_NOT_FOUND
from topp25.asgi import application


@pytest.fixture
def other(db: None) -> User:
    """Another organiser: staff, facilitator and editor, but not of `meeting`."""
    user = User.objects.create_user("bertil", password="hemligt-losen-2", is_staff=True)
    user.groups.add(AuthGroup.objects.get(name=FACILITATOR_ROLE))
    user.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    return user


@pytest.fixture
def other_client(other: User) -> Client:
    client = Client()
    client.force_login(other)
    return client


def test_admin_is_closed_to_staff_facilitators(other_client: Client, meeting: Meeting) -> None:
    for url in (
        reverse("admin:index"),
        reverse("admin:meetings_meeting_changelist"),
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
    ):
        response = other_client.get(url)
        assert response.status_code == 302, url
        assert reverse("admin:login") in response["Location"]
    response = other_client.post(
        reverse("admin:meetings_meeting_change", args=[meeting.pk]),
        {"facilitators": [meeting.facilitators.get().pk, User.objects.get(username="bertil").pk]},
    )
    assert response.status_code == 302
    assert list(meeting.facilitators.values_list("username", flat=True)) == ["anna"]
    assert meeting.room_token not in other_client.get(reverse("admin:index")).content.decode()


def test_admin_is_open_to_superusers(meeting: Meeting) -> None:
    admin = User.objects.create_superuser("root", password="hemligt-losen-3")
    client = Client()
    client.force_login(admin)
    assert client.get(reverse("admin:meetings_meeting_changelist")).status_code == 200


def test_console_and_exports_only_for_the_meetings_organisers(
    other_client: Client, meeting: Meeting
) -> None:
    token = meeting.room_token
    for name in ("meetings:detail", "summary:markdown", "summary:json"):
        assert other_client.get(reverse(name, args=[meeting.pk])).status_code == 404, name
    for name in ("meetings:room_rotate", "meetings:joining", "meetings:groups_usual"):
        assert other_client.post(reverse(name, args=[meeting.pk]), {"open": "0"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.room_token == token and meeting.joining_open
    console = other_client.get(reverse("meetings:console")).content.decode()
    assert meeting.title not in console
    assert reverse("summary:markdown", args=[meeting.pk]) not in console


def test_editor_exports_meetings_they_are_named_on(other: User, meeting: Meeting) -> None:
    editor = User.objects.create_user("cecilia", password="hemligt-losen-4")
    editor.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    client = Client()
    client.force_login(editor)
    assert client.get(reverse("summary:markdown", args=[meeting.pk])).status_code == 404
    meeting.facilitators.add(editor)
    assert client.get(reverse("summary:markdown", args=[meeting.pk])).status_code == 200
    console = client.get(reverse("meetings:console")).content.decode()
    assert reverse("summary:json", args=[meeting.pk]) in console
    mine = services.create_meeting(
        facilitator=other,
        title="Bertils möte",
        date=datetime.date(2026, 12, 1),
        core_question="Vad?",
    )
    assert reverse("summary:json", args=[mine.pk]) not in console


def test_rotating_the_room_token(client: Client, facilitator: User, meeting: Meeting) -> None:
    old = meeting.room_token
    assert client.get(reverse("meetings:room", args=[old])).status_code == 200
    client.force_login(facilitator)
    assert client.get(reverse("meetings:room_rotate", args=[meeting.pk])).status_code == 405
    response = client.post(reverse("meetings:room_rotate", args=[meeting.pk]))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.room_token != old
    assert client.get(reverse("meetings:room", args=[old])).status_code == 404
    assert client.get(reverse("meetings:room", args=[meeting.room_token])).status_code == 200
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert meeting.room_token in page and old not in page


HOST = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]


@pytest.mark.django_db(transaction=True)
async def test_rotating_closes_open_room_screens(meeting: Meeting) -> None:
    old = WebsocketCommunicator(application, f"/ws/room/{meeting.room_token}/", headers=HOST)
    ok, _code = await old.connect(timeout=5)
    assert ok
    await old.receive_from(timeout=3)
    await database_sync_to_async(services.rotate_room_token)(meeting=meeting)
    closed = await old.receive_output(timeout=3)
    assert closed == {"type": "websocket.close", "code": CLOSE_NOT_FOUND}
    again = WebsocketCommunicator(application, f"/ws/room/{meeting.room_token}/", headers=HOST)
    ok, _code = await again.connect(timeout=5)
    assert ok
    await again.disconnect()
