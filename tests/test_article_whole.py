"""The editor's article, whole in every format: each download read back by its own reader
(Markdown by markdown-it, HTML and the public page by an HTML parser, DOCX by python-docx, PDF
by pypdf) has title, date, venue, lead, core question, agenda, every group's list in the
editor's wording, themes, reflection words and the closing paragraph, in that order."""

from __future__ import annotations

import datetime
import io
from html.parser import HTMLParser

import docx
import pypdf
import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from markdown_it import MarkdownIt

from groups import reflection
from groups import services as group_services
from meetings import services
from meetings.models import Meeting, Participant, PhaseKind
from summary import services as summary_services
from summary.outputs import ARTICLE_FORMATS, FORMATS

LEAD = "Hundra personer från skolans alla led möttes i Stadshuset en eftermiddag i november."
CLOSING = "Nästa steg: förvaltningen återkommer med en plan till nämnden i februari."
REWORDED = "Studiero i klassrummet"


@pytest.fixture
def ran(facilitator: User) -> Meeting:
    """A meeting that ran: an agenda with times, two groups' lists and a reflection."""
    meeting = services.create_meeting(
        facilitator=facilitator,
        title="Dialogmöte 2: Vad höjer resultaten?",
        date=datetime.date(2026, 11, 23),
        venue="Stadshuset, Sessionssalen",
        core_question="Vad gör att eleverna når målen?",
        usual_home_groups=True,
    )
    welcome = services.add_phase(
        meeting=meeting, kind=PhaseKind.INTRODUCTION, title="Välkomna", planned_minutes=10
    )
    words_phase = services.add_phase(
        meeting=meeting, kind=PhaseKind.REFLECTION, title="Reflektion i ord", planned_minutes=5
    )
    teachers = meeting.home_groups().get(name="Lärare")
    principals = meeting.home_groups().get(name="Rektorer")
    for group in (teachers, principals):
        services.join_meeting(meeting=meeting, home_group_id=group.pk)
    for text in ["Trygg lärmiljö", "Studiero i klasrummet"]:
        group_services.add_factor(group=teachers, text=text)
    for text in ["Trygghet på skolgården", "Nära pedagogiskt ledarskap"]:
        group_services.add_factor(group=principals, text=text)
    services.start_phase(meeting=meeting, phase_id=welcome.pk)
    services.start_phase(meeting=meeting, phase_id=words_phase.pk)
    for person in Participant.objects.filter(meeting=meeting):
        reflection.submit_words(meeting=meeting, participant=person, entries=["Hopp"])
    services.end_phase(meeting=meeting)
    return meeting


@pytest.fixture
def finished(ran: Meeting, facilitator: User) -> Meeting:
    """`ran` with the editor's work: a lead, a closing paragraph and one reworded factor."""
    meeting = ran
    teachers = meeting.home_groups().get(name="Lärare")
    for field, text in (("lead", LEAD), ("closing", CLOSING)):
        summary_services.save_text(
            meeting=meeting, field=field, text=text, version=1, user=facilitator
        )
    typo = teachers.factors.get(position=2)
    summary_services.save_factor_wording(
        meeting=meeting, factor_id=typo.pk, text=REWORDED, version=0, user=facilitator
    )
    return meeting


# What every article carries, in reading order.
PARTS = [
    "Dialogmöte 2: Vad höjer resultaten?",  # title
    "23 november 2026",  # date
    "Stadshuset, Sessionssalen",  # venue
    LEAD,
    "Vad gör att eleverna når målen?",  # core question
    "Välkomna",  # the agenda, in order
    "Reflektion i ord",
    "Trygg lärmiljö",  # the groups' lists, in the editor's wording
    REWORDED,
    "Trygghet på skolgården",
    "Nära pedagogiskt ledarskap",
    "Trygghet och studiero — 2 av",  # a theme the two lists share
    "Hopp (2)",  # the reflection
    CLOSING,
]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("script", "style", "head")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "head")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.chunks).split())


def _docx(body: bytes) -> str:
    return " ".join(p.text for p in docx.Document(io.BytesIO(body)).paragraphs)


def _pdf(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# Each article format's own reader, by media type: an article output without one fails below.
READERS = {
    "text/markdown": lambda body: html_text(MarkdownIt().render(body.decode("utf-8"))),
    "text/html": lambda body: html_text(body.decode("utf-8")),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _docx,
    "application/pdf": _pdf,
}


def read_back(fmt: str, body: bytes) -> str:
    media_type = FORMATS[fmt].media_type.split(";")[0]
    return READERS[media_type](body)


def assert_in_order(text: str, parts: list[str]) -> None:
    position = 0
    for part in parts:
        found = text.find(part, position)
        assert found >= 0, f"{part!r} missing after position {position}: {text[position:][:300]!r}"
        position = found + len(part)


def test_every_output_declares_what_it_is() -> None:
    """A new download is an article (read back whole below), or one of the record's
    spreadsheets and archive: it cannot join the registry without saying which."""
    assert set(ARTICLE_FORMATS) >= {"md", "html", "docx", "pdf"}
    assert {fmt for fmt in FORMATS if fmt not in ARTICLE_FORMATS} == {"xlsx", "csv", "json"}
    for fmt in ARTICLE_FORMATS:
        assert FORMATS[fmt].media_type.split(";")[0] in READERS, f"no reader for {fmt}"


@pytest.mark.parametrize("fmt", ARTICLE_FORMATS)
def test_every_article_format_is_whole_and_in_order(
    client: Client, facilitator: User, finished: Meeting, fmt: str
) -> None:
    """Every article output of the registry, downloaded as the editor does, read back by its
    own reader: every part there, in order."""
    client.force_login(facilitator)
    response = client.get(reverse("summary:export", args=[finished.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Type"] == FORMATS[fmt].media_type
    text = read_back(fmt, response.content)
    assert_in_order(text, PARTS)
    assert "Studiero i klasrummet" not in text  # the group's typo, reworded by the editor


def test_the_public_page_is_whole_and_in_order(
    client: Client, facilitator: User, finished: Meeting
) -> None:
    client.force_login(facilitator)
    preview = client.get(reverse("summary:preview", args=[finished.pk]))
    assert_in_order(html_text(preview.content.decode()), PARTS)
    draft = summary_services.publish(meeting=finished, user=facilitator)
    client.logout()
    page = client.get(reverse("summary:public", args=[draft.public_token]))
    assert page.status_code == 200
    assert_in_order(html_text(page.content.decode()), PARTS)


def test_the_same_after_publishing(finished: Meeting, facilitator: User) -> None:
    summary_services.publish(meeting=finished, user=facilitator)
    for fmt in ARTICLE_FORMATS:
        assert_in_order(read_back(fmt, FORMATS[fmt].write(finished)), PARTS)
