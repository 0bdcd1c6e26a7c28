from __future__ import annotations

import datetime
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client
from django.utils import translation

from groups import services as group_services
from groups.models import SuccessFactor
from meetings import services
from meetings.models import Group, Meeting, Participant
from meetings.participation import remember_participant
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE
from tests.support.fixtures import afternoon, editor_client  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True, scope="session")
def fast_password_hasher() -> None:
    """Users made by tests hash their passwords with a cheap hasher: the production one is
    slow on purpose (about a third of a second per user on this machine)."""
    django_settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def facilitator(db: Any) -> User:
    user = User.objects.create_user("anna", password="hemligt-losen-1")
    user.groups.add(AuthGroup.objects.get(name=FACILITATOR_ROLE))
    user.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    return user


@pytest.fixture
def meeting(facilitator: User) -> Meeting:
    return services.create_meeting(
        facilitator=facilitator,
        title="Dialogmöte 1",
        date=datetime.date(2026, 11, 23),
        venue="Stadshuset",
        core_question="Vad höjer elevernas resultat?",
        usual_home_groups=True,
    )


@pytest.fixture
def teachers(meeting: Meeting) -> Group:
    return meeting.home_groups().get(name="Lärare")


@pytest.fixture
def principals(meeting: Meeting) -> Group:
    return meeting.home_groups().get(name="Rektorer")


@pytest.fixture
def join_as(client: Client) -> Callable[..., Participant]:
    """Make `client` (or another Client) a participant of a group, as a phone would."""

    def join(group: Group, *, as_client: Client | None = None, name: str = "") -> Participant:
        target = as_client or client
        participant = services.join_meeting(
            meeting=group.meeting, home_group_id=group.pk, display_name=name
        )
        session = target.session
        remember_participant(session, participant)
        session.save()
        return participant

    return join


@pytest.fixture
def add_factors() -> Callable[[Group, int], list[SuccessFactor]]:
    def add(group: Group, count: int) -> list[SuccessFactor]:
        return [
            group_services.add_factor(group=group, text=f"Faktor {index}")
            for index in range(1, count + 1)
        ]

    return add


def texts(group: Group) -> list[str]:
    return list(group.factors.order_by("position").values_list("text", flat=True))


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in Swedish: a test client request in English leaves English active in
    the test's thread (LocaleMiddleware activates, nothing deactivates), which would leak into
    whichever test the same process runs next."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_rate_limits(settings: Any) -> None:
    """Each test counts failed joins from zero (a prefix of its own: the Redis cache of a CI
    run is shared, so clearing it is not an option)."""
    import uuid

    settings.RATELIMIT_KEY_PREFIX = f"topp25-rl-test-{uuid.uuid4().hex}:"


# ---------------------------------------------------------------------------------------------
# Two ASGI worker processes (the production shape: PostgreSQL + Redis), for the tests that
# send through one worker and watch on the other, or kill one
# ---------------------------------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[1]

# Tests of several server processes need what they share: PostgreSQL and Redis.
PRODUCTION_SHAPE = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")),
    reason="needs the production shape: DATABASE_URL (PostgreSQL) and REDIS_URL",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Worker:
    port: int
    process: subprocess.Popen[bytes]


@pytest.fixture
def workers(transactional_db: None) -> Iterator[list[Worker]]:
    """Two ASGI worker processes on ports of their own, on the test database and Redis."""
    database = django_settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"  # the test database
    )
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1", "LOG_LEVEL": "WARNING"}
    ports = [_free_port(), _free_port()]
    processes = [subprocess.Popen(uvicorn_command(port), cwd=ROOT, env=env) for port in ports]
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"worker on {port} did not start") from None
                    time.sleep(0.1)
        yield [Worker(port, process) for port, process in zip(ports, processes, strict=True)]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(15)


@pytest.fixture(scope="session", autouse=True)
def sessions_ended_before_the_test_database_is_dropped(
    django_db_setup: None, django_db_blocker: Any
) -> Iterator[None]:
    """On PostgreSQL the test database is dropped at the end, and `DROP DATABASE` refuses while
    another session is on it ("being accessed by other users"): a connection a consumer
    test's sync thread still holds (seen after a refused WebSocket), or one the server is
    still ending after psycopg's pool closed it. Torn down before the database: close the
    pool, then end whatever session is left on the throwaway database (as `DROP DATABASE …
    WITH (FORCE)` would) and wait, at most 10 s, until none is."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        name = connection.settings_dict["NAME"]
        connection.close()
        connection.close_pool()  # type: ignore[attr-defined]  # PostgreSQL's wrapper has it
        others = "FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        with connection._nodb_cursor() as cursor:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                cursor.execute(f"SELECT pg_terminate_backend(pid) {others}", [name])
                cursor.execute(f"SELECT count(*) {others}", [name])
                (left,) = cursor.fetchone()
                if left == 0:
                    break
                time.sleep(0.05)


# ---------------------------------------------------------------------------------------------
# Child processes on the test database (operations tests: a server, a command as cron runs it)
# ---------------------------------------------------------------------------------------------


def database_env() -> dict[str, str | None]:
    """Environment changes that point a child process at this test's database (None: unset)."""
    from django.db import connection

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"DATABASE_URL": None, "SQLITE_PATH": str(database["NAME"])}
    return {
        "DATABASE_URL": (
            f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    }


def child_env(**changes: str | None) -> dict[str, str]:
    """os.environ on the test database, with `changes` (None removes a variable)."""
    env = dict(os.environ)
    for key, value in {**database_env(), **changes}.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def uvicorn_command(port: int) -> list[str]:
    """One ASGI process on 127.0.0.1:port, as the `workers` fixture starts them."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "topp25.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--lifespan",
        "off",
        "--log-level",
        "warning",
    ]
