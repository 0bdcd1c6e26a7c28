"""What one write on a phone costs in SQL, on the real path: the broadcast after commit and
the HTTP answer read the group once between them, and the answer carries the very list the
group's phones were sent. The counts do not grow with the number of factors, ideas or dots.

These run without a test transaction around them (transactional_db), so the broadcast is
built after commit inside the request, as on the server."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from groups import services
from groups.models import Idea
from meetings import services as meeting_services
from meetings.models import Group, Meeting, Participant, PhaseKind
from tests.support.fixtures import HX
from tests.support.phases import run_phase
from topp25 import live

pytestmark = pytest.mark.django_db(transaction=True)

# Queries per write (request, service, after-commit broadcast and the answer together);
# the session, then the participant with its meeting and home group in one query; the factor
# tests run before any phase (one more: whether the meeting has an agenda and has begun; a
# running phase answers that without a query). The answer takes the list as the write's
# broadcast rendered it, found by the group's revision: one narrow query, no second render.
# A factor changes only the list: neither the broadcast nor the answer reads the idea pool
# (was 16 and 17 when every change sent the pool too). An edit renders the room's column
# and the console's row, which show the pool's counts, from the pool as the last broadcast
# in this process read it at the same pool revision (was 13).
FACTOR_EDIT_QUERIES = 12
FACTOR_ADD_QUERIES = 14
# An idea: the member's and the group's idea counts in one more query (the hall's limits).
# The pool's ideas come with their votes and the place of the factor each became in one
# query (were 16 and 18 with the picked ideas read apart).
IDEA_ADD_QUERIES = 15
DOT_QUERIES = 17
# The edit form an htmx GET fetches: session, participant with meeting, the factor; not the list
# nor the pool, which the page already shows.
EDIT_FORM_QUERIES = 3
# A phone socket's snapshot when its group's list is already rendered: the participant with
# the meeting and phase, the group's revision, and (no phase runs here) whether the meeting
# has an agenda and has run, counted together.
PHONE_SNAPSHOT_CACHED_QUERIES = 3


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Every (stream, message) the live layer was handed."""
    messages: list[tuple[str, dict[str, Any]]] = []
    send_now = live.send_now

    def recording(
        batch: Iterable[tuple[str, dict[str, Any]]], on_sent: Callable[[], None] | None = None
    ) -> None:
        batch = list(batch)
        messages.extend(batch)
        send_now(batch, on_sent)

    monkeypatch.setattr(live, "send_now", recording)
    return messages


def phone_fragment(sent: list[tuple[str, dict[str, Any]]], group: Group) -> str:
    fragments = [m["html"]["sv"] for stream, m in sent if stream == live.group_stream(group.pk)]
    assert fragments, "nothing was broadcast to the group's phones"
    return str(fragments[-1])


def in_answer(fragment: str, answer: str) -> bool:
    """The broadcast list, as is, inside the HTTP answer."""
    return fragment.strip() in answer


def busy_pool(
    meeting: Meeting,
    group: Group,
    me: Participant,
    ideas: int,
    then: PhaseKind = PhaseKind.DIALOGUE,
) -> list[Idea]:
    """`ideas` of mine in the pool, written in the buzz phase; then the phase `then` runs."""
    run_phase(meeting, PhaseKind.BUZZ)
    made = [
        services.add_idea(group=group, author=me, text=f"Idé nummer {n} om studiero")
        for n in range(ideas)
    ]
    run_phase(meeting, then)
    return made


@pytest.mark.parametrize("factors", [1, 4])
def test_factor_edit(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
    sent: list[tuple[str, dict[str, Any]]],
    django_assert_max_num_queries: Any,
    factors: int,
) -> None:
    join_as(teachers)
    factor = add_factors(teachers, factors)[0]
    sent.clear()
    url = reverse("groups:edit", args=[meeting.join_code, teachers.pk, factor.pk])
    with django_assert_max_num_queries(FACTOR_EDIT_QUERIES):
        response = client.post(url, {"text": "Ny text", "version": factor.version}, **HX)
    answer = response.content.decode()
    assert response.status_code == 200 and "Ny text" in answer
    assert in_answer(phone_fragment(sent, teachers), answer)
    assert 'id="factor-form"' in answer  # the fresh form, out of band


def test_the_edit_form_reads_only_the_factor(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
    django_assert_max_num_queries: Any,
) -> None:
    join_as(teachers)
    factor = add_factors(teachers, 3)[1]
    busy_pool(meeting, teachers, meeting.participants.get(), ideas=4)
    url = reverse("groups:edit", args=[meeting.join_code, teachers.pk, factor.pk])
    with django_assert_max_num_queries(EDIT_FORM_QUERIES):
        response = client.get(url, **HX)
    form = response.content.decode()
    assert response.status_code == 200
    assert form.lstrip().startswith('<form id="factor-form"')
    assert f'name="version" value="{factor.version}"' in form
    assert factor.text in form and "Ändra framgångsfaktor 2" in form


@pytest.mark.parametrize("factors", [0, 3])
def test_factor_add(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
    sent: list[tuple[str, dict[str, Any]]],
    django_assert_max_num_queries: Any,
    factors: int,
) -> None:
    join_as(teachers)
    add_factors(teachers, factors)
    sent.clear()
    url = reverse("groups:add", args=[meeting.join_code, teachers.pk])
    data = {"text": "Studiero", "client_token": str(uuid.uuid4())}
    with django_assert_max_num_queries(FACTOR_ADD_QUERIES):
        response = client.post(url, data, **HX)
    answer = response.content.decode()
    assert response.status_code == 200
    assert in_answer(phone_fragment(sent, teachers), answer)
    assert re.search(r'class="factor-text">Studiero<', answer)


@pytest.mark.parametrize("ideas", [1, 6])
def test_idea_add_and_dot(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    sent: list[tuple[str, dict[str, Any]]],
    django_assert_max_num_queries: Any,
    ideas: int,
) -> None:
    me = join_as(teachers)
    # Ideas are written in the buzz phase, dots placed in the dialogue.
    made = busy_pool(meeting, teachers, me, ideas, then=PhaseKind.BUZZ)
    sent.clear()
    url = reverse("groups:idea_add", args=[meeting.join_code, teachers.pk])
    data = {"text": "Lugn i korridoren", "client_token": str(uuid.uuid4())}
    with django_assert_max_num_queries(IDEA_ADD_QUERIES):
        response = client.post(url, data, **HX)
    answer = response.content.decode()
    assert response.status_code == 200 and "Lugn i korridoren" in answer
    assert in_answer(phone_fragment(sent, teachers), answer)
    new = Idea.objects.get(text="Lugn i korridoren")
    # This member's own part rides along: their ideas, not in the shared fragment.
    mine = ",".join(str(pk) for pk in sorted([*(idea.pk for idea in made), new.pk]))
    assert f'data-my-ideas="{mine}"' in answer
    assert "data-my-ideas" not in phone_fragment(sent, teachers)

    run_phase(meeting, PhaseKind.DIALOGUE)
    sent.clear()
    url = reverse("groups:dot", args=[meeting.join_code, teachers.pk, made[0].pk])
    with django_assert_max_num_queries(DOT_QUERIES):
        response = client.post(url, {"delta": "1", "seen": "0"}, **HX)
    answer = response.content.decode()
    assert response.status_code == 200
    assert in_answer(phone_fragment(sent, teachers), answer)
    assert f'data-my-dots="{made[0].pk}:1"' in answer


def test_answer_in_english_when_only_swedish_was_broadcast(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
    sent: list[tuple[str, dict[str, Any]]],
) -> None:
    """A phone in a language nobody's screen is in yet gets its answer rendered for it."""
    join_as(teachers)
    factor = add_factors(teachers, 1)[0]
    client.cookies["django_language"] = "en"
    url = reverse("groups:edit", args=[meeting.join_code, teachers.pk, factor.pk])
    response = client.post(url, {"text": "Ny text", "version": factor.version}, **HX)
    answer = response.content.decode()
    assert response.status_code == 200 and "Success factors" in answer


def test_a_phone_socket_connect_reads_little(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    principals: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
    django_assert_max_num_queries: Any,
) -> None:
    """Who the socket is, in one query; the list's snapshot from the shared rendering."""
    from meetings.participation import SESSION_KEY
    from screens import broadcast, consumers

    me = join_as(teachers)
    add_factors(teachers, 3)
    session = dict(client.session.items())
    check = consumers._participant_in_group.func  # the sync function behind the wrapper
    with django_assert_max_num_queries(1):
        assert check(session, meeting.join_code, teachers.pk) == (meeting.pk, me.pk)
    assert check(session, meeting.join_code, principals.pk) is None
    assert check(session, "ABC123", teachers.pk) is None
    assert check({SESSION_KEY: {str(meeting.pk): "x"}}, meeting.join_code, teachers.pk) is None
    assert check({SESSION_KEY: "nonsense"}, meeting.join_code, teachers.pk) is None
    # Another meeting's participant named under this meeting's id is not this meeting's.
    other = meeting_services.create_meeting(
        facilitator=meeting.facilitators.get(),
        title="Annat",
        date=meeting.date,
        core_question="?",
        usual_home_groups=True,
    )
    stranger = meeting_services.join_meeting(meeting=other, home_group_id=other.home_groups()[0].pk)
    forged = {SESSION_KEY: {str(meeting.pk): stranger.pk}}
    assert check(forged, meeting.join_code, teachers.pk) is None

    first = broadcast.phone_snapshot(teachers.pk, me.pk, "sv")
    with django_assert_max_num_queries(PHONE_SNAPSHOT_CACHED_QUERIES):
        again = broadcast.phone_snapshot(teachers.pk, me.pk, "sv")
    assert first is not None and again is not None and again[1] == first[1]


def test_a_change_sends_the_group_s_phones_only_the_part_it_altered(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
    sent: list[tuple[str, dict[str, Any]]],
) -> None:
    """A factor edit sends the list (not the idea pool), a dot the pool (not the list); each
    under its own revision key, and the answer still holds the whole list with this
    member's own dots."""
    me = join_as(teachers)
    factor = add_factors(teachers, 2)[0]
    made = busy_pool(meeting, teachers, me, 3)  # the dialogue runs: the pool shows, with dots
    sent.clear()
    url = reverse("groups:edit", args=[meeting.join_code, teachers.pk, factor.pk])
    response = client.post(url, {"text": "Bara listan", "version": factor.version}, **HX)
    assert response.status_code == 200
    [(_, message)] = [(s, m) for s, m in sent if s == live.group_stream(teachers.pk)]
    fragment = message["html"]["sv"]
    assert 'id="group-state"' in fragment and "Bara listan" in fragment
    assert 'id="pool-state"' not in fragment and made[0].text not in fragment
    assert message["keys"] == [live.group_key(teachers.pk)]
    answer = response.content.decode()
    assert in_answer(fragment, answer) and 'id="pool-state"' not in answer
    # The room still gets the group's column.
    assert any(s == live.room_stream(meeting.pk) for s, _m in sent)

    sent.clear()
    url = reverse("groups:dot", args=[meeting.join_code, teachers.pk, made[0].pk])
    response = client.post(url, {"delta": "1", "seen": "0"}, **HX)
    assert response.status_code == 200
    [(_, message)] = [(s, m) for s, m in sent if s == live.group_stream(teachers.pk)]
    fragment = message["html"]["sv"]
    assert 'id="pool-state"' in fragment and made[0].text in fragment
    assert 'id="group-state"' not in fragment and "Bara listan" not in fragment
    assert message["keys"] == [live.pool_key(teachers.pk)]
    answer = response.content.decode()
    # The answer replaces #group-live: it brings the list too (rendered for it, as the
    # broadcast would: no CSRF field), the pool as broadcast, and this member's dots.
    assert in_answer(fragment, answer)
    assert 'id="group-state"' in answer and "Bara listan" in answer
    assert (
        "csrfmiddlewaretoken" not in answer.split('id="pool-state"')[0].split('id="group-state"')[1]
    )
    assert f'data-my-dots="{made[0].pk}:1"' in answer


def test_a_new_factor_where_ideas_can_be_picked_sends_the_pool_too(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
    sent: list[tuple[str, dict[str, Any]]],
) -> None:
    """The pool marks as many voted ideas "Förslag till listan" as the list has free places:
    a factor typed while ideas can be picked changes the pool's marks too."""
    me = join_as(teachers)
    add_factors(teachers, 3)  # two places free of five
    made = busy_pool(meeting, teachers, me, 3)
    for idea in made:
        services.set_dots(group=teachers, participant=me, idea_id=idea.pk, count=1)
    sent.clear()
    response = client.post(
        reverse("groups:add", args=[meeting.join_code, teachers.pk]),
        {"text": "En till i listan", "client_token": str(uuid.uuid4())},
        **HX,
    )
    assert response.status_code == 200
    [(_, message)] = [(s, m) for s, m in sent if s == live.group_stream(teachers.pk)]
    fragment = message["html"]["sv"]
    assert 'id="pool-state"' in fragment and "En till i listan" in fragment
    assert fragment.count('class="idea-suggested"') == 1  # one place left: one suggestion
    assert live.pool_key(teachers.pk) in message["keys"]
