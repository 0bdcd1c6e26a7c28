"""The writers of a meeting's summary, each from one `MeetingDocument`.

Markdown and HTML for an article, DOCX and PDF to print or edit, and the meeting's row source
for XLSX and CSV (one row per factor) to sort and count. Which downloads exist, what they are
called and how they are served is summary/outputs.py's registry.
"""

from __future__ import annotations

import io
import logging
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import dateformat, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.errors import Unavailable

from .cells import xml_text
from .document import FactorEntry, GroupSummary, MeetingDocument
from .tables import Rows, Sheet, write_csv, write_xlsx

if TYPE_CHECKING:
    from meetings.models import Meeting

__all__ = ["PANGO_HINT", "xml_text"]  # xml_text: the printable cards (screens/cards.py) too

LANGUAGE = "sv"

# WeasyPrint logs every layout step at INFO, and the root logger prints INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _long_date(doc: MeetingDocument) -> str:
    return dateformat.format(doc.date, "j F Y")


def _byline(doc: MeetingDocument) -> str:
    """ "23 november 2026 · Stadshuset · Topp 25" """
    parts = [_long_date(doc), doc.venue, doc.series or ""]
    return " · ".join(part for part in parts if part)


def _participation(doc: MeetingDocument) -> str:
    """ "42 (Lärare 8, Rektorer 6, …)" """
    groups = ", ".join(f"{name} {count}" for name, count in doc.participation)
    return f"{doc.participant_count} ({groups})" if groups else str(doc.participant_count)


def _context(doc: MeetingDocument, **extra: object) -> dict[str, object]:
    return {
        "doc": doc,
        "byline": _byline(doc),
        "participation": _participation(doc),
        "themes": doc.theme_views(),
        **extra,
    }


# --- Markdown and HTML -------------------------------------------------------------------


def summary_markdown(doc: MeetingDocument, *, language: str = LANGUAGE) -> str:
    with translation.override(language):
        return render_to_string("summary/meeting.md", _context(doc))


def summary_html(doc: MeetingDocument, *, language: str = LANGUAGE) -> str:
    """A fragment to paste into a CMS: semantic elements only, no classes or styles.

    Headings start at <h2>, since the CMS page has its own <h1>.
    """
    with translation.override(language):
        fragment = render_to_string(
            "summary/meeting_fragment.html", _context(doc, language=language, top=2)
        )
    return xml_text(fragment)


# --- PDF ---------------------------------------------------------------------------------

PANGO_HINT = gettext_lazy(
    "PDF kan inte skapas på den här servern: WeasyPrint hittar inte Pango. "
    "Installera det med: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "libharfbuzz-subset0 fonts-dejavu-core"
)


class ExportUnavailable(Unavailable):
    """A format this server cannot write now (a missing system library): 503."""


def summary_pdf(doc: MeetingDocument, *, language: str = LANGUAGE) -> bytes:
    """A4, tagged PDF/UA-1 (headings, lists and reading order in the structure tree)."""
    try:
        # Imported here: loading WeasyPrint and Pango takes a second or more (3.6 s measured
        # on a busy 2-core machine), and only the PDF needs it.
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # the package or its shared libraries are missing
        raise ExportUnavailable("pdf_unavailable", PANGO_HINT) from error
    with translation.override(language):
        page = render_to_string(
            "summary/meeting_print.html", _context(doc, language=language, top=1)
        )
    # The page is self-contained (styles inline, no images): a second guard after escaping,
    # WeasyPrint fetches nothing a text might name (file://, http://, data:).
    pdf = HTML(string=xml_text(page), url_fetcher=_deny_all_fetcher()).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return pdf


def _deny_all_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class DenyAll(URLFetcher):  # type: ignore[misc,unused-ignore]  # WeasyPrint: untyped
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise ValueError(f"the PDF export fetches nothing: {url[:80]}")

    return DenyAll()


# --- DOCX --------------------------------------------------------------------------------


def summary_docx(doc: MeetingDocument, *, language: str = LANGUAGE) -> bytes:
    """Word with real Heading 1–3 styles and numbered lists that restart at 1 per group."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    properties = document.core_properties
    properties.title = xml_text(doc.title)
    properties.subject = xml_text(doc.core_question)
    properties.language = "sv-SE" if language == "sv" else language
    properties.author = "topp25"
    # Spelling and screen readers need the text's language on the default style.
    normal_run = document.styles["Normal"].element.get_or_add_rPr()
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), properties.language)
    normal_run.append(lang)

    numbering = document.part.numbering_part.element
    list_number = document.styles["List Number"].element
    abstract_id = numbering.num_having_numId(list_number.pPr.numPr.numId.val).abstractNumId.val

    def numbered(entries: list[str]) -> None:
        # One w:num per list, restarting at 1; otherwise Word numbers on across groups.
        num = numbering.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        for text in entries:
            paragraph = document.add_paragraph(xml_text(text), style="List Number")
            num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
            num_pr.get_or_add_ilvl().val = 0
            num_pr.get_or_add_numId().val = num.numId

    def labelled(label: str, text: str) -> None:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(xml_text(text))

    def group_section(group: GroupSummary, level: int) -> None:
        document.add_heading(xml_text(group.name), level=level)
        document.add_paragraph(group.status)
        if group.factors:
            numbered([factor.published_text for factor in group.factors])
        else:
            document.add_paragraph(_("Gruppen har inte skrivit några framgångsfaktorer."))

    with translation.override(language):
        document.add_heading(xml_text(doc.title), level=1)
        document.add_paragraph(xml_text(_byline(doc)))
        for paragraph in doc.lead_paragraphs:
            document.add_paragraph(xml_text(paragraph))
        labelled(_("Grundfråga"), doc.core_question)
        labelled(_("Deltagare"), _participation(doc))
        if doc.agenda:
            document.add_heading(_("Dagordning"), level=2)
            numbered([phase.line for phase in doc.agenda])
        for group in doc.home_groups:
            group_section(group, 2)
        if doc.expert_groups_with_factors:
            document.add_heading(_("Expertgrupper"), level=2)
            for group in doc.expert_groups_with_factors:
                group_section(group, 3)
        themes = doc.theme_views()
        if themes:
            document.add_heading(_("Teman som återkommer"), level=2)
            for theme in themes:
                document.add_heading(xml_text(theme.heading), level=3)
                for group, factor in theme.entries:
                    document.add_paragraph(
                        xml_text(f"{factor.published_text} ({group.name})"), style="List Bullet"
                    )
        if doc.reflection:
            document.add_heading(_("Reflektion"), level=2)
            document.add_paragraph(
                _("Orden i reflektionen, de vanligaste först (antal i parentes):")
            )
            for word in doc.reflection:
                document.add_paragraph(xml_text(f"{word.text} ({word.count})"), style="List Bullet")
        for paragraph in doc.closing_paragraphs:
            document.add_paragraph(xml_text(paragraph))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- XLSX and CSV: one row source, two writers (summary/tables.py) ----------------------


def _columns() -> list[str]:
    return [
        _("Möte"),
        _("Datum"),
        _("Grupp"),
        _("Gruppens sort"),
        _("Plats i listan"),
        _("Text"),
        _("Redigerad text"),
        _("Tema"),
        _("Klar"),
    ]


@dataclass(frozen=True)
class FactorRow:
    group: GroupSummary
    factor: FactorEntry
    themes: str


def factor_rows(doc: MeetingDocument) -> list[FactorRow]:
    """Home groups then expert groups, each in the article's order, factors in list order."""
    return [
        FactorRow(group, factor, "; ".join(doc.themes_of(group.key, factor.position)))
        for group in doc.groups
        for factor in group.factors
    ]


def factor_cells(doc: MeetingDocument, row: FactorRow, *, with_themes: bool = True) -> list[Any]:
    """One factor as a spreadsheet row (the meeting's sheets and the series' factor sheet)."""
    cells: list[Any] = [
        doc.title,
        doc.date,
        row.group.name,
        row.group.kind_label,
        row.factor.position,
        row.factor.text,
        row.factor.edited_text or "",
    ]
    if with_themes:
        cells.append(row.themes)
    cells.append(_("ja") if row.group.agreed else _("nej"))
    return cells


def summary_rows(doc: MeetingDocument, *, language: str = LANGUAGE) -> Rows:
    """The meeting's row source: the factors (one row each), the groups, the meeting itself."""
    with translation.override(language):
        yes, no = _("ja"), _("nej")
        factors = Sheet(
            name="factors",
            title=_("Framgångsfaktorer"),
            header=_columns(),
            rows=[factor_cells(doc, row) for row in factor_rows(doc)],
            widths=(24, 11, 18, 13, 8, 50, 50, 24, 6),
            wrap=frozenset({5, 6, 7}),
        )
        groups = Sheet(
            name="groups",
            title=_("Grupper"),
            header=[
                _("Grupp"),
                _("Gruppens sort"),
                _("Deltagare"),
                _("Framgångsfaktorer"),
                _("Av"),
                _("Klar"),
            ],
            rows=[
                [
                    group.name,
                    group.kind_label,
                    group.participant_count,
                    group.filled,
                    group.factor_count,
                    yes if group.agreed else no,
                ]
                for group in doc.groups
            ],
            widths=(18, 18, 14, 14, 14, 14),
        )
        meeting = Sheet(
            name="meeting",
            title=_("Möte"),
            header=None,
            rows=[
                [_("Möte"), doc.title],
                [_("Datum"), doc.date],
                [_("Plats"), doc.venue],
                [_("Serie"), doc.series or ""],
                [_("Grundfråga"), doc.core_question],
                [_("Deltagare"), doc.participant_count],
            ],
            widths=(14, 70),
            wrap=frozenset({1}),
        )
    return Rows([factors, groups, meeting], title=doc.title, subject=doc.core_question)


def summary_csv(doc: MeetingDocument, *, language: str = LANGUAGE) -> str:
    """The factors, one row each (the row source's first sheet)."""
    sheet = summary_rows(doc, language=language).sheet()
    assert sheet is not None
    return write_csv(sheet)


def summary_xlsx(doc: MeetingDocument, *, language: str = LANGUAGE) -> bytes:
    """Three sheets: the factors (one row each), the groups, and the meeting itself."""
    return write_xlsx(summary_rows(doc, language=language))


# Letters NFKD does not take apart, spelt as Scandinavian and German ASCII spell them.
_ASCII_SPELLINGS: dict[str, str | int | None] = {
    "æ": "ae",
    "Æ": "AE",
    "ø": "o",
    "Ø": "O",
    "ß": "ss",
}
_ASCII_TABLE = str.maketrans(_ASCII_SPELLINGS)


def _slug(text: str, *, allow_unicode: bool) -> str:
    if not allow_unicode:
        # slugify() drops what NFKD cannot map to ASCII; "ö" → "o", "æ" would vanish.
        text = text.translate(_ASCII_TABLE)
    return slugify(unicodedata.normalize("NFC", text), allow_unicode=allow_unicode)[:80].strip("-")


def download_filename(meeting: Meeting, extension: str, *, allow_unicode: bool = False) -> str:
    """ "dialogmote-1-2026-11-23.docx" (or "dialogmöte-1-…" with allow_unicode)."""
    stem = _slug(meeting.title, allow_unicode=allow_unicode) or "dialogmote"
    return f"{stem}-{meeting.date:%Y-%m-%d}.{extension}"


def content_disposition(meeting: Meeting, extension: str) -> str:
    """An ASCII filename for every client and the Swedish one (RFC 6266 filename*) beside it."""
    ascii_name = download_filename(meeting, extension)
    utf8_name = download_filename(meeting, extension, allow_unicode=True)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(utf8_name, safe='')}"
