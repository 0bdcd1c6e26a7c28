"""Built in from the first page: CSP with nonces, nothing from third-party hosts, Swedish."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from meetings.models import Group, Meeting


@pytest.fixture
def pages(
    client: Client, facilitator: User, meeting: Meeting, teachers: Group, join_as
) -> list[str]:
    join_as(teachers)
    staff = Client()
    staff.force_login(facilitator)
    return [
        ("/", client),
        (reverse("meetings:join", args=[meeting.join_code]) + "?change=1", client),
        (reverse("groups:page", args=[meeting.join_code]), client),
        (reverse("meetings:room", args=[meeting.room_token]), client),
        (reverse("login"), Client()),
        (reverse("meetings:console"), staff),
        (reverse("meetings:create"), staff),
        (reverse("meetings:detail", args=[meeting.pk]), staff),
    ]


def test_every_page_has_a_strict_csp_and_nonced_scripts(pages, meeting: Meeting) -> None:
    # The start page and the group picker are plain forms; a phone loads htmx and our script
    # with the group page.
    SCRIPTLESS = {"/", reverse("meetings:join", args=[meeting.join_code]) + "?change=1"}
    for url, client in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "style-src 'self'" in policy and "unsafe-inline" not in policy
        html = response.content.decode()
        scripts = re.findall(r"<script\b[^>]*>", html)
        if url in SCRIPTLESS:
            # Plain forms: no script at all, and the policy allows none but our own files.
            assert not scripts and "script-src 'self';" in policy + ";", (url, scripts, policy)
        else:
            nonce = re.search(r"'nonce-([^']+)'", policy)
            assert nonce, url
            assert "script-src 'self' 'nonce-" in policy
            assert scripts, url
            for tag in scripts:
                assert f'nonce="{nonce.group(1)}"' in tag, (url, tag)
                assert 'src="/static/' in tag, (url, tag)
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers
        # Everything is served by the app itself.
        hosts = set(re.findall(r"(?:src|href)=\"(?:https?:)?//([^/\"]+)", html))
        assert hosts <= {"testserver"}, (url, hosts)
        assert '<html lang="sv">' in html, url


def test_swedish_even_on_an_english_phone(client: Client, db: None) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in html and "Mötets kod" in html


def test_english_when_chosen(client: Client, db: None) -> None:
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Meeting code" in html


def test_security_headers(client: Client, db: None) -> None:
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
