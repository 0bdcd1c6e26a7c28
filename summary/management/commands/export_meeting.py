from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from meetings.codes import normalize_join_code
from meetings.errors import DomainError
from meetings.models import Meeting
from summary.formats import download_filename
from summary.outputs import FORMATS


class Command(BaseCommand):
    help = (
        "Skriver ut ett mötes sammanfattning (md, html, docx, pdf, xlsx, csv) "
        "eller hela mötet (json). Binära format (docx, pdf, xlsx) skrivs till en fil."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="Mötets kod")
        parser.add_argument("--format", choices=list(FORMATS), default="md")
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            metavar="FIL",
            help="Skriv till FIL (eller till en mapp, med filnamnet byggt av mötets titel och "
            "datum) i stället för till standard ut.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = normalize_join_code(options["code"])
        meeting = Meeting.objects.select_related("series").filter(join_code=code).first()
        if meeting is None:
            raise CommandError(f"Det finns inget möte med koden {code}.")
        export_format = FORMATS[options["format"]]
        try:
            body = export_format.write(meeting)
        except DomainError as error:
            raise CommandError(str(error.message)) from error
        output: Path | None = options["output"]
        binary = not export_format.is_text
        if output is None and binary and sys.stdout.isatty():
            output = Path(download_filename(meeting, export_format.extension))
        if output is not None:
            if output.is_dir():
                output = output / download_filename(meeting, export_format.extension)
            try:
                output.write_bytes(body)
            except OSError as error:
                raise CommandError(f"Kunde inte skriva {output}: {error.strerror}.") from error
            self.stderr.write(f"Skrev {output} ({len(body)} byte).")
            return
        if binary:
            # Piped or redirected: the bytes as they are (`… --format pdf > fil.pdf`).
            self.stdout.flush()
            stream = getattr(self.stdout, "_out", sys.stdout)
            buffer = getattr(stream, "buffer", None)
            if buffer is None:
                raise CommandError("Binära format behöver --output FIL.")
            buffer.write(body)
            buffer.flush()
            return
        # Written as-is: the export is already the exact file, trailing newline included.
        self.stdout.ending = ""
        self.stdout.write(body.decode("utf-8"))
        sys.stdout.flush()
