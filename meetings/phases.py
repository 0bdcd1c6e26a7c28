"""What every screen shows in each kind of phase, and the agendas a meeting can start from.

The registry is the one place that maps a phase kind to the partial of the phone, the room
screen and the console. A new activity is added as a kind plus its partials (and a
`register()` call from the app that owns it), not by editing views.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Meeting, Phase, PhaseKind


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


PHONE_TEMPLATE = "groups/group.html"
ROOM_TEMPLATE = "meetings/room.html"
CONSOLE_TEMPLATE = "meetings/console_meeting.html"


@dataclass(frozen=True)
class PhaseScreens:
    """Partial names, each inside its screen's one template."""

    phone: str
    room: str
    console: str = "console_phase_timer"
    # The room shows the gallery of all groups' lists below the phase header.
    room_gallery: bool = False
    # The phone puts the group's list first (the list is always on the phone; in other
    # phases it follows the phase panel).
    phone_list_first: bool = False
    # What the room screen and the console need besides the meeting (e.g. the reflection's
    # word cloud): called once per rendering of those screens, never per phone. The app that
    # owns the data registers it, so this app needs no import of it.
    context: Callable[[Meeting], dict[str, Any]] | None = None
    # An activity's own part of each group's room column and console row ("template#partial",
    # rendered with the group), e.g. the idea pool's vote counts; "" for none.
    room_column: str = ""
    console_row: str = ""

    @property
    def phone_partial(self) -> str:
        return _partial(PHONE_TEMPLATE, self.phone)

    @property
    def room_partial(self) -> str:
        return _partial(ROOM_TEMPLATE, self.room)

    @property
    def console_partial(self) -> str:
        return _partial(CONSOLE_TEMPLATE, self.console)


def _partial(template: str, name: str) -> str:
    """A partial of the screen's own template, or another app's ("app/x.html#name")."""
    return name if "#" in name else f"{template}#{name}"


REGISTRY: dict[str, PhaseScreens] = {
    PhaseKind.INTRODUCTION: PhaseScreens(phone="phone_introduction", room="room_join"),
    PhaseKind.BUZZ: PhaseScreens(phone="phone_buzz", room="room_timer"),
    PhaseKind.DIALOGUE: PhaseScreens(
        phone="phone_dialogue", room="room_timer", room_gallery=True, phone_list_first=True
    ),
    PhaseKind.AGREE: PhaseScreens(
        phone="phone_agree", room="room_timer", room_gallery=True, phone_list_first=True
    ),
    PhaseKind.BREAK: PhaseScreens(phone="phone_break", room="room_break"),
    PhaseKind.EXPERT: PhaseScreens(
        phone="phone_expert", room="room_expert", console="console_expert", room_gallery=True
    ),
    # groups/apps.py registers the reflection's word cloud over this plain entry.
    PhaseKind.REFLECTION: PhaseScreens(phone="phone_reflection", room="room_timer"),
    PhaseKind.CLOSED: PhaseScreens(phone="phone_closed", room="room_closed", room_gallery=True),
}

# Before the first phase: the room invites people in. Between phases, and for a meeting
# that has run or is an archive: the gallery of the groups' lists.
LOBBY = PhaseScreens(phone="phone_waiting", room="room_join")
BETWEEN = PhaseScreens(phone="phone_waiting", room="room_between", room_gallery=True)
# A meeting run without an agenda: the room is the board of lists, the phone just the list.
BOARD = PhaseScreens(phone="phone_board", room="room_board", room_gallery=True)


# Screens an app registers for a kind that apply only to meetings using its activity (the
# idea pool's, for agendas with buzz groups): kind -> (applies to this meeting?, screens).
VARIANTS: dict[str, tuple[Callable[[Meeting], bool], PhaseScreens]] = {}


def register(
    kind: str, screens: PhaseScreens, *, when: Callable[[Meeting], bool] | None = None
) -> None:
    """For an app that adds an activity (its kind must be one of PhaseKind's); with `when`,
    only for the meetings it answers True for (others keep the plain entry)."""
    if when is None:
        REGISTRY[kind] = screens
    else:
        VARIANTS[kind] = (when, screens)


# Cards an app adds to the console whatever the phase ("template#partial", rendered with the
# console's context), e.g. the idea pool's settings, which are set before the afternoon.
CONSOLE_PANELS: list[str] = []


def register_console_panel(partial: str) -> None:
    if partial not in CONSOLE_PANELS:
        CONSOLE_PANELS.append(partial)


def screens_for(meeting: Meeting, phase: Phase | None) -> PhaseScreens:
    if phase is not None and phase.is_running:
        variant = VARIANTS.get(phase.kind)
        if variant is not None and variant[0](meeting):
            return variant[1]
        return REGISTRY[phase.kind]
    if meeting.is_archive or meeting.has_run:
        return BETWEEN
    if not meeting.has_agenda:
        return BOARD
    return LOBBY


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
