"""What a phase does not allow, the server refuses (#15 point 2, #17 finding 6): every
participant action in every phase kind, through the services and through a phone's requests,
answered 409 with a Swedish sentence saying what is possible now, and nothing written.
The facilitator's actions are not limited by the phase."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import reverse

from groups import reflection
from groups import services as groups
from groups.models import Dot, Idea, ReflectionWord, SuccessFactor
from meetings import services
from meetings.errors import DomainError
from meetings.models import Group, Meeting, Participant, PhaseKind
from meetings.participation import remember_participant
from meetings.phases import PHASE_RULES, Action, NotAllowedNow, rules_for
from tests.support.fixtures import HX
from tests.support.phases import run_phase

pytestmark = pytest.mark.django_db


@dataclass
class Table:
    meeting: Meeting
    group: Group
    me: Participant
    ideas: list[Idea]  # three ideas of another member; the first carries my dot
    client: Client


@pytest.fixture
def table(afternoon: Meeting, client: Client) -> Table:
    """A home group in the middle of its afternoon: ideas written in the buzz, a dot placed in
    the dialogue, one factor on the list; `me` is the phone of `client`."""
    group = afternoon.home_groups().get(name="Lärare")
    me = services.join_meeting(meeting=afternoon, home_group_id=group.pk)
    other = services.join_meeting(meeting=afternoon, home_group_id=group.pk)
    session = client.session
    remember_participant(session, me)
    session.save()
    run_phase(afternoon, PhaseKind.BUZZ)
    ideas = [groups.add_idea(group=group, author=other, text=f"Idé {n}") for n in range(3)]
    run_phase(afternoon, PhaseKind.DIALOGUE)
    groups.set_dots(group=group, participant=me, idea_id=ideas[0].pk, count=1)
    groups.add_factor(group=group, text="Kollegialt lärande")
    return Table(afternoon, group, me, ideas, client)


def _actions(t: Table) -> dict[str, tuple[Action, Callable[[], object]]]:
    """Every participant-facing service, with the action it asks the phase for."""
    group, me, ideas = t.group, t.me, t.ideas
    return {
        "add idea": (Action.WRITE_IDEA, lambda: groups.add_idea(group=group, author=me, text="Ny")),
        "dot": (
            Action.DOT,
            lambda: groups.set_dots(group=group, participant=me, idea_id=ideas[1].pk, count=1),
        ),
        "un-dot": (
            Action.DOT,
            lambda: groups.set_dots(group=group, participant=me, idea_id=ideas[0].pk, count=0),
        ),
        "merge": (
            Action.MERGE,
            lambda: groups.merge_ideas(group=group, idea_id=ideas[2].pk, into_id=ideas[1].pk),
        ),
        "pick": (Action.PICK, lambda: groups.pick_idea(group=group, idea_id=ideas[1].pk)),
        "add factor": (Action.EDIT_LIST, lambda: groups.add_factor(group=group, text="Ny faktor")),
        "agree": (Action.AGREE, lambda: groups.mark_agreed(group=group, confirmed_short=True)),
        "words": (
            Action.WRITE_WORD,
            lambda: reflection.submit_words(meeting=t.meeting, participant=me, entries=["mod"]),
        ),
    }


def _state(t: Table) -> tuple[Any, ...]:
    group = Group.objects.get(pk=t.group.pk)
    return (
        group.revision,
        group.agreed_at,
        list(Idea.objects.filter(group=group).values_list("pk", "text", "merged_into", "version")),
        list(Dot.objects.filter(idea__group=group).values_list("idea", "participant", "count")),
        list(SuccessFactor.objects.filter(group=group).values_list("pk", "text", "position")),
        ReflectionWord.objects.filter(meeting=t.meeting).count(),
    )


@pytest.mark.parametrize("kind", list(PhaseKind))
def test_every_action_in_every_phase_follows_the_phase_rules(table: Table, kind: str) -> None:
    run_phase(table.meeting, kind)
    # The kind's rules as this meeting applies them (with its buzz groups, and ideas until the
    # list is agreed, on by default): the one answer the services and the screens follow.
    rules = rules_for(Meeting.objects.select_related("current_phase").get(pk=table.meeting.pk))
    assert rules.allows <= PHASE_RULES[kind].allows | {Action.WRITE_IDEA}
    for name, (action, call) in _actions(table).items():
        before = _state(table)
        with transaction.atomic():  # each action on the same starting state
            try:
                call()
                raised: DomainError | None = None
            except DomainError as error:
                raised = error
            after = _state(table)
            transaction.set_rollback(True)
        if rules.allowed(action):
            assert not isinstance(raised, NotAllowedNow), f"{name} refused in {kind}"
        else:
            assert isinstance(raised, NotAllowedNow), f"{name} accepted in {kind}"
            assert raised.status == 409 and raised.action == action
            assert after == before, f"{name} in {kind} wrote something"


def test_no_running_phase_allows_only_the_list(table: Table) -> None:
    services.end_phase(meeting=table.meeting)
    table.meeting.refresh_from_db()
    assert rules_for(table.meeting).allows == {Action.EDIT_LIST, Action.AGREE}
    with pytest.raises(NotAllowedNow) as refused:
        groups.add_idea(group=table.group, author=table.me, text="Mellan faserna")
    assert "Ingen fas pågår just nu" in refused.value.message
    groups.add_factor(group=table.group, text="Mellan faserna")


# --- #17 finding 6, as a phone does it -------------------------------------------------------


def test_a_dot_during_fika_is_refused(table: Table) -> None:
    """Finding 6: a dot was accepted during fika."""
    run_phase(table.meeting, PhaseKind.BREAK)
    before = _state(table)
    url = reverse("groups:dot", args=[table.meeting.join_code, table.group.pk, table.ideas[1].pk])
    response = table.client.post(url, {"delta": "1", "seen": "0"}, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Under ”Fika” går det inte att sätta eller ta bort prickar." in html
    assert "Det ni kan göra nu: ändra listan och markera listan som klar." in html
    assert _state(table) == before


def test_an_idea_after_the_closing_phase_began_is_refused_and_kept_in_the_form(
    table: Table,
) -> None:
    """Finding 6: ideas were accepted after the closing phase began."""
    run_phase(table.meeting, PhaseKind.CLOSED)
    before = _state(table)
    url = reverse("groups:idea_add", args=[table.meeting.join_code, table.group.pk])
    response = table.client.post(url, {"text": "En sen idé"}, **HX)
    assert response.status_code == 409
    html = response.content.decode()
    assert "går det inte att skriva, ändra eller ta tillbaka idéer" in html
    assert "Vänta tills samtalsledaren startar nästa fas." in html
    assert 'value="En sen idé"' in html or ">En sen idé<" in html  # nothing typed is lost
    assert response["HX-Retarget"] == "#idea-form"
    assert _state(table) == before
    # Without JavaScript: the same status and sentence on the whole page.
    plain = table.client.post(url, {"text": "En sen idé"})
    assert plain.status_code == 409 and "skriva, ändra eller ta tillbaka idéer" in plain.text
    assert _state(table) == before


def test_an_undot_after_the_closing_phase_began_is_refused(table: Table) -> None:
    """Finding 6: un-dots were accepted after the closing phase began."""
    run_phase(table.meeting, PhaseKind.CLOSED)
    url = reverse("groups:dot", args=[table.meeting.join_code, table.group.pk, table.ideas[0].pk])
    response = table.client.post(url, {"delta": "-1", "seen": "1"}, **HX)
    assert response.status_code == 409
    assert "sätta eller ta bort prickar" in response.content.decode()
    assert groups.dots_of(table.me, table.group) == {table.ideas[0].pk: 1}


def test_withdrawing_an_idea_after_the_buzz_is_refused(table: Table) -> None:
    """With ideas only in the buzz groups (the facilitator turned "ideas until the list is
    agreed" off), an idea is neither withdrawn nor edited later."""
    author = table.ideas[0].author
    assert author is not None
    Meeting.objects.filter(pk=table.meeting.pk).update(ideas_until_agreed=False)
    run_phase(table.meeting, PhaseKind.AGREE)
    with pytest.raises(NotAllowedNow):
        groups.withdraw_idea(group=table.group, author=author, idea_id=table.ideas[0].pk)
    with pytest.raises(NotAllowedNow):
        groups.edit_idea(group=table.group, author=author, idea_id=table.ideas[0].pk, text="X")
    assert Idea.objects.get(pk=table.ideas[0].pk).withdrawn_at is None


def test_the_facilitator_is_not_limited_by_the_phase(
    table: Table, facilitator: User, client: Client
) -> None:
    groups.mark_agreed(group=table.group, confirmed_short=True)
    run_phase(table.meeting, PhaseKind.CLOSED)
    client.force_login(facilitator)
    unlock = reverse("groups:console_unlock", args=[table.meeting.pk, table.group.pk])
    assert client.post(unlock, **HX).status_code == 200
    assert Group.objects.get(pk=table.group.pk).agreed_at is None
    hide = reverse("groups:word_hide", args=[table.meeting.pk])
    assert client.post(hide, {"key": "finns-inte"}, **HX).status_code == 404  # not a 409
    reveal = reverse("groups:console_reveal", args=[table.meeting.pk, table.group.pk])
    assert client.post(reveal, **HX).status_code == 200
