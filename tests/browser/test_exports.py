"""The editor downloads from the console in a real browser: the Exportera menu, by keyboard."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import openpyxl
import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings.models import Group, Meeting

from .conftest import Browser, LiveASGIServer
from .test_accessibility import AXE, violations

pytestmark = pytest.mark.browser


@pytest.fixture
def axe_source() -> str:
    # test_accessibility.py's fixture is local to that module; it skips or fails when
    # axe-core is missing, so this test only runs where that one did.
    if not AXE.exists():
        pytest.skip(f"ACCESSIBILITY CHECKS NOT RUN: {AXE} is missing")
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def written(meeting: Meeting, teachers: Group) -> Meeting:
    for text in ["Tid för kollegialt lärande", "=SUMMA(A1:A9)", "Trygg lärmiljö"]:
        group_services.add_factor(group=teachers, text=text)
    return meeting


def test_download_from_the_export_menu(
    written: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
    artifacts: Path,
) -> None:
    page = browser.new_page(
        "export", viewport={"width": 1366, "height": 850}, accept_downloads=True
    )
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill(facilitator.username)
    page.get_by_label("Lösenord").fill("hemligt-losen-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/console/")
    page.goto(f"/console/meetings/{written.pk}/")

    menu = page.locator("details.export-menu")
    menu.locator("summary").focus()
    page.keyboard.press("Enter")  # opens the menu, as a keyboard user would
    word = page.get_by_role("link", name="Word (DOCX)")
    word.wait_for()
    assert violations(page, axe_source) == []
    page.screenshot(path=str(artifacts / "export-menu.png"))

    with page.expect_download() as info:
        word.focus()
        page.keyboard.press("Enter")
    download = info.value
    # Chromium takes the Swedish name from filename*; older clients get the ASCII one.
    assert download.suggested_filename == "dialogmöte-1-2026-11-23.docx"
    document = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    numbered = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert numbered == ["Tid för kollegialt lärande", "=SUMMA(A1:A9)", "Trygg lärmiljö"]

    # A download closes the menu and puts focus back on its button (the next one reopens it).
    page.wait_for_function("!document.querySelector('details.export-menu').open")
    assert menu.locator("summary").evaluate("el => el === document.activeElement")
    menu.locator("summary").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Excel (XLSX)").click()
    sheet = openpyxl.load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert [row[5] for row in sheet.iter_rows(min_row=2, values_only=True)] == numbered
    browser.assert_no_errors()
