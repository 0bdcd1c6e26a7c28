from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from meetings.errors import DomainError
from summary.archive import import_meeting


class _DuplicateKey(ValueError):
    pass


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads() would keep the last of two equal keys and silently drop the first.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


# The largest archive we expect: a meeting of 1,500 participants with a full pool is a few
# MB. Anything bigger is not an export of ours, and reading it would hold it all in memory.
MAX_IMPORT_BYTES = 20 * 1024 * 1024


def _read(path: Path) -> Any:
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise CommandError(
                f"Filen {path} är för stor ({size // (1024 * 1024)} MB): en export från topp25 "
                f"är högst {MAX_IMPORT_BYTES // (1024 * 1024)} MB."
            )
        raw = path.read_bytes()
    except FileNotFoundError as error:
        raise CommandError(f"Filen {path} finns inte.") from error
    except OSError as error:
        raise CommandError(
            f"Filen {path} kunde inte läsas (är det en mapp, eller saknas läsrätt?)."
        ) from error
    try:
        # "-sig": a byte order mark (Notepad on Windows) is skipped.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(f"Filen {path} är inte sparad som UTF-8.") from error
    try:
        return json.loads(text, object_pairs_hook=_object_without_duplicates)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"Filen {path} är inte giltig JSON (fel på rad {error.lineno}, tecken {error.colno})."
        ) from error
    except _DuplicateKey as error:
        raise CommandError(
            f"Filen {path} är inte giltig: fältet ”{error}” förekommer två gånger i samma objekt."
        ) from error
    except RecursionError as error:
        raise CommandError(f"Filen {path} är inte giltig JSON (för djupt nästlad).") from error
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise CommandError(
            f"Filen {path} är inte giltig: den innehåller ett tal som är för långt."
        ) from error


def _user(username: str) -> AbstractBaseUser:
    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if user is None:
        raise CommandError(f"Det finns ingen användare med användarnamnet ”{username}”.")
    return user


class Command(BaseCommand):
    help = (
        "Skapar ett möte från en JSON-export (schema topp25.meeting, version 1 eller 2). "
        "Mötet får en ny kod och är stängt för nya deltagare."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--facilitator",
            metavar="USERNAME",
            help="Användare som blir samtalsledare för det importerade mötet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["facilitator"]
        facilitator = _user(username) if username is not None else None
        data = _read(options["file"])
        try:
            meeting = import_meeting(data, facilitator=facilitator)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        lead = f" Samtalsledare: {username}." if facilitator is not None else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Importerade ”{meeting.title}” med koden {meeting.join_code}. "
                f"Mötet är stängt för nya deltagare.{lead}"
            )
        )
