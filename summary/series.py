"""A series over years: its meetings, the indicator it tracks, the chart and the exports.

The chart is plain geometry computed here and drawn by templates/summary/series.html as an
SVG: no script, no library, readable without colour (shapes, line styles and labels), with
the same figures in a table beside it for screen readers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meetings.models import Meeting, Series

from .document import build_summary
from .formats import factor_cells, factor_rows
from .models import IndicatorValue, SeriesIndicator, SummaryDraft
from .tables import Rows, RowSource, Sheet, write_csv, write_xlsx

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
    """Every meeting's factors as its document has them (the editor's order and wording),
    one row each: the meeting's own factor sheet without its themes column."""
    rows: list[list[Any]] = []
    drafts = {d.meeting_id: d for d in SummaryDraft.objects.filter(meeting__in=meetings)}
    for meeting in meetings:
        doc = build_summary(meeting, draft=drafts.get(meeting.pk), with_reflection=False)
        rows += [factor_cells(doc, row, with_themes=False) for row in factor_rows(doc)]
    return rows


TABLE_TITLES = {
    "meetings": gettext_lazy("Möten"),
    "factors": gettext_lazy("Framgångsfaktorer"),
    "indicator": gettext_lazy("Indikator"),
}


def series_tables(series: Series) -> list[tuple[str, str]]:
    """The series' sheets, (name, title) each, without reading their rows."""
    names = ["meetings", "factors"] + (["indicator"] if indicator_of(series) else [])
    return [(name, str(TABLE_TITLES[name])) for name in names]


def series_rows(series: Series) -> Rows:
    """The series' row source: its meetings, their factors, and the indicator's values; the
    same sheets for the XLSX workbook and each CSV file."""
    meetings = series_meetings(series)
    indicator = indicator_of(series)
    participants = {meeting.pk: meeting.participants.count() for meeting in meetings}
    sheets = [
        Sheet(
            name="meetings",
            title=str(TABLE_TITLES["meetings"]),
            header=[_("Möte"), _("Datum"), _("Plats"), _("Grundfråga"), _("Deltagare")],
            rows=[
                [m.title, m.date, m.venue, m.core_question, participants[m.pk]] for m in meetings
            ],
        ),
        Sheet(
            name="factors",
            title=str(TABLE_TITLES["factors"]),
            header=[
                _("Möte"),
                _("Datum"),
                _("Grupp"),
                _("Sort"),
                _("Plats i listan"),
                _("Text"),
                _("Redigerad text"),
                _("Klar"),
            ],
            rows=_factor_rows(meetings),
        ),
    ]
    if indicator is not None:
        sheets.append(
            Sheet(
                name="indicator",
                title=str(TABLE_TITLES["indicator"]),
                header=[_("År"), indicator.name],
                rows=[[v.year, v.value] for v in indicator_values(indicator)],
            )
        )
    return Rows(sheets, title=series.name)


SERIES_ROWS = RowSource(rows=series_rows, tables=series_tables)


def series_xlsx(series: Series) -> bytes:
    return write_xlsx(series_rows(series))


def series_csv(series: Series, table: str) -> str:
    sheet = series_rows(series).sheet(table)
    if sheet is None:
        raise KeyError(table)
    return write_csv(sheet)
