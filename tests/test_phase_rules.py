"""The phase declarations: every kind has rules, and the rules follow the running phase."""

from __future__ import annotations

import pytest

from meetings import services
from meetings.models import Meeting, PhaseKind
from meetings.phases import NO_PHASE_RULES, PHASE_RULES, POOL_ACTIONS, Action, rules_for


def test_every_phase_kind_declares_its_rules() -> None:
    assert set(PHASE_RULES) == set(PhaseKind.values)


def test_words_only_in_the_reflection_and_ideas_only_in_buzz() -> None:
    """The kinds' own rules; a meeting's settings widen them (below)."""
    for kind, rules in PHASE_RULES.items():
        assert rules.allowed(Action.WRITE_WORD) == (kind == PhaseKind.REFLECTION)
        assert rules.allowed(Action.WRITE_IDEA) == (kind == PhaseKind.BUZZ)


def _run(meeting: Meeting, kind: str) -> None:
    phase = services.add_phase(meeting=meeting, kind=kind, title=kind, planned_minutes=5)
    services.start_phase(meeting=meeting, phase_id=phase.pk)
    meeting.refresh_from_db()
    meeting.__dict__.pop("uses_idea_pool", None)


@pytest.mark.parametrize("until_agreed", [True, False])
def test_ideas_until_the_list_is_agreed_is_the_meetings_setting(
    meeting: Meeting, until_agreed: bool
) -> None:
    meeting.ideas_until_agreed = until_agreed
    meeting.save(update_fields=["ideas_until_agreed"])
    _run(meeting, PhaseKind.BUZZ)
    assert rules_for(meeting).allows == {Action.WRITE_IDEA}
    for kind in (PhaseKind.DIALOGUE, PhaseKind.AGREE):
        _run(meeting, kind)
        rules = rules_for(meeting)
        assert rules.allowed(Action.WRITE_IDEA) == until_agreed
        assert rules.allows - {Action.WRITE_IDEA} == PHASE_RULES[kind].allows
    for kind in (PhaseKind.BREAK, PhaseKind.EXPERT, PhaseKind.REFLECTION, PhaseKind.CLOSED):
        _run(meeting, kind)
        assert rules_for(meeting) == PHASE_RULES[kind]


def test_an_agenda_without_buzz_groups_has_no_pool(meeting: Meeting) -> None:
    """The unit day: nothing to write into, dot, merge or pick, in any phase."""
    for kind in PhaseKind.values:
        if kind == PhaseKind.BUZZ:
            continue
        _run(meeting, kind)
        assert not rules_for(meeting).allows & POOL_ACTIONS, kind
        assert rules_for(meeting).allows == PHASE_RULES[kind].allows - POOL_ACTIONS


def test_adding_buzz_groups_to_the_agenda_brings_the_pool(meeting: Meeting) -> None:
    _run(meeting, PhaseKind.AGREE)
    assert not rules_for(meeting).allowed(Action.DOT)
    services.add_phase(meeting=meeting, kind=PhaseKind.BUZZ, title="B", planned_minutes=5)
    meeting = Meeting.objects.select_related("current_phase").get(pk=meeting.pk)
    assert rules_for(meeting).allowed(Action.DOT)


def test_rules_follow_the_running_phase(meeting: Meeting) -> None:
    assert rules_for(meeting) == NO_PHASE_RULES
    meeting.phases.create(position=1, kind=PhaseKind.REFLECTION, title="R")
    services.start_phase(meeting=meeting)
    meeting.refresh_from_db()
    assert rules_for(meeting) == PHASE_RULES[PhaseKind.REFLECTION]
    assert rules_for(meeting).allowed(Action.WRITE_WORD)
