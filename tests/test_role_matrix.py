"""Every role's URLs and sockets, tried by every other role: 403/404 (or the login page for
anonymous visitors to staff pages), and nothing changed in the database."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from groups.models import SuccessFactor
from meetings import services
from meetings.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND
from meetings.models import Group, Meeting, Participant
from meetings.participation import remember_participant
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE
from topp25.asgi import application


@dataclass
class World:
    meeting: Meeting
    teachers: Group
    principals: Group
    factor: SuccessFactor
    clients: dict[str, Client]


def _participant_client(group: Group) -> Client:
    client = Client()
    participant = services.join_meeting(meeting=group.meeting, home_group_id=group.pk)
    session = client.session
    remember_participant(session, participant)
    session.save()
    return client


@pytest.fixture
def world(facilitator: User, meeting: Meeting, teachers: Group, principals: Group) -> World:
    other = User.objects.create_user("bertil", password="hemligt-losen-2", is_staff=True)
    for role in (FACILITATOR_ROLE, EDITOR_ROLE):
        other.groups.add(AuthGroup.objects.get(name=role))
    services.create_meeting(
        facilitator=other, title="Bertils", date=datetime.date(2026, 12, 1), core_question="?"
    )
    factor = group_services.add_factor(group=teachers, text="Tid för lärande")
    group_services.add_factor(group=principals, text="Ledarskap")
    group_services.mark_agreed(group=principals, confirmed_short=True)
    owner, stranger = Client(), Client()
    owner.force_login(facilitator)
    stranger.force_login(other)
    clients = {
        "owner": owner,
        "other facilitator": stranger,
        "teacher": _participant_client(teachers),
        "principal": _participant_client(principals),
        "anonymous": Client(),
        # The room screen has its token and no session: as anonymous for HTTP.
    }
    return World(meeting, teachers, principals, factor, clients)


def _state() -> Any:
    """Everything a forbidden request could change."""
    return (
        list(
            Meeting.objects.values_list("pk", "title", "joining_open", "room_token").order_by("pk")
        ),
        list(
            Meeting.facilitators.through.objects.values_list("meeting_id", "user_id").order_by("pk")
        ),
        list(Group.objects.values_list("pk", "name", "agreed_at", "revision").order_by("pk")),
        list(SuccessFactor.objects.values_list("pk", "text", "position", "version").order_by("pk")),
        list(Participant.objects.values_list("pk", "home_group_id", "display_name").order_by("pk")),
    )


# (owner role, method, url builder, data)
Endpoint = tuple[str, str, Callable[[World], str], dict[str, Any]]


def _facilitator_urls() -> list[Endpoint]:
    detail: list[Endpoint] = [
        ("owner", "get", lambda w: reverse("meetings:detail", args=[w.meeting.pk]), {}),
        ("owner", "get", lambda w: reverse("summary:markdown", args=[w.meeting.pk]), {}),
        ("owner", "get", lambda w: reverse("summary:json", args=[w.meeting.pk]), {}),
    ]
    for name, data in [
        ("meetings:group_add", {"name": "Kapad"}),
        ("meetings:groups_usual", {}),
        ("meetings:joining", {"open": "0"}),
        ("meetings:room_rotate", {}),
        ("meetings:delete", {"confirm": "1"}),
    ]:
        detail.append(("owner", "post", lambda w, n=name: reverse(n, args=[w.meeting.pk]), data))
    detail.append(
        (
            "owner",
            "post",
            lambda w: reverse("groups:console_unlock", args=[w.meeting.pk, w.principals.pk]),
            {},
        )
    )
    return detail


def _teacher_urls() -> list[Endpoint]:
    def group(name: str, *extra: Callable[[World], int]) -> Callable[[World], str]:
        return lambda w: reverse(
            name, args=[w.meeting.join_code, w.teachers.pk, *(e(w) for e in extra)]
        )

    factor = (lambda w: w.factor.pk,)
    return [
        ("teacher", "get", group("groups:state"), {}),
        ("teacher", "post", group("groups:add"), {"text": "Kapad"}),
        ("teacher", "get", group("groups:edit", *factor), {}),
        ("teacher", "post", group("groups:edit", *factor), {"text": "Kapad"}),
        ("teacher", "post", group("groups:move", *factor), {"direction": "down"}),
        ("teacher", "post", group("groups:remove", *factor), {}),
        ("teacher", "post", group("groups:agree"), {"confirm": "1"}),
    ]


ENDPOINTS = _facilitator_urls() + _teacher_urls()
INTRUDERS = ["owner", "other facilitator", "teacher", "principal", "anonymous"]


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e[1]}-{e[2].__name__}")
def test_other_roles_are_refused(world: World, endpoint: Endpoint) -> None:
    owner, method, url_of, data = endpoint
    url = url_of(world)
    for intruder in INTRUDERS:
        if intruder == owner:
            continue
        before = _state()
        for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
            response = getattr(world.clients[intruder], method)(url, data, **htmx)
            status = response.status_code
            if owner == "owner" and intruder in ("teacher", "principal", "anonymous"):
                # Phones are not logged in: staff pages send them to the login page.
                assert status == 302 and "/accounts/login/" in response["Location"], url
            elif htmx and status == 200 and "HX-Redirect" in response:
                # A phone that is not in the group is sent to the group picker.
                assert "/m/" in response["HX-Redirect"], (intruder, url)
            else:
                assert status in (403, 404), (intruder, method, url, status)
        assert _state() == before, (intruder, method, url)


def test_the_owner_can(world: World) -> None:
    """The matrix is not vacuous: the same requests work for their owners."""
    for owner, method, url_of, _data in ENDPOINTS:
        if method == "get":
            response = world.clients[owner].get(url_of(world), HTTP_HX_REQUEST="true")
            assert response.status_code == 200, url_of(world)


async def _socket_code(path: str, cookie: str | None) -> int | None:
    headers = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    ok, code = await communicator.connect()
    if ok:
        await communicator.disconnect()
        return None
    return code


@pytest.mark.django_db(transaction=True)
def test_sockets_of_other_roles(world: World) -> None:
    session = world.clients["principal"].cookies["sessionid"].value
    teacher_path = f"/ws/m/{world.meeting.join_code}/groups/{world.teachers.pk}/"
    check = async_to_sync(_socket_code)
    # Another group's phone, a phone with no session, staff: not the teachers' socket.
    assert check(teacher_path, f"sessionid={session}") == CLOSE_FORBIDDEN
    assert check(teacher_path, None) == CLOSE_FORBIDDEN
    staff = world.clients["owner"].cookies["sessionid"].value
    assert check(teacher_path, f"sessionid={staff}") == CLOSE_FORBIDDEN
    # The room socket needs the current token: a guessed or rotated one is refused.
    assert check("/ws/room/" + "A" * 32 + "/", None) == CLOSE_NOT_FOUND
    old = world.meeting.room_token
    services.rotate_room_token(meeting=world.meeting)
    assert check(f"/ws/room/{old}/", None) == CLOSE_NOT_FOUND
    # Their own sockets open.
    teacher = world.clients["teacher"].cookies["sessionid"].value
    assert check(teacher_path, f"sessionid={teacher}") is None
    assert check(f"/ws/room/{world.meeting.room_token}/", None) is None
