"""Phase changes reach every screen live: phones (their phase stream), the room, the console;
consoles only for the meeting's facilitators."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User

from meetings import services
from meetings.models import Group, Meeting
from meetings.phases import AgendaTemplate
from screens.consumers import CLOSE_FORBIDDEN
from tests.support.live import (
    connected,
    console_cookie,
    console_socket,
    phone_session,
    phone_socket,
    room_socket,
)

pytestmark = pytest.mark.django_db(transaction=True)

start_phase = database_sync_to_async(services.start_phase)


@database_sync_to_async
def with_agenda(meeting: Meeting) -> Meeting:
    services.add_phase(meeting=meeting, kind="buzz", title="Bikupor", planned_minutes=10)
    services.add_phase(meeting=meeting, kind="break", title="Fika", planned_minutes=15)
    return meeting


async def test_a_phase_change_reaches_phone_room_and_console(
    meeting: Meeting, teachers: Group, facilitator: User
) -> None:
    await with_agenda(meeting)
    phone = phone_socket(meeting, teachers, await phone_session(teachers))
    room = room_socket(meeting)
    console = console_socket(meeting, await console_cookie(facilitator))
    assert 'id="phone-phase"' in await connected(phone)
    assert 'id="room-live"' in await connected(room)
    assert 'id="console-phase"' in await connected(console)

    await start_phase(meeting=meeting)

    on_phone = await phone.receive_from(timeout=3)
    assert on_phone.lstrip().startswith('<section id="phone-phase"')
    assert "Prata två och två" in on_phone and "data-timer" in on_phone
    assert 'id="group-state"' not in on_phone  # the list (and what is typed) is left alone
    on_room = await room.receive_from(timeout=3)
    assert 'data-mode="room_timer"' in on_room and "Bikupor" in on_room
    on_console = await console.receive_from(timeout=3)
    assert "Pausa" in on_console and "Bikupor" in on_console
    for socket in (phone, room, console):
        await socket.disconnect()


async def test_console_socket_needs_the_meetings_facilitator(
    meeting: Meeting, django_user_model: type[User]
) -> None:
    anonymous = console_socket(meeting)
    ok, code = await anonymous.connect(timeout=5)
    assert not ok and code == CLOSE_FORBIDDEN
    other = await database_sync_to_async(django_user_model.objects.create_user)(
        "bo", password="x-hemligt-1"
    )
    stranger = console_socket(meeting, await console_cookie(other))
    ok, code = await stranger.connect(timeout=5)
    assert not ok and code == CLOSE_FORBIDDEN


async def test_joining_reaches_only_the_console(
    meeting: Meeting, teachers: Group, facilitator: User
) -> None:
    phone = phone_socket(meeting, teachers, await phone_session(teachers))
    room = room_socket(meeting)
    console = console_socket(meeting, await console_cookie(facilitator))
    for socket in (phone, room, console):
        await connected(socket)
    await phone_session(teachers)  # someone else joins
    assert "2 deltagare i mötet" in await console.receive_from(timeout=3)
    assert await phone.receive_nothing(timeout=0.3)
    assert await room.receive_nothing(timeout=0.1)
    for socket in (phone, room, console):
        await socket.disconnect()


async def test_a_moved_participant_is_told_on_their_phone(
    meeting: Meeting, teachers: Group, principals: Group
) -> None:
    moved_key = await phone_session(teachers)
    stays_key = await phone_session(teachers)
    moved = phone_socket(meeting, teachers, moved_key)
    stays = phone_socket(meeting, teachers, stays_key)
    await connected(moved)
    await connected(stays)

    @database_sync_to_async
    def move_first() -> None:
        person = teachers.members.order_by("pk").first()
        assert person is not None
        services.move_participant(meeting=meeting, participant_id=person.pk, group_id=principals.pk)

    await move_first()
    assert "flyttat dig till en annan hemgrupp" in await moved.receive_from(timeout=3)
    assert "flyttat dig" not in await stays.receive_from(timeout=3)
    await moved.disconnect()
    await stays.disconnect()


def test_the_demo_agenda_is_the_afternoon(facilitator: User) -> None:
    import datetime

    meeting = services.create_meeting(
        facilitator=facilitator,
        title="Demo",
        date=datetime.date(2026, 12, 1),
        core_question="?",
        agenda_template=AgendaTemplate.PROFESSION_AFTERNOON,
    )
    assert meeting.agenda().count() == 8
