"""Printable cards for the tables: one A6 card per home group (its name, a QR code that joins
straight into that group, the meeting's code and the address to type), one per expert table
once the tables are published, and an A4 agenda handout — one PDF, four cards to an A4 sheet
with cut marks, so an office printer prints them as they are."""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string
from django.urls import reverse

from meetings.errors import Unavailable
from meetings.models import Group, Meeting
from summary.formats import PANGO_HINT, xml_text


def group_join_path(meeting: Meeting, group: Group) -> str:
    """The path a home group's card encodes: the meeting's join page with the group chosen."""
    return reverse("meetings:join_group", args=[meeting.join_code, group.pk])


def qr_data_uri(url: str) -> str:
    """An SVG QR code of `url` as a data: URI for the printed page (no file, no network)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


@dataclass(frozen=True)
class Card:
    kind: str  # "home" or "expert"
    name: str
    url: str
    qr: str
    note: str = ""


def cards_context(meeting: Meeting, *, absolute: Callable[[str], str]) -> dict[str, object]:
    """Everything the PDF shows; `absolute` makes a path into the address people type."""
    meeting_url = absolute(reverse("meetings:join", args=[meeting.join_code]))
    cards = []
    for group in meeting.home_groups():
        url = absolute(group_join_path(meeting, group))
        cards.append(Card("home", group.name, url, qr_data_uri(url)))
    if meeting.experts_published_at is not None:
        tables = meeting.groups.filter(kind=Group.Kind.EXPERT).order_by("position", "pk")
        for table in tables.prefetch_related("expert_members__home_group"):
            homes = sorted({member.home_group.name for member in table.expert_members.all()})
            cards.append(
                Card("expert", table.name, meeting_url, qr_data_uri(meeting_url), ", ".join(homes))
            )
    return {
        "meeting": meeting,
        "cards": cards,
        "sheets": [cards[index : index + 4] for index in range(0, len(cards), 4)],
        "agenda": list(meeting.phases.order_by("position")),
        "meeting_url": meeting_url,
        "start_url": absolute(reverse("meetings:start")),
        "meeting_qr": qr_data_uri(meeting_url),
    }


def cards_pdf(meeting: Meeting, *, absolute: Callable[[str], str]) -> bytes:
    try:
        # Imported here: loading WeasyPrint and Pango takes a second or more.
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # the package or its shared libraries are missing
        raise Unavailable("cards_unavailable", str(PANGO_HINT)) from error
    page = render_to_string("screens/cards_print.html", cards_context(meeting, absolute=absolute))
    pdf = HTML(string=xml_text(page)).write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None  # write_pdf() without a target returns the bytes
    return pdf
