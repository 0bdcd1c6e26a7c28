"""The systemd units in deploy/systemd are valid, and retention runs: the purge timer fires
daily and its service's command removes old meetings' names (run here as the unit runs it);
the privacy page says what is removed and when."""

from __future__ import annotations

import configparser
import datetime
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from meetings import services
from meetings.models import Meeting, Participant

from .conftest import ROOT, child_env

UNITS = ROOT / "deploy" / "systemd"


def unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text().replace("\\\n", " "))
    return parser


def test_the_units_are_valid_for_systemd(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian's systemd package)")
    for path in UNITS.iterdir():
        # The units as installed under /srv/topp25, pointed at this checkout.
        (tmp_path / path.name).write_text(path.read_text().replace("/srv/topp25", str(ROOT)))
    files = sorted(str(path) for path in tmp_path.iterdir())
    result = subprocess.run(
        [analyze, "verify", "--man=no", *files], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr


def test_the_service_runs_the_production_shape() -> None:
    service = unit("topp25.service")["Service"]
    start = service["ExecStart"]
    for option in (
        "--workers",
        "--proxy-headers",
        "--forwarded-allow-ips",
        "topp25.limits",
        "--ws-per-message-deflate false",
        "--no-access-log",
        "--host 127.0.0.1",
    ):
        assert option in start, option
    assert service["Restart"] == "always"
    assert service["EnvironmentFile"] == "/etc/topp25/topp25.env"
    assert service["Environment"] == "PROMETHEUS_MULTIPROC_DIR=/run/topp25"


def test_the_purge_timer_fires_daily_and_catches_up() -> None:
    timer = unit("topp25-purge.timer")["Timer"]
    assert timer["OnCalendar"].startswith("*-*-* ")  # every day
    assert timer["Persistent"] == "true"  # a server that was off purges when it starts
    assert unit("topp25-purge.timer")["Install"]["WantedBy"] == "timers.target"
    backups = unit("topp25-backup.timer")["Timer"]
    assert backups["OnCalendar"].startswith("*-*-* ")


@pytest.mark.django_db(transaction=True)
def test_the_purge_service_command_removes_old_names(facilitator: User) -> None:
    old = services.create_meeting(
        facilitator=facilitator,
        title="Förra terminen",
        date=datetime.date.today() - datetime.timedelta(days=django_settings.RETENTION_DAYS + 1),
        core_question="?",
        usual_home_groups=True,
    )
    recent = services.create_meeting(
        facilitator=facilitator,
        title="I dag",
        date=datetime.date.today(),
        core_question="?",
        usual_home_groups=True,
    )
    for meeting, name in ((old, "Eva"), (recent, "Olle")):
        group = meeting.home_groups().first()
        assert group is not None
        services.join_meeting(meeting=meeting, home_group_id=group.pk, display_name=name)

    # The purge service's own command line, run from this checkout on the test database.
    command = shlex.split(unit("topp25-purge.service")["Service"]["ExecStart"])
    assert command[1:] == ["manage.py", "purge_meetings"]
    command[0] = command[0].replace("/srv/topp25", str(ROOT))
    result = subprocess.run(
        command, cwd=ROOT, env=child_env(), capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "1 möten" in result.stdout
    assert Participant.objects.get(meeting=old).display_name == ""
    assert Participant.objects.get(meeting=recent).display_name == "Olle"
    assert Meeting.objects.filter(pk=old.pk).exists()  # the results stay


@pytest.mark.django_db
def test_the_privacy_page_says_what_is_removed_and_when(client: Client, settings) -> None:
    settings.RETENTION_DAYS = 45
    settings.BACKUP_RETENTION_DAYS = 10
    html = client.get(reverse("privacy")).content.decode()
    assert "Varje natt tar servern automatiskt bort namnen och sessionerna" in html
    assert "mer än 45 dagar sedan" in html and "högst 10 dagar" in html
    assert "Every night the server automatically removes the names and sessions" in html
    assert "more than 45 days ago" in html and "at most 10 days" in html
