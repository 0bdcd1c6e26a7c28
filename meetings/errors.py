"""Domain errors: a stable `.code` for code and tests, a Swedish sentence for people.

Services know no HTTP: a view turns a code into a status with `status_of`.
"""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A request that cannot be carried out; nothing has been written."""

    def __init__(self, code: str, message: str | Promise) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


# The HTTP status of each error code that is not a plain 400 (bad input). Apps add theirs.
STATUS_BY_CODE: dict[str, int] = {
    "code_unknown": 404,
    "meeting_closed": 403,
    "not_joined": 403,
    "not_your_group": 403,
    "group_exists": 409,
    "group_not_empty": 409,
    "phase_gone": 404,
    "group_gone": 404,
    "participant_gone": 404,
    "phase_not_running": 409,
}


def status_of(error: DomainError) -> int:
    return STATUS_BY_CODE.get(error.code, 400)
