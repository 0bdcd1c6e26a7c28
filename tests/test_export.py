"""The editor's exports: Markdown for the article, JSON that round-trips."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting
from summary.exports import meeting_data, meeting_json


@pytest.fixture
def full_meeting(meeting: Meeting, teachers: Group, principals: Group) -> Meeting:
    anna = services.join_meeting(meeting=meeting, home_group_id=teachers.pk, display_name="Anna")
    services.join_meeting(meeting=meeting, home_group_id=principals.pk, display_name="Rektor Rolf")
    for text in ["Tid för kollegialt lärande", "Tydliga mål", "Tidiga insatser"]:
        group_services.add_factor(group=teachers, text=text, author=anna)
    group_services.add_factor(group=principals, text="Nära pedagogiskt ledarskap")
    group_services.mark_agreed(group=principals, confirmed_short=True)
    return meeting


def test_markdown_summary(full_meeting: Meeting) -> None:
    out = StringIO()
    call_command("export_meeting", full_meeting.join_code, "--format", "md", stdout=out)
    text = out.getvalue()
    assert text.startswith("# Dialogmöte 1\n\n23 november 2026 · Stadshuset\n")
    assert "**Grundfråga:** Vad höjer elevernas resultat?" in text
    assert (
        "## Lärare\n\n1. Tid för kollegialt lärande\n2. Tydliga mål\n3. Tidiga insatser\n" in text
    )
    assert "## Rektorer\n\n1. Nära pedagogiskt ledarskap\n" in text
    assert text.index("## Lärare") < text.index("## Rektorer") < text.index("## Politiker")


def test_json_has_no_personal_data(full_meeting: Meeting) -> None:
    data = meeting_data(full_meeting)
    assert data["schema"] == "topp25.meeting" and data["version"] == 1
    assert "Anna" not in json.dumps(data) and "Rolf" not in json.dumps(data)
    teachers = next(g for g in data["groups"] if g["name"] == "Lärare")
    assert [f["text"] for f in teachers["factors"]] == [
        "Tid för kollegialt lärande",
        "Tydliga mål",
        "Tidiga insatser",
    ]
    assert teachers["factors"][0]["author"] == "p1"
    assert data["participants"][0] == {
        "key": "p1",
        "home_group": teachers["key"],
        "expert_group": None,
    }


def test_json_round_trip(full_meeting: Meeting, tmp_path: Path) -> None:
    out = StringIO()
    call_command("export_meeting", full_meeting.join_code, "--format", "json", stdout=out)
    exported = out.getvalue()
    path = tmp_path / "meeting.json"
    path.write_text(exported, encoding="utf-8")

    call_command("import_meeting", str(path), stdout=StringIO())
    imported = Meeting.objects.exclude(pk=full_meeting.pk).get()
    assert imported.join_code != full_meeting.join_code
    assert meeting_json(imported) == exported


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(version=2), "schemaversion"),
        (lambda d: d.pop("meeting"), "meeting"),
        (
            lambda d: d["groups"][0]["factors"].append(
                {"position": 4, "text": "  ", "author": None}
            ),
            "tomt",
        ),
        (
            lambda d: d["groups"][0]["factors"].extend(
                [{"position": n, "text": "x", "author": None} for n in range(4, 7)]
            ),
            "fler än 5",
        ),
        (lambda d: d["participants"][0].update(home_group="g99"), "hemgrupp"),
    ],
)
def test_bad_import_changes_nothing(
    full_meeting: Meeting, tmp_path: Path, mutate, message: str
) -> None:
    data = meeting_data(full_meeting)
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = Meeting.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("import_meeting", str(path), stdout=StringIO())
    assert Meeting.objects.count() == before


def test_import_of_non_json(tmp_path: Path, db: None) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{inte json", encoding="utf-8")
    with pytest.raises(CommandError, match="inte giltig JSON"):
        call_command("import_meeting", str(path))


def test_export_unknown_code(db: None) -> None:
    with pytest.raises(CommandError, match="inget möte"):
        call_command("export_meeting", "ZZZZZZ")


def test_editor_downloads(client: Client, full_meeting: Meeting) -> None:
    editor = User.objects.create_user("redaktor", password="x-hemligt-3")
    editor.groups.add(AuthGroup.objects.get(name="Redaktör"))
    client.force_login(editor)
    markdown = client.get(reverse("summary:markdown", args=[full_meeting.pk]))
    assert markdown.status_code == 200
    assert markdown["Content-Type"].startswith("text/markdown")
    assert "attachment" in markdown["Content-Disposition"]
    assert "## Lärare" in markdown.content.decode()
    as_json = client.get(reverse("summary:json", args=[full_meeting.pk]))
    assert json.loads(as_json.content)["meeting"]["title"] == "Dialogmöte 1"
    console = client.get(reverse("meetings:console")).content.decode()
    assert reverse("summary:markdown", args=[full_meeting.pk]) in console


def test_export_needs_the_editor_permission(client: Client, full_meeting: Meeting) -> None:
    nobody = User.objects.create_user("nobody", password="x-hemligt-4")
    client.force_login(nobody)
    assert client.get(reverse("summary:markdown", args=[full_meeting.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("summary:json", args=[full_meeting.pk])).status_code == 302
