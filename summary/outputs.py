"""The registry of outputs: every download of a meeting or a series is one `Output` here.

pretix's exporters are the pattern: an output has an identifier (the URL's and
`export_meeting --format`'s), a translatable label, a media type, a file extension and a
render function over one data source — the meeting's document (summary/document.py) for the
article formats, a row source (summary/tables.py: rows once, CSV and XLSX from the same rows)
for the spreadsheets, the archive for the JSON. The download views, the editor's "Exportera"
list, the series page's downloads and the management command are generated from it; a test
reads every article output back (tests/test_article_whole.py), so a new one cannot skip a part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy

from .archive import meeting_json
from .document import MeetingDocument
from .formats import (
    summary_docx,
    summary_html,
    summary_markdown,
    summary_pdf,
    summary_rows,
)
from .series import SERIES_ROWS
from .services import meeting_document
from .tables import Rows, RowSource, write_csv, write_xlsx

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from meetings.models import Meeting


class Scope(StrEnum):
    MEETING = "meeting"
    SERIES = "series"


class UnknownTable(LookupError):
    """A row-source output asked for a sheet its source does not have."""


@dataclass(frozen=True)
class Output:
    identifier: str  # the URL's "export.<identifier>" and the command's --format
    label: Promise | str
    media_type: str
    extension: str
    # (the meeting or the series, the sheet a CSV is asked for or None) → the file's bytes
    render: Callable[[Any, str | None], bytes]
    scope: Scope = Scope.MEETING
    # The whole article (title … closing paragraph): read back part by part in the tests.
    article: bool = False
    # A row-source output that writes one sheet a file (CSV): one download a sheet.
    source: RowSource | None = None
    per_sheet: bool = False

    # The names the first registry (summary.formats.FORMATS) had.
    @property
    def key(self) -> str:
        return self.identifier

    @property
    def content_type(self) -> str:
        return self.media_type

    @property
    def is_text(self) -> bool:
        return self.media_type.startswith(("text/", "application/json"))

    def write(self, subject: Any, sheet: str | None = None) -> bytes:
        return self.render(subject, sheet)

    def tables(self, subject: Any) -> list[tuple[str, str]]:
        """(name, title) of each sheet this output downloads one at a time; [] for a file."""
        return self.source.tables(subject) if self.source and self.per_sheet else []


def _bytes(body: str | bytes) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


def article(writer: Callable[[MeetingDocument], str | bytes]) -> Callable[[Any, str | None], bytes]:
    """A format written from the meeting's document."""

    def render(meeting: Meeting, sheet: str | None = None) -> bytes:
        return _bytes(writer(meeting_document(meeting)))

    return render


def csv_of(source: RowSource) -> Callable[[Any, str | None], bytes]:
    """One sheet of the source (the first unless named) as CSV."""

    def render(subject: Any, sheet: str | None = None) -> bytes:
        found = source.rows(subject).sheet(sheet)
        if found is None:
            raise UnknownTable(sheet)
        return _bytes(write_csv(found))

    return render


def xlsx_of(source: RowSource) -> Callable[[Any, str | None], bytes]:
    """Every sheet of the source, one worksheet each."""

    def render(subject: Any, sheet: str | None = None) -> bytes:
        return write_xlsx(source.rows(subject))

    return render


def _archive(meeting: Meeting, sheet: str | None = None) -> bytes:
    return meeting_json(meeting).encode("utf-8")


def _meeting_rows(meeting: Meeting) -> Rows:
    return summary_rows(meeting_document(meeting))


MEETING_ROWS = RowSource(rows=_meeting_rows)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

OUTPUTS: tuple[Output, ...] = (
    Output(
        "md",
        gettext_lazy("Markdown"),
        "text/markdown; charset=utf-8",
        "md",
        article(summary_markdown),
        article=True,
    ),
    Output(
        "html",
        gettext_lazy("HTML för webbsidan"),
        "text/html; charset=utf-8",
        "html",
        article(summary_html),
        article=True,
    ),
    Output("docx", gettext_lazy("Word (DOCX)"), DOCX, "docx", article(summary_docx), article=True),
    Output(
        "pdf",
        gettext_lazy("PDF (A4)"),
        "application/pdf",
        "pdf",
        article(summary_pdf),
        article=True,
    ),
    Output(
        "xlsx",
        gettext_lazy("Excel (XLSX)"),
        XLSX,
        "xlsx",
        xlsx_of(MEETING_ROWS),
        source=MEETING_ROWS,
    ),
    Output(
        "csv",
        gettext_lazy("CSV"),
        "text/csv; charset=utf-8",
        "csv",
        csv_of(MEETING_ROWS),
        source=MEETING_ROWS,
    ),
    Output(
        "json",
        gettext_lazy("JSON (arkiv, kan importeras)"),
        "application/json; charset=utf-8",
        "json",
        _archive,
    ),
    Output(
        "xlsx",
        gettext_lazy("Excel (XLSX): möten, framgångsfaktorer och indikator, ett blad var"),
        XLSX,
        "xlsx",
        xlsx_of(SERIES_ROWS),
        scope=Scope.SERIES,
        source=SERIES_ROWS,
    ),
    Output(
        "csv",
        gettext_lazy("CSV"),
        "text/csv; charset=utf-8",
        "csv",
        csv_of(SERIES_ROWS),
        scope=Scope.SERIES,
        source=SERIES_ROWS,
        per_sheet=True,
    ),
)


def outputs(scope: Scope) -> dict[str, Output]:
    """The registry's outputs of one scope, by identifier, in the order they are offered."""
    return {output.identifier: output for output in OUTPUTS if output.scope == scope}


def output(scope: Scope, identifier: str) -> Output | None:
    return outputs(scope).get(identifier)


# Every download of a meeting, as the first registry called it.
FORMATS: dict[str, Output] = outputs(Scope.MEETING)
ARTICLE_FORMATS: tuple[str, ...] = tuple(o.identifier for o in FORMATS.values() if o.article)


def meeting_markdown(meeting: Meeting) -> str:
    """The meeting's article as Markdown (what `export_meeting --format md` prints)."""
    return summary_markdown(meeting_document(meeting))
