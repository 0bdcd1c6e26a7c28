"""The editor curates themes in a real browser: rename one, merge two, and it stays so."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from groups import services as group_services
from meetings.models import Meeting
from summary import services, themes

from .conftest import REQUIRE_BROWSER, Browser, LiveASGIServer
from .test_accessibility import AXE, violations

pytestmark = pytest.mark.browser

TEXTS = {
    "Lärare": ["Trygg lärmiljö", "Samarbete med vårdnadshavare"],
    "Rektorer": ["Skapa trygghet i klassrummet", "Tydligt pedagogiskt ledarskap"],
    "Elevhälsa": ["Tryggare skolgårdar och raster", "Samverkan med socialtjänsten"],
    "Politiker": ["Rektorer med mandat"],
}


@pytest.fixture
def axe_js() -> str:
    if not AXE.exists():
        message = f"ACCESSIBILITY CHECKS NOT RUN: {AXE} is missing (run `make setup`, needs npm)"
        if REQUIRE_BROWSER:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def themed_meeting(meeting: Meeting) -> Meeting:
    for name, texts in TEXTS.items():
        group = meeting.home_groups().get(name=name)
        for text in texts:
            group_services.add_factor(group=group, text=text)
    # The Swedish dictionary loads once per process (seconds on a busy machine): load it
    # before the browser's first request, so the page's wait is not the load.
    themes.warm_up()
    return meeting


def labels(meeting: Meeting) -> list[str]:
    return [theme.label for theme in services.meeting_themes(meeting)]


def test_rename_and_merge_themes(
    themed_meeting: Meeting,
    facilitator: User,
    asgi_server: LiveASGIServer,
    browser: Browser,
    axe_js: str,
) -> None:
    meeting = themed_meeting
    page: Any = browser.new_page("editor", viewport={"width": 1366, "height": 850})
    page.goto("/accounts/login/")
    page.get_by_label("Användarnamn").fill(facilitator.username)
    page.get_by_label("Lösenord").fill("hemligt-losen-1")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url("**/console/")
    page.goto(f"/console/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Teman").click()
    page.wait_for_url(f"**/console/meetings/{meeting.pk}/summary/themes/")

    titles = page.locator(".theme-title")
    assert titles.all_inner_texts() == [
        "Trygghet och studiero — 3 av 7 grupper",
        "Ledarskap — 2 av 7 grupper",
        "Samverkan — 2 av 7 grupper",
    ]
    assert violations(page, axe_js) == []

    # Rename "Samverkan" (htmx: the section is replaced, the page is not reloaded).
    page.evaluate("window.__noReload = 1")
    samverkan = page.locator(".theme", has_text="Samverkan — 2 av 7 grupper")
    samverkan.get_by_label("Temats namn").fill("Samarbete kring eleven")
    samverkan.get_by_role("button", name="Byt namn").click()
    page.locator(".theme-title", has_text="Samarbete kring eleven — 2 av 7 grupper").wait_for()
    page.locator(".notice", has_text="Temat heter nu Samarbete kring eleven.").wait_for()
    # Screen readers hear it from the page's permanent live region.
    page.locator("#announcer", has_text="Temat heter nu Samarbete kring eleven.").wait_for(
        state="attached"
    )

    # Renaming it again, from the keyboard: focus stays on the same theme's button.
    renamed = page.locator(".theme", has_text="Samarbete kring eleven — 2 av 7 grupper")
    renamed.get_by_label("Temats namn").fill("Samverkan kring eleven")
    renamed.get_by_role("button", name="Byt namn").focus()
    page.keyboard.press("Enter")
    page.locator(".theme-title", has_text="Samverkan kring eleven — 2 av 7 grupper").wait_for()
    focused = page.evaluate(
        "[document.activeElement.id, document.activeElement.closest('.theme')?.innerText || '']"
    )
    assert focused[0].endswith("-rename") and "Samverkan kring eleven" in focused[1]

    # Merge "Ledarskap" into it.
    leadership = page.locator(".theme", has_text="Ledarskap — 2 av 7 grupper")
    leadership.get_by_label("Slå ihop med").select_option(label="Samverkan kring eleven")
    leadership.get_by_role("button", name="Slå ihop").click()
    page.locator(".theme-title", has_text="Samverkan kring eleven — 4 av 7 grupper").wait_for()
    assert page.locator(".theme-title", has_text="Ledarskap").count() == 0
    # The merged theme's controls are gone: keyboard focus lands on the section's heading,
    # not on the page's body.
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'themes-heading'"
    )
    merged = page.locator(".theme", has_text="Samverkan kring eleven — 4 av 7 grupper")
    assert "Rektorer med mandat" in merged.inner_text()
    matrix = page.get_by_role("table", name="Teman och grupper")
    assert matrix.get_by_role("rowheader").all_inner_texts() == [
        "Samverkan kring eleven",
        "Trygghet och studiero",
    ]
    assert page.evaluate("window.__noReload") == 1
    assert violations(page, axe_js) == []

    # Stored: a fresh run of the finder (a reload, or the service) shows the same.
    assert asgi_server.call(labels, meeting) == ["Samverkan kring eleven", "Trygghet och studiero"]
    page.reload()
    assert page.locator(".theme-title").all_inner_texts() == [
        "Samverkan kring eleven — 4 av 7 grupper",
        "Trygghet och studiero — 3 av 7 grupper",
    ]
    browser.assert_no_errors()
