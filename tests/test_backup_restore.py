"""Backup and restore, tried: a database holding a finished meeting is backed up with the
documented command, restored into a fresh database, and the meeting's JSON archive exported
from the restored one is the same, byte for byte.

SQLite run: `manage.py backup_database` (SQLite's online backup), restored by copying the file
into place. PostgreSQL run: the same command (pg_dump, custom format), restored with pg_restore
into a new database. Each run tries its own database; the other case does not apply there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from meetings.models import Meeting
from summary.archive import meeting_json

from .conftest import ROOT, child_env
from .test_export_record import ran_afternoon  # noqa: F401  (the finished meeting)

pytestmark = pytest.mark.django_db(transaction=True)


def export_json(code: str, env_changes: dict[str, str | None]) -> bytes:
    """`manage.py export_meeting CODE --format json`, as an operator runs it, on a database."""
    env = child_env(**env_changes)
    result = subprocess.run(
        [sys.executable, "manage.py", "export_meeting", code, "--format", "json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_the_backup_command_never_overwrites_or_leaves_half_files(tmp_path: Path) -> None:
    existing = tmp_path / "old.backup"
    existing.write_bytes(b"yesterday")
    with pytest.raises(CommandError, match="finns redan"):
        call_command("backup_database", str(existing))
    assert existing.read_bytes() == b"yesterday"
    with pytest.raises(CommandError, match="finns inte"):
        call_command("backup_database", str(tmp_path / "missing" / "x.backup"))
    assert sorted(path.name for path in tmp_path.iterdir()) == ["old.backup"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run tries SQLite")
def test_sqlite_backup_restores_to_the_same_archive(
    ran_afternoon: Meeting,  # noqa: F811
    tmp_path: Path,
) -> None:
    original = str(connection.settings_dict["NAME"])
    env = {"DATABASE_URL": None, "REDIS_URL": None, "SQLITE_PATH": original}
    before = export_json(ran_afternoon.join_code, env)
    assert before.decode() == meeting_json(ran_afternoon)  # the whole archive, from the live file

    backup = tmp_path / "topp25.sqlite3.backup"
    call_command("backup_database", str(backup))
    # Restore as README.md says: stop the service, copy the backup into place, start it.
    restored = tmp_path / "restored" / "db.sqlite3"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    after = export_json(ran_afternoon.join_code, {**env, "SQLITE_PATH": str(restored)})
    assert after == before
    assert b'"reflection"' in after and "Tid för kollegialt lärande".encode() in after


@pytest.fixture
def fresh_postgres_database() -> Iterator[str]:
    name = f"{connection.settings_dict['NAME']}_restore_{os.getpid()}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run tries pg_dump")
def test_postgresql_dump_restores_to_the_same_archive(
    ran_afternoon: Meeting,  # noqa: F811
    tmp_path: Path,
    fresh_postgres_database: str,
) -> None:
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    user = settings["USER"] or "postgres"

    def url(name: str) -> str:
        return f"postgres://{user}@{host}:{port}/{name}"

    before = export_json(ran_afternoon.join_code, {"DATABASE_URL": url(settings["NAME"])})
    assert before.decode() == meeting_json(ran_afternoon)

    dump = tmp_path / "topp25.dump"
    call_command("backup_database", str(dump))
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    # Restore as README.md says: pg_restore into a new, empty database.
    restore = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            f"--host={host}",
            f"--port={port}",
            f"--username={user}",
            f"--dbname={fresh_postgres_database}",
            str(dump),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert restore.returncode == 0, restore.stderr
    after = export_json(ran_afternoon.join_code, {"DATABASE_URL": url(fresh_postgres_database)})
    assert after == before
    assert b'"reflection"' in after and "Tid för kollegialt lärande".encode() in after
