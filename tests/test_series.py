"""A series over years: its meetings, the indicator, the chart, recurring themes, exports."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings import services as meeting_services
from meetings.errors import DomainError
from meetings.models import Meeting, Series
from meetings.roles import FACILITATOR_ROLE
from summary import services
from summary.cells import inert
from summary.models import IndicatorValue
from summary.series import build_chart, recurring_themes, series_csv


@pytest.fixture
def series(facilitator: User) -> Series:
    for year, title in [(2024, "Topp25 hösten 2024"), (2025, "Topp25 hösten 2025")]:
        meeting = meeting_services.create_meeting(
            facilitator=facilitator,
            title=title,
            date=datetime.date(year, 11, 20),
            venue="Stadshuset",
            core_question="Vad höjer elevernas resultat?",
            series_name="Topp25",
            usual_home_groups=True,
        )
        teachers = meeting.home_groups().get(name="Lärare")
        group_services.add_factor(group=teachers, text=f"Studiero {year}")
        group_services.add_factor(group=teachers, text='=HYPERLINK("http://x")')
    return Series.objects.get(name="Topp25")


@pytest.fixture
def ranked(series: Series, facilitator: User) -> Series:
    services.set_indicator(
        series=series,
        name="Kommunens placering i SKR:s Öppna jämförelser",
        lower_is_better=True,
        source="SKR",
    )
    for year, value in [(2023, "142"), (2024, "118"), (2025, "97,5")]:
        services.set_indicator_value(series=series, year=year, value=value, user=facilitator)
    return series


def test_indicator_values(ranked: Series, facilitator: User) -> None:
    values = list(IndicatorValue.objects.values_list("year", "value"))
    assert values == [(2023, Decimal("142")), (2024, Decimal("118")), (2025, Decimal("97.5"))]
    services.set_indicator_value(series=ranked, year="2025", value="96", user=facilitator)
    assert IndicatorValue.objects.get(year=2025).value == Decimal("96")  # replaced, not added
    services.set_indicator_value(series=ranked, year=" 2022 ", value="1\u00a0234,5", user=None)
    assert IndicatorValue.objects.get(year=2022).value == Decimal("1234.5")
    IndicatorValue.objects.filter(year=2022).delete()
    for year, value, message in [
        ("tjugo", "1", "Skriv året med fyra siffror"),
        ("1800", "1", "Skriv året med fyra siffror"),
        ("2026", "många", "Skriv värdet som ett tal"),
        ("2026", "1,234", "högst två decimaler"),
        ("2026", "NaN", "Skriv värdet som ett tal"),
    ]:
        with pytest.raises(DomainError) as raised:
            services.set_indicator_value(series=ranked, year=year, value=value, user=facilitator)
        assert message in str(raised.value)
    assert IndicatorValue.objects.count() == 3


def test_values_need_an_indicator(series: Series, facilitator: User) -> None:
    with pytest.raises(DomainError) as raised:
        services.set_indicator_value(series=series, year=2025, value="3", user=facilitator)
    assert raised.value.status == 409


def test_chart_geometry(ranked: Series) -> None:
    values = list(IndicatorValue.objects.order_by("year"))
    meetings = list(ranked.meetings.order_by("date"))
    chart = build_chart(values, meetings, lower_is_better=True)
    assert chart is not None
    assert [tick.label for tick in chart.x_ticks] == ["2023", "2024", "2025"]
    # Lower is better: the best (lowest) value is drawn highest (smallest y).
    ys = {point.year: point.y for point in chart.points}
    assert ys[2025] < ys[2024] < ys[2023]
    assert [point.label for point in chart.points] == ["142", "118", "97,5"]
    # Meetings sit at their dates: late November, inside their year's band.
    first_meeting = chart.meetings[0]
    band_2024 = (chart.year_lines[1], chart.year_lines[2])
    assert band_2024[0] + 0.85 * (band_2024[1] - band_2024[0]) < first_meeting.x < band_2024[1]
    assert all(chart.top <= p.y <= chart.bottom for p in chart.points)
    higher = build_chart(values, meetings, lower_is_better=False)
    assert higher is not None
    assert higher.points[0].y < higher.points[2].y  # higher is better: 142 on top
    assert build_chart([], [], lower_is_better=False) is None


def test_series_page(editor_client: Client, ranked: Series) -> None:
    response = editor_client.get(reverse("summary:series", args=[ranked.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Topp25 hösten 2024" in html and "Topp25 hösten 2025" in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<script" not in svg and "href" not in svg  # no external script or resource
    assert svg.count("<circle") == 3 and svg.count("<polygon") == 2
    assert "stroke-dasharray" in svg  # meetings: dashed, not told apart by colour alone
    for label in ["142", "118", "97,5", "↑ bättre (lägre värde)"]:
        assert f">{label}</text>" in svg
    assert not re.search(r'(cx|cy|x|y|x1|x2|y1|y2)="[^"]*,', svg)  # no decimal commas in SVG
    table = html[html.index('id="chart-data"') :]
    assert '<th scope="row">2023</th><td>142</td>' in table.replace("\n", "").replace("  ", "")
    # The theme finder's themes, meeting by meeting: one group each here, so none recur.
    assert "Inga teman hittades i seriens möten." in html
    listing = editor_client.get(reverse("summary:series_list")).content.decode()
    assert "Topp25" in listing


def test_series_forms_and_bad_input(editor_client: Client, series: Series) -> None:
    url = reverse("summary:indicator", args=[series.pk])
    response = editor_client.post(url, {"name": "  ", "lower_is_better": "1"})
    assert response.status_code == 400
    assert "Skriv vad serien mäter" in response.content.decode()
    response = editor_client.post(url, {"name": "Placering", "lower_is_better": "1"})
    assert response.status_code == 302
    values = reverse("summary:indicator_value", args=[series.pk])
    response = editor_client.post(values, {"year": "2025", "value": "abc"})
    assert response.status_code == 400
    assert "Skriv värdet som ett tal" in response.content.decode()
    assert editor_client.post(values, {"year": "2025", "value": "12"}).status_code == 302
    remove = reverse("summary:indicator_value_remove", args=[series.pk, 2025])
    assert editor_client.post(remove).status_code == 302
    assert editor_client.post(remove).status_code == 404
    assert not IndicatorValue.objects.exists()


def test_series_needs_the_editor_permission(client: Client, series: Series) -> None:
    user = User.objects.create_user("cecilia", password="x")
    user.groups.add(AuthGroup.objects.get(name=FACILITATOR_ROLE))
    client.force_login(user)
    assert client.get(reverse("summary:series", args=[series.pk])).status_code == 403
    assert client.get(reverse("summary:series_xlsx", args=[series.pk])).status_code == 403
    assert (
        client.post(reverse("summary:indicator", args=[series.pk]), {"name": "x"}).status_code
        == 403
    )


def test_recurring_themes() -> None:
    first, second, third = (Meeting(pk=pk) for pk in (1, 2, 3))
    rows = recurring_themes(
        [first, second, third],
        {1: ["Trygghet", "Ledarskap"], 2: ["trygghet", "Samverkan"], 3: ["Trygghet "]},
    )
    by_label = {row.label: row for row in rows}
    assert rows[0].label == "Trygghet" and rows[0].cells == ["new", "recurring", "recurring"]
    assert by_label["Samverkan"].cells == ["", "new", ""]
    assert not by_label["Ledarskap"].recurs


def test_inert_cells() -> None:
    for dangerous in ["=1+1", "+46", "-2", "@SUM(A1)", "\tx", "\rx"]:
        assert inert(dangerous) == "'" + dangerous
    assert inert("Studiero") == "Studiero"
    assert inert(-3) == "-3" and inert(Decimal("-3.50")) == "-3,5"
    assert inert(datetime.date(2025, 1, 2)) == "2025-01-02"


def test_csv_export(editor_client: Client, ranked: Series) -> None:
    response = editor_client.get(reverse("summary:series_csv", args=[ranked.pk]) + "?table=factors")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "topp25-serie-topp25.factors.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "Möte",
        "Datum",
        "Grupp",
        "Sort",
        "Plats i listan",
        "Text",
        "Redigerad text",
        "Klar",
    ]
    assert rows[1] == [
        "Topp25 hösten 2024",
        "2024-11-20",
        "Lärare",
        "Hemgrupp",
        "1",
        "Studiero 2024",
        "",
        "nej",
    ]
    assert rows[2][5] == '\'=HYPERLINK("http://x")'  # inert
    indicator = list(
        csv.reader(io.StringIO(series_csv(ranked, "indicator").lstrip("\ufeff")), delimiter=";")
    )
    assert indicator == [
        ["År", "Kommunens placering i SKR:s Öppna jämförelser"],
        ["2023", "142"],
        ["2024", "118"],
        ["2025", "97,5"],
    ]
    bad = editor_client.get(reverse("summary:series_csv", args=[ranked.pk]) + "?table=allt")
    assert bad.status_code == 400
    assert "Välj en av tabellerna" in bad.content.decode()


def test_xlsx_export(editor_client: Client, ranked: Series) -> None:
    response = editor_client.get(reverse("summary:series_xlsx", args=[ranked.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Möten", "Framgångsfaktorer", "Indikator"]
    meetings = list(book["Möten"].iter_rows(values_only=True))
    assert [row[0] for row in meetings[1:]] == ["Topp25 hösten 2024", "Topp25 hösten 2025"]
    factors = list(book["Framgångsfaktorer"].iter_rows(values_only=True))
    assert factors[2][5] == '=HYPERLINK("http://x")'
    assert book["Framgångsfaktorer"].cell(row=3, column=6).data_type == "s"  # text, not formula
    assert list(book["Indikator"].iter_rows(values_only=True))[1:] == [
        (2023, 142),
        (2024, 118),
        (2025, 97.5),
    ]
