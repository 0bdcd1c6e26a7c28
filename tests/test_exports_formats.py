"""Every summary format, each read back by its own reader: all factors present, in order."""

from __future__ import annotations

import csv
import datetime
import io
import re
import sys
from dataclasses import replace
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import unquote

import docx
import openpyxl
import pypdf
import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from groups import reflection, words
from groups import services as group_services
from meetings import services
from meetings.models import Group, Meeting, Participant, PhaseKind
from meetings.roles import EDITOR_ROLE
from summary.cells import neutralise_cell
from summary.document import (
    MeetingDocument,
    ReflectionEntry,
    Theme,
    ThemeFactor,
    build_summary,
)
from summary.formats import (
    content_disposition,
    download_filename,
    summary_csv,
    summary_docx,
    summary_html,
    summary_markdown,
    summary_pdf,
    summary_xlsx,
)
from summary.outputs import FORMATS

LONG = (
    "Att varje elev får möta legitimerade lärare som har tid att planera, följa upp och "
    "anpassa undervisningen efter elevernas behov, och att skolans ledning skyddar den tiden "
    "från administration och möten"
)
assert len(LONG) <= 200

# The factors of the meeting, by home group, in order. Real phrasing, with the texts a
# spreadsheet, a browser or Markdown would otherwise run as code.
FACTORS: dict[str, list[str]] = {
    "Lärare": [
        "Tid för kollegialt lärande",
        "Trygg lärmiljö med studiero i klassrummet",
        LONG,
        '=HYPERLINK("http://angripare.example","Klicka här")',
        "<script>alert('hej')</script> & <b>fet</b> text",
    ],
    "Förskollärare": [
        "Språkutvecklande arbetssätt från ett års ålder",
        "+46 70 – samverkan med vårdnadshavare",
        "-Tidiga insatser när ett barn behöver stöd",
    ],
    "Rektorer": [
        "Nära pedagogiskt ledarskap",
        "@Elevhälsan med i planeringen från början",
        "\tTydliga mål som följs upp varje termin",
        "Rektor på plats i verksamheten",
        "Skolgårdar och raster där alla känner sig trygga",
    ],
    "Politiker": ["Långsiktiga beslut – inte ett nytt projekt varje år"],
}


@pytest.fixture
def editor(summary_meeting: Meeting) -> User:
    """A Redaktör named on the meeting (editors export only meetings they are named on)."""
    user = User.objects.create_user("redaktor", password="x-hemligt-9")
    user.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    summary_meeting.facilitators.add(user)
    return user


@pytest.fixture
def summary_meeting(facilitator: User) -> Meeting:
    meeting = services.create_meeting(
        facilitator=facilitator,
        title="Dialogmöte 1: Vad höjer resultaten?",
        date=datetime.date(2026, 11, 23),
        venue="Stadshuset, Sessionssalen",
        core_question="Vad är det som gör att elever i Örebro når målen – och vad hindrar dem?",
        series_name="Topp 25 – skolans resultat 2026–2028",
        usual_home_groups=True,
    )
    for name, texts in FACTORS.items():
        group = meeting.home_groups().get(name=name)
        for _ in range(len(texts)):
            services.join_meeting(meeting=meeting, home_group_id=group.pk)
        for text in texts:
            group_services.add_factor(group=group, text=text)
    group_services.mark_agreed(group=meeting.home_groups().get(name="Lärare"))
    group_services.mark_agreed(
        group=meeting.home_groups().get(name="Politiker"), confirmed_short=True
    )
    expert = Group.objects.create(
        meeting=meeting, kind=Group.Kind.EXPERT, name="Bord 1", position=1
    )
    group_services.add_factor(group=expert, text="Gemensam bild av trygghet över stadiegränser")
    return meeting


def _home_order(meeting: Meeting) -> list[str]:
    return list(meeting.home_groups().order_by("position").values_list("name", flat=True))


def _expected(meeting: Meeting) -> list[tuple[str, list[str]]]:
    """(group, factor texts) for every home group in seating order, as the phones saved them."""
    return [
        (name, [" ".join(t.split()) for t in FACTORS.get(name, [])])
        for name in _home_order(meeting)
    ]


# --- The document -------------------------------------------------------------------------


def test_build_summary(summary_meeting: Meeting, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(5):
        doc = build_summary(summary_meeting)
    assert doc.title == "Dialogmöte 1: Vad höjer resultaten?"
    assert doc.series == "Topp 25 – skolans resultat 2026–2028"
    assert [g.name for g in doc.home_groups] == _home_order(summary_meeting)
    assert [(g.name, [f.text for f in g.factors]) for g in doc.home_groups] == _expected(
        summary_meeting
    )
    teachers, preschool = doc.home_groups[0], doc.home_groups[1]
    assert (teachers.status, preschool.status) == ("Klar · 5 av 5", "Inte klar · 3 av 5")
    assert doc.participant_count == 14
    assert dict(doc.participation)["Rektorer"] == 5
    assert dict(doc.participation)["Skolchefer"] == 0
    assert [g.name for g in doc.expert_groups] == ["Bord 1"]
    assert doc.expert_groups[0].key == f"g{len(doc.home_groups) + 1}"
    # Without the editor's draft and themes (summary_document passes them): the record.
    assert all(f.edited_text is None for g in doc.groups for f in g.factors)
    assert doc.themes == ()


def _with_editor_work(doc: MeetingDocument) -> MeetingDocument:
    """A document as the lead's wiring will hand it over: one edited wording, one theme.

    The writers' contract for those two fields; nothing here is read from the database.
    """
    teachers = doc.home_groups[0]
    factors = list(teachers.factors)
    factors[1] = replace(factors[1], edited_text="Trygg lärmiljö och studiero")
    groups = (replace(teachers, factors=tuple(factors)),) + doc.home_groups[1:]
    rektorer = doc.home_groups[2]
    theme = Theme(
        label="Trygghet",
        factors=(ThemeFactor(teachers.key, 2), ThemeFactor(rektorer.key, 5)),
    )
    return replace(doc, home_groups=groups, themes=(theme,))


# --- Markdown -----------------------------------------------------------------------------


def _markdown_lists(text: str) -> list[tuple[str, str, list[str]]]:
    sections = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    result = []
    for section in sections:
        heading, _, body = section.partition("\n")
        status = re.search(r"^_(.+)_$", body, flags=re.MULTILINE)
        items = re.findall(r"^\d+\. (.*)$", body, flags=re.MULTILINE)
        result.append((heading, status.group(1) if status else "", items))
    return result


def _md_plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_markdown_has_every_group_with_status_and_factors(summary_meeting: Meeting) -> None:
    text = summary_markdown(build_summary(summary_meeting))
    lists = _markdown_lists(text)
    home = [
        (h, [_md_plain(i) for i in items])
        for h, _s, items in lists[: len(_home_order(summary_meeting))]
    ]
    assert home == _expected(summary_meeting)
    assert lists[0][1] == "Klar · 5 av 5" and lists[1][1] == "Inte klar · 3 av 5"
    assert "**Deltagare:** 14 (Lärare 5, Förskollärare 3, Rektorer 5," in text
    assert "## Expertgrupper\n\n### Bord 1\n" in text
    # Escaped: the HTML-looking factor is text, never markup.
    assert "<script>" not in text and "\\<script\\>" in text
    assert "## Teman" not in text


def test_markdown_shows_edited_wording_and_themes(summary_meeting: Meeting) -> None:
    text = summary_markdown(_with_editor_work(build_summary(summary_meeting)))
    assert "2. Trygg lärmiljö och studiero\n" in text
    assert "## Teman som återkommer\n\n### Trygghet — 2 av 7 grupper\n\n" in text
    assert "- Skolgårdar och raster där alla känner sig trygga (Rektorer)\n" in text


# --- HTML fragment ------------------------------------------------------------------------


class _Outline(HTMLParser):
    """Headings, list items and attributes of an HTML fragment, as a CMS would read it."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[tuple[str, list[str]]] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self._current: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes.extend(attrs)
        if tag in ("h2", "h3", "h4", "li"):
            self._current, self._text = tag, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == self._current:
            if tag == "li":
                self.sections[-1][1].append(self._text)
            else:
                self.sections.append((f"{tag}:{self._text}", []))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current:
            self._text += data


def test_html_fragment(summary_meeting: Meeting) -> None:
    fragment = summary_html(build_summary(summary_meeting))
    outline = _Outline()
    outline.feed(fragment)
    home = [(h.removeprefix("h3:"), items) for h, items in outline.sections[1:8]]
    assert outline.sections[0][0] == "h2:Dialogmöte 1: Vad höjer resultaten?"
    assert home == _expected(summary_meeting)
    assert set(outline.tags) <= {
        "article",
        "h2",
        "h3",
        "h4",
        "p",
        "time",
        "strong",
        "section",
        "ol",
        "ul",
        "li",
    }
    # No styling or scripts to fight the CMS: only lang and the <time> element's datetime.
    assert outline.attributes == [("lang", "sv"), ("datetime", "2026-11-23")]
    assert (
        "&lt;script&gt;alert(&#x27;hej&#x27;)&lt;/script&gt; &amp; &lt;b&gt;fet&lt;/b&gt; text"
        in fragment
    )
    assert "<p>Klar · 5 av 5</p>" in fragment
    assert ("h3:Expertgrupper", []) in outline.sections


def test_html_fragment_themes(summary_meeting: Meeting) -> None:
    outline = _Outline()
    outline.feed(summary_html(_with_editor_work(build_summary(summary_meeting))))
    assert outline.sections[1] == (
        "h3:Lärare",
        [FACTORS["Lärare"][0], "Trygg lärmiljö och studiero", *FACTORS["Lärare"][2:]],
    )
    assert outline.sections[-1] == (
        "h4:Trygghet — 2 av 7 grupper",
        [
            "Trygg lärmiljö och studiero (Lärare)",
            "Skolgårdar och raster där alla känner sig trygga (Rektorer)",
        ],
    )


# --- DOCX ---------------------------------------------------------------------------------


def test_docx_headings_and_numbered_lists(summary_meeting: Meeting) -> None:
    document = docx.Document(io.BytesIO(summary_docx(build_summary(summary_meeting))))
    assert document.core_properties.title == "Dialogmöte 1: Vad höjer resultaten?"
    assert document.core_properties.language == "sv-SE"
    paragraphs = [(p.style.name, p.text, p) for p in document.paragraphs]
    headings = [(style, text) for style, text, _p in paragraphs if style.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Dialogmöte 1: Vad höjer resultaten?")
    assert [text for style, text in headings if style == "Heading 2"][:7] == _home_order(
        summary_meeting
    )
    assert ("Heading 3", "Bord 1") in headings

    lists: dict[str, list[str]] = {}
    list_ids: dict[str, set[str]] = {}
    current = ""
    for style, text, paragraph in paragraphs:
        if style.startswith("Heading"):
            current = text
        elif style == "List Number":
            lists.setdefault(current, []).append(text)
            list_ids.setdefault(current, set()).add(paragraph._p.pPr.numPr.numId.val)
    assert [(name, lists.get(name, [])) for name in _home_order(summary_meeting)] == _expected(
        summary_meeting
    )
    # Each group's list is its own numbering, starting at 1.
    ids = [next(iter(list_ids[name])) for name in FACTORS]
    assert all(len(list_ids[name]) == 1 for name in FACTORS) and len(set(ids)) == len(ids)
    numbering = document.part.numbering_part.element
    for num_id in ids:
        start = numbering.num_having_numId(num_id).xpath("./w:lvlOverride/w:startOverride/@w:val")
        assert start == ["1"]
    statuses = [text for style, text, _p in paragraphs if text.startswith(("Klar", "Inte klar"))]
    assert statuses[:2] == ["Klar · 5 av 5", "Inte klar · 3 av 5"]


def test_docx_themes(summary_meeting: Meeting) -> None:
    document = docx.Document(
        io.BytesIO(summary_docx(_with_editor_work(build_summary(summary_meeting))))
    )
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    at = texts.index(("Heading 2", "Teman som återkommer"))
    assert texts[at + 1 : at + 4] == [
        ("Heading 3", "Trygghet — 2 av 7 grupper"),
        ("List Bullet", "Trygg lärmiljö och studiero (Lärare)"),
        ("List Bullet", "Skolgårdar och raster där alla känner sig trygga (Rektorer)"),
    ]


# --- PDF ----------------------------------------------------------------------------------


def _structure_tags(node: object, found: list[str]) -> list[str]:
    if isinstance(node, pypdf.generic.IndirectObject):
        node = node.get_object()
    if isinstance(node, pypdf.generic.DictionaryObject):
        if "/S" in node:
            found.append(str(node["/S"]))
        if "/K" in node:
            _structure_tags(node["/K"], found)
    elif isinstance(node, pypdf.generic.ArrayObject):
        for child in node:
            _structure_tags(child, found)
    return found


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_pdf_a4_tagged_with_every_factor_in_order(summary_meeting: Meeting) -> None:
    pdf = summary_pdf(_with_editor_work(build_summary(summary_meeting)))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]).startswith("sv")
    assert reader.metadata.title == "Dialogmöte 1: Vad höjer resultaten?"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    tags = _structure_tags(root["/StructTreeRoot"], [])
    assert {"/H1", "/H2", "/H3", "/L", "/LI"} <= set(tags)

    text = _squash(" ".join(page.extract_text() for page in reader.pages))
    position = text.index("Dialogmöte 1: Vad höjer resultaten?")
    published = dict(_expected(summary_meeting))
    published["Lärare"][1] = "Trygg lärmiljö och studiero"
    for name, factors in published.items():
        position = text.index(name, position)
        for factor in factors:
            position = text.index(_squash(factor), position)
    assert text.index("Teman som återkommer") > position
    assert "Trygghet — 2 av 7 grupper" in text
    assert "Klar · 5 av 5" in text


# --- XLSX ---------------------------------------------------------------------------------


def test_xlsx_one_row_per_factor_and_no_formulas(summary_meeting: Meeting) -> None:
    doc = _with_editor_work(build_summary(summary_meeting))
    workbook = openpyxl.load_workbook(io.BytesIO(summary_xlsx(doc)))
    assert workbook.sheetnames == ["Framgångsfaktorer", "Grupper", "Möte"]
    sheet = workbook["Framgångsfaktorer"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Möte", "Datum", "Grupp", "Gruppens sort", "Plats i listan",
        "Text", "Redigerad text", "Tema", "Klar",
    )  # fmt: skip
    expected = [
        (name, position, text)
        for name, texts in _expected(summary_meeting)
        for position, text in enumerate(texts, start=1)
    ] + [("Bord 1", 1, "Gemensam bild av trygghet över stadiegränser")]
    assert [(r[2], r[4], r[5]) for r in rows[1:]] == expected
    assert rows[1][0] == "Dialogmöte 1: Vad höjer resultaten?"
    assert rows[1][1] == datetime.datetime(2026, 11, 23)
    assert rows[2][6:] == ("Trygg lärmiljö och studiero", "Trygghet", "ja")
    assert rows[-1][3] == "Expertgrupp" and rows[6][8] == "nej"
    # Formula-looking texts are stored as text, exactly as typed.
    formula = sheet.cell(row=5, column=6)
    assert formula.value == FACTORS["Lärare"][3] and formula.data_type == "s"
    assert all(cell.data_type != "f" for ws in workbook for row in ws.iter_rows() for cell in row)
    groups = list(workbook["Grupper"].iter_rows(values_only=True))
    assert groups[1] == ("Lärare", "Hemgrupp", 5, 5, 5, "ja")
    meeting_sheet = dict(workbook["Möte"].iter_rows(values_only=True))
    assert meeting_sheet["Grundfråga"] == summary_meeting.core_question


# --- CSV ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+46 70", "'+46 70"),
        ("-Tidiga insatser", "'-Tidiga insatser"),
        ("@SUMMA(A1)", "'@SUMMA(A1)"),
        ("\tTydliga mål", "'\tTydliga mål"),
        ("\rrad", "'\rrad"),
        ("Tid för kollegialt lärande", "Tid för kollegialt lärande"),
        ("Lärare – 2026-års mål", "Lärare – 2026-års mål"),
        ("", ""),
    ],
)
def test_neutralise_cell(value: str, safe: str) -> None:
    assert neutralise_cell(value) == safe


def test_csv_one_row_per_factor_with_formulas_made_inert(summary_meeting: Meeting) -> None:
    doc = _with_editor_work(build_summary(summary_meeting))
    body = summary_csv(doc)
    assert body.startswith("\ufeffMöte;Datum;Grupp;")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert rows[0] == [
        "Möte", "Datum", "Grupp", "Gruppens sort", "Plats i listan",
        "Text", "Redigerad text", "Tema", "Klar",
    ]  # fmt: skip
    data = rows[1:]
    assert len(data) == sum(len(t) for t in FACTORS.values()) + 1
    expected = [
        (name, str(position), neutralise_cell(text))
        for name, texts in _expected(summary_meeting)
        for position, text in enumerate(texts, start=1)
    ] + [("Bord 1", "1", "Gemensam bild av trygghet över stadiegränser")]
    assert [(r[2], r[4], r[5]) for r in data] == expected
    assert data[0][:2] == ["Dialogmöte 1: Vad höjer resultaten?", "2026-11-23"]
    assert data[1][6:] == ["Trygg lärmiljö och studiero", "Trygghet", "ja"]
    # No cell a spreadsheet would run: every trigger is behind an apostrophe.
    for row in data:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert ['\'=HYPERLINK("http://angripare.example","Klicka här")'] == [
        r[5] for r in data if "HYPERLINK" in r[5]
    ]
    assert "'@Elevhälsan med i planeringen från början" in [r[5] for r in data]


# --- File names ---------------------------------------------------------------------------


def test_download_file_name(summary_meeting: Meeting) -> None:
    assert download_filename(summary_meeting, "docx") == (
        "dialogmote-1-vad-hojer-resultaten-2026-11-23.docx"
    )
    header = content_disposition(summary_meeting, "pdf")
    assert header.startswith(
        'attachment; filename="dialogmote-1-vad-hojer-resultaten-2026-11-23.pdf"; '
    )
    encoded = header.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == "dialogmöte-1-vad-höjer-resultaten-2026-11-23.pdf"
    summary_meeting.title = "Dialogmöte 1"
    assert download_filename(summary_meeting, "docx") == "dialogmote-1-2026-11-23.docx"
    summary_meeting.title = "Æblerød / Smørrebrød"
    assert download_filename(summary_meeting, "md") == "aeblerod-smorrebrod-2026-11-23.md"
    summary_meeting.title = "«»"
    assert download_filename(summary_meeting, "md") == "dialogmote-2026-11-23.md"


# --- Downloads and the command ------------------------------------------------------------


def _read_back(fmt: str, body: bytes) -> str:
    """All text of a download, through the format's own reader."""
    if fmt == "docx":
        return "\n".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)
    if fmt == "pdf":
        return _squash(" ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(body)).pages))
    if fmt == "xlsx":
        workbook = openpyxl.load_workbook(io.BytesIO(body))
        return "\n".join(str(c) for row in workbook.active.iter_rows(values_only=True) for c in row)
    return body.decode("utf-8")


def test_every_format_downloads(client: Client, editor: User, summary_meeting: Meeting) -> None:
    client.force_login(editor)
    for fmt, export_format in FORMATS.items():
        response = client.get(reverse("summary:export", args=[summary_meeting.pk, fmt]))
        assert response.status_code == 200, fmt
        assert response["Content-Type"] == export_format.content_type
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="dialogmote-1-vad-hojer-resultaten-2026-11-23.{fmt}"'
        )
        assert "Nära pedagogiskt ledarskap" in _read_back(fmt, response.content), fmt
    assert client.get(f"/console/meetings/{summary_meeting.pk}/export.exe").status_code == 404


def test_downloads_need_login_and_the_export_permission(
    client: Client, summary_meeting: Meeting
) -> None:
    url = reverse("summary:export", args=[summary_meeting.pk, "docx"])
    assert client.get(url).status_code == 302
    client.force_login(User.objects.create_user("nobody", password="x-hemligt-4"))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403


def test_console_meeting_page_has_one_export_menu(
    client: Client, facilitator: User, summary_meeting: Meeting
) -> None:
    client.force_login(facilitator)  # Samtalsledare and Redaktör
    page = client.get(reverse("meetings:detail", args=[summary_meeting.pk])).content.decode()
    assert page.count('class="export-menu"') == 1
    for fmt in FORMATS:
        assert reverse("summary:export", args=[summary_meeting.pk, fmt]) in page
    assert "Word (DOCX)" in page and "PDF (A4)" in page
    console = client.get(reverse("meetings:console")).content.decode()
    assert reverse("summary:export", args=[summary_meeting.pk, "xlsx"]) in console


def test_pdf_without_pango_is_a_clear_answer(
    client: Client, editor: User, summary_meeting: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as without Pango
    client.force_login(editor)
    response = client.get(reverse("summary:export", args=[summary_meeting.pk, "pdf"]))
    assert response.status_code == 503
    assert "apt-get install libpango-1.0-0" in response.content.decode()


@pytest.mark.parametrize("fmt", ["md", "html", "csv", "json"])
def test_command_writes_text_formats_to_stdout(summary_meeting: Meeting, fmt: str) -> None:
    out = StringIO()
    call_command("export_meeting", summary_meeting.join_code, "--format", fmt, stdout=out)
    assert out.getvalue().encode() == FORMATS[fmt].write(summary_meeting)


@pytest.mark.parametrize("fmt", ["docx", "pdf", "xlsx"])
def test_command_writes_files(summary_meeting: Meeting, tmp_path: Path, fmt: str) -> None:
    call_command(
        "export_meeting", summary_meeting.join_code, "--format", fmt, "-o", str(tmp_path),
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    written = tmp_path / f"dialogmote-1-vad-hojer-resultaten-2026-11-23.{fmt}"
    text = _read_back(fmt, written.read_bytes())
    for factor in FACTORS["Rektorer"]:
        assert _squash(factor) in _squash(text)


def test_control_characters_from_a_form_do_not_break_any_format(summary_meeting: Meeting) -> None:
    # Django's forms refuse NUL only; a bell character can be posted from a phone.
    teachers = summary_meeting.home_groups().get(name="Lärare")
    teachers.factors.filter(position=1).update(text="Tid för\x07 kollegialt\x1b lärande")
    Group.objects.filter(pk=teachers.pk).update(name="Lär\x0bare")
    doc = build_summary(summary_meeting)
    document = docx.Document(io.BytesIO(summary_docx(doc)))
    assert "Tid för kollegialt lärande" in [p.text for p in document.paragraphs]
    assert "Tid för kollegialt lärande" in _read_back("pdf", summary_pdf(doc))
    assert "<li>Tid för kollegialt lärande</li>" in summary_html(doc)
    sheet = openpyxl.load_workbook(io.BytesIO(summary_xlsx(doc)))["Framgångsfaktorer"]
    assert sheet.cell(row=2, column=6).value == "Tid för kollegialt lärande"
    assert sheet.cell(row=2, column=3).value == "Lärare"
    assert "Tid för\x07 kollegialt\x1b lärande" in summary_csv(doc)


def test_command_asks_for_a_file_for_binary_formats_without_a_byte_stream(
    summary_meeting: Meeting,
) -> None:
    with pytest.raises(CommandError, match="Binära format behöver --output FIL"):
        call_command(
            "export_meeting", summary_meeting.join_code, "--format", "pdf", stdout=StringIO()
        )


# --- The reflection's words ---------------------------------------------------------------

# Ranked as the room screen ranks them; one with markup, which must stay text.
WORDS = (
    ReflectionEntry("Trygghet", 3),
    ReflectionEntry("<b>Mod</b> & ära", 2),
    ReflectionEntry("samarbete", 1),
)
WORD_ITEMS = ["Trygghet (3)", "<b>Mod</b> & ära (2)", "samarbete (1)"]
INTRO = "Orden i reflektionen, de vanligaste först (antal i parentes):"


def _with_words(doc: MeetingDocument) -> MeetingDocument:
    return replace(doc, reflection=WORDS)


def test_html_fragment_lists_the_reflection_words_ranked_and_escaped(
    summary_meeting: Meeting,
) -> None:
    fragment = summary_html(_with_words(build_summary(summary_meeting)))
    outline = _Outline()
    outline.feed(fragment)
    assert outline.sections[-1] == ("h3:Reflektion", WORD_ITEMS)
    assert f"<p>{INTRO}</p>\n<ul>\n<li>Trygghet (3)</li>" in fragment
    assert "<li>&lt;b&gt;Mod&lt;/b&gt; &amp; ära (2)</li>" in fragment
    assert "<b>Mod" not in fragment


def test_docx_reflection_is_a_heading_and_a_list(summary_meeting: Meeting) -> None:
    document = docx.Document(io.BytesIO(summary_docx(_with_words(build_summary(summary_meeting)))))
    texts = [(p.style.name, p.text) for p in document.paragraphs]
    at = texts.index(("Heading 2", "Reflektion"))
    assert texts[at + 1 :] == [
        ("Normal", INTRO),
        *(("List Bullet", item) for item in WORD_ITEMS),
    ]


def test_pdf_reflection_words_in_order_after_the_groups(summary_meeting: Meeting) -> None:
    reader = pypdf.PdfReader(io.BytesIO(summary_pdf(_with_words(build_summary(summary_meeting)))))
    text = _squash(" ".join(page.extract_text() for page in reader.pages))
    position = text.index("Bord 1")
    position = text.index("Reflektion", position)
    for item in WORD_ITEMS:
        position = text.index(item, position)
    # Tagged as a heading and a list like the rest (the structure tree names them).
    tags = _structure_tags(reader.trailer["/Root"]["/StructTreeRoot"], [])
    # The home groups, "Expertgrupper" and "Reflektion".
    assert tags.count("/H2") == len(_home_order(summary_meeting)) + 2


@pytest.fixture
def reflected_meeting(summary_meeting: Meeting, facilitator: User) -> Meeting:
    """summary_meeting with a reflection that ran: folded inflections and a hidden word."""
    phase = services.add_phase(
        meeting=summary_meeting,
        kind=PhaseKind.REFLECTION,
        title="Gemensam reflektion",
        planned_minutes=10,
    )
    services.start_phase(meeting=summary_meeting, phase_id=phase.pk)
    people = list(Participant.objects.filter(meeting=summary_meeting).order_by("pk"))
    given = [["Trygghet", "Mod"], ["tryggheten", "trams"], ["Trygghet"], ["mod", "Samarbete"]]
    for person, entries in zip(people, given, strict=False):
        reflection.submit_words(meeting=summary_meeting, participant=person, entries=entries)
    reflection.hide_word(meeting=summary_meeting, key=words.fold("trams"), hidden_by=facilitator)
    services.end_phase(meeting=summary_meeting)
    return summary_meeting


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_every_article_format_has_the_visible_words_with_counts(
    reflected_meeting: Meeting, fmt: str
) -> None:
    text = _read_back(fmt, FORMATS[fmt].write(reflected_meeting))
    position = text.index("Reflektion")
    for item in ("Trygghet (3)", "Mod (2)", "Samarbete (1)"):
        position = text.index(item, position)
    assert "trams" not in text  # hidden by the facilitator
    assert "tryggheten" not in text  # folded into "Trygghet"


@pytest.mark.parametrize("fmt", ["md", "html", "docx", "pdf"])
def test_no_reflection_section_without_words(summary_meeting: Meeting, fmt: str) -> None:
    assert build_summary(summary_meeting).reflection == ()
    text = _read_back(fmt, FORMATS[fmt].write(summary_meeting))
    assert "Nära pedagogiskt ledarskap" in text
    assert "Reflektion" not in text and INTRO not in text
