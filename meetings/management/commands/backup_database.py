"""A consistent copy of the whole database while the service runs.

SQLite (the embedded default): SQLite's online backup API copies the file page by page under a
read lock, so a write in progress is either wholly in the copy or not at all (copying the file
with `cp` while it is written can give a torn copy). PostgreSQL: `pg_dump --format=custom`,
one snapshot of the database, restored with `pg_restore` (README.md › Drift / Operations).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections


class Command(BaseCommand):
    help = (
        "Säkerhetskopierar databasen till FIL medan tjänsten kör: SQLite med SQLites "
        "online-backup, PostgreSQL med pg_dump (custom-format, återställs med pg_restore)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", type=Path, help="Filen som kopian skrivs till.")
        parser.add_argument("--database", default="default", help="Databasalias (default).")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        connection = connections[options["database"]]
        if output.exists():
            raise CommandError(f"{output} finns redan: välj ett nytt filnamn.")
        if not output.parent.is_dir():
            raise CommandError(f"Mappen {output.parent} finns inte.")
        partial = output.with_name(output.name + ".partial")
        try:
            if connection.vendor == "sqlite":
                self._sqlite(connection.settings_dict["NAME"], partial)
            elif connection.vendor == "postgresql":
                self._postgresql(connection.settings_dict, partial)
            else:
                raise CommandError(f"Databasen {connection.vendor} stöds inte.")
            # Only a finished copy gets the name: a backup job that died leaves no half file
            # that looks like a backup.
            partial.replace(output)
        finally:
            partial.unlink(missing_ok=True)
        self.stderr.write(f"Skrev {output} ({output.stat().st_size} byte).")

    def _sqlite(self, name: str, output: Path) -> None:
        source = sqlite3.connect(f"file:{name}?mode=ro", uri=True)
        target = sqlite3.connect(output)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()

    def _postgresql(self, settings_dict: dict[str, Any], output: Path) -> None:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise CommandError("pg_dump saknas: installera postgresql-client.")
        env = {**os.environ}
        if settings_dict.get("PASSWORD"):
            env["PGPASSWORD"] = str(settings_dict["PASSWORD"])  # not on the command line
        command = [pg_dump, "--format=custom", "--no-owner", f"--file={output}"]
        for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
            if settings_dict.get(key):
                command.append(f"{option}={settings_dict[key]}")
        command.append(str(settings_dict["NAME"]))
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise CommandError(f"pg_dump misslyckades: {result.stderr.strip()}")
