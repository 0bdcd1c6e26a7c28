"""The one guard for every spreadsheet cell we write (CSV and XLSX, meetings and series), and
the one cleaning for text that goes into XML (DOCX, XLSX, a PDF's text).

A spreadsheet runs a cell that starts with one of these as a formula (or DDE command):
"=HYPERLINK(…)", "+1+cmd|…", "-2+3", "@SUM(…)", and tab/CR that some importers skip first.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# XML 1.0 cannot hold these; python-docx refuses them, and a PDF
# would show a box for each. A phone form can still send "\x07".
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def neutralise_cell(value: str) -> str:
    """The OWASP/defusedcsv rule: a leading apostrophe makes the cell inert text."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def inert(value: Any) -> str:
    """A CSV cell a spreadsheet will not run, as Swedish Excel reads it: dates in ISO form,
    decimals with a comma, numbers as they are, text starting like a formula behind a '."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    text = str(value)
    return text if isinstance(value, int) else neutralise_cell(text)


def xml_text(text: str) -> str:
    """`text` without what XML 1.0 (and so DOCX and a PDF's text) cannot hold."""
    return _NOT_XML.sub("", text)
