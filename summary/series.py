"""A series over years: its meetings, the indicator it tracks, the chart and the exports.

The chart is plain geometry computed here and drawn by templates/summary/series.html as an
SVG: no script, no library, readable without colour (shapes, line styles and labels), with
the same figures in a table beside it for screen readers.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import xlsxwriter
from django.utils import formats
from django.utils.translation import gettext as _

from meetings.models import Group, Meeting, Series

from .cells import neutralise_cell
from .content import workspace_groups
from .models import IndicatorValue, SeriesIndicator, SummaryDraft

# --- Figures --------------------------------------------------------------------------------


def format_value(value: Decimal) -> str:
    """42 for 42.00, 3,5 for 3.50: in the page's locale, no needless decimals."""
    normalized = value.quantize(Decimal("0.01"))
    if normalized == normalized.to_integral_value():
        return formats.number_format(int(normalized))
    return formats.number_format(normalized.normalize(), use_l10n=True)


# --- Chart geometry -----------------------------------------------------------------------

WIDTH = 760
HEIGHT = 340
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 40, 56


@dataclass
class ChartPoint:
    x: float
    y: float
    label: str
    year: int


@dataclass
class ChartMeeting:
    x: float
    number: int
    meeting: Meeting


@dataclass
class Tick:
    at: float
    label: str


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    points: list[ChartPoint] = field(default_factory=list)
    meetings: list[ChartMeeting] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    year_lines: list[float] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    lower_is_better: bool = False

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def marker_y(self) -> float:
        return self.bottom - 10


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def build_chart(
    values: list[IndicatorValue], meetings: list[Meeting], *, lower_is_better: bool
) -> Chart | None:
    """Years along the x axis (each year a band; a value sits in the middle of its year, a
    meeting at its date); the indicator up the y axis, turned over when lower is better so
    that up is always better."""
    years = [v.year for v in values] + [m.date.year for m in meetings]
    if not years:
        return None
    chart = Chart(lower_is_better=lower_is_better)
    first, last = min(years), max(years) + 1
    span_x = chart.right - chart.left

    def x_of(year_fraction: float) -> float:
        return chart.left + (year_fraction - first) / (last - first) * span_x

    chart.year_lines = [x_of(year) for year in range(first, last + 1)]
    chart.x_ticks = [Tick(x_of(year + 0.5), str(year)) for year in range(first, last)]
    for number, meeting in enumerate(meetings, start=1):
        day = meeting.date.timetuple().tm_yday - 1
        length = 366 if _is_leap(meeting.date.year) else 365
        chart.meetings.append(ChartMeeting(x_of(meeting.date.year + day / length), number, meeting))
    if values:
        low = float(min(v.value for v in values))
        high = float(max(v.value for v in values))
        if low == high:
            low, high = low - 1, high + 1
        step = _nice_step(high - low)
        low = math.floor(low / step) * step
        high = math.ceil(high / step) * step
        span_y = chart.bottom - chart.top

        def y_of(value: float) -> float:
            share = (value - low) / (high - low)
            if lower_is_better:
                return chart.top + share * span_y
            return chart.bottom - share * span_y

        tick = low
        while tick <= high + step / 1000:
            label = format_value(Decimal(str(round(tick, 6))))
            chart.y_ticks.append(Tick(y_of(tick), label))
            tick += step
        chart.points = [
            ChartPoint(x_of(v.year + 0.5), y_of(float(v.value)), format_value(v.value), v.year)
            for v in values
        ]
    return chart


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


@dataclass
class YearRow:
    year: int
    value: str
    meetings: list[Meeting]


def year_rows(values: list[IndicatorValue], meetings: list[Meeting]) -> list[YearRow]:
    years = sorted({v.year for v in values} | {m.date.year for m in meetings})
    by_year = {v.year: format_value(v.value) for v in values}
    return [
        YearRow(year, by_year.get(year, ""), [m for m in meetings if m.date.year == year])
        for year in years
    ]


# --- Themes from meeting to meeting -------------------------------------------------------


@dataclass
class ThemeRow:
    label: str
    present: list[bool]
    first: int  # index of the first meeting that named it

    @property
    def cells(self) -> list[str]:
        """Per meeting: "new", "recurring" or "" (absent)."""
        return [
            ("new" if index == self.first else "recurring") if here else ""
            for index, here in enumerate(self.present)
        ]

    @property
    def recurs(self) -> bool:
        return sum(self.present) > 1


def recurring_themes(meetings: list[Meeting], themes: dict[int, list[str]]) -> list[ThemeRow]:
    """Which themes recur from meeting to meeting and which are new.

    `themes` maps a meeting's pk to its themes' labels as the theme finder (summary.themes)
    or the editor named them; labels match across meetings case-insensitively.
    """
    seen: dict[str, ThemeRow] = {}
    for index, meeting in enumerate(meetings):
        for label in themes.get(meeting.pk, []):
            key = " ".join(label.split()).casefold()
            if not key:
                continue
            row = seen.get(key)
            if row is None:
                row = seen[key] = ThemeRow(label.strip(), [False] * len(meetings), index)
            row.present[index] = True
    return sorted(seen.values(), key=lambda r: (-sum(r.present), r.first, r.label.casefold()))


THEME_CHART_HEIGHT = 260


@dataclass
class ThemeBar:
    """One meeting's themes as a stacked bar: recurring (solid, at the bottom) and new
    (outlined and hatched, on top), each segment labelled with its count."""

    number: int
    meeting: Meeting
    x: float
    width: float
    recurring: int
    new: int
    recurring_top: float
    new_top: float
    base: float

    @property
    def centre(self) -> float:
        return self.x + self.width / 2

    @property
    def recurring_height(self) -> float:
        return self.base - self.recurring_top

    @property
    def new_height(self) -> float:
        return self.recurring_top - self.new_top


@dataclass
class ThemeChart:
    bars: list[ThemeBar]
    width: int = WIDTH
    height: int = THEME_CHART_HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = THEME_CHART_HEIGHT - BOTTOM
    y_ticks: list[Tick] = field(default_factory=list)


def theme_chart(meetings: list[Meeting], rows: list[ThemeRow]) -> ThemeChart | None:
    """How many of each meeting's themes are new and how many recur, meeting by meeting.
    None when no meeting has a theme."""
    if not meetings or not rows:
        return None
    chart = ThemeChart(bars=[])
    counts = [
        (
            sum(row.cells[index] == "recurring" for row in rows),
            sum(row.cells[index] == "new" for row in rows),
        )
        for index in range(len(meetings))
    ]
    highest = max(max(recurring + new for recurring, new in counts), 1)
    step = max(1, math.ceil(highest / 5))
    top_value = math.ceil(highest / step) * step
    span_y = chart.bottom - chart.top

    def y_of(value: float) -> float:
        return chart.bottom - value / top_value * span_y

    chart.y_ticks = [Tick(y_of(value), str(value)) for value in range(0, top_value + 1, step)]
    slot = (chart.right - chart.left) / len(meetings)
    width = min(slot * 0.6, 90.0)
    for index, (meeting, (recurring, new)) in enumerate(zip(meetings, counts, strict=True)):
        chart.bars.append(
            ThemeBar(
                number=index + 1,
                meeting=meeting,
                x=chart.left + slot * index + (slot - width) / 2,
                width=width,
                recurring=recurring,
                new=new,
                recurring_top=y_of(recurring),
                new_top=y_of(recurring + new),
                base=chart.bottom,
            )
        )
    return chart


# --- Series data --------------------------------------------------------------------------


def series_meetings(series: Series) -> list[Meeting]:
    return list(series.meetings.order_by("date", "pk"))


def indicator_of(series: Series) -> SeriesIndicator | None:
    return SeriesIndicator.objects.filter(series=series).first()


def indicator_values(indicator: SeriesIndicator | None) -> list[IndicatorValue]:
    return list(indicator.values.order_by("year")) if indicator is not None else []


def _factor_rows(meetings: list[Meeting]) -> list[list[Any]]:
    rows: list[list[Any]] = []
    drafts = {d.meeting_id: d for d in SummaryDraft.objects.filter(meeting__in=meetings)}
    for meeting in meetings:
        groups = workspace_groups(meeting, drafts.get(meeting.pk))
        for kind in (Group.Kind.HOME, Group.Kind.EXPERT):
            for group_row in groups[kind]:
                for factor in group_row.factors:
                    rows.append(
                        [
                            meeting.title,
                            meeting.date,
                            group_row.group.name,
                            str(Group.Kind(kind).label),
                            factor.position,
                            factor.original,
                            factor.text if factor.is_edited else "",
                            _("ja") if group_row.group.is_agreed else _("nej"),
                        ]
                    )
    return rows


def export_tables(series: Series) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """The series as tables: (header, rows) by name; the same for XLSX sheets and CSV files."""
    meetings = series_meetings(series)
    indicator = indicator_of(series)
    participants = {meeting.pk: meeting.participants.count() for meeting in meetings}
    tables: dict[str, tuple[list[str], list[list[Any]]]] = {
        "meetings": (
            [_("Möte"), _("Datum"), _("Plats"), _("Grundfråga"), _("Deltagare")],
            [[m.title, m.date, m.venue, m.core_question, participants[m.pk]] for m in meetings],
        ),
        "factors": (
            [
                _("Möte"),
                _("Datum"),
                _("Grupp"),
                _("Sort"),
                _("Plats i listan"),
                _("Text"),
                _("Redigerad text"),
                _("Klar"),
            ],
            _factor_rows(meetings),
        ),
    }
    if indicator is not None:
        tables["indicator"] = (
            [_("År"), indicator.name],
            [[v.year, v.value] for v in indicator_values(indicator)],
        )
    return tables


TABLE_TITLES = {
    "meetings": "Möten",
    "factors": "Framgångsfaktorer",
    "indicator": "Indikator",
}


def series_xlsx(series: Series) -> bytes:
    buffer = io.BytesIO()
    # Text stays text: "=SUMMA(...)" typed by a group is shown, never computed.
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, (header, rows) in export_tables(series).items():
        sheet = workbook.add_worksheet(_(TABLE_TITLES[name]))
        sheet.write_row(0, 0, header, bold)
        for row_index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(row_index, column, value, date_format)
                elif isinstance(value, Decimal):
                    sheet.write_number(row_index, column, float(value))
                elif isinstance(value, int):
                    sheet.write_number(row_index, column, value)
                else:
                    sheet.write_string(row_index, column, str(value))
        sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


# Swedish spreadsheets use the semicolon as list separator (the comma is the decimal sign).
CSV_DELIMITER = ";"


def inert(value: Any) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading '."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f").replace(".", ",")
    text = str(value)
    return text if isinstance(value, int) else neutralise_cell(text)


def series_csv(series: Series, table: str) -> str:
    tables = export_tables(series)
    header, rows = tables[table]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([inert(cell) for cell in header])
    for row in rows:
        writer.writerow([inert(cell) for cell in row])
    return "\ufeff" + out.getvalue()  # the BOM makes Excel read UTF-8 (å, ä, ö)
