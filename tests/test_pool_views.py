"""The idea pool on the phone and the console: requests, bad input, foreign ids, double taps,
and what each screen is allowed to see."""

from __future__ import annotations

import re
import uuid

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services
from groups.models import Idea, PoolSettings
from meetings import services as meeting_services
from meetings.models import Group, Meeting, Participant, PhaseKind
from screens import broadcast
from tests.support.fixtures import HX
from tests.support.live import connected, phone_session, phone_socket, room_socket
from tests.support.phases import run_phase


def url(name: str, group: Group, *args: int) -> str:
    return reverse(f"groups:{name}", args=[group.meeting.join_code, group.pk, *args])


def private(meeting: Meeting) -> None:
    services.update_pool_settings(
        meeting=meeting, dots_per_member=3, several_dots_per_idea=False, private_until_revealed=True
    )


def other_member(group: Group) -> Participant:
    return meeting_services.join_meeting(meeting=group.meeting, home_group_id=group.pk)


@pytest.mark.django_db
class TestPhone:
    def test_buzz_shows_the_idea_form_and_pool(
        self, client: Client, meeting: Meeting, teachers: Group, join_as
    ) -> None:
        join_as(teachers)
        run_phase(meeting, PhaseKind.BUZZ)
        html = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
        assert 'id="idea-form"' in html and "Prata två och två" in html
        assert re.search(r'id="pool-state"[^>]*data-phase-kind="buzz"[^>]*data-adding', html)

    def test_no_pool_outside_its_phases(
        self, client: Client, meeting: Meeting, teachers: Group, join_as
    ) -> None:
        join_as(teachers)
        html = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
        assert re.search(r'id="pool-state"[^>]*hidden', html)

    def test_add_idea_double_tap_and_fresh_form(
        self, client: Client, meeting: Meeting, teachers: Group, join_as
    ) -> None:
        me = join_as(teachers)
        run_phase(meeting, PhaseKind.BUZZ)
        token = str(uuid.uuid4())
        for _ in range(2):
            response = client.post(
                url("idea_add", teachers), {"text": "Studiero", "client_token": token}, **HX
            )
            assert response.status_code == 200
        idea = Idea.objects.get(group=teachers)
        assert idea.author == me
        html = response.content.decode()
        assert 'id="idea-form"' in html and 'data-hx-swap-oob="true"' in html
        assert f'data-my-ideas="{idea.pk}"' in html

    @pytest.mark.parametrize(
        ("text", "message"), [("  ", "Skriv en idé"), ("x" * 201, "högst 200 tecken")]
    )
    def test_bad_idea_is_refused_in_swedish_and_kept(
        self, client: Client, teachers: Group, join_as, text: str, message: str
    ) -> None:
        join_as(teachers)
        response = client.post(url("idea_add", teachers), {"text": text}, **HX)
        assert response.status_code == 400
        html = response.content.decode()
        assert message in html and response["HX-Retarget"] == "#idea-form"
        assert not teachers.ideas.exists()

    def test_foreign_group_and_foreign_idea(
        self, client: Client, teachers: Group, principals: Group, join_as
    ) -> None:
        me = join_as(teachers)
        run_phase(teachers.meeting, PhaseKind.BUZZ)
        theirs = services.add_idea(
            group=principals, author=other_member(principals), text="Rektorernas"
        )
        run_phase(teachers.meeting, PhaseKind.DIALOGUE)
        assert (
            client.post(url("idea_add", principals), {"text": "In i fel grupp"}, **HX).status_code
            == 403
        )
        assert (
            client.post(url("dot", principals, theirs.pk), {"delta": "1"}, **HX).status_code == 403
        )
        # Their idea through my own group's address: not found in my group.
        response = client.post(url("dot", teachers, theirs.pk), {"delta": "1"}, **HX)
        assert response.status_code == 404 and "finns inte längre" in response.content.decode()
        response = client.post(url("pick", teachers, theirs.pk), **HX)
        assert response.status_code == 404
        assert not theirs.dots.exists() and services.dots_of(me, principals) == {}

    def test_someone_elses_idea_cannot_be_edited_or_withdrawn(
        self, client: Client, teachers: Group, join_as
    ) -> None:
        join_as(teachers)
        run_phase(teachers.meeting, PhaseKind.BUZZ)
        theirs = services.add_idea(group=teachers, author=other_member(teachers), text="Deras idé")
        assert client.get(url("idea_edit", teachers, theirs.pk), **HX).status_code == 403
        response = client.post(url("idea_edit", teachers, theirs.pk), {"text": "Min nu"}, **HX)
        assert response.status_code == 403 and "dina egna idéer" in response.content.decode()
        assert client.post(url("idea_withdraw", teachers, theirs.pk), **HX).status_code == 403
        theirs.refresh_from_db()
        assert theirs.text == "Deras idé" and theirs.withdrawn_at is None

    def test_edit_and_withdraw_own_idea(self, client: Client, teachers: Group, join_as) -> None:
        me = join_as(teachers)
        run_phase(teachers.meeting, PhaseKind.BUZZ)
        idea = services.add_idea(group=teachers, author=me, text="Studiero")
        form = client.get(url("idea_edit", teachers, idea.pk), **HX).content.decode()
        assert "Ändra din idé" in form and "Studiero" in form
        response = client.post(
            url("idea_edit", teachers, idea.pk),
            {"text": "Studiero i klassrummet", "version": "1"},
            **HX,
        )
        assert response.status_code == 200
        stale = client.post(
            url("idea_edit", teachers, idea.pk), {"text": "Annat", "version": "1"}, **HX
        )
        assert stale.status_code == 409 and "försök igen" in stale.content.decode()
        assert client.post(url("idea_withdraw", teachers, idea.pk), **HX).status_code == 200
        assert (
            client.post(url("idea_withdraw", teachers, idea.pk), **HX).status_code == 200
        )  # double tap
        idea.refresh_from_db()
        assert idea.withdrawn_at is not None and idea.text == "Studiero i klassrummet"

    def test_dots_double_tap_places_one(
        self, client: Client, meeting: Meeting, teachers: Group, join_as
    ) -> None:
        me = join_as(teachers)
        run_phase(meeting, PhaseKind.BUZZ)
        idea = services.add_idea(group=teachers, author=other_member(teachers), text="Studiero")
        run_phase(meeting, PhaseKind.AGREE)
        for _ in range(2):  # both taps saw 0 dots of their own
            response = client.post(url("dot", teachers, idea.pk), {"delta": "1", "seen": "0"}, **HX)
            assert response.status_code == 200
        assert services.dots_of(me, teachers) == {idea.pk: 1}
        assert f'data-my-dots="{idea.pk}:1"' in response.content.decode()
        response = client.post(url("dot", teachers, idea.pk), {"delta": "1", "seen": "1"}, **HX)
        assert response.status_code == 409 and "en prick per idé" in response.content.decode()
        assert (
            client.post(
                url("dot", teachers, idea.pk), {"delta": "-1", "seen": "1"}, **HX
            ).status_code
            == 200
        )
        assert services.dots_of(me, teachers) == {}
        bad = client.post(url("dot", teachers, idea.pk), {"delta": "7"}, **HX)
        assert bad.status_code == 400 and "sätta eller ta bort" in bad.content.decode()

    def test_merge_and_pick(
        self, client: Client, meeting: Meeting, teachers: Group, join_as
    ) -> None:
        me = join_as(teachers)
        run_phase(meeting, PhaseKind.BUZZ)
        first = services.add_idea(group=teachers, author=me, text="Trygghet i klassrummet")
        second = services.add_idea(
            group=teachers, author=other_member(teachers), text="Tryggheten i klassrum"
        )
        run_phase(meeting, PhaseKind.AGREE)
        page = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
        assert "Liknar varandra" in page and "båda nämner" in page and "trygghet" in page
        for _ in range(2):
            response = client.post(
                url("merge", teachers), {"idea": second.pk, "into": first.pk}, **HX
            )
            assert response.status_code == 200
        assert "Sammanslagen med" in response.content.decode()
        bad = client.post(url("merge", teachers), {"idea": "x", "into": first.pk}, **HX)
        assert bad.status_code == 400 and "Välj två idéer" in bad.content.decode()
        for _ in range(2):
            assert client.post(url("pick", teachers, first.pk), **HX).status_code == 200
        factor = teachers.factors.get()
        assert factor.text == "Trygghet i klassrummet"
        assert set(factor.source_ideas.values_list("pk", flat=True)) == {first.pk, second.pk}

    def test_private_pool_shows_only_own_ideas_until_revealed(
        self, client: Client, meeting: Meeting, teachers: Group, join_as
    ) -> None:
        private(meeting)
        me = join_as(teachers)
        run_phase(meeting, PhaseKind.BUZZ)
        services.add_idea(group=teachers, author=me, text="Min egen idé")
        services.add_idea(group=teachers, author=other_member(teachers), text="Någon annans idé")
        html = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
        assert "Min egen idé" in html and "Någon annans idé" not in html
        assert "Gruppen har skrivit 2 idéer" in html
        # The group's broadcast (the same for every member) has counts only.
        broadcast_html = broadcast.phone_snapshot(teachers.pk, me.pk, "sv")[0]
        assert "Min egen idé" not in broadcast_html and "Någon annans idé" not in broadcast_html
        assert "Gruppen har skrivit 2 idéer" in broadcast_html
        idea = teachers.ideas.first()
        assert client.post(url("dot", teachers, idea.pk), {"delta": "1"}, **HX).status_code == 409
        assert client.post(url("reveal", teachers), **HX).status_code == 200
        html = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
        assert "Min egen idé" in html and "Någon annans idé" in html

    def test_locked_list_closes_the_pool(
        self, client: Client, teachers: Group, join_as, add_factors
    ) -> None:
        me = join_as(teachers)
        run_phase(teachers.meeting, PhaseKind.BUZZ)
        idea = services.add_idea(group=teachers, author=me, text="Studiero")
        run_phase(teachers.meeting, PhaseKind.DIALOGUE)
        add_factors(teachers, 5)
        services.mark_agreed(group=teachers)
        response = client.post(url("idea_add", teachers), {"text": "Sent"}, **HX)
        assert response.status_code == 409 and "Listan är redan klar" in response.content.decode()
        assert client.post(url("idea_withdraw", teachers, idea.pk), **HX).status_code == 409

    def test_get_is_not_allowed_on_pool_actions(
        self, client: Client, teachers: Group, join_as
    ) -> None:
        join_as(teachers)
        for address in (url("idea_add", teachers), url("merge", teachers), url("reveal", teachers)):
            assert client.get(address).status_code == 405

    def test_not_joined_phone_cannot_add(self, client: Client, teachers: Group) -> None:
        response = client.post(url("idea_add", teachers), {"text": "Hej"})
        assert response.status_code == 403
        assert not teachers.ideas.exists()


@pytest.mark.django_db
class TestConsole:
    def test_settings_are_saved_and_checked(
        self, client: Client, facilitator: User, meeting: Meeting
    ) -> None:
        client.force_login(facilitator)
        detail = reverse("meetings:detail", args=[meeting.pk])
        # No buzz groups in the agenda: no pool, nothing to set up.
        assert "Idéer och prickar" not in client.get(detail).content.decode()
        meeting_services.add_phase(
            meeting=meeting, kind=PhaseKind.BUZZ, title="Bikupor", planned_minutes=10
        )
        page = client.get(detail).content.decode()
        assert "Idéer och prickar" in page and 'id="pool-dots"' in page
        address = reverse("groups:console_pool_settings", args=[meeting.pk])
        response = client.post(
            address,
            {"dots_per_member": "5", "several_dots_per_idea": "1", "private_until_revealed": "1"},
            **HX,
        )
        assert response.status_code == 200 and "Sparat." in response.content.decode()
        saved = PoolSettings.for_meeting(meeting.pk)
        assert (
            saved.dots_per_member,
            saved.several_dots_per_idea,
            saved.private_until_revealed,
        ) == (5, True, True)
        for bad in ("0", "11", "tre", ""):
            response = client.post(address, {"dots_per_member": bad}, **HX)
            assert response.status_code == 400
            assert "prickar" in response.content.decode()
        assert PoolSettings.for_meeting(meeting.pk).dots_per_member == 5

    def test_only_the_meetings_facilitators(
        self, client: Client, meeting: Meeting, teachers: Group
    ) -> None:
        other = User.objects.create_user("bertil", password="hemligt-losen-2")
        client.force_login(other)
        address = reverse("groups:console_pool_settings", args=[meeting.pk])
        assert client.post(address, {"dots_per_member": "4"}).status_code == 404
        reveal = reverse("groups:console_reveal", args=[meeting.pk, teachers.pk])
        assert client.post(reveal).status_code == 404
        client.logout()
        assert client.post(address, {"dots_per_member": "4"}).status_code == 302  # to the login

    def test_facilitator_reveals_a_group(
        self,
        client: Client,
        facilitator: User,
        meeting: Meeting,
        teachers: Group,
        principals: Group,
    ) -> None:
        private(meeting)
        run_phase(meeting, PhaseKind.BUZZ)
        services.add_idea(group=teachers, author=other_member(teachers), text="Dold idé")
        client.force_login(facilitator)
        page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        assert f'id="console-reveal-{teachers.pk}"' in page and "Dold idé" not in page
        response = client.post(
            reverse("groups:console_reveal", args=[meeting.pk, teachers.pk]), **HX
        )
        assert response.status_code == 200
        assert teachers.idea_pool.revealed_by_facilitator
        # A group of another meeting is not found through this meeting's address.
        other = meeting_services.create_meeting(
            facilitator=facilitator,
            title="Annat",
            date=meeting.date,
            core_question="Fråga?",
            home_group_names=["X"],
        )
        foreign = other.home_groups().get()
        assert (
            client.post(reverse("groups:console_reveal", args=[meeting.pk, foreign.pk])).status_code
            == 404
        )


@pytest.mark.django_db(transaction=True)
async def test_room_shows_counts_never_who(meeting: Meeting, teachers: Group) -> None:
    @database_sync_to_async
    def setup() -> tuple[Idea, Participant]:
        run_phase(meeting, PhaseKind.BUZZ)
        author = meeting_services.join_meeting(
            meeting=meeting, home_group_id=teachers.pk, display_name="Vera Väljare"
        )
        idea = services.add_idea(group=teachers, author=author, text="Studiero")
        run_phase(meeting, PhaseKind.AGREE)
        return idea, author

    idea, author = await setup()
    room = room_socket(meeting)
    initial = await connected(room)
    assert "Studiero" not in initial  # no votes yet: the column lists the top-voted only
    await database_sync_to_async(services.set_dots)(
        group=teachers, participant=author, idea_id=idea.pk, count=1
    )
    fragment = await room.receive_from(timeout=3)
    assert f'id="room-group-{teachers.pk}"' in fragment
    assert "1 idé · 1 röst" in fragment and "Studiero" in fragment
    # Who voted is nowhere in it: not the voter's name, not a member id.
    assert "Vera Väljare" not in fragment and "data-participant" not in fragment
    await room.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_phone_broadcast_in_private_mode_carries_counts_only(
    meeting: Meeting, teachers: Group
) -> None:
    @database_sync_to_async
    def setup() -> None:
        private(meeting)
        run_phase(meeting, PhaseKind.BUZZ)

    await setup()
    phone = phone_socket(meeting, teachers, await phone_session(teachers))
    await connected(phone)
    author = await database_sync_to_async(other_member)(teachers)
    await database_sync_to_async(services.add_idea)(
        group=teachers, author=author, text="Hemlig idé"
    )
    fragment = await phone.receive_from(timeout=3)
    assert "Gruppen har skrivit 1 idé." in fragment and "Hemlig idé" not in fragment
    await database_sync_to_async(services.reveal_pool)(group=teachers, by=author)
    fragment = await phone.receive_from(timeout=3)
    assert "Hemlig idé" in fragment
    await phone.disconnect()


@pytest.mark.django_db
def test_a_moved_phone_asking_for_its_old_groups_state_goes_to_its_new_group(
    client: Client, meeting: Meeting, teachers: Group, principals: Group, join_as
) -> None:
    me = join_as(teachers)
    meeting_services.move_participant(meeting=meeting, participant_id=me.pk, group_id=principals.pk)
    response = client.get(url("state", teachers), **HX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("groups:page", args=[meeting.join_code])
