"""The live layer in tests: the room screen's and a phone's sockets through the real ASGI
application (routing, middleware, consumers), and a write made from async test code."""

from __future__ import annotations

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client

from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting
from meetings.participation import remember_participant
from topp25.asgi import application

HOST = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]


def room_socket(meeting: Meeting) -> WebsocketCommunicator:
    return WebsocketCommunicator(application, f"/ws/room/{meeting.room_token}/", headers=HOST)


@database_sync_to_async
def phone_session(group: Group) -> str:
    participant = services.join_meeting(meeting=group.meeting, home_group_id=group.pk)
    session = SessionStore()
    remember_participant(session, participant)
    session.create()
    return session.session_key or ""


def phone_socket(
    meeting: Meeting, group: Group, session_key: str, group_id: int | None = None
) -> WebsocketCommunicator:
    path = f"/ws/m/{meeting.join_code}/groups/{group_id or group.pk}/"
    headers = [*HOST, (b"cookie", f"sessionid={session_key}".encode())]
    return WebsocketCommunicator(application, path, headers=headers)


async def connected(communicator: WebsocketCommunicator) -> str:
    # A bound, not a wait: the first socket of a test process on a loaded CI machine (the
    # room's templates compiled, PostgreSQL and Redis connections opened) took over 1 s.
    ok, _code = await communicator.connect(timeout=5)
    assert ok
    # The current state comes first, so a reconnecting screen is never stale.
    return str(await communicator.receive_from(timeout=3))


add_factor = database_sync_to_async(group_services.add_factor)


@database_sync_to_async
def console_cookie(user: User) -> str:
    """A logged-in staff session's cookie, for a console socket."""
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def console_socket(meeting: Meeting, cookie: str = "") -> WebsocketCommunicator:
    headers = [*HOST, (b"cookie", cookie.encode())] if cookie else HOST
    return WebsocketCommunicator(application, f"/ws/console/{meeting.pk}/", headers=headers)
