from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meetings.errors import DomainError
from summary.exports import import_meeting


class Command(BaseCommand):
    help = "Skapar ett möte från en JSON-export (schema topp25.meeting, version 1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"Filen {path} finns inte.") from error
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"Filen {path} är inte giltig JSON: {error}") from error
        try:
            meeting = import_meeting(data)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Importerade ”{meeting.title}” med koden {meeting.join_code}.")
        )
