"""Every page type, in every phase of both agendas, is valid HTML for the W3C Nu HTML Checker
(npm `vnu-jar`, run on Java). The pages are rendered here through the test client and written to
files, then checked by ONE run of the checker (it takes seconds to start).

Without Java (a developer's laptop) the test skips; `.ci/run` installs a JRE and sets
TOPP25_REQUIRE_VNU=1, so there it fails instead."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import reflection
from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting, Participant, PhaseKind
from meetings.participation import remember_participant
from meetings.phases import AgendaTemplate
from summary import services as summary_services

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def _java() -> str | None:
    return shutil.which("java")


def _require_checker() -> str:
    java = _java()
    if java is None or not VNU_JAR.exists():
        missing = "Java" if java is None else f"{VNU_JAR} (npm ci)"
        if os.environ.get("TOPP25_REQUIRE_VNU"):
            pytest.fail(f"The Nu HTML Checker cannot run: {missing} is missing")
        pytest.skip(f"The Nu HTML Checker needs {missing}")
    assert java is not None
    return java


def vnu_errors(java: str, directory: Path) -> list[dict[str, Any]]:
    """Every error the checker reports on the .html files in `directory` (one run)."""
    result = subprocess.run(
        [
            java,
            "-Xss1024k",
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            "--skip-non-html",
            str(directory),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stderr or '{"messages": []}')
    return [message for message in report["messages"] if message.get("type") == "error"]


class Pages:
    """Collects rendered documents under names that say which page and phase they are."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.names: list[str] = []

    def add(
        self,
        name: str,
        client: Client,
        url: str,
        *,
        method: str = "get",
        data: Any = None,
        status: int | None = None,
    ) -> str:
        response = getattr(client, method)(url, data or {})
        if status is not None:
            assert response.status_code == status, (name, url, response.status_code)
        else:
            assert response.status_code < 400 or response.status_code in (403, 404), (name, url)
        html = response.content.decode()
        assert html.lstrip().lower().startswith("<!doctype html"), f"{name} is not a whole page"
        safe = name.replace("/", "-").replace(" ", "-")
        (self.directory / f"{safe}.html").write_text(html, encoding="utf-8")
        self.names.append(safe)
        return html


def _phone(meeting: Meeting, group: Group, name: str = "") -> tuple[Client, Participant]:
    phone = Client()
    participant = services.join_meeting(meeting=meeting, home_group_id=group.pk, display_name=name)
    session = phone.session
    remember_participant(session, participant)
    session.save()
    return phone, participant


def _walk_agenda(pages: Pages, facilitator: User, template: str, label: str) -> None:
    """Every phase of one agenda: the phone, the room screen and the console while it runs."""
    meeting = services.create_meeting(
        facilitator=facilitator,
        title=f"Dialogmöte {label}",
        date=datetime.date(2026, 11, 23),
        venue="Stadshuset",
        core_question="Vad höjer elevernas resultat?",
        series_name="Topp25",
        usual_home_groups=template == AgendaTemplate.PROFESSION_AFTERNOON,
        home_group_names=["Förskolan", "Grundskolan"]
        if template == AgendaTemplate.UNIT_DAY
        else None,
        agenda_template=template,
    )
    groups = list(meeting.home_groups())
    phones = [
        _phone(meeting, group, name=f"Person {index}") for index, group in enumerate(groups[:2])
    ]
    group = groups[0]
    phone, me = phones[0]
    console = Client()
    console.force_login(facilitator)
    code = meeting.join_code
    room = reverse("meetings:room", args=[meeting.room_token])
    detail = reverse("meetings:detail", args=[meeting.pk])

    pages.add(f"{label}-phone-before", phone, reverse("groups:page", args=[code]))
    pages.add(f"{label}-room-before", Client(), room)
    pages.add(f"{label}-console-before", console, detail)
    pages.add(f"{label}-join", Client(), reverse("meetings:join", args=[code]))
    pages.add(f"{label}-join-change", phone, reverse("meetings:join", args=[code]) + "?change=1")
    pages.add(
        f"{label}-join-group-card",
        Client(),
        reverse("meetings:join_group", args=[code, groups[1].pk]),
        status=200,
    )
    pages.add(
        f"{label}-join-group-card-change",
        phone,
        reverse("meetings:join_group", args=[code, groups[1].pk]),
        status=200,
    )

    for phase in list(meeting.phases.order_by("position")):
        services.start_phase(meeting=meeting, phase_id=phase.pk)
        meeting.refresh_from_db()
        if phase.kind == PhaseKind.BUZZ:
            for other_group, (_phone_client, person) in zip(groups, phones, strict=False):
                group_services.add_idea(
                    group=other_group, author=person, text="Studiero i klassrummet"
                )
                group_services.add_idea(group=other_group, author=person, text="Tydliga mål")
        if phase.kind in (PhaseKind.DIALOGUE, PhaseKind.AGREE) and not group.factors.exists():
            for text in ("Studiero", "Tydliga mål", "Tidiga insatser", "Elevhälsa", "Samverkan"):
                group_services.add_factor(group=group, text=text)
        if phase.kind == PhaseKind.AGREE:
            group_services.mark_agreed(group=group)
        if (
            phase.kind == PhaseKind.EXPERT
            and not meeting.groups.filter(kind=Group.Kind.EXPERT).exists()
        ):
            services.allocate_experts(meeting=meeting, expert_count=2)
            services.publish_experts(meeting=meeting, confirmed=True)
        if phase.kind == PhaseKind.REFLECTION:
            reflection.submit_words(meeting=meeting, participant=me, entries=["trygghet", "tid"])
        step = f"{label}-{phase.position}-{phase.kind}"
        page = reverse(
            "groups:expert" if phase.kind == PhaseKind.EXPERT else "groups:page", args=[code]
        )
        pages.add(f"{step}-phone", phone, page, status=200)
        pages.add(f"{step}-room", Client(), room, status=200)
        pages.add(f"{step}-console", console, detail, status=200)
    services.pause_phase(
        meeting=meeting
    ) if meeting.current_phase and meeting.current_phase.ended_at is None else None
    pages.add(f"{label}-console-paused", console, detail, status=200)
    factor = group.factors.first()
    if factor is not None:
        group_services.unlock_group(group=group)
        pages.add(
            f"{label}-phone-edit-factor",
            phone,
            reverse("groups:edit", args=[code, group.pk, factor.pk]),
            status=200,
        )


@pytest.mark.django_db
def test_every_page_is_valid_html(tmp_path: Path, facilitator: User, client: Client) -> None:
    java = _require_checker()
    pages = Pages(tmp_path)
    _walk_agenda(pages, facilitator, AgendaTemplate.PROFESSION_AFTERNOON, "afternoon")
    _walk_agenda(pages, facilitator, AgendaTemplate.UNIT_DAY, "unitday")
    meeting = Meeting.objects.get(title="Dialogmöte afternoon")

    anonymous = Client()
    pages.add("start", anonymous, reverse("meetings:start"), status=200)
    pages.add("start-wrong-code", Client(), reverse("meetings:start") + "?code=ZZZZZZ")
    pages.add("login", anonymous, reverse("login"), status=200)
    pages.add(
        "login-wrong",
        Client(),
        reverse("login"),
        method="post",
        data={"username": "x", "password": "y"},
        status=200,
    )
    pages.add("privacy", anonymous, reverse("privacy"), status=200)
    pages.add("not-found", anonymous, "/finns-inte/", status=404)
    pages.add("room-unknown", anonymous, reverse("meetings:room", args=["x" * 43]), status=404)

    console = Client()
    console.force_login(facilitator)
    pages.add("console", console, reverse("meetings:console"), status=200)
    pages.add("meeting-new", console, reverse("meetings:create"), status=200)
    pages.add(
        "meeting-new-invalid",
        console,
        reverse("meetings:create"),
        method="post",
        data={"title": "", "date": "inte ett datum", "core_question": "", "factor_count": "5"},
        status=400,
    )
    pages.add("people", console, reverse("meetings:people", args=[meeting.pk]), status=200)
    pages.add("meeting-delete", console, reverse("meetings:delete", args=[meeting.pk]), status=200)
    pages.add("workspace", console, reverse("summary:workspace", args=[meeting.pk]), status=200)
    pages.add("themes", console, reverse("summary:themes", args=[meeting.pk]), status=200)
    pages.add("preview", console, reverse("summary:preview", args=[meeting.pk]), status=200)
    draft = summary_services.publish(meeting=meeting, user=facilitator)
    pages.add("public", Client(), reverse("summary:public", args=[draft.public_token]), status=200)
    pages.add(
        "workspace-published", console, reverse("summary:workspace", args=[meeting.pk]), status=200
    )
    pages.add("series-list", console, reverse("summary:series_list"), status=200)
    assert meeting.series is not None
    pages.add("series", console, reverse("summary:series", args=[meeting.series.pk]), status=200)
    stranger = User.objects.create_user("bertil", password="hemligt-losen-2")
    other = Client()
    other.force_login(stranger)
    pages.add("forbidden", other, reverse("meetings:console"))

    errors = vnu_errors(java, tmp_path)
    summary = "\n".join(
        f"{Path(error.get('url', '')).name}:{error.get('lastLine')}: {error.get('message')}"
        for error in errors[:60]
    )
    assert len(pages.names) > 50
    assert errors == [], f"{len(errors)} errors from the Nu HTML Checker:\n{summary}"
