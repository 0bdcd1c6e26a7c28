"""Error pages follow the chosen language: Swedish by default, English for someone who chose
it with the language switch (its cookie), for 400, 403, the CSRF failure, 404 and 500."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from meetings.models import Meeting
from meetings.roles import EDITOR_ROLE

# (Swedish, English) words each page must show.
NOT_FOUND = ("Sidan finns inte", "Page not found")
FORBIDDEN = ("Ingen behörighet", "Not allowed")
CSRF = ("Sidan hade hunnit bli gammal", "The page had expired")
BAD_REQUEST = ("Felaktig förfrågan", "Bad request")
SERVER_ERROR = ("Något gick fel", "Something went wrong")


def _client(language: str | None, **options: object) -> Client:
    client = Client(**options)  # type: ignore[arg-type]
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


LANGUAGES = [(None, 0, "sv"), ("en", 1, "en")]


@pytest.mark.parametrize(("cookie", "index", "lang"), LANGUAGES)
def test_not_found_page(db: None, cookie: str | None, index: int, lang: str) -> None:
    response = _client(cookie).get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert NOT_FOUND[index] in html
    assert f'<html lang="{lang}">' in html
    assert NOT_FOUND[1 - index] not in html


@pytest.mark.parametrize(("cookie", "index", "lang"), LANGUAGES)
def test_forbidden_page(meeting: Meeting, cookie: str | None, index: int, lang: str) -> None:
    # An editor without the facilitator's role may not create meetings.
    outsider = User.objects.create_user("olle", password="hemligt-losen-2")
    outsider.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    client = _client(cookie)
    client.force_login(outsider)
    response = client.get(reverse("meetings:create"))
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert FORBIDDEN[index] in html
    assert FORBIDDEN[1 - index] not in html


@pytest.mark.parametrize(("cookie", "index", "lang"), LANGUAGES)
def test_csrf_failure_page(db: None, cookie: str | None, index: int, lang: str) -> None:
    client = _client(cookie, enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert CSRF[index] in html
    assert CSRF[1 - index] not in html


@pytest.mark.parametrize(("cookie", "index", "lang"), LANGUAGES)
def test_bad_request_page(db: None, cookie: str | None, index: int, lang: str) -> None:
    # A Host header the site does not serve: Django's SuspiciousOperation → 400.
    response = _client(cookie).get("/", headers={"host": "angripare.example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert BAD_REQUEST[index] in html


@pytest.mark.parametrize(("language", "index"), [("sv", 0), ("en", 1)])
def test_server_error_page_needs_no_database(language: str, index: int) -> None:
    """Rendered as Django's handler500 does (no request context); no `db` fixture, so any
    database access fails the test."""
    request = RequestFactory().get("/")
    with translation.override(language):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert SERVER_ERROR[index] in html
    assert "<script" not in html  # nothing that needs a nonce or the server
