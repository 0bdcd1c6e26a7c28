"""Expert groups in a meeting: the draft, moving people, publishing (explicitly again),
latecomers, people who left, the phone's table and the expert group's list."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings import services
from meetings.errors import DomainError, NeedsConfirmation
from meetings.models import Group, Meeting, Participant, PhaseKind
from tests.support.fixtures import HX
from topp25 import live

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.afternoon(home_groups=["Lärare", "Rektorer", "Politiker"]),
]


@pytest.fixture
def homes(afternoon: Meeting) -> dict[str, Group]:
    return {group.name: group for group in afternoon.home_groups()}


def join(group: Group, name: str = "", client: Client | None = None) -> Participant:
    from meetings.participation import remember_participant

    participant = services.join_meeting(
        meeting=group.meeting, home_group_id=group.pk, display_name=name
    )
    if client is not None:
        session = client.session
        remember_participant(session, participant)
        session.save()
    return participant


@pytest.fixture
def people(homes: dict[str, Group]) -> dict[str, Participant]:
    """Lärare 3, Rektorer 2, Politiker 1."""
    names = {"Lärare": ["la", "lb", "lc"], "Rektorer": ["ra", "rb"], "Politiker": ["pa"]}
    return {name: join(homes[group], name) for group, members in names.items() for name in members}


def start_expert_phase(meeting: Meeting) -> None:
    phase = meeting.agenda().get(kind=PhaseKind.EXPERT)
    services.start_phase(meeting=meeting, phase_id=phase.pk)


def refreshed(people: dict[str, Participant]) -> dict[str, Participant]:
    return {name: Participant.objects.get(pk=p.pk) for name, p in people.items()}


def experts(meeting: Meeting) -> list[Group]:
    return list(meeting.groups.filter(kind=Group.Kind.EXPERT).order_by("position"))


# --- Services -----------------------------------------------------------------------------


def test_allocate_makes_a_draft_of_numbered_tables(
    afternoon: Meeting, people: dict[str, Participant]
) -> None:
    groups = services.allocate_experts(meeting=afternoon, expert_count=2)
    assert [(g.name, g.position, g.kind) for g in groups] == [
        ("Expertgrupp 1", 1, "expert"),
        ("Expertgrupp 2", 2, "expert"),
    ]
    now = refreshed(people)
    # Everyone is placed once; nothing is published yet.
    assert {p.expert_draft_id for p in now.values()} == {g.pk for g in groups}
    assert all(p.expert_group_id is None for p in now.values())
    sizes = sorted(Participant.objects.filter(expert_draft=g).count() for g in groups)
    assert sizes == [3, 3]
    # Each table has a teacher and a principal (2 of each home group spread evenly).
    for group in groups:
        homes = set(
            Participant.objects.filter(expert_draft=group).values_list(
                "home_group__name", flat=True
            )
        )
        assert {"Lärare", "Rektorer"} <= homes
    afternoon.refresh_from_db()
    assert afternoon.experts_published_at is None


def test_reallocating_with_fewer_tables_removes_the_empty_extra_ones(
    afternoon: Meeting, people: dict[str, Participant]
) -> None:
    services.allocate_experts(meeting=afternoon, expert_count=3)
    services.allocate_experts(meeting=afternoon, expert_count=2)
    assert [g.position for g in experts(afternoon)] == [1, 2]


def test_allocate_refuses_bad_counts(afternoon: Meeting, people: dict[str, Participant]) -> None:
    with pytest.raises(DomainError) as zero:
        services.allocate_experts(meeting=afternoon, expert_count=0)
    assert zero.value.code == "expert_count"
    with pytest.raises(DomainError) as too_many:
        services.allocate_experts(meeting=afternoon, expert_count=7)
    assert too_many.value.code == "too_many_expert_groups"
    assert "6 deltagare" in str(too_many.value)
    assert experts(afternoon) == []


def test_people_who_left_are_not_allocated_and_are_shown_as_gone(
    afternoon: Meeting, people: dict[str, Participant], facilitator: User, client: Client
) -> None:
    services.set_participant_left(meeting=afternoon, participant_id=people["pa"].pk, left=True)
    services.allocate_experts(meeting=afternoon, expert_count=2)
    assert Participant.objects.get(pk=people["pa"].pk).expert_draft_id is None
    # Marked gone after allocation: stays at the table, marked.
    services.set_participant_left(meeting=afternoon, participant_id=people["la"].pk, left=True)
    client.force_login(facilitator)
    html = client.get(reverse("meetings:detail", args=[afternoon.pk])).content.decode()
    person = html.split(f'id="draft-person-{people["la"].pk}"')[1].split("</li>")[0]
    assert "har gått" in person and "Är tillbaka" in person
    assert f'id="draft-person-{people["pa"].pk}"' not in html  # gone and never seated
    assert "4 deltagare på plats." in html
    services.set_participant_left(meeting=afternoon, participant_id=people["la"].pk, left=False)
    assert Participant.objects.get(pk=people["la"].pk).left_at is None


def test_move_in_the_draft(afternoon: Meeting, people: dict[str, Participant]) -> None:
    one, two = services.allocate_experts(meeting=afternoon, expert_count=2)
    person = Participant.objects.filter(expert_draft=one).first()
    assert person is not None
    services.move_expert_draft(meeting=afternoon, participant_id=person.pk, group_id=two.pk)
    assert Participant.objects.get(pk=person.pk).expert_draft_id == two.pk
    home = afternoon.home_groups().first()
    assert home is not None
    with pytest.raises(DomainError) as not_expert:
        services.move_expert_draft(meeting=afternoon, participant_id=person.pk, group_id=home.pk)
    assert not_expert.value.code == "expert_group_gone"


def test_publish_then_publish_again_only_when_confirmed(
    afternoon: Meeting, people: dict[str, Participant]
) -> None:
    with pytest.raises(DomainError) as nothing:
        services.publish_experts(meeting=afternoon)
    assert nothing.value.code == "no_allocation"
    one, two = services.allocate_experts(meeting=afternoon, expert_count=2)
    assert services.publish_experts(meeting=afternoon) is None  # published
    now = refreshed(people)
    assert all(p.expert_group_id == p.expert_draft_id for p in now.values())
    afternoon.refresh_from_db()
    first_published = afternoon.experts_published_at
    assert first_published is not None

    mover = now["la"]
    target = two if mover.expert_group_id == one.pk else one
    services.move_expert_draft(meeting=afternoon, participant_id=mover.pk, group_id=target.pk)
    again = services.publish_experts(meeting=afternoon)
    assert isinstance(again, NeedsConfirmation) and "publicerades redan" in again.message
    assert Participant.objects.get(pk=mover.pk).expert_group_id != target.pk  # unchanged
    assert services.publish_experts(meeting=afternoon, confirmed=True) is None
    assert Participant.objects.get(pk=mover.pk).expert_group_id == target.pk


def test_latecomers_go_where_their_home_group_is_missing_then_to_the_smallest_table(
    afternoon: Meeting, homes: dict[str, Group]
) -> None:
    teachers = [join(homes["Lärare"]) for _ in range(2)]
    principal = join(homes["Rektorer"])
    one, two = services.allocate_experts(meeting=afternoon, expert_count=2)
    services.publish_experts(meeting=afternoon)
    principal_table = Participant.objects.get(pk=principal.pk).expert_group_id
    assert {Participant.objects.get(pk=t.pk).expert_group_id for t in teachers} == {one.pk, two.pk}

    late_principal = join(homes["Rektorer"])
    seat = Participant.objects.get(pk=late_principal.pk)
    assert seat.expert_group_id != principal_table  # the table without a principal
    assert seat.expert_draft_id == seat.expert_group_id
    # Now both tables have 2; a politician (missing everywhere) goes to the lowest table.
    politician = join(homes["Politiker"])
    assert Participant.objects.get(pk=politician.pk).expert_group_id == one.pk
    # Table 1 has 3 now: the next teacher goes to table 2, the smaller one.
    assert Participant.objects.get(pk=join(homes["Lärare"]).pk).expert_group_id == two.pk


def test_a_latecomer_ignores_people_who_left(afternoon: Meeting, homes: dict[str, Group]) -> None:
    teachers = [join(homes["Lärare"]) for _ in range(3)]
    for _ in range(2):
        join(homes["Rektorer"])
    one, two = services.allocate_experts(meeting=afternoon, expert_count=2)
    services.publish_experts(meeting=afternoon)
    # Table 1: two teachers and a principal; table 2: a teacher and a principal.
    at_one = [t for t in teachers if Participant.objects.get(pk=t.pk).expert_group_id == one.pk]
    assert len(at_one) == 2
    for teacher in at_one:
        services.set_participant_left(meeting=afternoon, participant_id=teacher.pk, left=True)
    # Both teachers of table 1 left: table 1 lacks a teacher now (not the smaller table 2).
    assert Participant.objects.get(pk=join(homes["Lärare"]).pk).expert_group_id == one.pk


def test_before_publishing_a_latecomer_waits_unseated(
    afternoon: Meeting, people: dict[str, Participant], homes: dict[str, Group]
) -> None:
    services.allocate_experts(meeting=afternoon, expert_count=2)
    late = join(homes["Rektorer"])
    late = Participant.objects.get(pk=late.pk)
    assert late.expert_draft_id is None and late.expert_group_id is None


def test_publishing_sends_every_phone_its_own_table(
    afternoon: Meeting,
    people: dict[str, Participant],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    start_expert_phase(afternoon)
    services.allocate_experts(meeting=afternoon, expert_count=2)
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(live, "send_now", lambda messages, on_sent=None: sent.extend(messages))
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_experts(meeting=afternoon)
    phone = next(message for stream, message in sent if stream == f"phase-{afternoon.pk}")
    one, two = experts(afternoon)
    assert phone["viewers"] == {
        str(p.pk): str(p.expert_group_id) for p in refreshed(people).values()
    }
    assert "Expertgrupp 2 — bord 2" in phone["variants"][str(two.pk)]["sv"]
    assert "Expertgrupp 1 — bord 1" in phone["variants"][str(one.pk)]["sv"]
    assert "delar in er i expertgrupper" in phone["variants"]["*"]["sv"]
    room = next(message for stream, message in sent if stream == f"room-{afternoon.pk}")
    # The room's gallery shows the expert groups now.
    assert f'id="room-group-{one.pk}"' in room["html"]["sv"]


# --- Views: the console -------------------------------------------------------------------


def test_console_allocates_moves_and_publishes(
    client: Client, facilitator: User, afternoon: Meeting, people: dict[str, Participant]
) -> None:
    client.force_login(facilitator)
    page = client.get(reverse("meetings:detail", args=[afternoon.pk])).content.decode()
    assert 'id="expert-count"' in page and 'value="1"' in page  # suggestion: 1 (one politician)
    response = client.post(
        reverse("meetings:experts_allocate", args=[afternoon.pk]), {"count": "2"}, **HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Expertgrupp 1 — bord 1" in html and "Expertgrupp 2 — bord 2" in html
    assert "Publicera expertgrupperna" in html
    la = Participant.objects.get(pk=people["la"].pk)
    assert la.display_name in html
    one, two = experts(afternoon)
    target = two if la.expert_draft_id == one.pk else one
    moved = client.post(
        reverse("meetings:experts_move", args=[afternoon.pk, la.pk]), {"group": target.pk}, **HX
    )
    assert moved.status_code == 200
    assert Participant.objects.get(pk=la.pk).expert_draft_id == target.pk
    published = client.post(reverse("meetings:experts_publish", args=[afternoon.pk]), **HX)
    assert published.status_code == 200 and "Publicera igen" in published.content.decode()
    # A double tap on Publicera asks instead of publishing again.
    twice = client.post(reverse("meetings:experts_publish", args=[afternoon.pk]), **HX)
    assert twice.status_code == 200
    assert 'id="expert-publish-confirm"' in twice.content.decode()


@pytest.mark.parametrize(
    ("count", "message"),
    [("", "Välj mellan 1 och 50"), ("abc", "Välj mellan 1 och 50"), ("99", "Välj mellan 1")],
)
def test_console_bad_counts_get_a_swedish_400(
    client: Client,
    facilitator: User,
    afternoon: Meeting,
    people: dict[str, Participant],
    count: str,
    message: str,
) -> None:
    client.force_login(facilitator)
    response = client.post(
        reverse("meetings:experts_allocate", args=[afternoon.pk]), {"count": count}, **HX
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_console_foreign_ids(
    client: Client,
    facilitator: User,
    afternoon: Meeting,
    people: dict[str, Participant],
    meeting: Meeting,
) -> None:
    client.force_login(facilitator)
    (one,) = services.allocate_experts(meeting=afternoon, expert_count=1)
    other_person = services.join_meeting(
        meeting=meeting,
        home_group_id=meeting.home_groups().first().pk,  # type: ignore[union-attr]
    )
    # Another meeting's participant, or a home group as a table: 404.
    response = client.post(
        reverse("meetings:experts_move", args=[afternoon.pk, other_person.pk]),
        {"group": one.pk},
        **HX,
    )
    assert response.status_code == 404
    response = client.post(
        reverse("meetings:experts_move", args=[afternoon.pk, people["la"].pk]),
        {"group": people["la"].home_group_id},
        **HX,
    )
    assert response.status_code == 404
    response = client.post(
        reverse("meetings:participant_left", args=[afternoon.pk, other_person.pk]),
        {"left": "1"},
        **HX,
    )
    assert response.status_code == 404
    # Someone else's meeting: 403.
    stranger = User.objects.create_user("bertil", password="x")
    from django.contrib.auth.models import Group as AuthGroup

    from meetings.roles import FACILITATOR_ROLE

    stranger.groups.add(AuthGroup.objects.get(name=FACILITATOR_ROLE))
    client.force_login(stranger)
    for name, args in [
        ("meetings:experts_allocate", [afternoon.pk]),
        ("meetings:experts_publish", [afternoon.pk]),
        ("meetings:experts_move", [afternoon.pk, people["la"].pk]),
        ("meetings:participant_left", [afternoon.pk, people["la"].pk]),
    ]:
        assert client.post(reverse(name, args=args), {"count": "1"}, **HX).status_code == 404
    client.logout()
    response = client.post(reverse("meetings:experts_publish", args=[afternoon.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- Views: the phone ---------------------------------------------------------------------


@pytest.fixture
def published(afternoon: Meeting, people: dict[str, Participant]) -> list[Group]:
    start_expert_phase(afternoon)
    groups = services.allocate_experts(meeting=afternoon, expert_count=2)
    services.publish_experts(meeting=afternoon)
    return groups


def test_phone_shows_its_table_and_the_expert_page(
    client: Client, afternoon: Meeting, homes: dict[str, Group], published: list[Group]
) -> None:
    group_services.add_factor(group=homes["Lärare"], text="Kollegialt lärande")
    me = join(homes["Rektorer"], "sen", client)  # a latecomer, seated automatically
    me = Participant.objects.get(pk=me.pk)
    table = me.expert_group
    assert table is not None
    page = client.get(reverse("groups:page", args=[afternoon.join_code])).content.decode()
    assert f"Din expertgrupp: {table.name} — bord {table.position}" in page
    assert reverse("groups:expert", args=[afternoon.join_code]) in page

    expert = client.get(reverse("groups:expert", args=[afternoon.join_code]))
    html = expert.content.decode()
    assert expert.status_code == 200
    assert f"Din expertgrupp: {table.name} — bord {table.position}" in html
    assert "Hemgruppernas listor" in html and "Kollegialt lärande" in html
    assert f'data-ws-connect="/ws/m/{afternoon.join_code}/groups/{table.pk}/"' in html

    add = reverse("groups:add", args=[afternoon.join_code, table.pk])
    response = client.post(add, {"text": "Gemensamt språk"}, **HX)
    assert response.status_code == 200
    assert list(table.factors.values_list("text", flat=True)) == ["Gemensamt språk"]
    other = next(g for g in published if g.pk != table.pk)
    refused = client.post(
        reverse("groups:add", args=[afternoon.join_code, other.pk]), {"text": "Inte vår"}, **HX
    )
    assert refused.status_code == 403
    assert not other.factors.exists()


def test_expert_page_without_a_table_goes_to_the_home_group(
    client: Client, afternoon: Meeting, homes: dict[str, Group]
) -> None:
    join(homes["Lärare"], client=client)
    response = client.get(reverse("groups:expert", args=[afternoon.join_code]))
    assert response.status_code == 302
    assert response["Location"] == reverse("groups:page", args=[afternoon.join_code])
    stranger = Client()
    response = stranger.get(reverse("groups:expert", args=[afternoon.join_code]))
    assert response.status_code == 302 and "/group/" not in response["Location"]


def test_console_shows_expert_lists_as_rows(
    client: Client,
    facilitator: User,
    afternoon: Meeting,
    published: list[Group],
    add_factors: Callable[[Group, int], list[Any]],
) -> None:
    add_factors(published[0], 2)
    client.force_login(facilitator)
    html = client.get(reverse("meetings:detail", args=[afternoon.pk])).content.decode()
    assert f'id="console-group-{published[0].pk}"' in html
    assert "Expertgruppernas listor" in html
    # The table number is what the phones show: expert rows have no up/down.
    row = html.split(f'id="console-group-{published[0].pk}"')[1].split("</tr>")[0]
    assert "Faktor 1" in row and "/move/" not in row


# --- The phone's socket: its expert group's list, once published --------------------------


@pytest.mark.django_db(transaction=True)
async def test_phone_socket_may_follow_its_expert_group_only() -> None:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.contrib.sessions.backends.db import SessionStore

    from meetings.participation import remember_participant
    from screens.consumers import CLOSE_FORBIDDEN
    from topp25.asgi import application

    def arrange() -> tuple[Meeting, str, Group, Group]:
        user = User.objects.create_user("cecilia", password="x")
        meeting = services.create_meeting(
            facilitator=user,
            title="Sockets",
            date=datetime.date(2026, 12, 1),
            core_question="Fråga?",
            home_group_names=["Lärare", "Rektorer"],
        )
        teachers, principals = meeting.home_groups().order_by("position")
        me = services.join_meeting(meeting=meeting, home_group_id=teachers.pk)
        services.join_meeting(meeting=meeting, home_group_id=principals.pk)
        services.join_meeting(meeting=meeting, home_group_id=teachers.pk)
        services.allocate_experts(meeting=meeting, expert_count=2)
        services.publish_experts(meeting=meeting)
        me.refresh_from_db()
        mine = me.expert_group
        assert mine is not None
        other = meeting.groups.filter(kind=Group.Kind.EXPERT).exclude(pk=mine.pk).get()
        session = SessionStore()
        remember_participant(session, me)
        session.create()
        return meeting, session.session_key or "", mine, other

    meeting, key, mine, other = await sync_to_async(arrange)()
    headers = [
        (b"host", b"127.0.0.1"),
        (b"origin", b"http://127.0.0.1"),
        (b"cookie", f"sessionid={key}".encode()),
    ]

    def socket(group: Group) -> WebsocketCommunicator:
        path = f"/ws/m/{meeting.join_code}/groups/{group.pk}/"
        return WebsocketCommunicator(application, path, headers=headers)

    refused = socket(other)
    ok, code = await refused.connect(timeout=5)
    assert not ok and code == CLOSE_FORBIDDEN

    phone = socket(mine)
    ok, _code = await phone.connect(timeout=5)
    assert ok
    initial = await phone.receive_from(timeout=3)
    assert 'id="group-state"' in initial
    await sync_to_async(group_services.add_factor)(group=mine, text="Expertgruppens faktor")
    fragment = await phone.receive_from(timeout=3)
    assert "Expertgruppens faktor" in fragment
    await phone.disconnect()
