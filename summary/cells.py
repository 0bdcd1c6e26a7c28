"""The one formula guard for every spreadsheet cell we write (CSV and XLSX, meetings and series).

A spreadsheet runs a cell that starts with one of these as a formula (or DDE command):
"=HYPERLINK(…)", "+1+cmd|…", "-2+3", "@SUM(…)", and tab/CR that some importers skip first.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value: str) -> str:
    """The OWASP/defusedcsv rule: a leading apostrophe makes the cell inert text."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value
