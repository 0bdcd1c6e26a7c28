"""The editor's article, whole in every download, in a real browser: from a finished meeting the
editor writes the lead and the closing paragraph, rewords a factor, then downloads every format
from the Exportera menu and publishes; each file (read by its own reader) and the public page
have the lead, the agenda and the closing paragraph, in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from meetings.models import Meeting
from summary.outputs import FORMATS

from ..test_article_whole import (
    CLOSING,
    LEAD,
    PARTS,
    REWORDED,
    assert_in_order,
    html_text,
    read_back,
)
from ..test_article_whole import ran as ran  # the fixture, shared
from .conftest import Browser, LiveASGIServer

pytestmark = pytest.mark.browser

ARTICLE_FORMATS = ("md", "html", "docx", "pdf")


def test_editor_from_a_finished_meeting_to_every_download(
    ran: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
) -> None:
    page = browser.new_page(
        "article", viewport={"width": 1366, "height": 850}, accept_downloads=True
    )
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill(facilitator.username)
    page.get_by_label("Lösenord").fill("hemligt-losen-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/console/")
    page.goto(f"/console/meetings/{ran.pk}/")
    page.get_by_role("link", name="Sammanfattning").click()
    page.wait_for_url(f"**/console/meetings/{ran.pk}/summary/")

    page.get_by_label("Ingress").fill(LEAD)
    page.locator("#lead-status").get_by_text("Sparad kl.").wait_for()
    page.get_by_label("Avslutning").fill(CLOSING)
    page.locator("#closing-status").get_by_text("Sparad kl.").wait_for()
    page.get_by_label("Lärare: faktor 2").fill(REWORDED)
    page.get_by_text("Redigerad").first.wait_for()

    for fmt in ARTICLE_FORMATS:
        page.reload()  # the menu closes after a download; start from the page as it is
        menu = page.locator("details.export-menu").first
        menu.locator("summary").click()
        with page.expect_download() as info:
            menu.get_by_role("link", name=str(FORMATS[fmt].label), exact=True).click()
        body = Path(info.value.path()).read_bytes()
        assert_in_order(read_back(fmt, body), PARTS)

    page.get_by_role("button", name="Publicera", exact=True).click()
    link = page.locator("#public-link")
    link.wait_for()
    public = browser.new_page("public", viewport={"width": 1366, "height": 850})
    public.goto(link.get_attribute("href") or link.inner_text())
    assert_in_order(html_text(public.content()), PARTS)
    # After publishing the downloads still carry the editor's paragraphs.
    page.reload()
    menu = page.locator("details.export-menu").first
    menu.locator("summary").click()
    with page.expect_download() as info:
        menu.get_by_role("link", name="Word (DOCX)", exact=True).click()
    assert_in_order(read_back("docx", Path(info.value.path()).read_bytes()), PARTS)
    browser.assert_no_errors()
