"""One document, three views, one registry of outputs (issue #18's structure).

The workspace (editor), the public page (public) and the JSON archive (record) are views of the
one `MeetingDocument`, so they agree on the editor's wording and order; every download is an
entry of summary/outputs.py, the download lists are generated from it, and one row source
gives the same rows to CSV and XLSX.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from meetings.models import Meeting, Series
from summary import services as summary_services
from summary.outputs import FORMATS, OUTPUTS, Scope, outputs

from .test_archive_v4 import reordered as reordered  # the fixtures, shared
from .test_article_whole import CLOSING, LEAD, REWORDED
from .test_article_whole import finished as finished
from .test_article_whole import ran as ran
from .test_series import ranked as ranked
from .test_series import series as series


def test_the_three_views_agree(reordered: Meeting) -> None:
    doc = summary_services.meeting_document(reordered)
    editor = doc.for_editor()
    public = doc.for_public()
    record = doc.for_record()
    # The editor's order (Rektorer moved up past Förskollärare) in the workspace and on the
    # public page …
    order = ["Lärare", "Rektorer", "Förskollärare"]
    assert [row.group.name for row in editor.home_groups][:3] == order
    assert [group["name"] for group in public["home_groups"]][:3] == order
    # … and the record keeps the seating order's keys, with the editor's order beside them.
    assert record["editor"]["group_order"][:3] == ["g1", "g3", "g2"]
    teachers = next(row for row in editor.home_groups if row.group.name == "Lärare")
    reworded = teachers.factors[1]
    assert (reworded.original, reworded.text, reworded.is_edited) == (
        "Studiero i klasrummet",
        REWORDED,
        True,
    )
    assert REWORDED in next(g for g in public["home_groups"] if g["name"] == "Lärare")["factors"]
    assert record["editor"]["factor_edits"] == [
        {"group": "g1", "position": 2, "text": REWORDED, "based_on": "Studiero i klasrummet"}
    ]
    assert (public["lead"], public["closing"]) == (LEAD, CLOSING)
    assert (record["editor"]["lead"], record["editor"]["closing"]) == (LEAD, CLOSING)
    # The themes: the same ones in the public view and the record.
    assert [theme["label"] for theme in public["themes"]] == [
        theme["label"] for theme in record["themes"]
    ]
    assert public["themes"], "the two lists share a theme"


def test_publishing_keeps_the_public_view(reordered: Meeting, facilitator: User) -> None:
    draft = summary_services.publish(meeting=reordered, user=facilitator)
    assert draft.published_content == summary_services.meeting_document(reordered).for_public()


def test_every_meeting_output_downloads_from_the_registry(
    editor_client: Client, finished: Meeting
) -> None:
    page = editor_client.get(reverse("meetings:detail", args=[finished.pk])).content.decode()
    for output in outputs(Scope.MEETING).values():
        url = reverse("summary:export", args=[finished.pk, output.identifier])
        assert url in page and str(output.label) in page  # the Exportera list is the registry
        response = editor_client.get(url)
        assert response.status_code == 200, output.identifier
        assert response["Content-Type"] == output.media_type
        assert f".{output.extension}" in response["Content-Disposition"]
        assert _undated(response.content) == _undated(output.write(finished)), output.identifier
    # Every entry is complete: identifier, Swedish label, media type, extension.
    for output in OUTPUTS:
        assert output.identifier and str(output.label) and "/" in output.media_type
        assert output.extension and callable(output.render)


def _undated(download: bytes) -> object:
    """A download without the time it was written: a ZIP package (DOCX, XLSX) stamps each
    member and its core properties with the time of writing, so two writes a second apart
    differ there; the members' names and contents otherwise compare as they are."""
    if not download.startswith(b"PK\x03\x04"):
        return download
    with zipfile.ZipFile(io.BytesIO(download)) as package:
        return [
            (
                name,
                re.sub(
                    rb"(<dcterms:(?:created|modified)\b[^>]*>)[^<]*", rb"\1", package.read(name)
                ),
            )
            for name in package.namelist()
        ]


def test_csv_and_xlsx_are_one_row_source(finished: Meeting) -> None:
    """The same rows, written twice: the CSV is the XLSX's first sheet, cell for cell."""
    text = FORMATS["csv"].write(finished).decode("utf-8-sig")
    from_csv = list(csv.reader(io.StringIO(text), delimiter=";"))
    book = openpyxl.load_workbook(io.BytesIO(FORMATS["xlsx"].write(finished)))

    def as_csv(value: object) -> str:
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        return "" if value is None else str(value)

    from_xlsx = [
        [as_csv(value) for value in row] for row in book.worksheets[0].iter_rows(values_only=True)
    ]
    assert len(from_csv) == len(from_xlsx) > 1
    assert from_csv == from_xlsx


def test_series_downloads_come_from_the_registry(editor_client: Client, ranked: Series) -> None:
    page = editor_client.get(reverse("summary:series", args=[ranked.pk])).content.decode()
    links = 0
    for output in outputs(Scope.SERIES).values():
        url = reverse("summary:series_export", args=[ranked.pk, output.identifier])
        tables = output.tables(ranked)
        for query in [f"?table={name}" for name, _title in tables] or [""]:
            assert f'href="{url}{query}"' in page
            response = editor_client.get(url + query)
            assert response.status_code == 200, url + query
            assert response["Content-Type"] == output.media_type
            links += 1
    assert links == 4  # the workbook, and a CSV for meetings, factors and the indicator
    # The old addresses still answer.
    assert editor_client.get(reverse("summary:series_xlsx", args=[ranked.pk])).status_code == 200
    assert (
        editor_client.get(reverse("summary:series_export", args=[ranked.pk, "exe"])).status_code
        == 404
    )


@pytest.mark.parametrize("fmt", ["md", "exe"])
def test_a_series_has_no_meeting_formats(editor_client: Client, ranked: Series, fmt: str) -> None:
    assert (
        editor_client.get(reverse("summary:series_export", args=[ranked.pk, fmt])).status_code
        == 404
    )
