"""The phase declarations: every kind has rules, and the rules follow the running phase."""

from __future__ import annotations

from meetings import services
from meetings.models import Meeting, PhaseKind
from meetings.phases import NO_PHASE_RULES, PHASE_RULES, Action, rules_for


def test_every_phase_kind_declares_its_rules() -> None:
    assert set(PHASE_RULES) == set(PhaseKind.values)


def test_words_only_in_the_reflection_and_ideas_only_in_buzz() -> None:
    for kind, rules in PHASE_RULES.items():
        assert rules.allowed(Action.WRITE_WORD) == (kind == PhaseKind.REFLECTION)
        assert rules.allowed(Action.WRITE_IDEA) == (kind == PhaseKind.BUZZ)


def test_rules_follow_the_running_phase(meeting: Meeting) -> None:
    assert rules_for(meeting) == NO_PHASE_RULES
    meeting.phases.create(position=1, kind=PhaseKind.REFLECTION, title="R")
    services.start_phase(meeting=meeting)
    meeting.refresh_from_db()
    assert rules_for(meeting) == PHASE_RULES[PhaseKind.REFLECTION]
    assert rules_for(meeting).allowed(Action.WRITE_WORD)
