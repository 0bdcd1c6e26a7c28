"""The editor's hour after the meeting, in a real browser: reword a factor (autosave), publish,
read the public page (axe, print on A4), revoke it; two editors on one text; the series page."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User

from groups import services as group_services
from groups.models import SuccessFactor
from meetings.models import Group, Meeting
from meetings.roles import EDITOR_ROLE
from summary.models import FactorEdit, SeriesIndicator, SummaryDraft

from . import test_accessibility
from .conftest import Browser, LiveASGIServer
from .test_accessibility import violations

axe_source = test_accessibility.axe_source  # the fixture, shared

pytestmark = pytest.mark.browser

LAPTOP = {"viewport": {"width": 1366, "height": 850}}


@pytest.fixture
def worked(meeting: Meeting, teachers: Group, principals: Group) -> Meeting:
    for text in ["Tydliga mål", "Studiero i klasrummet", "Tidiga insatser"]:
        group_services.add_factor(group=teachers, text=text)
    group_services.add_factor(group=principals, text="Nära pedagogiskt ledarskap")
    group_services.mark_agreed(group=principals, confirmed_short=True)
    return meeting


@pytest.fixture
def typo(worked: Meeting, teachers: Group) -> SuccessFactor:
    return teachers.factors.get(position=2)


def log_in(browser: Browser, name: str, username: str, password: str, **options: Any) -> Any:
    page = browser.new_page(name, **LAPTOP, **options)
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/console/")
    return page


def test_editor_rewords_publishes_and_revokes(
    worked: Meeting,
    teachers: Group,
    typo: SuccessFactor,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
) -> None:
    page = log_in(browser, "editor", facilitator.username, "hemligt-losen-1")
    page.goto(f"/console/meetings/{worked.pk}/")
    page.get_by_role("link", name="Sammanfattning").click()
    page.wait_for_url(f"**/console/meetings/{worked.pk}/summary/")
    assert violations(page, axe_source) == []

    # Reword a factor: saved by itself once typing pauses, no button pressed.
    field = page.get_by_label("Lärare: faktor 2")
    field.fill("Studiero i klassrummet")
    status = page.locator(f"#factor-{typo.pk}-status")
    status.get_by_text("Sparad kl.").wait_for()
    assert "Redigerad" in status.inner_text()
    edit = asgi_server.call(lambda: FactorEdit.objects.values_list("text", "version").get())
    assert edit == ("Studiero i klassrummet", 1)
    assert (
        asgi_server.call(lambda: teachers.factors.get(pk=typo.pk).text) == "Studiero i klasrummet"
    )

    # The lead, typed key by key: one save after the typing pauses.
    page.get_by_label("Ingress").press_sequentially("Hundra personer från skolans alla led.")
    page.locator("#lead-status").get_by_text("Sparad kl.").wait_for()

    # Move Rektorer above Förskollärare, by keyboard.
    page.get_by_role("button", name="Flytta upp: Rektorer").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/summary/#group-*")
    headings = page.locator(".summary-group h3").all_inner_texts()
    assert headings.index("Rektorer") < headings.index("Förskollärare")

    # History shows who changed what.
    history = page.locator("table.history").inner_text()
    assert "Studiero i klasrummet" in history and "Studiero i klassrummet" in history
    assert facilitator.username in history

    page.get_by_role("button", name="Publicera", exact=True).click()
    page.locator("#public-link").wait_for()
    public_url = page.locator("#public-link").get_attribute("href")
    assert public_url and "/s/" in public_url
    assert violations(page, axe_source) == []

    # Anyone with the link, not logged in.
    reader = browser.new_page("reader", **LAPTOP)
    response = reader.goto(public_url)
    assert response is not None and response.status == 200
    article = reader.locator("article").inner_text()
    assert "Studiero i klassrummet" in article and "klasrummet" not in article
    assert "Hundra personer från skolans alla led." in article
    assert article.index("Lärare") < article.index("Rektorer")
    assert "Förskollärare" not in article  # wrote nothing: left out of the article
    assert violations(reader, axe_source) == []
    # Print: A4, no controls; the whole summary on one or two pages.
    reader.emulate_media(media="print")
    assert reader.locator(".site-footer").is_hidden()
    pdf = reader.pdf(prefer_css_page_size=True)  # the page's own @page: A4
    assert pdf.startswith(b"%PDF")
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[456](\.\d+)? 84[12](\.\d+)?", pdf)  # A4 in points
    assert 1 <= len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) <= 2
    reader.emulate_media(media="screen")

    # Revoke: the same link is gone for the reader.
    page.get_by_role("button", name="Avpublicera").click()
    page.get_by_text("Inte publicerad.").wait_for()
    with browser.errors.allowed(r"status of 404"):
        gone = reader.goto(public_url)
    assert gone is not None and gone.status == 404
    assert "finns inte" in reader.locator("main").inner_text()
    assert asgi_server.call(lambda: SummaryDraft.objects.get().public_token) is None
    browser.assert_no_errors()


def test_two_editors_on_one_text(
    worked: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
) -> None:
    def second() -> None:
        user = User.objects.create_user("bertil", password="hemligt-losen-2")
        user.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
        worked.facilitators.add(user)

    asgi_server.call(second)
    anna = log_in(browser, "anna", facilitator.username, "hemligt-losen-1")
    bertil = log_in(browser, "bertil", "bertil", "hemligt-losen-2")
    for page in (anna, bertil):
        page.goto(f"/console/meetings/{worked.pk}/summary/")
    anna.get_by_label("Avslutning").fill("Annas avslutning")
    anna.locator("#closing-status").get_by_text("Sparad kl.").wait_for()

    with browser.errors.allowed(r"status of 409"):
        bertil.get_by_label("Avslutning").fill("Bertils avslutning")
        conflict = bertil.locator("#closing-status .conflict")
        conflict.wait_for()
    text = conflict.inner_text()
    assert "Någon annan har just ändrat den här texten" in text
    assert "Annas avslutning" in text and "anna" in text
    assert bertil.get_by_label("Avslutning").input_value() == "Bertils avslutning"  # kept
    assert violations(bertil, axe_source) == []
    assert asgi_server.call(lambda: SummaryDraft.objects.get().closing) == "Annas avslutning"
    # Bertil keeps his text, knowingly; Anna's is in the history.
    bertil.get_by_role("button", name="Spara min text ändå").click()
    bertil.locator("#closing-status").get_by_text("Sparad kl.").wait_for()
    assert asgi_server.call(lambda: SummaryDraft.objects.get().closing) == "Bertils avslutning"
    bertil.reload()
    history = bertil.locator("table.history").inner_text()
    assert "Annas avslutning" in history and "Bertils avslutning" in history
    browser.assert_no_errors()


def test_series_page_is_accessible(
    worked: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
) -> None:
    def make_series() -> int:
        from meetings import services as meeting_services

        earlier = meeting_services.create_meeting(
            facilitator=facilitator,
            title="Topp25 2025",
            date=datetime.date(2025, 11, 20),
            core_question="Vad höjer elevernas resultat?",
            series_name="Topp25",
        )
        Meeting.objects.filter(pk=worked.pk).update(series=earlier.series)
        assert earlier.series is not None
        return earlier.series.pk

    series_pk = asgi_server.call(make_series)
    page = log_in(browser, "editor", facilitator.username, "hemligt-losen-1")
    page.goto(f"/console/series/{series_pk}/")
    page.get_by_label("Indikator", exact=True).fill("Kommunens placering i SKR:s Öppna jämförelser")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.wait_for_url("**#indicator")
    for year, value in [("2024", "142"), ("2025", "118"), ("2026", "97")]:
        page.get_by_label("År", exact=True).fill(year)
        page.get_by_label("Värde", exact=True).fill(value)
        page.get_by_role("button", name="Spara värdet").click()
        page.wait_for_url("**#values")
    chart = page.locator(".series-chart svg.chart-svg")
    assert chart.locator("circle").count() == 3
    assert chart.locator("polygon").count() == 2
    assert "Lägre värde är bättre: skalan är vänd" in page.locator(".series-chart").inner_text()
    assert page.locator("#chart-data").get_by_role("row").count() == 4  # header + 3 years
    assert violations(page, axe_source) == []
    flags = asgi_server.call(
        lambda: list(SeriesIndicator.objects.values_list("lower_is_better", flat=True))
    )
    assert flags == [True]
    browser.assert_no_errors()


THEMED = {
    "Lärare": ["Trygg lärmiljö", "Samarbete med vårdnadshavare"],
    "Rektorer": ["Skapa trygghet i klassrummet", "Tydligt pedagogiskt ledarskap"],
    "Elevhälsa": ["Tryggare skolgårdar och raster", "Samverkan med socialtjänsten"],
    "Politiker": ["Rektorer med mandat"],
}


@pytest.fixture
def themed(meeting: Meeting) -> Meeting:
    from summary import themes

    for name, texts in THEMED.items():
        group = meeting.home_groups().get(name=name)
        for text in texts:
            group_services.add_factor(group=group, text=text)
    themes.warm_up()  # the dictionary's load (seconds) is not the page's wait
    return meeting


def test_editor_rewords_curates_themes_downloads_and_publishes(
    themed: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
) -> None:
    """From a finished meeting to a published page and a download, all in the workspace."""
    page = log_in(browser, "editor", facilitator.username, "hemligt-losen-1", accept_downloads=True)
    page.goto(f"/console/meetings/{themed.pk}/summary/")
    section = page.locator("#themes-section")
    assert section.locator(".theme-title").all_inner_texts() == [
        "Trygghet och studiero — 3 av 7 grupper",
        "Ledarskap — 2 av 7 grupper",
        "Samverkan — 2 av 7 grupper",
    ]
    assert violations(page, axe_source) == []

    # Reword a factor for publication (autosave).
    page.get_by_label("Lärare: faktor 1").fill("En trygg lärmiljö för alla elever")
    page.locator(".save-status", has_text="Sparad kl.").first.wait_for()

    # Rename one theme and merge another into it, in the workspace (htmx, no reload).
    page.evaluate("window.__noReload = 1")
    samverkan = section.locator(".theme", has_text="Samverkan — 2 av 7 grupper")
    samverkan.get_by_label("Temats namn").fill("Samverkan kring eleven")
    samverkan.get_by_role("button", name="Byt namn").click()
    section.locator(".theme-title", has_text="Samverkan kring eleven — 2 av 7 grupper").wait_for()
    leadership = page.locator("#themes-section .theme", has_text="Ledarskap — 2 av 7 grupper")
    leadership.get_by_label("Slå ihop med").select_option(label="Samverkan kring eleven")
    leadership.get_by_role("button", name="Slå ihop").click()
    page.locator(
        "#themes-section .theme-title", has_text="Samverkan kring eleven — 4 av 7 grupper"
    ).wait_for()
    assert page.evaluate("window.__noReload") == 1

    # The one Exportera menu: the Markdown has the editor's wording and themes.
    menu = page.locator("details.export-menu")
    assert menu.count() == 1
    menu.locator("summary").click()
    with page.expect_download() as info:
        page.get_by_role("link", name="Markdown").click()
    markdown = Path(info.value.path()).read_text(encoding="utf-8")
    assert "### Samverkan kring eleven — 4 av 7 grupper" in markdown
    assert "1. En trygg lärmiljö för alla elever" in markdown
    assert "- En trygg lärmiljö för alla elever (Lärare)" in markdown
    assert "Trygg lärmiljö" not in markdown

    page.get_by_role("button", name="Publicera", exact=True).click()
    page.locator("#public-link").wait_for()
    public_url = page.locator("#public-link").get_attribute("href")
    assert public_url

    reader = browser.new_page("reader", **LAPTOP)
    response = reader.goto(public_url)
    assert response is not None and response.status == 200
    themes = reader.get_by_role("region", name="Teman som återkommer")
    assert themes.get_by_role("heading", level=3).all_inner_texts() == [
        "Samverkan kring eleven — 4 av 7 grupper",
        "Trygghet och studiero — 3 av 7 grupper",
    ]
    assert "En trygg lärmiljö för alla elever (Lärare)" in themes.inner_text()
    assert violations(reader, axe_source) == []

    page.get_by_role("button", name="Avpublicera").click()
    page.get_by_text("Inte publicerad.").wait_for()
    with browser.errors.allowed(r"status of 404"):
        gone = reader.goto(public_url)
    assert gone is not None and gone.status == 404
    browser.assert_no_errors()


def test_series_themes_chart_is_accessible(
    themed: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_source: str,
    artifacts: Path,
) -> None:
    def second_meeting() -> int:
        from meetings import services as meeting_services

        later = meeting_services.create_meeting(
            facilitator=facilitator,
            title="Topp25 våren 2027",
            date=datetime.date(2027, 4, 20),
            core_question="Vad höjer elevernas resultat?",
            series_name="Topp25",
            usual_home_groups=True,
        )
        Meeting.objects.filter(pk=themed.pk).update(series=later.series)
        for name, text in [("Lärare", "Studiero i klassrummet"), ("Rektorer", "Trygga raster")]:
            group_services.add_factor(group=later.home_groups().get(name=name), text=text)
        assert later.series is not None
        return later.series.pk

    series_pk = asgi_server.call(second_meeting)
    page = log_in(browser, "editor", facilitator.username, "hemligt-losen-1")
    page.goto(f"/console/series/{series_pk}/")
    section = page.locator("#recurring-themes")
    table = section.get_by_role("table", name="Vilka teman som återkommer")
    row = table.get_by_role("row", name=re.compile("Trygghet och studiero"))
    assert row.get_by_role("cell").all_inner_texts() == ["Nytt", "Återkommer"]
    chart = section.get_by_role("img", name="Nya och återkommande teman, möte för möte")
    assert chart.locator("text", has_text="0 + 3").count() == 1
    assert chart.locator("text", has_text="1 + 0").count() == 1
    assert violations(page, axe_source) == []
    section.screenshot(path=str(artifacts / "series-themes.png"))
    browser.assert_no_errors()
