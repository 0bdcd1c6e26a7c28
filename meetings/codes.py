"""Join codes people can read off a projector and type on a phone without mistakes."""

from __future__ import annotations

import secrets

# No look-alikes: 0/O, 1/I/L are left out, and so is lower case (typed codes are upper-cased).
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(raw: str) -> str:
    """What a person typed, as the stored code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in raw.upper() if not ch.isspace() and ch != "-")


def is_plausible_join_code(code: str) -> bool:
    """Could be a code we issued (checked before any query: no NUL bytes reach PostgreSQL)."""
    return 6 <= len(code) <= 12 and all(ch in JOIN_CODE_ALPHABET for ch in code)


def new_room_token() -> str:
    return secrets.token_urlsafe(24)
