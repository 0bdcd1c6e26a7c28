"""Production settings: `make check-deploy` is clean, env values are strict, staff sessions
last a working day, logged-in pages are never stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from meetings.models import Group, Meeting
from topp25.settings import env_bool, env_int, env_rate

ROOT = Path(__file__).resolve().parents[1]


def test_make_check_deploy_is_clean() -> None:
    result = subprocess.run(
        ["make", "-s", "check-deploy"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(("value", "expected"), [("1", True), (" TRUE ", True), ("off", False)])
def test_env_bool_understands(monkeypatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("TOPP25_TEST_FLAG", value)
    assert env_bool("TOPP25_TEST_FLAG", not expected) is expected


@pytest.mark.parametrize("value", ["ture", "2", "nej", "of"])
def test_env_bool_refuses(monkeypatch, value: str) -> None:
    monkeypatch.setenv("TOPP25_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="TOPP25_TEST_FLAG=.* is not understood"):
        env_bool("TOPP25_TEST_FLAG", False)


def test_env_int_and_rate_refuse(monkeypatch) -> None:
    monkeypatch.setenv("TOPP25_TEST_INT", "ett")
    with pytest.raises(ImproperlyConfigured, match="a whole number"):
        env_int("TOPP25_TEST_INT", 1)
    monkeypatch.setenv("TOPP25_TEST_INT", "-5")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("TOPP25_TEST_INT", 1)
    monkeypatch.setenv("TOPP25_TEST_RATE", "60 per minute")
    with pytest.raises(ImproperlyConfigured, match="60/10m"):
        env_rate("TOPP25_TEST_RATE", "1/m")


def test_debug_typo_stops_the_start() -> None:
    env = {**os.environ, "DEBUG": "ture"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DEBUG='ture' is not understood" in result.stderr


def test_staff_sessions_last_a_working_day(client: Client, facilitator: User) -> None:
    response = client.post(reverse("login"), {"username": "anna", "password": "hemligt-losen-1"})
    assert response.status_code == 302
    age = client.session.get_expiry_age()
    assert 8 * 3600 <= age <= settings.STAFF_SESSION_SECONDS <= 12 * 3600
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] <= 12 * 3600


def test_participant_sessions_stay_long(client: Client, meeting: Meeting, teachers: Group) -> None:
    client.post(reverse("meetings:join", args=[meeting.join_code]), {"home_group": teachers.pk})
    assert client.session.get_expiry_age() >= 200 * 24 * 3600


def test_logged_in_pages_are_never_stored(client: Client, facilitator: User, meeting: Meeting):
    client.force_login(facilitator)
    for url in (
        reverse("meetings:console"),
        reverse("meetings:detail", args=[meeting.pk]),
        reverse("meetings:create"),
        reverse("summary:markdown", args=[meeting.pk]),
        reverse("summary:json", args=[meeting.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response["Cache-Control"]
        assert "private" in cache_control and "no-store" in cache_control, url
