"""WebSockets: the room screen and a phone get fragments after commit, and only their own."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction

from groups import services as group_services
from meetings.errors import DomainError
from meetings.models import Group, Meeting
from screens.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND
from tests.support.live import HOST, add_factor, connected, phone_session, phone_socket, room_socket
from topp25.asgi import application

pytestmark = pytest.mark.django_db(transaction=True)


async def test_room_screen_gets_the_updated_column_after_commit(
    meeting: Meeting, teachers: Group
) -> None:
    room = room_socket(meeting)
    initial = await connected(room)
    assert 'id="room-groups"' in initial and "Lärare" in initial

    await add_factor(group=teachers, text="Tid för kollegialt lärande")

    fragment = await room.receive_from(timeout=3)
    assert fragment.lstrip().startswith(f'<section id="room-group-{teachers.pk}"')
    assert "Tid för kollegialt lärande" in fragment
    assert "●○○○○" in fragment
    await room.disconnect()


async def test_rolled_back_write_sends_nothing(meeting: Meeting, teachers: Group) -> None:
    room = room_socket(meeting)
    await connected(room)

    @database_sync_to_async
    def add_then_fail() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            group_services.add_factor(group=teachers, text="Blir aldrig av")
            raise RuntimeError("rollback")

    await add_then_fail()
    assert await room.receive_nothing(timeout=0.5)
    assert await sync_to_async(teachers.factors.count)() == 0
    await room.disconnect()


async def test_refused_write_sends_nothing(meeting: Meeting, teachers: Group) -> None:
    room = room_socket(meeting)
    await connected(room)
    with pytest.raises(DomainError, match="Skriv en framgångsfaktor") as refused:
        await add_factor(group=teachers, text="   ")
    assert refused.value.code == "blank"
    assert await room.receive_nothing(timeout=0.3)
    await room.disconnect()


async def test_phone_gets_only_its_own_group(
    meeting: Meeting, teachers: Group, principals: Group
) -> None:
    phone = phone_socket(meeting, teachers, await phone_session(teachers))
    initial = await connected(phone)
    assert 'id="group-state"' in initial

    await add_factor(group=principals, text="Rektorernas faktor")
    assert await phone.receive_nothing(timeout=0.3)

    await add_factor(group=teachers, text="Lärarnas faktor")
    fragment = await phone.receive_from(timeout=3)
    assert 'id="group-state"' in fragment and "Lärarnas faktor" in fragment
    assert "Rektorernas faktor" not in fragment
    await phone.disconnect()


async def test_phone_cannot_subscribe_to_another_group(
    meeting: Meeting, teachers: Group, principals: Group
) -> None:
    phone = phone_socket(meeting, teachers, await phone_session(teachers), group_id=principals.pk)
    ok, code = await phone.connect(timeout=5)
    assert not ok and code == CLOSE_FORBIDDEN


async def test_phone_without_session_is_refused(meeting: Meeting, teachers: Group) -> None:
    phone = phone_socket(meeting, teachers, "no-such-session")
    ok, code = await phone.connect(timeout=5)
    assert not ok and code == CLOSE_FORBIDDEN


async def test_wrong_room_token_is_refused(meeting: Meeting) -> None:
    communicator = WebsocketCommunicator(application, "/ws/room/" + "x" * 32 + "/", headers=HOST)
    ok, code = await communicator.connect(timeout=5)
    assert not ok and code == CLOSE_NOT_FOUND


async def test_foreign_origin_is_refused(meeting: Meeting) -> None:
    headers: list[Any] = [(b"host", b"127.0.0.1"), (b"origin", b"https://evil.example")]
    communicator = WebsocketCommunicator(
        application, f"/ws/room/{meeting.room_token}/", headers=headers
    )
    ok, _code = await communicator.connect(timeout=5)
    assert not ok


async def test_unlock_reaches_the_room_screen(meeting: Meeting, teachers: Group) -> None:
    await add_factor(group=teachers, text="En")
    await database_sync_to_async(group_services.mark_agreed)(group=teachers, confirmed_short=True)
    room = room_socket(meeting)
    initial = await connected(room)
    assert "✓ Klar" in initial
    await database_sync_to_async(group_services.unlock_group)(group=teachers)
    fragment = await room.receive_from(timeout=3)
    assert f'id="room-group-{teachers.pk}"' in fragment and "✓ Klar" not in fragment
    await room.disconnect()


async def test_each_screen_gets_its_chosen_language(meeting: Meeting, teachers: Group) -> None:
    swedish = room_socket(meeting)
    english = WebsocketCommunicator(
        application,
        f"/ws/room/{meeting.room_token}/",
        headers=[*HOST, (b"cookie", b"django_language=en")],
    )
    assert "Inga hemgrupper" not in await connected(swedish)
    initial_english = await connected(english)
    assert "Teachers" not in initial_english  # group names are the meeting's, not translated
    await add_factor(group=teachers, text="Studiero")
    await database_sync_to_async(group_services.mark_agreed)(group=teachers, confirmed_short=True)
    await swedish.receive_from(timeout=3)
    await english.receive_from(timeout=3)
    assert "✓ Klar" in await swedish.receive_from(timeout=3)
    assert "✓ Agreed" in await english.receive_from(timeout=3)
    await swedish.disconnect()
    await english.disconnect()


async def test_an_older_fragment_never_replaces_a_newer_one(
    meeting: Meeting, teachers: Group
) -> None:
    from channels.layers import get_channel_layer

    from topp25.live import group_key, room_stream

    await add_factor(group=teachers, text="Ett")
    room = room_socket(meeting)
    await connected(room)  # the snapshot has the group at its current revision
    await add_factor(group=teachers, text="Två")
    newer = await room.receive_from(timeout=3)
    assert "Två" in newer

    # A writer that rendered before the last commit but sent after it.
    await get_channel_layer().group_send(
        room_stream(meeting.pk),
        {
            "type": "group.list",
            "key": group_key(teachers.pk),
            "revision": 1,
            "html": {"sv": "<section>gammal</section>", "en": "<section>old</section>"},
        },
    )
    assert await room.receive_nothing(timeout=0.3)
    await room.disconnect()


async def test_phones_of_a_group_share_one_rendering_of_the_list_until_it_changes(
    meeting: Meeting, teachers: Group, monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens import broadcast
    from topp25 import live

    rendered: list[str] = []
    real_render_in = live.render_in

    def counting_render_in(language: str, template: str, context: dict[str, Any]) -> str:
        rendered.append(template)
        return real_render_in(language, template, context)

    monkeypatch.setattr(live, "render_in", counting_render_in)
    await add_factor(group=teachers, text="Tydliga mål")
    rendered.clear()
    first = await connected(phone_socket(meeting, teachers, await phone_session(teachers)))
    second = await connected(phone_socket(meeting, teachers, await phone_session(teachers)))
    # A new factor changed only the list: its broadcast sent the list alone, so the first
    # phone to connect renders the whole group (list and pool) and the second shares it.
    assert rendered.count(broadcast.PHONE_GROUP_STATE) == 1
    assert "Tydliga mål" in first and "Tydliga mål" in second

    await add_factor(group=teachers, text="Tidiga insatser")
    third = await connected(phone_socket(meeting, teachers, await phone_session(teachers)))
    assert "Tidiga insatser" in third  # a new revision is a new rendering


async def test_a_phone_keeps_the_list_and_the_pool_apart(meeting: Meeting, teachers: Group) -> None:
    """A phone's list and pool come apart (a factor edit sends the list alone, a dot the
    pool alone), each under its own key: a pool rendered before the list's last change is
    still news for the pool, and an older fragment of either part is dropped."""
    from channels.layers import get_channel_layer

    from topp25.live import group_key, group_stream, pool_key

    await add_factor(group=teachers, text="Ett")
    phone = phone_socket(meeting, teachers, await phone_session(teachers))
    await connected(phone)
    revision = await database_sync_to_async(lambda: Group.objects.get(pk=teachers.pk).revision)()
    layer = get_channel_layer()

    async def send(keys: list[str], rev: int, text: str) -> None:
        message = {"type": "group.list", "key": group_key(teachers.pk), "keys": keys}
        message.update(revision=rev, html={"sv": text, "en": text})
        await layer.group_send(group_stream(teachers.pk), message)

    await send([group_key(teachers.pk)], revision + 2, "<section>lista 2</section>")
    assert "lista 2" in await phone.receive_from(timeout=3)
    # The pool's change committed before that list's, sent after it: still the pool's news.
    await send([pool_key(teachers.pk)], revision + 1, "<section>pool 1</section>")
    assert "pool 1" in await phone.receive_from(timeout=3)
    # Older than what the phone has of each part: dropped.
    await send([group_key(teachers.pk)], revision + 1, "<section>lista 1</section>")
    await send([pool_key(teachers.pk)], revision, "<section>pool 0</section>")
    assert await phone.receive_nothing(timeout=0.3)
    await phone.disconnect()
