from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meetings.codes import normalize_join_code
from meetings.models import Meeting
from summary.exports import meeting_json, meeting_markdown


class Command(BaseCommand):
    help = "Skriver ut ett mötes sammanfattning (Markdown) eller hela mötet (JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Mötets kod")
        parser.add_argument("--format", choices=["md", "json"], default="md")

    def handle(self, *args: Any, **options: Any) -> None:
        code = normalize_join_code(options["code"])
        meeting = Meeting.objects.filter(join_code=code).first()
        if meeting is None:
            raise CommandError(f"Det finns inget möte med koden {code}.")
        body = meeting_markdown(meeting) if options["format"] == "md" else meeting_json(meeting)
        # Written as-is: the export is already the exact file, trailing newline included.
        self.stdout.ending = ""
        self.stdout.write(body)
        sys.stdout.flush()
