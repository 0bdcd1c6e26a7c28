"""Domain errors: a stable `.code` for code and tests, a Swedish sentence for people."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A request that cannot be carried out; nothing has been written."""

    # The HTTP status a view answers with; the service layer itself knows no HTTP.
    status: int = 400

    def __init__(self, code: str, message: str | Promise, *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)
