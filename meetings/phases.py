"""What participants may do in each kind of phase, and the agendas a meeting can start from.

What each screen shows per kind is the screens app's registry (screens/registry.py), above
this app: the services below the screens read only the rules here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.text import get_text_list
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .errors import Conflict
from .models import Meeting, PhaseKind


class Action(StrEnum):
    """What a participant may do. Each phase kind allows some of these (`PHASE_RULES`); the
    services refuse the others, and the screens show the texts and controls of exactly these.
    """

    WRITE_IDEA = "write_idea"  # write, edit and withdraw one's own ideas in the pool
    DOT = "dot"  # put dots (votes) on the group's ideas
    MERGE = "merge"  # merge two ideas of the group's pool
    PICK = "pick"  # take an idea from the pool onto the list
    EDIT_LIST = "edit_list"  # add, edit, remove and reorder the list's factors
    AGREE = "agree"  # mark the list as agreed
    WRITE_WORD = "write_word"  # send words to the reflection


@dataclass(frozen=True)
class PhaseRules:
    """What participants may do while a phase of one kind runs."""

    allows: frozenset[Action]

    def allowed(self, action: Action) -> bool:
        return action in self.allows


_LIST = frozenset({Action.EDIT_LIST, Action.AGREE})
_POOL = frozenset({Action.DOT, Action.MERGE, Action.PICK})

# A starting point that keeps today's afternoon working: the group works on its list in the
# home-group phases (and may finish it over fika); ideas are written in the buzz phase; dots,
# merges and picks while the group agrees; words only in the reflection.
PHASE_RULES: dict[str, PhaseRules] = {
    PhaseKind.INTRODUCTION: PhaseRules(allows=frozenset()),
    PhaseKind.BUZZ: PhaseRules(allows=frozenset({Action.WRITE_IDEA})),
    PhaseKind.DIALOGUE: PhaseRules(allows=_LIST | _POOL),
    PhaseKind.AGREE: PhaseRules(allows=_LIST | _POOL),
    PhaseKind.BREAK: PhaseRules(allows=_LIST),
    # Each expert table writes its own list (its page is a group page like the home group's).
    PhaseKind.EXPERT: PhaseRules(allows=_LIST),
    PhaseKind.REFLECTION: PhaseRules(allows=frozenset({Action.WRITE_WORD})),
    # The room shows the themes; everyone reads, nobody writes.
    PhaseKind.THEMES: PhaseRules(allows=frozenset()),
    PhaseKind.CLOSED: PhaseRules(allows=frozenset()),
}
# No phase running (before the first, between two, or a meeting without an agenda): groups
# may keep working on their lists, nothing else.
NO_PHASE_RULES = PhaseRules(allows=_LIST)


# The idea pool's actions: only in a meeting whose agenda has buzz groups (where the pool
# starts); without them no phase offers anything to dot, merge or pick.
POOL_ACTIONS = frozenset({Action.WRITE_IDEA}) | _POOL
# With `Meeting.ideas_until_agreed`, ideas may also be written in these phases (the list's
# lock still stops them once the group's list is agreed).
IDEAS_UNTIL_AGREED_KINDS = frozenset({PhaseKind.DIALOGUE, PhaseKind.AGREE})


def rules_for(meeting: Meeting) -> PhaseRules:
    """What participants may do in `meeting` now (reads `meeting.current_phase`, the
    meeting's settings and, once per meeting object, whether its agenda has buzz groups).
    The one place that says it: services refuse, and screens show, by this answer."""
    phase = meeting.current_phase
    if phase is None or not phase.is_running:
        return NO_PHASE_RULES
    rules = PHASE_RULES[phase.kind]
    if not rules.allows & POOL_ACTIONS and phase.kind not in IDEAS_UNTIL_AGREED_KINDS:
        return rules
    if not meeting.uses_idea_pool:
        return PhaseRules(allows=rules.allows - POOL_ACTIONS)
    if meeting.ideas_until_agreed and phase.kind in IDEAS_UNTIL_AGREED_KINDS:
        return PhaseRules(allows=rules.allows | {Action.WRITE_IDEA})
    return rules


# What each action is called where a phase's instructions name it, and the id of the control
# that does it on the phone (the phase panel links each to its control; a test checks that
# every action named has its control on the page and every control shown is allowed).
ACTION_TEXTS: dict[Action, tuple[Any, str]] = {
    Action.WRITE_IDEA: (_("skriva idéer"), "idea-text"),
    Action.DOT: (_("sätta prickar"), "idea-list"),
    Action.MERGE: (_("slå ihop lika idéer"), "idea-list"),
    Action.PICK: (_("välja idéer till listan"), "idea-list"),
    Action.EDIT_LIST: (_("skriva och ordna listan"), "factors-heading"),
    Action.AGREE: (_("markera listan som klar"), "factors-heading"),
    Action.WRITE_WORD: (_("skriva ord till ordmolnet"), "reflection-word-1"),
}


def action_texts(rules: PhaseRules) -> list[tuple[str, str]]:
    """(text, control id) of each allowed action, in the order a group works."""
    return [
        (str(text), target)
        for action, (text, target) in ACTION_TEXTS.items()
        if rules.allowed(action)
    ]


# What each action is called in a refusal ("... går det inte att <label>").
ACTION_LABELS: dict[Action, Any] = {
    Action.WRITE_IDEA: _("skriva, ändra eller ta tillbaka idéer"),
    Action.DOT: _("sätta eller ta bort prickar"),
    Action.MERGE: _("slå ihop idéer"),
    Action.PICK: _("ta idéer till listan"),
    Action.EDIT_LIST: _("ändra listan"),
    Action.AGREE: _("markera listan som klar"),
    Action.WRITE_WORD: _("skicka ord till reflektionen"),
}


class NotAllowedNow(Conflict):
    """A participant's action the running phase (or no phase) does not allow: 409, and the
    message says what is possible now. Nothing has been written."""

    def __init__(self, action: Action, meeting: Meeting) -> None:
        phase = meeting.current_phase
        running = phase is not None and phase.is_running
        label = ACTION_LABELS[action]
        if running:
            assert phase is not None
            refused = gettext("Under ”%(phase)s” går det inte att %(action)s.") % {
                "phase": phase.title,
                "action": label,
            }
        else:
            refused = gettext("Ingen fas pågår just nu, så det går inte att %(action)s.") % {
                "action": label
            }
        possible = [str(ACTION_LABELS[each]) for each in Action if rules_for(meeting).allowed(each)]
        if possible:
            now = gettext("Det ni kan göra nu: %(actions)s.") % {
                "actions": get_text_list(possible, gettext("och"))
            }
        else:
            now = gettext("Vänta tills samtalsledaren startar nästa fas.")
        super().__init__("not_allowed_now", f"{refused} {now}")
        self.action = action


def ensure_allowed(meeting: Meeting, action: Action) -> None:
    """Refuse a participant's `action` that the meeting's running phase does not allow (the
    services call this under their lock, with `meeting.current_phase` read there)."""
    if not rules_for(meeting).allowed(action):
        raise NotAllowedNow(action, meeting)


# --- Agenda templates ------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedPhase:
    kind: PhaseKind
    title: str
    minutes: int


class AgendaTemplate:
    PROFESSION_AFTERNOON = "afternoon"
    UNIT_DAY = "unit_day"
    EMPTY = "empty"

    CHOICES = [
        (PROFESSION_AFTERNOON, _("Yrkeseftermiddagen (hemgrupper per yrke, expertgrupper)")),
        (UNIT_DAY, _("Verksamhetsdagen (varje verksamhet presenteras och samtalar)")),
        (EMPTY, _("Tom dagordning")),
    ]


def planned_agenda(template: str) -> list[PlannedPhase]:
    """The phases a new meeting starts with (titles in the active language)."""
    if template == AgendaTemplate.PROFESSION_AFTERNOON:
        return [
            PlannedPhase(PhaseKind.INTRODUCTION, str(_("Inledning: föreläsning och film")), 30),
            PlannedPhase(PhaseKind.BUZZ, str(_("Bikupor: samtala två och två")), 10),
            PlannedPhase(PhaseKind.DIALOGUE, str(_("Samtal i hemgruppen")), 30),
            PlannedPhase(PhaseKind.AGREE, str(_("Enas om fem framgångsfaktorer")), 20),
            PlannedPhase(PhaseKind.BREAK, str(pgettext_lazy("phase", "Fika")), 20),
            PlannedPhase(PhaseKind.EXPERT, str(_("Expertgrupper")), 40),
            PlannedPhase(PhaseKind.REFLECTION, str(_("Gemensam reflektion")), 20),
            PlannedPhase(PhaseKind.CLOSED, str(_("Tack för i dag")), 0),
        ]
    if template == AgendaTemplate.UNIT_DAY:
        return [
            PlannedPhase(PhaseKind.INTRODUCTION, str(_("Verksamheterna presenteras")), 60),
            PlannedPhase(PhaseKind.BREAK, str(pgettext_lazy("phase", "Fika")), 20),
            PlannedPhase(PhaseKind.DIALOGUE, str(_("Samtal i verksamhetsgrupperna")), 40),
            PlannedPhase(PhaseKind.AGREE, str(_("Enas om fem framgångsfaktorer")), 20),
            PlannedPhase(PhaseKind.REFLECTION, str(_("Gemensam reflektion")), 20),
            PlannedPhase(PhaseKind.CLOSED, str(_("Tack för i dag")), 0),
        ]
    return []
