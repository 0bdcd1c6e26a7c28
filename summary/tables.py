"""Rows once, two writers (pretix's ListExporter): a row source gives sheets of plain values,
and `write_csv` / `write_xlsx` render them. The meeting's spreadsheets and the series' use it,
so a cell is guarded the same way everywhere (summary/cells.py)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .cells import inert, xml_text

# Swedish spreadsheets use the semicolon as list separator (the comma is the decimal sign).
CSV_DELIMITER = ";"


@dataclass(frozen=True)
class Sheet:
    name: str  # what a download asks for ("factors": the series' ?table=)
    title: str  # the XLSX sheet's name, translated
    header: list[str] | None  # None: a sheet of labels (bold) and values, one pair a row
    rows: list[list[Any]]
    widths: tuple[int, ...] = ()
    wrap: frozenset[int] = frozenset()  # columns of long text


@dataclass(frozen=True)
class Rows:
    """What a row source gives: the sheets, and the workbook's title and subject."""

    sheets: list[Sheet]
    title: str = ""
    subject: str = ""

    def sheet(self, name: str | None = None) -> Sheet | None:
        """The sheet called `name`; the first without a name."""
        if name is None:
            return self.sheets[0] if self.sheets else None
        return next((sheet for sheet in self.sheets if sheet.name == name), None)


@dataclass(frozen=True)
class RowSource:
    """`rows(subject)` builds the sheets; `tables(subject)` names them, (name, title) each,
    without reading the rows (for a list of downloads)."""

    rows: Callable[[Any], Rows]
    tables: Callable[[Any], list[tuple[str, str]]] = field(default=lambda subject: [])


def write_csv(sheet: Sheet) -> str:
    """UTF-8 with a byte order mark and semicolons: what Excel with Swedish settings opens by
    a double click (with commas it puts every row in one column; without the BOM, å ä ö break)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    if sheet.header is not None:
        writer.writerow([inert(cell) for cell in sheet.header])
    for row in sheet.rows:
        writer.writerow([inert(cell) for cell in row])
    return "\ufeff" + buffer.getvalue()


def write_xlsx(rows: Rows) -> bytes:
    """One worksheet a sheet. Strings are never turned into formulas, URLs or numbers: "=1+1"
    stays text. Control characters are left out (Excel would show them as "_x0007_")."""
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
    properties = {"title": xml_text(rows.title), "subject": xml_text(rows.subject)}
    workbook.set_properties({key: value for key, value in properties.items() if value})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    iso_date = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})

    def write(sheet: Any, row: int, column: int, value: Any, text_format: Any) -> None:
        if isinstance(value, datetime.date):
            sheet.write_datetime(row, column, value, iso_date)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, top)
        elif isinstance(value, int | float | Decimal):
            sheet.write_number(
                row, column, float(value) if isinstance(value, Decimal) else value, top
            )
        else:
            sheet.write_string(row, column, xml_text(str(value)), text_format)

    for spec in rows.sheets:
        sheet = workbook.add_worksheet(spec.title)
        first = 0
        if spec.header is not None:
            sheet.write_row(0, 0, spec.header, bold)
            first = 1
        for index, values in enumerate(spec.rows, start=first):
            for column, value in enumerate(values):
                if spec.header is None and column == 0:
                    write(sheet, index, column, value, bold)
                else:
                    write(sheet, index, column, value, wrap if column in spec.wrap else top)
        for column, width in enumerate(spec.widths):
            sheet.set_column(column, column, width)
        if spec.header is not None:
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, max(len(spec.rows), 1), len(spec.header) - 1)
    workbook.close()
    return buffer.getvalue()
