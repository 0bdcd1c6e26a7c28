"""No third-party host at run time: every request (documents, scripts, styles, images, fonts,
XHR, WebSockets) each page makes goes to the app's own host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import User

from meetings.models import Group, Meeting

from .conftest import PHONE, ROOM_VIEWPORT, Browser, LiveASGIServer

pytestmark = pytest.mark.browser


def _record(page: Any, seen: list[str]) -> None:
    page.on("request", lambda request: seen.append(request.url))
    page.on("websocket", lambda socket: seen.append(socket.url))


def test_every_request_goes_to_the_app(
    meeting: Meeting,
    teachers: Group,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
) -> None:
    seen: list[str] = []
    phone = browser.new_page("phone", **PHONE)
    _record(phone, seen)
    phone.goto("/")
    phone.goto("/integritet/")
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name="Lärare", exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    phone.get_by_label("Ny framgångsfaktor").fill("Tydliga mål")
    phone.get_by_role("button", name="Lägg till").click()
    phone.locator("#factor-list").get_by_text("Tydliga mål", exact=True).wait_for()

    room = browser.new_page("room screen", viewport=ROOM_VIEWPORT)
    _record(room, seen)
    room.goto(f"/room/{meeting.room_token}/")
    room.locator(f"#room-group-{teachers.pk}").get_by_text("Tydliga mål").wait_for()

    console = browser.new_page("console", viewport={"width": 1366, "height": 850})
    _record(console, seen)
    console.goto("/accounts/login/")
    console.get_by_label("Användarnamn").fill(facilitator.username)
    console.get_by_label("Lösenord").fill("hemligt-losen-1")
    console.get_by_role("button", name="Logga in").click()
    console.wait_for_url("**/console/")
    console.goto(f"/console/meetings/{meeting.pk}/")
    console.goto("/console/meetings/new/")

    own = urlsplit(asgi_server.url).netloc
    assert any(url.startswith("ws://") for url in seen), "the sockets were recorded too"
    foreign = sorted(
        {url for url in seen if urlsplit(url).netloc != own and not url.startswith("data:")}
    )
    assert foreign == []
    browser.assert_no_errors()
