"""The themes phase (*Teman*) on the live screens: the themes the home groups' lists share,
as the facilitator left them (hidden ones out, renamed ones by their new name).

The finder needs the Swedish dictionary (seconds to load). It is loaded ahead, in a thread of
its own, when an agenda gets a themes phase (`summary/apps.py` listens) or when a screen
first asks before it is loaded; until then the screens say the themes are being gathered, and
the thread sends the screens again when it is done. A request never waits for it.

What the screens show is computed once per meeting revision (the room, the console and every
phone render the same list), so a broadcast to a hundred phones runs the finder once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from meetings.models import Meeting, PhaseKind
from swedish import text as sv

from . import services
from .document import theme_heading


@dataclass(frozen=True)
class RoomThemeFactor:
    group: str
    text: str


@dataclass(frozen=True)
class RoomTheme:
    key: str
    label: str
    group_count: int
    total_groups: int
    factors: tuple[RoomThemeFactor, ...]

    @property
    def heading(self) -> str:
        """ "Kompetensutveckling — 5 av 7 grupper" """
        return theme_heading(self.label, self.group_count, self.total_groups)


@dataclass(frozen=True)
class RoomThemes:
    loading: bool  # the dictionary is still loading: nothing to show yet
    themes: tuple[RoomTheme, ...]
    hidden: tuple[RoomTheme, ...]  # dismissed by the facilitator (the console lists them)


LOADING = RoomThemes(loading=True, themes=(), hidden=())

_CACHE_SIZE = 64
_cache: OrderedDict[tuple[int, int], RoomThemes] = OrderedDict()
_cache_lock = threading.Lock()


def _room_theme(theme: services.Theme, total: int) -> RoomTheme:
    return RoomTheme(
        key=theme.key,
        label=theme.label,
        group_count=len(theme.groups),
        total_groups=total,
        factors=tuple(RoomThemeFactor(f.group_name, f.text) for f in theme.factors),
    )


def room_themes(meeting: Meeting) -> RoomThemes:
    """The meeting's themes for the live screens, or LOADING (and the load started)."""
    if not sv.dictionary_loaded():
        load_ahead(meeting.pk)
        return LOADING
    key = (meeting.pk, meeting.revision)
    with _cache_lock:
        found = _cache.get(key)
    if found is not None:
        return found
    every = services.all_meeting_themes(meeting)
    total = len(every.groups)
    found = RoomThemes(
        loading=False,
        themes=tuple(_room_theme(theme, total) for theme in every.themes),
        hidden=tuple(_room_theme(theme, total) for theme in every.dismissed),
    )
    with _cache_lock:
        _cache[key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found


def screen_context(meeting: Meeting) -> dict[str, Any]:
    """PhaseScreens.context for the themes phase (the room and the console)."""
    return {"room_themes": room_themes(meeting)}


def has_themes_phase(meeting: Meeting) -> bool:
    return meeting.phases.filter(kind=PhaseKind.THEMES).exists()


_loading_lock = threading.Lock()
_waiting: set[int] = set()  # meetings whose screens are sent again once the load is done
_loader: list[threading.Thread] = []


def load_ahead(meeting_id: int | None = None) -> None:
    """Load the Swedish dictionary in a thread of its own (once per process); then send the
    screens of the meetings that asked meanwhile again."""
    with _loading_lock:
        if meeting_id is not None:
            _waiting.add(meeting_id)
        if _loader and _loader[0].is_alive():
            return
        if sv.dictionary_loaded() and not _waiting:
            return
        thread = threading.Thread(target=_load, name="themes-dictionary", daemon=True)
        _loader[:] = [thread]
        thread.start()


def _load() -> None:
    from django.db import close_old_connections

    from meetings import services as meeting_services

    from .themes import warm_up

    warm_up()
    with _loading_lock:
        waiting = list(_waiting)
        _waiting.clear()
    try:
        for meeting in Meeting.objects.filter(pk__in=waiting):
            meeting_services.meeting_changed(meeting)
    finally:
        close_old_connections()
