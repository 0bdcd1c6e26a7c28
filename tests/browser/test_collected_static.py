"""The pages work with the static files as production and `make run` send them: our CSS and
JS minified by collectstatic (topp25/storage.py). The other browser tests get the source
files (the test server serves the app folders); here every /static/ request is answered from
a collectstatic run instead. A phone writes and moves factors, one offline, and the room
screen shows them live, with no script error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from meetings.models import Group, Meeting

from .conftest import PHONE, ROOM_VIEWPORT, Browser, LiveASGIServer
from .test_afternoon import LIVE, live, wait_text
from .test_offline_outbox import OFFLINE_ERRORS, QUEUED

pytestmark = pytest.mark.browser

STORAGE = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "topp25.storage.MinifiedStaticFilesStorage"},
}


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("collected")
    with override_settings(STATIC_ROOT=root, STORAGES=STORAGE):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


def served_from(page: Any, root: Path) -> list[str]:
    """Answer the page's /static/ requests from `root`; the names answered."""
    answered: list[str] = []
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

    def handle(route: Any) -> None:
        name = route.request.url.split("/static/", 1)[1].split("?")[0]
        path = root / name
        if not path.is_file():
            route.continue_()
            return
        answered.append(name)
        route.fulfill(body=path.read_bytes(), content_type=types.get(path.suffix, "text/plain"))

    page.context.route("**/static/**", handle)
    return answered


def test_phone_and_room_work_with_the_minified_files(
    meeting: Meeting,
    teachers: Group,
    collected: Path,
    asgi_server: LiveASGIServer,
    browser: Browser,
) -> None:
    room = browser.new_page("room", viewport=ROOM_VIEWPORT)
    room_files = served_from(room, collected)
    room.goto(f"/room/{meeting.room_token}/")
    live(room)
    phone = browser.new_page("phone", **PHONE)
    phone_files = served_from(phone, collected)
    phone.goto(f"/m/{meeting.join_code}/")
    phone.get_by_role("button", name=teachers.name, exact=True).tap()
    phone.wait_for_url(f"**/m/{meeting.join_code}/group/")
    live(phone)
    assert {"js/topp25.js", "css/topp25.css"} <= set(phone_files)
    assert {"js/room.js", "css/room.css"} <= set(room_files)
    assert "// ---" not in (collected / "js/topp25.js").read_text()  # minified, no comments

    field = phone.get_by_label("Ny framgångsfaktor")
    for text in ("Trygghet i klassrummet", "Tid för kollegialt lärande"):
        field.fill(text)
        phone.get_by_role("button", name="Lägg till", exact=True).click()
        wait_text(phone.locator("#factor-list"), text)
        wait_text(room.locator("#room-groups"), text)
    phone.get_by_role("button", name="Flytta ner: Trygghet i klassrummet", exact=True).click()
    phone.wait_for_function(
        "() => document.querySelector('#factor-list .factor-text').textContent"
        " === 'Tid för kollegialt lärande'",
        timeout=LIVE,
    )
    # The outbox, minified: kept offline, sent once back online.
    with browser.errors.allowed(OFFLINE_ERRORS):
        phone.context.set_offline(True)
        field.fill("Elevhälsan med från början")
        phone.get_by_role("button", name="Lägg till", exact=True).click()
        phone.locator("#factor-form .tap-status").get_by_text(QUEUED).wait_for()
        phone.context.set_offline(False)
        wait_text(room.locator("#room-groups"), "Elevhälsan med från början")
    assert asgi_server.call(lambda: teachers.factors.count()) == 3
    browser.assert_no_errors()
