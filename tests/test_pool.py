"""The idea pool: ideas, private mode, dots, merging and picking into the list (services)."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from groups import services
from groups.models import Dot, Idea, PoolSettings
from groups.pool import likely_duplicates
from meetings import services as meeting_services
from meetings.errors import DomainError
from meetings.models import Group, Meeting, Participant, PhaseKind
from tests.support.phases import run_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(teachers: Group) -> Callable[[], Participant]:
    def make() -> Participant:
        return meeting_services.join_meeting(meeting=teachers.meeting, home_group_id=teachers.pk)

    return make


@pytest.fixture(autouse=True)
def buzz(meeting: Meeting) -> None:
    """Each test starts where ideas are written: the buzz phase. Dots, merges and picks
    follow in the dialogue (`run_phase`), as on the afternoon."""
    run_phase(meeting, PhaseKind.BUZZ)


def settings(meeting: Meeting, **values: object) -> PoolSettings:
    current = PoolSettings.for_meeting(meeting.pk)
    fields = {
        "dots_per_member": current.dots_per_member,
        "several_dots_per_idea": current.several_dots_per_idea,
        "private_until_revealed": current.private_until_revealed,
        **values,
    }
    return services.update_pool_settings(meeting=meeting, **fields)  # type: ignore[arg-type]


def votes(group: Group) -> dict[str, int]:
    counts = services.vote_counts(group)
    return {idea.text: counts.get(idea.pk, 0) for idea in group.ideas.all() if idea.is_active}


def test_defaults_are_three_dots_one_per_idea_open_pool(meeting: Meeting) -> None:
    defaults = PoolSettings.for_meeting(meeting.pk)
    assert (defaults.dots_per_member, defaults.several_dots_per_idea) == (3, False)
    assert defaults.private_until_revealed is False


def test_add_edit_withdraw_own_idea(teachers: Group, member) -> None:
    anna, bo = member(), member()
    token = uuid.uuid4()
    idea = services.add_idea(
        group=teachers, author=anna, text="  Tid för\nkollegialt lärande ", client_token=token
    )
    assert idea.text == "Tid för kollegialt lärande"
    # A double tap makes one idea.
    assert (
        services.add_idea(group=teachers, author=anna, text="x", client_token=token).pk == idea.pk
    )
    edited = services.edit_idea(
        group=teachers, author=anna, idea_id=idea.pk, text="Tid för lärande", version=1
    )
    assert edited.version == 2
    with pytest.raises(DomainError) as stale:
        services.edit_idea(group=teachers, author=anna, idea_id=idea.pk, text="Annat", version=1)
    assert stale.value.code == "stale"
    with pytest.raises(DomainError) as foreign:
        services.edit_idea(group=teachers, author=bo, idea_id=idea.pk, text="Mitt nu")
    assert foreign.value.code == "not_your_idea"
    with pytest.raises(DomainError) as foreign_withdraw:
        services.withdraw_idea(group=teachers, author=bo, idea_id=idea.pk)
    assert foreign_withdraw.value.code == "not_your_idea"
    services.withdraw_idea(group=teachers, author=anna, idea_id=idea.pk)
    services.withdraw_idea(group=teachers, author=anna, idea_id=idea.pk)  # double tap
    idea.refresh_from_db()
    assert idea.withdrawn_at is not None and idea.text == "Tid för lärande"  # kept in the record


def test_blank_and_long_ideas_are_refused(teachers: Group, member) -> None:
    anna = member()
    for text, code in [("   ", "blank"), ("x" * 201, "too_long")]:
        with pytest.raises(DomainError) as refused:
            services.add_idea(group=teachers, author=anna, text=text)
        assert refused.value.code == code
    assert not teachers.ideas.exists()


def test_pool_closes_with_the_list(teachers: Group, member, add_factors) -> None:
    anna = member()
    idea = services.add_idea(group=teachers, author=anna, text="Studiero")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    add_factors(teachers, 5)
    services.mark_agreed(group=teachers)
    for action in (
        lambda: services.add_idea(group=teachers, author=anna, text="Sent"),
        lambda: services.edit_idea(group=teachers, author=anna, idea_id=idea.pk, text="Ny"),
        lambda: services.withdraw_idea(group=teachers, author=anna, idea_id=idea.pk),
        lambda: services.set_dots(group=teachers, participant=anna, idea_id=idea.pk, count=1),
    ):
        with pytest.raises(DomainError) as locked:
            action()
        assert locked.value.code == "locked"
    services.unlock_group(group=teachers)
    services.set_dots(group=teachers, participant=anna, idea_id=idea.pk, count=1)


def test_private_pool_refuses_dots_until_revealed(
    meeting: Meeting, teachers: Group, member
) -> None:
    settings(meeting, private_until_revealed=True)
    anna, bo = member(), member()
    idea = services.add_idea(group=teachers, author=anna, text="Studiero")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    assert services.pool_is_hidden(teachers, PoolSettings.for_meeting(meeting.pk))
    with pytest.raises(DomainError) as hidden:
        services.set_dots(group=teachers, participant=bo, idea_id=idea.pk, count=1)
    assert hidden.value.code == "pool_hidden"
    revision = Group.objects.get(pk=teachers.pk).revision
    services.reveal_pool(group=teachers, by=bo)
    services.reveal_pool(group=teachers, by=anna)  # already shown: nothing changes
    assert Group.objects.get(pk=teachers.pk).revision == revision + 1
    assert teachers.idea_pool.revealed_by == bo
    services.set_dots(group=teachers, participant=bo, idea_id=idea.pk, count=1)
    assert votes(teachers) == {"Studiero": 1}


def test_dots_limit_and_one_per_idea(teachers: Group, member) -> None:
    anna = member()
    ideas = [services.add_idea(group=teachers, author=anna, text=f"Idé {n}") for n in range(4)]
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    with pytest.raises(DomainError) as one:
        services.set_dots(group=teachers, participant=anna, idea_id=ideas[0].pk, count=2)
    assert one.value.code == "one_dot_per_idea"
    for left, idea in zip((2, 1, 0), ideas[:3], strict=True):
        assert services.set_dots(group=teachers, participant=anna, idea_id=idea.pk, count=1) == left
    # The same request twice (a double tap) changes nothing.
    assert services.set_dots(group=teachers, participant=anna, idea_id=ideas[2].pk, count=1) == 0
    with pytest.raises(DomainError) as none_left:
        services.set_dots(group=teachers, participant=anna, idea_id=ideas[3].pk, count=1)
    assert none_left.value.code == "no_dots_left"
    # Moving a dot: take it off one idea, put it on another.
    services.set_dots(group=teachers, participant=anna, idea_id=ideas[0].pk, count=0)
    services.set_dots(group=teachers, participant=anna, idea_id=ideas[3].pk, count=1)
    assert services.dots_of(anna, teachers) == {ideas[1].pk: 1, ideas[2].pk: 1, ideas[3].pk: 1}


def test_several_dots_on_one_idea_when_allowed(meeting: Meeting, teachers: Group, member) -> None:
    settings(meeting, several_dots_per_idea=True, dots_per_member=4)
    anna = member()
    idea = services.add_idea(group=teachers, author=anna, text="Studiero")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    assert services.set_dots(group=teachers, participant=anna, idea_id=idea.pk, count=4) == 0
    with pytest.raises(DomainError) as over:
        services.set_dots(group=teachers, participant=anna, idea_id=idea.pk, count=5)
    assert over.value.code == "no_dots_left"
    assert votes(teachers) == {"Studiero": 4}


def test_dots_in_another_group_are_refused(teachers: Group, principals: Group, member) -> None:
    anna = member()
    idea = services.add_idea(group=teachers, author=anna, text="Studiero")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    with pytest.raises(DomainError) as gone:
        services.set_dots(group=principals, participant=anna, idea_id=idea.pk, count=1)
    assert gone.value.code == "idea_gone"


def test_merge_carries_votes_without_counting_anyone_twice(teachers: Group, member) -> None:
    anna, bo, cia = member(), member(), member()
    first = services.add_idea(group=teachers, author=anna, text="Trygghet i klassrummet")
    second = services.add_idea(group=teachers, author=bo, text="Tryggheten i klassrum")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    for person, idea in [(anna, first), (anna, second), (bo, second), (cia, first)]:
        services.set_dots(group=teachers, participant=person, idea_id=idea.pk, count=1)
    merged = services.merge_ideas(group=teachers, idea_id=second.pk, into_id=first.pk, by=cia)
    assert merged.pk == first.pk
    # anna dotted both: one dot on the merged idea, her other dot back to her.
    assert votes(teachers) == {"Trygghet i klassrummet": 3}
    assert services.dots_of(anna, teachers) == {first.pk: 1}
    second.refresh_from_db()
    assert second.merged_into_id == first.pk and second.text == "Tryggheten i klassrum"
    assert second.merged_by == cia
    # A second tap on the same merge is harmless; the merged idea takes no dots.
    services.merge_ideas(group=teachers, idea_id=second.pk, into_id=first.pk)
    with pytest.raises(DomainError) as gone:
        services.set_dots(group=teachers, participant=bo, idea_id=second.pk, count=1)
    assert gone.value.code == "idea_gone"
    with pytest.raises(DomainError) as same:
        services.merge_ideas(group=teachers, idea_id=first.pk, into_id=first.pk)
    assert same.value.code == "same_idea"


def test_merge_with_several_dots_keeps_each_members_total(
    meeting: Meeting, teachers: Group, member
) -> None:
    settings(meeting, several_dots_per_idea=True)
    anna = member()
    first = services.add_idea(group=teachers, author=anna, text="Studiero")
    second = services.add_idea(group=teachers, author=anna, text="Lugn i klassrummet")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    services.set_dots(group=teachers, participant=anna, idea_id=first.pk, count=2)
    services.set_dots(group=teachers, participant=anna, idea_id=second.pk, count=1)
    services.merge_ideas(
        group=teachers, idea_id=second.pk, into_id=first.pk, text="Studiero och lugn"
    )
    assert votes(teachers) == {"Studiero och lugn": 3}
    assert Dot.objects.filter(participant=anna).count() == 1


def test_pick_into_the_list_links_the_ideas(teachers: Group, member) -> None:
    anna = member()
    first = services.add_idea(group=teachers, author=anna, text="Trygghet i klassrummet")
    second = services.add_idea(group=teachers, author=anna, text="Tryggheten i klassrum")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    services.merge_ideas(group=teachers, idea_id=second.pk, into_id=first.pk)
    factor = services.pick_idea(group=teachers, idea_id=first.pk, author=anna)
    assert factor.position == 1 and factor.text == "Trygghet i klassrummet"
    assert set(factor.source_ideas.all()) == {first, second}
    assert services.pick_idea(group=teachers, idea_id=first.pk).pk == factor.pk  # double tap
    # Wording is edited with the list's own tools; the link stays.
    services.edit_factor(group=teachers, factor_id=factor.pk, text="Trygghet och studiero")
    assert list(first.factors.values_list("text", flat=True)) == ["Trygghet och studiero"]


def test_pick_stops_at_the_meetings_factor_count(teachers: Group, member, add_factors) -> None:
    anna = member()
    idea = services.add_idea(group=teachers, author=anna, text="Sjätte")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    add_factors(teachers, 5)
    with pytest.raises(DomainError) as full:
        services.pick_idea(group=teachers, idea_id=idea.pk)
    assert full.value.code == "list_full"
    assert not idea.factors.exists()


def test_withdrawn_idea_returns_its_dots(teachers: Group, member) -> None:
    anna, bo = member(), member()
    idea = services.add_idea(group=teachers, author=anna, text="Studiero")
    run_phase(teachers.meeting, PhaseKind.DIALOGUE)
    services.set_dots(group=teachers, participant=bo, idea_id=idea.pk, count=1)
    run_phase(teachers.meeting, PhaseKind.BUZZ)
    services.withdraw_idea(group=teachers, author=anna, idea_id=idea.pk)
    assert services.dots_of(bo, teachers) == {}
    assert Idea.objects.get(pk=idea.pk).withdrawn_at is not None


def test_settings_are_checked_and_reach_every_group(meeting: Meeting, teachers: Group) -> None:
    with pytest.raises(DomainError) as bad:
        settings(meeting, dots_per_member=0)
    assert bad.value.code == "dots_per_member"
    before = Group.objects.get(pk=teachers.pk).revision
    meeting_before = Meeting.objects.get(pk=meeting.pk).revision
    settings(meeting, dots_per_member=5)
    assert PoolSettings.for_meeting(meeting.pk).dots_per_member == 5
    assert Group.objects.get(pk=teachers.pk).revision == before + 1
    # The phones' phase panels and the console say the rules: a meeting-wide update too.
    assert Meeting.objects.get(pk=meeting.pk).revision == meeting_before + 1
    settings(meeting, dots_per_member=5)  # the same again changes nothing
    assert Meeting.objects.get(pk=meeting.pk).revision == meeting_before + 1


def test_likely_duplicates_fold_inflection_and_explain() -> None:
    pairs = likely_duplicates(
        [
            (1, "Trygghet i klassrummet"),
            (2, "Tid för kollegialt lärande"),
            (3, "Tryggheten i klassrum"),
            (4, "Kollegialt lärande varje vecka"),
            (5, "Studiero"),
        ]
    )
    assert [(pair.first, pair.second) for pair in pairs] == [(1, 3), (2, 4)]
    assert pairs[0].shared == ("klassrum", "trygghet")
    # Stop words and school words alone do not make a pair.
    assert likely_duplicates([(1, "Elever och skola"), (2, "Skola för alla elever")]) == []
