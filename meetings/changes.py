"""What changed: the typed changes the services announce after a write.

The apps below the screens change data and say here what changed; they never render a screen
nor name one. After the write commits, each change goes to the handler the screens app
registers (`screens.broadcast.deliver`): it renders each affected fragment once per language
in use, sends it, and leaves the rendering on the change (`rendered`), so a view that made
the write answers from that same rendering. Without a handler (a management command in a
process that never loaded the screens app) a change is dropped: the database is the truth,
and screens read it when they connect.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


class Part(StrEnum):
    """What of a group changed: its list (factors, lock, name) or its idea pool."""

    LIST = "list"
    POOL = "pool"


LIST_AND_POOL = frozenset({Part.LIST, Part.POOL})
LIST_ONLY = frozenset({Part.LIST})
POOL_ONLY = frozenset({Part.POOL})


class Aspect(StrEnum):
    """What of a meeting as a whole changed; the screens decide who shows it."""

    # The phase, its timer, the agenda, the set of groups: every screen.
    STRUCTURE = "structure"
    # Only what the facilitator prepares (joining open, the expert tables' draft).
    SETUP = "setup"
    # Someone was moved to another group: their phone and the console.
    PEOPLE = "people"
    # The reflection's words: the room's cloud and the console's word list.
    WORDS = "words"


@dataclass(eq=False)
class Change:
    """After commit: the fragments the screens rendered for it, by screen and language
    (filled by the handler; empty until then or without one)."""

    meeting_id: int
    rendered: dict[str, Any] = field(default_factory=dict, init=False, repr=False)
    # When the write announced it (time.monotonic()): the submit -> broadcast latency's start.
    announced_at: float = field(default_factory=time.monotonic, init=False, repr=False)


@dataclass(eq=False)
class GroupChanged(Change):
    group_id: int = 0
    parts: frozenset[Part] = LIST_AND_POOL


@dataclass(eq=False)
class MeetingChanged(Change):
    aspect: Aspect = Aspect.STRUCTURE
    # Participants moved to another home group: participant id -> the new group's id.
    moved: dict[int, int] = field(default_factory=dict)


@dataclass(eq=False)
class ParticipantsChanged(Change):
    """Someone joined or changed their own group. Joins come in storms: the screens may
    coalesce these per meeting."""


@dataclass(eq=False)
class RoomRevoked(Change):
    """The room screen's address changed, or the meeting is gone."""


Handler = Callable[[Change], None]
_handlers: list[Handler] = []


def subscribe(handler: Handler) -> None:
    """For the screens app (in its `ready`): called with each change after it commits."""
    if handler not in _handlers:
        _handlers.append(handler)


def announce[C: Change](change: C) -> C:
    """Hand `change` to the screens once the current transaction commits (at once outside
    one); a rolled-back write announces nothing. Returns the change, whose `rendered` is
    filled once it was delivered."""
    transaction.on_commit(lambda: _deliver(change), robust=True)
    return change


def _deliver(change: Change) -> None:
    for handler in _handlers:
        handler(change)
