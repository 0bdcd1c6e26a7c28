"""The production shape's settings: psycopg's pool sized per worker, and `make serve-prod`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgres://topp25:secret@db.internal:5432/topp25"


def settings_with(**env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh process with the given environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_POOL_", "DATABASE_"))}
    code = (
        "import json; from topp25 import settings as s; "
        "db = s.DATABASES['default']; "
        "print(json.dumps({'options': db.get('OPTIONS', {}), 'max_age': db.get('CONN_MAX_AGE')}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
    )


def test_postgresql_gets_a_bounded_pool_and_no_persistent_connections() -> None:
    result = settings_with(DATABASE_URL=PG_URL)
    assert result.returncode == 0, result.stderr
    db = json.loads(result.stdout)
    assert db["max_age"] == 0
    assert db["options"]["pool"] == {"min_size": 2, "max_size": 20, "timeout": 10}


def test_pool_size_comes_from_the_environment() -> None:
    result = settings_with(DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE="40", DB_POOL_MIN_SIZE="60")
    assert result.returncode == 0, result.stderr
    pool = json.loads(result.stdout)["options"]["pool"]
    # The minimum never exceeds the maximum.
    assert (pool["min_size"], pool["max_size"]) == (40, 40)


@pytest.mark.parametrize("value", ["x", "0", "-3", "2.5"])
def test_a_pool_size_that_is_not_a_positive_whole_number_stops_the_start(value: str) -> None:
    result = settings_with(DATABASE_URL=PG_URL, DB_POOL_MAX_SIZE=value)
    assert result.returncode != 0
    assert "DB_POOL_MAX_SIZE must be a whole number of at least 1" in result.stderr


def test_sqlite_has_no_pool() -> None:
    result = settings_with(DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert "pool" not in json.loads(result.stdout)["options"]


def test_serve_prod_runs_the_workers_with_the_limits_and_a_pool_below_max_connections() -> None:
    env = {**os.environ, "DATABASE_URL": PG_URL, "REDIS_URL": "redis://127.0.0.1:6379/0"}
    env.pop("DB_POOL_MAX_SIZE", None)
    dry = subprocess.run(
        ["make", "-n", "--no-print-directory", "serve-prod", "WORKERS=4", "PORT=8123"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    command = next(line for line in dry.replace("\\\n", " ").splitlines() if "uvicorn" in line)
    for flag in ("--workers 4", "--port 8123", "--ws-per-message-deflate"):
        assert flag in command
    # The frame limit comes from its one place, topp25/limits.py (--ws-max-size 65536).
    assert "-m topp25.limits" in command
    # The pool per worker as the shell computes it: 4 workers × 20 stay below 100.
    pool = subprocess.run(
        ["bash", "-c", command.split(" exec ")[0] + ' && echo "$DB_POOL_MAX_SIZE"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    assert int(pool) * 4 < 100
