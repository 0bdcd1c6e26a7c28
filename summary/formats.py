"""Every download of a meeting's summary, each written from one `SummaryDocument`.

Markdown and HTML for an article, DOCX and PDF to print or edit, XLSX and CSV (one row per
factor) to sort and count, and the lossless JSON (summary/archive/) for archives.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import dateformat, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.errors import Unavailable

from .archive import meeting_json
from .cells import neutralise_cell
from .document import (
    FactorEntry,
    GroupSummary,
    SummaryDocument,
    build_summary,
    export_group_keys,
)
from .models import SummaryDraft
from .services import export_themes

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from meetings.models import Meeting

LANGUAGE = "sv"

# WeasyPrint logs every layout step at INFO, and the root logger prints INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


# XML 1.0 cannot hold these; python-docx refuses them, and a PDF
# would show a box for each. A phone form can still send "\x07".
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without what XML 1.0 (and so DOCX and a PDF's text) cannot hold."""
    return _NOT_XML.sub("", text)


def _long_date(doc: SummaryDocument) -> str:
    return dateformat.format(doc.date, "j F Y")


def _byline(doc: SummaryDocument) -> str:
    """ "23 november 2026 · Stadshuset · Topp 25" """
    parts = [_long_date(doc), doc.venue, doc.series or ""]
    return " · ".join(part for part in parts if part)


def _participation(doc: SummaryDocument) -> str:
    """ "42 (Lärare 8, Rektorer 6, …)" """
    groups = ", ".join(f"{name} {count}" for name, count in doc.participation)
    return f"{doc.participant_count} ({groups})" if groups else str(doc.participant_count)


def _context(doc: SummaryDocument, **extra: object) -> dict[str, object]:
    return {
        "doc": doc,
        "byline": _byline(doc),
        "participation": _participation(doc),
        "themes": doc.theme_views(),
        **extra,
    }


# --- Markdown and HTML -------------------------------------------------------------------


def summary_markdown(doc: SummaryDocument, *, language: str = LANGUAGE) -> str:
    with translation.override(language):
        return render_to_string("summary/meeting.md", _context(doc))


def summary_html(doc: SummaryDocument, *, language: str = LANGUAGE) -> str:
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


def summary_pdf(doc: SummaryDocument, *, language: str = LANGUAGE) -> bytes:
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


def summary_docx(doc: SummaryDocument, *, language: str = LANGUAGE) -> bytes:
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


# --- XLSX and CSV: one row per factor ----------------------------------------------------


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


def factor_rows(doc: SummaryDocument) -> list[FactorRow]:
    """Home groups then expert groups, each in seating order, factors in list order."""
    return [
        FactorRow(group, factor, "; ".join(doc.themes_of(group.key, factor.position)))
        for group in doc.groups
        for factor in group.factors
    ]


def summary_csv(doc: SummaryDocument, *, language: str = LANGUAGE) -> str:
    """UTF-8 with a byte order mark and semicolons: what Excel with Swedish settings opens
    by a double click (with commas it puts every row in one column)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    with translation.override(language):
        writer.writerow(_columns())
        yes, no = _("ja"), _("nej")
        for row in factor_rows(doc):
            cells = [
                doc.title,
                doc.date.isoformat(),
                row.group.name,
                row.group.kind_label,
                str(row.factor.position),
                row.factor.text,
                row.factor.edited_text or "",
                row.themes,
                yes if row.group.agreed else no,
            ]
            writer.writerow([neutralise_cell(cell) for cell in cells])
    return "\ufeff" + buffer.getvalue()


def summary_xlsx(doc: SummaryDocument, *, language: str = LANGUAGE) -> bytes:
    """Three sheets: the factors (one row each), the groups, and the meeting itself.

    Strings are never turned into formulas, URLs or numbers: "=1+1" stays text. Control
    characters are left out (Excel would show them as "_x0007_").
    """
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    workbook.set_properties({"title": xml_text(doc.title), "subject": xml_text(doc.core_question)})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    iso_date = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    with translation.override(language):
        yes, no = _("ja"), _("nej")

        sheet = workbook.add_worksheet(_("Framgångsfaktorer"))
        sheet.write_row(0, 0, _columns(), bold)
        for index, row in enumerate(factor_rows(doc), start=1):
            sheet.write_string(index, 0, xml_text(doc.title), top)
            sheet.write_datetime(index, 1, doc.date, iso_date)
            sheet.write_string(index, 2, xml_text(row.group.name), top)
            sheet.write_string(index, 3, row.group.kind_label, top)
            sheet.write_number(index, 4, row.factor.position, top)
            sheet.write_string(index, 5, xml_text(row.factor.text), wrap)
            sheet.write_string(index, 6, xml_text(row.factor.edited_text or ""), wrap)
            sheet.write_string(index, 7, xml_text(row.themes), wrap)
            sheet.write_string(index, 8, yes if row.group.agreed else no, top)
        for column, width in enumerate([24, 11, 18, 13, 8, 50, 50, 24, 6]):
            sheet.set_column(column, column, width)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(factor_rows(doc)), 1), len(_columns()) - 1)

        groups = workbook.add_worksheet(_("Grupper"))
        headers = [
            _("Grupp"),
            _("Gruppens sort"),
            _("Deltagare"),
            _("Framgångsfaktorer"),
            _("Av"),
            _("Klar"),
        ]
        groups.write_row(0, 0, headers, bold)
        for index, group in enumerate(doc.groups, start=1):
            groups.write_string(index, 0, xml_text(group.name))
            groups.write_string(index, 1, group.kind_label)
            groups.write_number(index, 2, group.participant_count)
            groups.write_number(index, 3, group.filled)
            groups.write_number(index, 4, group.factor_count)
            groups.write_string(index, 5, yes if group.agreed else no)
        groups.set_column(0, 1, 18)
        groups.set_column(2, 5, 14)
        groups.freeze_panes(1, 0)

        meeting = workbook.add_worksheet(_("Möte"))
        facts: list[tuple[str, object]] = [
            (_("Möte"), doc.title),
            (_("Datum"), doc.date),
            (_("Plats"), doc.venue),
            (_("Serie"), doc.series or ""),
            (_("Grundfråga"), doc.core_question),
            (_("Deltagare"), doc.participant_count),
        ]
        for index, (label, value) in enumerate(facts):
            meeting.write_string(index, 0, label, bold)
            if isinstance(value, str):
                meeting.write_string(index, 1, xml_text(value), wrap)
            elif isinstance(value, int):
                meeting.write_number(index, 1, value, top)
            else:
                meeting.write_datetime(index, 1, value, iso_date)
        meeting.set_column(0, 0, 14)
        meeting.set_column(1, 1, 70)
    workbook.close()
    return buffer.getvalue()


# --- Registry, file names, and the one entry point ---------------------------------------


@dataclass(frozen=True)
class ExportFormat:
    key: str  # what --format and the URL take
    extension: str
    content_type: str
    label: Promise | str
    write: Callable[[Meeting], bytes]


def _summary_writer(
    writer: Callable[[SummaryDocument], str | bytes],
) -> Callable[[Meeting], bytes]:
    def write(meeting: Meeting) -> bytes:
        body = writer(summary_document(meeting))
        return body.encode("utf-8") if isinstance(body, str) else body

    return write


def _json_writer(meeting: Meeting) -> bytes:
    return meeting_json(meeting).encode("utf-8")


def meeting_markdown(meeting: Meeting, *, language: str = LANGUAGE) -> str:
    """The meeting's article as Markdown (what `export_meeting --format md` prints)."""
    return summary_markdown(summary_document(meeting), language=language)


def summary_document(meeting: Meeting) -> SummaryDocument:
    """The document every summary format is written from: the record, the editor's wording
    and order (the workspace's draft, if any) and the meeting's themes (the editor's if
    curated, else found afresh: this loads the Swedish dictionary once per process)."""
    draft = SummaryDraft.objects.filter(meeting=meeting).first()
    themes = export_themes(meeting, export_group_keys(meeting))
    return build_summary(meeting, themes=themes, draft=draft)


FORMATS: dict[str, ExportFormat] = {
    f.key: f
    for f in [
        ExportFormat(
            "md",
            "md",
            "text/markdown; charset=utf-8",
            gettext_lazy("Markdown"),
            _summary_writer(summary_markdown),
        ),
        ExportFormat(
            "html",
            "html",
            "text/html; charset=utf-8",
            gettext_lazy("HTML för webbsidan"),
            _summary_writer(summary_html),
        ),
        ExportFormat(
            "docx",
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            gettext_lazy("Word (DOCX)"),
            _summary_writer(summary_docx),
        ),
        ExportFormat(
            "pdf", "pdf", "application/pdf", gettext_lazy("PDF (A4)"), _summary_writer(summary_pdf)
        ),
        ExportFormat(
            "xlsx",
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            gettext_lazy("Excel (XLSX)"),
            _summary_writer(summary_xlsx),
        ),
        ExportFormat(
            "csv",
            "csv",
            "text/csv; charset=utf-8",
            gettext_lazy("CSV"),
            _summary_writer(summary_csv),
        ),
        ExportFormat(
            "json",
            "json",
            "application/json; charset=utf-8",
            gettext_lazy("JSON (arkiv, kan importeras)"),
            _json_writer,
        ),
    ]
}


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
