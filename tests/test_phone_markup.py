"""The phone's lists name each control's URL once: plain forms carry the whole URL (no script
needed), htmx controls only their action, which the page's script puts after the list's
data-base and the item's id. Both must lead where the URL names say."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from groups import services
from meetings import services as meeting_services
from meetings.models import Group, Meeting, Participant, PhaseKind


def completed(html: str, list_id: str, item_attr: str, item_id: int, action: str) -> str:
    """What static/js/topp25.js makes of a relative htmx path inside an item."""
    base = re.search(rf'id="{list_id}"[^>]*data-base="([^"]+)"', html)
    assert base, f"#{list_id} has no data-base"
    item = re.search(rf'<li[^>]*{item_attr}="{item_id}"[^>]*>(.*?)</li>', html, re.S)
    assert item, f"no item {item_id} in #{list_id}"
    assert f'"{action}"' in item.group(1), f"{action} not in item {item_id}"
    return base.group(1) + f"{item_id}/{action}"


@pytest.mark.django_db
def test_factor_controls_lead_to_their_views(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
) -> None:
    join_as(teachers)
    factor = add_factors(teachers, 2)[1]
    html = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
    args = [meeting.join_code, teachers.pk, factor.pk]
    for name, action in (("groups:move", "move/"), ("groups:remove", "remove/")):
        assert f'action="{reverse(name, args=args)}"' in html  # without script
        assert completed(html, "factor-list", "data-factor-id", factor.pk, action) == reverse(
            name, args=args
        )
    assert f'href="{reverse("groups:edit", args=args)}"' in html
    assert completed(html, "factor-list", "data-factor-id", factor.pk, "edit/") == reverse(
        "groups:edit", args=args
    )
    # Up and down are one form; the pressed button says which way.
    assert re.search(rf'id="factor-{factor.pk}-up"[^>]*name="direction" value="up"', html)
    assert re.search(rf'id="factor-{factor.pk}-down"[^>]*name="direction" value="down"', html)


@pytest.mark.django_db
def test_pool_controls_lead_to_their_views(
    client: Client, meeting: Meeting, teachers: Group, join_as: Callable[..., Participant]
) -> None:
    me = join_as(teachers)
    idea = services.add_idea(group=teachers, author=me, text="Studiero")
    phase = meeting_services.add_phase(
        meeting=meeting, kind=PhaseKind.AGREE, title="Enas", planned_minutes=10
    )
    meeting_services.start_phase(meeting=meeting, phase_id=phase.pk)
    html = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
    args = [meeting.join_code, teachers.pk, idea.pk]
    for name, action in (
        ("groups:dot", "dot/"),
        ("groups:pick", "pick/"),
        ("groups:idea_withdraw", "withdraw/"),
        ("groups:idea_edit", "edit/"),
    ):
        assert completed(html, "idea-list", "data-idea-id", idea.pk, action) == reverse(
            name, args=args
        )
    assert f'href="{reverse("groups:idea_edit", args=args)}"' in html
    # Accessible names still say which idea a button is about.
    # Hidden text carries the whole name (a hidden span after visible text gave "Till listan : …").
    assert "Sätt en prick på: Studiero" in html and ">Till listan: Studiero<" in html


@pytest.mark.django_db
def test_pages_are_sent_compressed(
    client: Client, meeting: Meeting, teachers: Group, join_as: Callable[..., Participant]
) -> None:
    """Page weight: the HTML goes gzipped to a browser that accepts it, and two answers with
    the same page differ in their compressed bytes (masked CSRF token, random padding)."""
    import gzip

    join_as(teachers)
    url = reverse("groups:page", args=[meeting.join_code])
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    first = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    second = client.get(url, HTTP_ACCEPT_ENCODING="gzip, br")
    assert first.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in first.headers["Vary"]
    html = gzip.decompress(first.content).decode()
    assert 'id="factor-form"' in html and len(first.content) < len(html.encode()) / 2
    assert first.content != second.content
