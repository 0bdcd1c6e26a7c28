"""Join codes cannot be guessed: one answer for wrong and closed codes, failed joins limited
per client and per code, nothing publicly cacheable."""

from __future__ import annotations

import difflib
import re

import pytest
from django.test import Client
from django.urls import reverse

from meetings.models import Group, Meeting, Participant
from meetings.services import set_joining_open

WRONG = "ZZZZZZ"


def _answers(client: Client, code: str, group: Group) -> list[tuple[int, str]]:
    """What a guesser sees for a code, on every URL that takes one."""
    responses = [
        client.get("/", {"code": code}),
        client.get(reverse("meetings:join", args=[code])),
        client.post(reverse("meetings:join", args=[code]), {"home_group": group.pk}),
        client.get(reverse("meetings:qr", args=[code])),
        client.get(reverse("groups:page", args=[code]), follow=True),
        client.get(reverse("groups:state", args=[code, group.pk])),
        client.post(reverse("groups:add", args=[code, group.pk]), {"text": "x"}),
        client.post(
            reverse("groups:add", args=[code, group.pk]), {"text": "x"}, HTTP_HX_REQUEST="true"
        ),
    ]
    answers = []
    for response in responses:
        body = response.content.decode().replace(code, "CODE")
        # Per-response secrets differ anyway.
        body = re.sub(r'"[A-Za-z0-9+/=_-]{20,}"', '"X"', body)
        hx_redirect = response.get("HX-Redirect", "").replace(code, "CODE")
        answers.append((response.status_code, body + hx_redirect))
    return answers


def test_closed_and_wrong_codes_answer_alike(client: Client, meeting: Meeting, teachers: Group):
    set_joining_open(meeting=meeting, is_open=False)
    closed = _answers(Client(), meeting.join_code, teachers)
    wrong = _answers(Client(), WRONG, teachers)
    # Every URL with a code: the one refusal (404), counted; htmx is sent to the join page.
    assert [status for status, _body in closed] == [404, 404, 404, 404, 404, 404, 404, 200]
    for (_s1, a), (_s2, b) in zip(closed, wrong, strict=True):
        assert a == b, "\n".join(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm=""))
    assert closed == wrong
    assert "Det finns inget öppet möte med koden" in closed[0][1]
    assert Participant.objects.count() == 0


def test_join_answers_are_never_publicly_cached(client: Client, meeting: Meeting) -> None:
    urls = [
        "/?code=" + meeting.join_code,
        "/?code=" + WRONG,
        reverse("meetings:join", args=[meeting.join_code]),
        reverse("meetings:join", args=[WRONG]),
        reverse("meetings:qr", args=[meeting.join_code]),
        reverse("meetings:qr", args=[WRONG]),
    ]
    for url in urls:
        response = client.get(url)
        cache_control = response.get("Cache-Control", "")
        assert "public" not in cache_control and "max-age=3600" not in cache_control, url
        assert "no-store" in cache_control and "private" in cache_control, url


def test_qr_of_a_closed_meeting_is_like_an_unknown_one(client: Client, meeting: Meeting) -> None:
    assert client.get(reverse("meetings:qr", args=[meeting.join_code])).status_code == 200
    set_joining_open(meeting=meeting, is_open=False)
    closed = client.get(reverse("meetings:qr", args=[meeting.join_code]))
    unknown = client.get(reverse("meetings:qr", args=[WRONG]))
    assert closed.status_code == unknown.status_code == 404
    assert closed["Content-Type"] == unknown["Content-Type"]


def test_failed_joins_are_limited_per_client(settings, meeting: Meeting, teachers: Group) -> None:
    settings.JOIN_FAILURES_PER_CLIENT = "5/10m"
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for index in range(5):
        assert guesser.get("/", {"code": f"ZZZZZ{index + 2}"}).status_code == 404
    blocked = guesser.get("/", {"code": "ZZZZZ9"})
    assert blocked.status_code == 429
    assert "För många försök med fel kod" in blocked.content.decode()
    assert int(blocked["Retry-After"]) > 0
    assert "no-store" in blocked["Cache-Control"]
    # Over the limit even the right code says 429: the limit tells nothing about codes.
    assert guesser.get("/", {"code": meeting.join_code}).status_code == 429
    assert guesser.get(reverse("meetings:join", args=[meeting.join_code])).status_code == 429
    assert guesser.get(reverse("meetings:qr", args=[meeting.join_code])).status_code == 429
    assert guesser.get(reverse("groups:page", args=[WRONG]), follow=True).status_code == 429
    # Another phone in the hall is not affected.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert other.get("/", {"code": meeting.join_code}).status_code == 302
    assert (
        other.post(
            reverse("meetings:join", args=[meeting.join_code]), {"home_group": teachers.pk}
        ).status_code
        == 302
    )


def test_failed_joins_are_limited_per_code(settings, meeting: Meeting, teachers: Group) -> None:
    settings.JOIN_FAILURES_PER_CODE = "3/10m"
    set_joining_open(meeting=meeting, is_open=False)
    for index in range(3):
        phone = Client(REMOTE_ADDR=f"198.51.100.{index + 1}")
        assert phone.get(reverse("meetings:join", args=[meeting.join_code])).status_code == 404
    late = Client(REMOTE_ADDR="198.51.100.50")
    assert late.get(reverse("meetings:join", args=[meeting.join_code])).status_code == 429
    assert late.get(reverse("meetings:join", args=[WRONG])).status_code == 404


def test_joined_participants_keep_their_place(
    settings, client: Client, meeting: Meeting, teachers: Group
) -> None:
    settings.JOIN_FAILURES_PER_CLIENT = "2/10m"
    phone = Client(REMOTE_ADDR="203.0.113.8")
    join = reverse("meetings:join", args=[meeting.join_code])
    assert phone.post(join, {"home_group": teachers.pk}).status_code == 302
    set_joining_open(meeting=meeting, is_open=False)
    for _attempt in range(3):  # the same phone mistypes a code: now over its limit
        phone.get("/", {"code": WRONG})
    assert phone.get("/", {"code": meeting.join_code}).status_code == 302
    assert phone.get(join).status_code == 302
    assert phone.get(reverse("groups:page", args=[meeting.join_code])).status_code == 200
    response = phone.post(
        reverse("groups:add", args=[meeting.join_code, teachers.pk]), {"text": "Tid"}
    )
    assert response.status_code == 302
    assert teachers.factors.get().text == "Tid"


@pytest.mark.parametrize("rate", ["60/10m", "30/10m"])
def test_default_rates_parse(rate: str) -> None:
    from django_fast_ratelimit import parse_rate

    assert parse_rate(rate)[1] == 600


def test_an_ipv6_client_is_its_whole_network(settings, meeting: Meeting) -> None:
    settings.JOIN_FAILURES_PER_CLIENT = "3/10m"
    for host in range(3):  # one phone hopping between addresses of its /64
        Client(REMOTE_ADDR=f"2001:db8:1:2::{host + 1}").get("/", {"code": WRONG})
    assert Client(REMOTE_ADDR="2001:db8:1:2::99").get("/", {"code": WRONG}).status_code == 429
    assert Client(REMOTE_ADDR="2001:db8:1:3::1").get("/", {"code": WRONG}).status_code == 404
