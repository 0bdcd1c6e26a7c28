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
    PhaseKind.EXPERT: PhaseRules(allows=frozenset()),
    PhaseKind.REFLECTION: PhaseRules(allows=frozenset({Action.WRITE_WORD})),
    PhaseKind.CLOSED: PhaseRules(allows=frozenset()),
}
# No phase running (before the first, between two, or a meeting without an agenda): groups
# may keep working on their lists, nothing else.
NO_PHASE_RULES = PhaseRules(allows=_LIST)


def rules_for(meeting: Meeting) -> PhaseRules:
    """What participants may do in `meeting` now (reads `meeting.current_phase`)."""
    phase = meeting.current_phase
    if phase is not None and phase.is_running:
        return PHASE_RULES[phase.kind]
    return NO_PHASE_RULES


PHONE_TEMPLATE = "screens/group.html"
ROOM_TEMPLATE = "screens/room.html"
CONSOLE_TEMPLATE = "screens/console_meeting.html"


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


def register(kind: str, screens: PhaseScreens) -> None:
    """For an app that adds an activity (its kind must be one of PhaseKind's)."""
    REGISTRY[kind] = screens


# Cards an app adds to the console whatever the phase ("template#partial", rendered with the
# console's context), e.g. the idea pool's settings, which are set before the afternoon.
CONSOLE_PANELS: list[str] = []


def register_console_panel(partial: str) -> None:
    if partial not in CONSOLE_PANELS:
        CONSOLE_PANELS.append(partial)


def screens_for(meeting: Meeting, phase: Phase | None) -> PhaseScreens:
    if phase is not None and phase.is_running:
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
