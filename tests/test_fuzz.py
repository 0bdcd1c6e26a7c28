"""Property-based tests (hypothesis): whatever people type or send — controls and NUL, RTL and
combining marks, emoji, HTML and script, SQL-looking text, oversized text, forged ids, wrong
methods — the answer is never a 500, nothing is stored on refusal, and text is escaped."""

from __future__ import annotations

import datetime
import json
import re
import uuid
from io import StringIO
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from groups import services as group_services
from groups.models import SuccessFactor
from meetings import services
from meetings.models import Group, Meeting, Participant
from meetings.participation import remember_participant
from meetings.roles import FACILITATOR_ROLE
from meetings.text import clean_text
from summary.archive import meeting_data
from summary.outputs import meeting_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE meetings_meeting; --",
    "1 OR 1=1",
    "\x00",
    "\x00\x00\x00",
    "a\x1b[31mb",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "e\u0301\u0301\u0301",
    "👩‍🏫👨‍👩‍👧‍👦",
    "\ud800",
    "x" * 5000,
    "   ",
    "{{ 7*7 }}{% debug %}",
    "[länk](javascript:alert(1))",
    "# rubrik\n- lista",
]
# HTTP carries UTF-8 only: lone surrogates reach the app through JSON imports (below).
texts = st.one_of(
    st.sampled_from([h for h in HOSTILE if h != "\ud800"]),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=300),
)
import_texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300))
ids = st.one_of(st.integers(min_value=-(2**63), max_value=2**63), st.text(max_size=30))
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _raw_tags(text: str) -> bool:
    """An unescaped tag from the input (HTML escapes to &lt;, Markdown to \\<)."""
    return re.search(r"(?<!\\)<(script>alert|img src=x)", text) is not None


class FuzzTests(TestCase):
    def setUp(self) -> None:
        # Unique and without a password (no hashing): hypothesis runs setUp per example.
        self.user = User.objects.create_user(f"anna-{uuid.uuid4().hex}")
        self.user.groups.add(AuthGroup.objects.get(name=FACILITATOR_ROLE))
        self.meeting = services.create_meeting(
            facilitator=self.user,
            title="Möte",
            date=datetime.date(2026, 11, 23),
            core_question="Vad?",
            usual_home_groups=True,
        )
        self.group = self.meeting.home_groups().first()
        assert self.group is not None
        self.phone = Client()
        participant = services.join_meeting(meeting=self.meeting, home_group_id=self.group.pk)
        session = self.phone.session
        remember_participant(session, participant)
        session.save()
        self.staff = Client()
        self.staff.force_login(self.user)

    def _factors(self) -> list[tuple[int, str, int]]:
        return list(SuccessFactor.objects.values_list("pk", "text", "version").order_by("pk"))

    @FUZZ
    @given(text=texts, htmx=st.booleans())
    def test_add_factor(self, text: str, htmx: bool) -> None:
        SuccessFactor.objects.all().delete()
        url = reverse("groups:add", args=[self.meeting.join_code, self.group.pk])
        extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = self.phone.post(url, {"text": text}, **extra)
        expected = " ".join(clean_text(text).split())
        if response.status_code in (200, 302):
            assert self._factors()[0][1] == expected
        else:
            assert response.status_code == 400, response.status_code
            assert self._factors() == []
        assert not _raw_tags(response.content.decode())

    @FUZZ
    @given(text=texts, version=ids, factor_id=st.integers(min_value=0, max_value=10**9))
    def test_edit_factor(self, text: str, version: Any, factor_id: int) -> None:
        SuccessFactor.objects.all().delete()
        factor = group_services.add_factor(group=self.group, text="Före")
        for target in (factor.pk, factor_id):
            before = self._factors()
            url = reverse("groups:edit", args=[self.meeting.join_code, self.group.pk, target])
            response = self.phone.post(url, {"text": text, "version": version})
            assert response.status_code < 500
            if response.status_code >= 400:
                assert self._factors() == before
            assert not _raw_tags(response.content.decode())

    @FUZZ
    @given(name=texts, group_id=ids, token=st.text(max_size=40))
    def test_join(self, name: str, group_id: Any, token: str) -> None:
        before = Participant.objects.count()
        response = Client().post(
            reverse("meetings:join", args=[self.meeting.join_code]),
            {"display_name": name, "home_group": group_id, "join_token": token},
        )
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 302:
            stored = Participant.objects.order_by("-pk").first()
            assert stored is not None and stored.display_name == clean_text(name)
        else:
            assert Participant.objects.count() == before
        assert not _raw_tags(response.content.decode())

    @FUZZ
    @given(code=texts)
    def test_start_with_any_code(self, code: str) -> None:
        response = Client().get("/", {"code": code})
        assert response.status_code in (302, 400, 404, 429)
        assert not _raw_tags(response.content.decode())

    @FUZZ
    @given(name=texts, profession=texts)
    def test_add_group(self, name: str, profession: str) -> None:
        before = list(Group.objects.values_list("pk", "name"))
        response = self.staff.post(
            reverse("meetings:group_add", args=[self.meeting.pk]),
            {"name": name, "profession": profession},
        )
        assert response.status_code in (302, 400, 409), response.status_code
        if response.status_code != 302:
            assert list(Group.objects.values_list("pk", "name")) == before
        assert not _raw_tags(response.content.decode())

    @FUZZ
    @given(
        title=texts,
        venue=texts,
        question=texts,
        series=texts,
        count=st.one_of(st.integers(), st.text(max_size=5)),
        date=st.one_of(st.dates().map(str), st.text(max_size=12)),
    )
    def test_create_meeting(
        self, title: str, venue: str, question: str, series: str, count: Any, date: str
    ) -> None:
        before = Meeting.objects.count()
        response = self.staff.post(
            reverse("meetings:create"),
            {
                "title": title,
                "venue": venue,
                "core_question": question,
                "series_name": series,
                "factor_count": count,
                "date": date,
            },
        )
        assert response.status_code in (302, 400), response.status_code
        if response.status_code == 400:
            assert Meeting.objects.count() == before
        assert not _raw_tags(response.content.decode())

    @FUZZ
    @given(method=st.sampled_from(["get", "put", "patch", "delete", "options"]))
    def test_wrong_methods(self, method: str) -> None:
        before = self._factors()
        for url in (
            reverse("groups:add", args=[self.meeting.join_code, self.group.pk]),
            reverse("groups:agree", args=[self.meeting.join_code, self.group.pk]),
            reverse("meetings:room_rotate", args=[self.meeting.pk]),
            reverse("meetings:joining", args=[self.meeting.pk]),
        ):
            for client in (self.phone, self.staff):
                response = getattr(client, method)(url)
                if response.status_code == 302:  # a phone on a staff URL: log in first
                    assert response["Location"].startswith("/accounts/login/")
                else:
                    assert response.status_code in (403, 405), (method, url)
        assert self._factors() == before

    def test_missing_csrf_changes_nothing(self) -> None:
        strict = Client(enforce_csrf_checks=True)
        strict.force_login(self.user)
        token = self.meeting.room_token
        response = strict.post(reverse("meetings:room_rotate", args=[self.meeting.pk]))
        assert response.status_code == 403
        self.meeting.refresh_from_db()
        assert self.meeting.room_token == token

    @FUZZ
    @given(
        path=st.lists(
            st.sampled_from(["meeting", "groups", "factors", "participants"]), max_size=1
        ),
        value=st.one_of(
            texts,
            st.integers(),
            st.none(),
            st.booleans(),
            st.lists(st.integers(), max_size=3),
            st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
        ),
        key=st.sampled_from(
            [
                "title",
                "venue",
                "core_question",
                "date",
                "factor_count",
                "series",
                "name",
                "text",
                "key",
                "profession",
                "kind",
                "agreed",
                "position",
                "home_group",
                "author",
                "extra",
            ]
        ),
    )
    def test_import_never_crashes(self, path: list[str], value: Any, key: str) -> None:
        group_services.add_factor(group=self.group, text="Tid för lärande")
        data = meeting_data(self.meeting)
        where = path[0] if path else "meeting"
        if where == "meeting":
            data["meeting"][key] = value
        elif where == "groups":
            data["groups"][0][key] = value
        elif where == "factors":
            data["groups"][0]["factors"][0][key] = value
        else:
            data["participants"][0][key] = value
        counts = (Meeting.objects.count(), Group.objects.count(), SuccessFactor.objects.count())
        with TemporaryDirectory() as folder:
            file = Path(folder) / "import.json"
            file.write_text(json.dumps(data), encoding="utf-8")
            try:
                call_command("import_meeting", str(file), stdout=StringIO())
            except CommandError:
                after = (
                    Meeting.objects.count(),
                    Group.objects.count(),
                    SuccessFactor.objects.count(),
                )
                assert after == counts
                return
        imported = Meeting.objects.order_by("-pk").first()
        assert imported is not None
        markdown = meeting_markdown(imported)
        assert "\x00" not in markdown and not _raw_tags(markdown)
        SuccessFactor.objects.filter(group__meeting=self.meeting).delete()


@pytest.mark.django_db(transaction=True)
def test_socket_messages_change_nothing(meeting: Meeting, teachers: Group) -> None:
    """Screens only listen: whatever a socket sends (text, bytes, hostile, big) is ignored,
    the socket stays usable, and nothing is stored."""
    from asgiref.sync import async_to_sync
    from channels.testing import WebsocketCommunicator

    from topp25.asgi import application

    headers = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]
    before = list(SuccessFactor.objects.values_list("pk", "text"))

    async def send_all() -> str:
        room = WebsocketCommunicator(
            application, f"/ws/room/{meeting.room_token}/", headers=headers
        )
        ok, _code = await room.connect(timeout=5)
        assert ok
        await room.receive_from(timeout=3)
        for message in [*HOSTILE, json.dumps({"type": "group.state", "html": "<b>x</b>"})]:
            if message == "\ud800":
                await room.send_to(bytes_data=b"\xed\xa0\x80")
            else:
                await room.send_to(text_data=message)
        await room.send_to(bytes_data=bytes(1024))
        assert await room.receive_nothing(timeout=0.5)
        # Still live: a real change arrives.
        await database_sync_to_async(group_services.add_factor)(
            group=teachers, text="Ny <script>alert(1)</script>"
        )
        fragment = await room.receive_from(timeout=3)
        await room.disconnect()
        return str(fragment)

    fragment = async_to_sync(send_all)()
    assert "Ny &lt;script&gt;" in fragment and not _raw_tags(fragment)
    assert "<b>x</b>" not in fragment
    after = list(SuccessFactor.objects.exclude(text__startswith="Ny").values_list("pk", "text"))
    assert not _raw_tags(meeting_markdown(meeting))
    assert after == before
