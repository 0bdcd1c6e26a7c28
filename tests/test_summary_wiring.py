"""The editor's work in every download and page: the meeting's themes (curated or found
afresh), the editor's wording and group order, published at publish time, and the series."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import docx
import jsonschema
import openpyxl
import pypdf
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings import services as meeting_services
from meetings.models import Meeting, Series
from summary import services
from summary.archive import SCHEMA_PATH, import_meeting, meeting_data, meeting_json
from summary.outputs import FORMATS
from summary.services import meeting_document as summary_document

# Written the way school staff write; three groups name safety, two name working together.
FACTORS: dict[str, list[str]] = {
    "Lärare": ["Trygg lärmiljö", "Tid för kollegialt lärande", "Samverkan med vårdnadshavare"],
    "Rektorer": ["Skapa trygghet i klassrummet", "Nära pedagogiskt ledarskap"],
    "Politiker": ["Tryggare skolgårdar och raster", "Samarbete med socialtjänsten"],
    "Förskollärare": ["Språkutvecklande arbetssätt"],
}
SAFETY = "Trygghet och studiero"
SAFETY_HEADING = f"{SAFETY} — 3 av 7 grupper"
TOGETHER = "Samverkan"
EDITED = "En trygg lärmiljö för alla elever"


def _meeting(facilitator: User, title: str, date: datetime.date, factors: dict) -> Meeting:
    meeting = meeting_services.create_meeting(
        facilitator=facilitator,
        title=title,
        date=date,
        venue="Stadshuset",
        core_question="Vad höjer elevernas resultat?",
        series_name="Topp 25",
        usual_home_groups=True,
    )
    for name, texts in factors.items():
        group = meeting.home_groups().get(name=name)
        for text in texts:
            group_services.add_factor(group=group, text=text)
    return meeting


@pytest.fixture
def themed(facilitator: User) -> Meeting:
    return _meeting(facilitator, "Dialogmöte 2: Trygghet", datetime.date(2026, 11, 23), FACTORS)


def _factor(meeting: Meeting, group: str, position: int) -> int:
    return meeting.home_groups().get(name=group).factors.get(position=position).pk


def _edit(meeting: Meeting, facilitator: User) -> None:
    """The editor's hour: one factor reworded, Rektorer moved up above Förskollärare."""
    services.save_factor_wording(
        meeting=meeting,
        factor_id=_factor(meeting, "Lärare", 1),
        text=EDITED,
        version=0,
        user=facilitator,
    )
    draft = services.draft_for(meeting)
    services.move_group(
        meeting=meeting,
        group_id=meeting.home_groups().get(name="Rektorer").pk,
        direction="up",
        version=draft.order_version,
        user=facilitator,
    )


def _squash(text: str) -> str:
    return " ".join(text.split())


def _page_text(html: str) -> str:
    return _squash(re.sub(r"<[^>]+>", " ", html)).replace(" )", ")").replace("( ", "(")


def _read_back(fmt: str, body: bytes) -> str:
    """All text of a download, through the format's own reader."""
    if fmt == "docx":
        return "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    if fmt == "pdf":
        return _squash(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages))
    return body.decode("utf-8-sig")


def _csv_rows(meeting: Meeting) -> list[dict[str, str]]:
    text = FORMATS["csv"].write(meeting).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _xlsx_rows(meeting: Meeting) -> list[dict[str, object]]:
    workbook = openpyxl.load_workbook(io.BytesIO(FORMATS["xlsx"].write(meeting)))
    rows = list(workbook["Framgångsfaktorer"].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- Themes in every export ---------------------------------------------------------------


def test_the_document_has_the_meetings_themes(themed: Meeting) -> None:
    doc = summary_document(themed)
    views = {view.label: view for view in doc.theme_views()}
    assert views[SAFETY].heading == SAFETY_HEADING
    assert [(group.name, factor.text) for group, factor in views[SAFETY].entries] == [
        ("Lärare", "Trygg lärmiljö"),
        ("Rektorer", "Skapa trygghet i klassrummet"),
        ("Politiker", "Tryggare skolgårdar och raster"),
    ]
    assert views[TOGETHER].heading == f"{TOGETHER} — 2 av 7 grupper"


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_article_formats_show_each_theme_with_n_of_m_groups(themed: Meeting, fmt: str) -> None:
    text = _read_back(fmt, FORMATS[fmt].write(themed))
    assert "Teman som återkommer" in text
    assert SAFETY_HEADING in text
    assert f"{TOGETHER} — 2 av 7 grupper" in text
    # Each theme lists its factors with their groups.
    assert "Tryggare skolgårdar och raster (Politiker)" in _squash(text)


def test_docx_theme_headings_are_real_headings(themed: Meeting) -> None:
    document = docx.Document(io.BytesIO(FORMATS["docx"].write(themed)))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert ("Heading 2", "Teman som återkommer") in headings
    assert ("Heading 3", SAFETY_HEADING) in headings


def test_csv_and_xlsx_fill_the_theme_column(themed: Meeting) -> None:
    for rows in (_csv_rows(themed), _xlsx_rows(themed)):
        by_text = {row["Text"]: row for row in rows}
        assert by_text["Trygg lärmiljö"]["Tema"] == SAFETY
        assert by_text["Samarbete med socialtjänsten"]["Tema"] == TOGETHER
        assert by_text["Tid för kollegialt lärande"]["Tema"] in ("", None)


def test_json_has_the_themes_with_the_exports_group_keys(themed: Meeting) -> None:
    data = json.loads(FORMATS["json"].write(themed))
    jsonschema.validate(data, json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))
    key = {group["name"]: group["key"] for group in data["groups"]}
    assert data["themes"] == [
        {
            "label": SAFETY,
            "factors": [
                {"group": key["Lärare"], "position": 1},
                {"group": key["Rektorer"], "position": 1},
                {"group": key["Politiker"], "position": 1},
            ],
        },
        {
            "label": TOGETHER,
            "factors": [
                {"group": key["Lärare"], "position": 3},
                {"group": key["Politiker"], "position": 2},
            ],
        },
    ]
    assert data == meeting_data(themed)


def test_an_export_of_an_import_finds_the_same_themes(themed: Meeting) -> None:
    """Import stores no themes; they are found afresh from the same factors in the same
    groups, so export → import → export is byte-identical, themes included."""
    exported = meeting_json(themed)
    imported = import_meeting(json.loads(exported))
    assert json.loads(exported)["themes"]
    assert meeting_json(imported) == exported


def test_the_editors_curation_is_what_every_export_shows(themed: Meeting) -> None:
    themes = {theme.label: theme for theme in services.meeting_themes(themed)}
    services.rename_theme(meeting=themed, theme_key=themes[SAFETY].key, label="Trygghet")
    services.dismiss_theme(meeting=themed, theme_key=themes[TOGETHER].key)
    assert [theme["label"] for theme in meeting_data(themed)["themes"]] == ["Trygghet"]
    for fmt in ("md", "html", "docx", "pdf"):
        text = _read_back(fmt, FORMATS[fmt].write(themed))
        assert "Trygghet — 3 av 7 grupper" in text, fmt
        assert f"{TOGETHER} — 2 av 7" not in text, fmt
    assert {row["Tema"] for row in _csv_rows(themed)} == {"Trygghet", ""}


# --- The editor's wording and order -------------------------------------------------------


def test_article_formats_use_the_editors_wording_and_order(
    themed: Meeting, facilitator: User
) -> None:
    _edit(themed, facilitator)
    for fmt in ("md", "html", "docx", "pdf"):
        text = _read_back(fmt, FORMATS[fmt].write(themed))
        assert EDITED in text, fmt
        assert "Trygg lärmiljö" not in text, fmt  # the published wording only, themes too
        assert f"{EDITED} (Lärare)" in _squash(text), fmt
        assert text.index("Rektorer") < text.index("Förskollärare"), fmt
    markdown = FORMATS["md"].write(themed).decode()
    headings = re.findall(r"^## (.+)$", markdown, flags=re.MULTILINE)
    assert headings[:3] == ["Lärare", "Rektorer", "Förskollärare"]


def test_csv_and_xlsx_keep_the_groups_text_beside_the_editors(
    themed: Meeting, facilitator: User
) -> None:
    _edit(themed, facilitator)
    for rows in (_csv_rows(themed), _xlsx_rows(themed)):
        first = rows[0]
        assert (first["Grupp"], first["Text"], first["Redigerad text"]) == (
            "Lärare",
            "Trygg lärmiljö",
            EDITED,
        )
        assert rows[1]["Redigerad text"] in ("", None)  # not edited: the column stays empty
        # The same document as the articles: groups in the editor's order.
        groups = list(dict.fromkeys(str(row["Grupp"]) for row in rows))
        assert groups == ["Lärare", "Rektorer", "Förskollärare", "Politiker"]


def test_json_stays_the_record(themed: Meeting, facilitator: User) -> None:
    before = meeting_data(themed)
    _edit(themed, facilitator)
    # The groups' own texts in seating order; the editor's version sits beside the record
    # (version 4's "editor"), never in it.
    after = meeting_data(themed)
    assert before.pop("editor") is None and after.pop("editor") is not None
    assert after == before


def test_an_edit_typed_back_to_the_groups_text_is_no_edit(
    themed: Meeting, facilitator: User
) -> None:
    _edit(themed, facilitator)
    services.save_factor_wording(
        meeting=themed,
        factor_id=_factor(themed, "Lärare", 1),
        text="Trygg lärmiljö",
        version=1,
        user=facilitator,
    )
    assert _csv_rows(themed)[0]["Redigerad text"] == ""


# --- Workspace, public page, series -------------------------------------------------------


def test_workspace_shows_the_themes_and_the_export_menu(
    editor_client: Client, themed: Meeting
) -> None:
    page = editor_client.get(reverse("summary:workspace", args=[themed.pk])).content.decode()
    assert page.count('id="themes-section"') == 1
    assert "Trygghet och studiero — 3 av 7 grupper" in _squash(page)
    assert page.count('class="export-menu"') == 1
    for fmt in FORMATS:
        assert reverse("summary:export", args=[themed.pk, fmt]) in page
    key = next(t.key for t in services.meeting_themes(themed) if t.label == SAFETY)
    response = editor_client.post(
        reverse("summary:theme_rename", args=[themed.pk]),
        {"theme": key, "label": "Trygghet"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="themes-section"' in response.content.decode()
    page = editor_client.get(reverse("summary:workspace", args=[themed.pk])).content.decode()
    assert "Trygghet — 3 av 7 grupper" in _squash(page)


def test_public_page_shows_the_themes_published(
    editor_client: Client, client: Client, themed: Meeting, facilitator: User
) -> None:
    _edit(themed, facilitator)
    draft = services.publish(meeting=themed, user=facilitator)
    url = reverse("summary:public", args=[draft.public_token])
    anonymous = Client()
    page = _page_text(anonymous.get(url).content.decode())
    assert "Teman som återkommer" in page
    assert SAFETY_HEADING in page
    assert f"{EDITED} (Lärare)" in page and "Trygg lärmiljö" not in page
    # A snapshot: curating after publishing changes nothing until published again.
    key = next(t.key for t in services.meeting_themes(themed) if t.label == SAFETY)
    services.rename_theme(meeting=themed, theme_key=key, label="Trygghet")
    page = _page_text(anonymous.get(url).content.decode())
    assert SAFETY_HEADING in page and "Trygghet — 3" not in page
    workspace = editor_client.get(reverse("summary:workspace", args=[themed.pk])).content.decode()
    assert "ändringar som inte är publicerade ännu" in workspace
    services.publish(meeting=themed, user=facilitator)
    page = _page_text(anonymous.get(url).content.decode())
    assert "Trygghet — 3 av 7 grupper" in page and SAFETY not in page


def test_series_shows_which_themes_recur_and_which_are_new(
    editor_client: Client, themed: Meeting, facilitator: User
) -> None:
    _meeting(
        facilitator,
        "Dialogmöte 3: Läsning",
        datetime.date(2027, 4, 20),
        {
            "Lärare": ["Studiero i klassrummet", "Läsa varje dag"],
            "Rektorer": ["Trygga raster"],
            "Politiker": ["Läsa högt för barnen"],
        },
    )
    series = Series.objects.get(name="Topp 25")
    page = editor_client.get(reverse("summary:series", args=[series.pk])).content.decode()
    section = page[page.index('id="recurring-themes"') :]
    section = section[: section.index("</section>")]
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [
                _squash(re.sub(r"<[^>]+>", " ", cell))
                for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
            for row in re.findall(r"<tr>(.*?)</tr>", section, re.S)
        )
    }
    assert rows[SAFETY] == ["Nytt", "Återkommer"]
    assert rows[TOGETHER] == ["Nytt", "—"]
    new_in_second = [label for label, cells in rows.items() if cells == ["—", "Nytt"]]
    assert new_in_second  # a theme the second meeting named first
    # The chart beside the table: per meeting, recurring (solid) + new (hatched) themes,
    # counted in words and numbers, not told apart by colour.
    svg = section[section.index("<svg") : section.index("</svg>")]
    assert 'role="img"' in svg and "<script" not in svg
    assert ">0 + 2</text>" in svg  # the first meeting: both themes new
    assert f">1 + {len(new_in_second)}</text>" in svg  # the second: safety recurs
    assert svg.count('class="recurring"') == 1 and svg.count('class="new"') == 2
    assert 'fill="url(#theme-chart-hatch)"' in svg
    assert set(re.findall(r'(?:fill|stroke)="([^"]+)"', svg)) <= {
        "currentColor",
        "url(#theme-chart-hatch)",
        "#d1d5db",
    }


# --- Cost: the live screens never load the Swedish dictionary -----------------------------


def test_live_screens_never_run_the_theme_finder(
    editor_client: Client, themed: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("the theme finder ran on a live screen")

    monkeypatch.setattr("summary.services.find_themes", forbidden)
    monkeypatch.setattr("swedish.text.dictionary", forbidden)
    for url in [
        reverse("meetings:console"),
        reverse("meetings:detail", args=[themed.pk]),
        reverse("meetings:room", args=[themed.room_token]),
        reverse("meetings:join", args=[themed.join_code]),
    ]:
        assert editor_client.get(url).status_code == 200, url
