"""Domain errors: a stable `.code` for code and tests, a Swedish sentence for people, and the
HTTP status the kind of error carries (a class attribute: no table to keep in step).

Services know no HTTP beyond that status; views answer every error alike (see
`meetings.actions`). A plain `DomainError` is bad input (400); the subclasses say why else a
request cannot be carried out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from django.utils.functional import Promise


class DomainError(Exception):
    """A request that cannot be carried out; nothing has been written. Bad input: 400."""

    status: ClassVar[int] = 400

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class Forbidden(DomainError):
    """Not this person's to do (not joined, another group's list, another's idea)."""

    status = 403


class NotFound(DomainError):
    """What the request names is not there (any more)."""

    status = 404


class Conflict(DomainError):
    """The request is fine but the state does not allow it now (a locked list, a stale form,
    a phase that does not allow it)."""

    status = 409


class Locked(Conflict):
    """The group's list is agreed and locked: nothing on it or in its pool changes."""


class NotYourGroup(Forbidden):
    """A group that is not the participant's (a phone moved meanwhile asks for its old one)."""


class TooManyRequests(DomainError):
    status = 429


class Unavailable(DomainError):
    """The server cannot do it now (a missing system library)."""

    status = 503


@dataclass(frozen=True)
class NeedsConfirmation:
    """A write that asks once more before it happens (deleting a group that holds factors,
    publishing expert groups again, agreeing on a short list): a result, not an error, and
    nothing is written. The screen asks `message` and sends the same form with confirm=1."""

    message: str
