"""Which partial each screen shows in each kind of phase: the phone, the room screen and the
console. The one registry of it (what participants may *do* per kind is meetings.phases'
PHASE_RULES, which the services read); a new activity is a kind plus its partials here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from groups.reflection import words_context
from meetings.models import Meeting, Phase, PhaseKind
from summary import room_themes

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
    # A room partial shown in the header's band, as the gallery's phase is, leaving the rest
    # of the screen to the phase's own partial (the themes phase: its title and clock).
    room_band: str = ""
    # The phone puts the group's list first (the list is always on the phone; in other
    # phases it follows the phase panel).
    phone_list_first: bool = False
    # What the room screen and the console need besides the meeting (e.g. the reflection's
    # word cloud): called once per rendering of those screens, never per phone.
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
    def room_band_partial(self) -> str:
        return _partial(ROOM_TEMPLATE, self.room_band) if self.room_band else ""

    @property
    def console_partial(self) -> str:
        return _partial(CONSOLE_TEMPLATE, self.console)


def _partial(template: str, name: str) -> str:
    """A partial of the screen's own template, or another app's ("app/x.html#name")."""
    return name if "#" in name else f"{template}#{name}"


THEMES_SCREENS = "screens/themes_screens.html"

# The idea pool's parts of each group's room column and console row, and its console card.
POOL_SCREENS = "screens/pool_screens.html"


def _pool_phase(phone: str, *, gallery: bool = False) -> PhaseScreens:
    """A phase of the idea pool: its partials, with the pool's part of each group's room
    column and console row. In the gallery phases the phone shows the group's list first."""
    return PhaseScreens(
        phone=phone,
        room="room_timer",
        room_gallery=gallery,
        phone_list_first=gallery,
        room_column=f"{POOL_SCREENS}#room_pool_column",
        console_row=f"{POOL_SCREENS}#console_pool_row",
        console=f"{POOL_SCREENS}#console_pool_phase",
    )


# The plain screens of the pool's phases, for a meeting whose agenda has no buzz groups (a
# unit day): no pool anywhere, nothing to dot, merge or pick.
WITHOUT_POOL: dict[str, PhaseScreens] = {
    PhaseKind.BUZZ: PhaseScreens(phone="phone_buzz", room="room_timer"),
    PhaseKind.DIALOGUE: PhaseScreens(
        phone="phone_dialogue", room="room_timer", room_gallery=True, phone_list_first=True
    ),
    PhaseKind.AGREE: PhaseScreens(
        phone="phone_agree", room="room_timer", room_gallery=True, phone_list_first=True
    ),
}

REGISTRY: dict[str, PhaseScreens] = {
    PhaseKind.INTRODUCTION: PhaseScreens(phone="phone_introduction", room="room_join"),
    PhaseKind.BUZZ: _pool_phase("phone_pool_buzz"),
    PhaseKind.DIALOGUE: _pool_phase("phone_pool_dialogue", gallery=True),
    PhaseKind.AGREE: _pool_phase("phone_pool_agree", gallery=True),
    PhaseKind.BREAK: PhaseScreens(phone="phone_break", room="room_break"),
    PhaseKind.EXPERT: PhaseScreens(
        phone="phone_expert", room="room_expert", console="console_expert", room_gallery=True
    ),
    # Phones write words (#reflection_words), the room shows the cloud, the console the
    # ranked list with "Dölj".
    PhaseKind.REFLECTION: PhaseScreens(
        phone="phone_reflection",
        room="room_reflection",
        console="console_reflection",
        context=words_context,
    ),
    # The themes the agreed lists share: the room shows them, phones the same list, the
    # console hides or renames a theme before it is shown.
    PhaseKind.THEMES: PhaseScreens(
        phone=f"{THEMES_SCREENS}#phone_themes",
        room=f"{THEMES_SCREENS}#room_themes",
        room_band="room_phase_bar",
        console=f"{THEMES_SCREENS}#console_themes",
        context=room_themes.screen_context,
    ),
    PhaseKind.CLOSED: PhaseScreens(phone="phone_closed", room="room_closed", room_gallery=True),
}

# Before the first phase: the room invites people in. Between phases, and for a meeting
# that has run or is an archive: the gallery of the groups' lists.
LOBBY = PhaseScreens(phone="phone_waiting", room="room_join")
BETWEEN = PhaseScreens(phone="phone_waiting", room="room_between", room_gallery=True)
# A meeting run without an agenda: the room is the board of lists, the phone just the list.
BOARD = PhaseScreens(phone="phone_board", room="room_board", room_gallery=True)


# Cards the console shows whatever the phase ("template#partial", rendered with the console's
# context): the idea pool's settings, which are set before the afternoon.
CONSOLE_PANELS: list[str] = [
    f"{POOL_SCREENS}#console_pool_settings",
    f"{THEMES_SCREENS}#console_themes_panel",
]


def screens_for(meeting: Meeting, phase: Phase | None) -> PhaseScreens:
    if phase is not None and phase.is_running:
        if phase.kind in WITHOUT_POOL and not meeting.uses_idea_pool:
            return WITHOUT_POOL[phase.kind]
        return REGISTRY[phase.kind]
    if meeting.is_archive or meeting.has_run:
        return BETWEEN
    if not meeting.has_agenda:
        return BOARD
    return LOBBY
