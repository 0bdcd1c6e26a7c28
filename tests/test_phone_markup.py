"""The phone's lists without JavaScript: every control is a plain form whose action is the
view's whole URL, and sending it does what the button says. (With the script, htmx controls
name only their action and topp25.js completes the URL: tests/browser/test_list_controls.py
presses them in Chromium.)"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from groups import services
from meetings.models import Group, Meeting, Participant, PhaseKind
from tests.support.phases import run_phase


@pytest.mark.django_db
def test_factor_controls_work_without_script(
    client: Client,
    meeting: Meeting,
    teachers: Group,
    join_as: Callable[..., Participant],
    add_factors: Callable[[Group, int], list[Any]],
) -> None:
    join_as(teachers)
    first, second = add_factors(teachers, 2)
    page = reverse("groups:page", args=[meeting.join_code])
    html = client.get(page).content.decode()
    args = [meeting.join_code, teachers.pk, second.pk]
    move, remove = reverse("groups:move", args=args), reverse("groups:remove", args=args)
    assert f'action="{move}"' in html and f'action="{remove}"' in html
    assert f'href="{reverse("groups:edit", args=args)}"' in html
    # Up and down are one form; the pressed button says which way.
    assert re.search(rf'id="factor-{second.pk}-up"[^>]*name="direction" value="up"', html)
    assert re.search(rf'id="factor-{second.pk}-down"[^>]*name="direction" value="down"', html)
    response = client.post(move, {"direction": "up", "position": "2"})
    assert response.status_code == 302 and response["Location"] == page
    assert list(teachers.factors.order_by("position").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    assert client.post(remove, {"version": str(second.version)}).status_code == 302
    assert list(teachers.factors.values_list("pk", flat=True)) == [first.pk]


@pytest.mark.django_db
def test_own_idea_is_withdrawn_without_script_in_private_mode(
    client: Client, meeting: Meeting, teachers: Group, join_as: Callable[..., Participant]
) -> None:
    me = join_as(teachers)
    # Private mode: the phone lists its own ideas with plain forms (the shared pool's
    # buttons need the script).
    services.update_pool_settings(
        meeting=meeting, dots_per_member=3, several_dots_per_idea=False, private_until_revealed=True
    )
    run_phase(meeting, PhaseKind.BUZZ)
    idea = services.add_idea(group=teachers, author=me, text="Studiero")
    html = client.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
    withdraw = reverse("groups:idea_withdraw", args=[meeting.join_code, teachers.pk, idea.pk])
    assert f'action="{withdraw}"' in html
    # Accessible names say which idea a button is about.
    assert "Ta tillbaka din idé: Studiero" in html
    assert client.post(withdraw).status_code == 302
    idea.refresh_from_db()
    assert idea.withdrawn_at is not None


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
