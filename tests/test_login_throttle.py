"""Failed logins are throttled per client and per user name; passwords go through Django's
validators."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse


def _login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_failed_logins_per_user_name(settings, facilitator: User) -> None:
    settings.LOGIN_FAILURES_PER_USER = "3/15m"
    for index in range(3):
        attacker = Client(REMOTE_ADDR=f"203.0.113.{index + 1}")
        assert _login(attacker, "anna", "fel").status_code == 200
    blocked = _login(Client(REMOTE_ADDR="203.0.113.99"), "ANNA", "hemligt-losen-1")
    assert blocked.status_code == 429
    assert "För många misslyckade inloggningar" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0
    assert "_auth_user_id" not in Client().session
    # Someone else still logs in.
    User.objects.create_user("bertil", password="hemligt-losen-2")
    assert _login(Client(), "bertil", "hemligt-losen-2").status_code == 302


def test_failed_logins_per_client(settings, facilitator: User) -> None:
    settings.LOGIN_FAILURES_PER_CLIENT = "3/15m"
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for index in range(3):
        assert _login(attacker, f"user{index}", "fel").status_code == 200
    assert _login(attacker, "anna", "hemligt-losen-1").status_code == 429
    assert _login(Client(REMOTE_ADDR="198.51.100.1"), "anna", "hemligt-losen-1").status_code == 302


@pytest.mark.parametrize("password", ["123456789", "password", "qwertyuiop", "kort"])
def test_weak_passwords_are_refused(facilitator: User, password: str) -> None:
    with pytest.raises(ValidationError):
        validate_password(password, user=facilitator)
    validate_password("lång-och-ovanlig-fras-42", user=facilitator)
