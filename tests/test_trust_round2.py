"""Issue #17, "Trust, second round": one test per finding (1-5, 7-11; finding 6, phases that
do not close the pool, is tested with the phase enforcement). Each failed on main 9ab6688."""

from __future__ import annotations

import datetime
import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from groups import reflection
from groups import services as group_services
from groups.models import Idea
from meetings import services
from meetings.models import Group, Meeting, Participant, PhaseKind, Series
from meetings.participation import remember_participant
from meetings.phases import AgendaTemplate
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE
from summary import services as summary_services
from summary.models import SeriesIndicator
from tests.support.live import HOST, connected, phone_session, phone_socket

HX = {"HTTP_HX_REQUEST": "true"}
WRONG = "ZZZZZZ"


def _organiser(name: str) -> User:
    user = User.objects.create_user(name, password="hemligt-losen-9")
    for role in (FACILITATOR_ROLE, EDITOR_ROLE):
        user.groups.add(AuthGroup.objects.get(name=role))
    return user


def _phone(group: Group, client: Client | None = None) -> tuple[Client, Participant]:
    client = client or Client()
    participant = services.join_meeting(meeting=group.meeting, home_group_id=group.pk)
    session = client.session
    remember_participant(session, participant)
    session.save()
    return client, participant


def _buzz(meeting: Meeting) -> None:
    phase = services.add_phase(
        meeting=meeting, kind=PhaseKind.BUZZ, title="Bikupor", planned_minutes=10
    )
    services.start_phase(meeting=meeting, phase_id=phase.pk)


# --- 1. Series takeover by name ------------------------------------------------------------


def _series_of(facilitator: User) -> None:
    services.create_meeting(
        facilitator=facilitator,
        title="2025",
        date=datetime.date(2025, 11, 20),
        core_question="?",
        series_name="Topp25",
    )


def test_finding_1_naming_another_organisers_series_grants_nothing(facilitator: User) -> None:
    _series_of(facilitator)
    theirs = Series.objects.get(name="Topp25")
    summary_services.set_indicator(series=theirs, name="Placering", lower_is_better=True)
    intruder = Client()
    intruder.force_login(_organiser("mallory"))
    response = intruder.post(
        reverse("meetings:create"),
        {
            "title": "Kapat",
            "date": "2026-12-01",
            "core_question": "?",
            "factor_count": "5",
            "series_name": "Topp25",  # exactly their series' name
            "home_groups": "usual",
            "agenda_template": "empty",
        },
    )
    assert response.status_code == 302
    mine = Meeting.objects.get(title="Kapat").series
    assert mine is not None and mine.pk != theirs.pk  # a series of their own, same name
    for name in ("summary:series", "summary:series_xlsx", "summary:series_csv"):
        assert intruder.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    changed = intruder.post(
        reverse("summary:indicator", args=[theirs.pk]), {"name": "Kapad", "lower_is_better": "1"}
    )
    assert changed.status_code == 404
    assert SeriesIndicator.objects.get(series=theirs).name == "Placering"
    assert theirs.pk not in {
        s.pk for s in Series.objects.organised_by(User.objects.get(username="mallory"))
    }


def test_finding_1_a_series_is_shared_explicitly_by_an_organiser(facilitator: User) -> None:
    _series_of(facilitator)
    series = Series.objects.get(name="Topp25")
    colleague = _organiser("bodil")
    outsider = Client()
    outsider.force_login(colleague)
    # Someone without the series cannot share it, not even with themselves.
    refused = outsider.post(
        reverse("summary:series_share", args=[series.pk]), {"username": "bodil"}
    )
    assert refused.status_code == 404
    owner = Client()
    owner.force_login(facilitator)
    unknown = owner.post(reverse("summary:series_share", args=[series.pk]), {"username": "nobody"})
    assert unknown.status_code == 404
    assert "Det finns ingen samtalsledare" in unknown.content.decode()
    shared = owner.post(reverse("summary:series_share", args=[series.pk]), {"username": "bodil"})
    assert shared.status_code == 200 and "bodil är nu arrangör" in shared.content.decode()
    assert outsider.get(reverse("summary:series", args=[series.pk])).status_code == 200
    # Now the colleague's meetings named so go into it.
    meeting = services.create_meeting(
        facilitator=colleague,
        title="2026",
        date=datetime.date(2026, 11, 20),
        core_question="?",
        series_name="Topp25",
    )
    assert meeting.series == series


# --- 2. Join-code oracle outside the throttle ----------------------------------------------


def _code_answers(client: Client, code: str) -> list[tuple[int, str]]:
    answers = []
    for response in (
        client.get(reverse("groups:expert", args=[code])),
        client.post(reverse("groups:reflect", args=[code]), {"word": "trygghet"}),
        client.get(reverse("groups:page", args=[code])),
    ):
        body = response.content.decode().replace(code, "CODE")
        body = re.sub(r'"[A-Za-z0-9+/=_-]{20,}"', '"X"', body)  # per-response tokens
        answers.append((response.status_code, body))
    return answers


def test_finding_2_every_url_with_a_code_answers_wrong_and_closed_alike(
    settings: Any, meeting: Meeting
) -> None:
    settings.JOIN_FAILURES_PER_CLIENT = "7/10m"
    services.set_joining_open(meeting=meeting, is_open=False)
    guesser = Client(REMOTE_ADDR="203.0.113.20")
    closed = _code_answers(guesser, meeting.join_code)
    wrong = _code_answers(guesser, WRONG)
    assert closed == wrong
    assert {status for status, _body in closed} == {404}
    # Six failures counted; the seventh is the last allowed, then 429 on every such URL.
    assert guesser.get(reverse("groups:expert", args=[WRONG])).status_code == 404
    for url in (
        reverse("groups:expert", args=[meeting.join_code]),
        reverse("groups:page", args=[meeting.join_code]),
        reverse("meetings:join", args=[meeting.join_code]),
    ):
        blocked = guesser.get(url)
        assert blocked.status_code == 429, url
        assert int(blocked["Retry-After"]) > 0
    blocked = guesser.post(reverse("groups:reflect", args=[WRONG]), {"word": "x"})
    assert blocked.status_code == 429
    assert "För många försök med fel kod" in blocked.content.decode()


# --- 3. NUL -> 500 on PostgreSQL, controls stored on SQLite --------------------------------


def test_finding_3_nul_is_a_swedish_400_and_controls_are_dropped(
    meeting: Meeting, teachers: Group, facilitator: User
) -> None:
    phone, participant = _phone(teachers)
    _buzz(meeting)  # ideas are written while the buzz groups run
    url = reverse("groups:idea_add", args=[meeting.join_code, teachers.pk])
    response = phone.post(url, {"text": "a\x00b"})
    assert response.status_code == 400
    assert "Otillåtet tecken" in response.content.decode()
    response = phone.post(url, {"text": "a\x00b"}, **HX)
    assert response.status_code == 400 and "styrtecken (NUL)" in response.content.decode()
    assert not Idea.objects.exists()
    assert phone.post(url, {"text": "a\x07\x1b\ufffeb"}).status_code == 302
    assert Idea.objects.get().text == "ab"

    console = Client()
    console.force_login(facilitator)
    rename = reverse("meetings:group_rename", args=[meeting.pk, teachers.pk])
    assert console.post(rename, {"name": "Lä\x00rare"}).status_code == 400
    assert console.post(rename, {"name": "Lä\x07rare\x1b 2"}).status_code == 302
    teachers.refresh_from_db()
    assert teachers.name == "Lärare 2"
    # The services clean the same way (import and any other caller).
    group = services.rename_group(meeting=meeting, group_id=teachers.pk, name="A\x00\x07B")
    assert group.name == "AB"
    draft = summary_services.save_text(
        meeting=meeting,
        field="lead",
        text="In\x00\x07led\uffff\r\nning",
        version=1,
        user=facilitator,
    )
    assert draft.lead == "Inled\nning"
    services.create_meeting(
        facilitator=facilitator,
        title="S",
        date=datetime.date(2026, 1, 1),
        core_question="?",
        series_name="Serie",
    )
    series = Series.objects.get(name="Serie")
    indicator = summary_services.set_indicator(
        series=series, name="Pla\x00cering\x1b", lower_is_better=True, source="S\x07KR"
    )
    assert (indicator.name, indicator.source) == ("Placering", "SKR")
    assert summary_services._clean_label("Tid\x00 för\x1b lärande\ufffe") == "Tid för lärande"


# --- 4. No per-participant limit on ideas; frames unbounded --------------------------------


def test_finding_4_one_participant_cannot_flood_the_pool(
    settings: Any, meeting: Meeting, teachers: Group
) -> None:
    _buzz(meeting)
    phone, participant = _phone(teachers)
    url = reverse("groups:idea_add", args=[meeting.join_code, teachers.pk])
    limit = settings.IDEAS_PER_PARTICIPANT_PER_PHASE
    for index in range(limit):
        assert phone.post(url, {"text": f"Idé {index}"}).status_code == 302
    refused = phone.post(url, {"text": "En till"}, **HX)
    assert refused.status_code == 429
    assert "idéer i den här fasen" in refused.content.decode()
    assert teachers.ideas.count() == limit
    # A new phase is a new allowance, the group's cap still holds.
    settings.IDEAS_PER_GROUP = limit + 1
    _buzz(meeting)
    assert phone.post(url, {"text": "Ny fas"}).status_code == 302
    assert phone.post(url, {"text": "Full"}, **HX).status_code == 409


def test_finding_4_every_phones_frame_stays_bounded(
    settings: Any, meeting: Meeting, teachers: Group
) -> None:
    from screens import broadcast

    settings.POOL_SHOWN = 10
    _buzz(meeting)
    members = [_phone(teachers)[1] for _ in range(4)]
    for member in members:
        for index in range(20):
            group_services.add_idea(
                group=teachers, author=member, text=f"{member.pk}-{index} " + "x" * 150
            )
    first = teachers.ideas.order_by("pk").first()
    assert first is not None
    group_services.update_pool_settings(
        meeting=meeting,
        dots_per_member=3,
        several_dots_per_idea=False,
        private_until_revealed=False,
    )
    html = broadcast._group_state_html(teachers.pk, "sv")
    assert html is not None
    assert html[0].count("data-idea-id=") == 10
    assert "Gruppen har skrivit 80 idéer; här visas de 10" in html[0]
    newest = teachers.ideas.order_by("-pk").first()
    assert newest is not None and newest.text in html[0]
    assert len(html[0].encode()) < 60_000  # was ~1.17 MB with 804 ideas


# --- 5. A moved participant's socket stays subscribed to the old group ---------------------

pytestmark_async = pytest.mark.django_db(transaction=True)


@pytestmark_async
async def test_finding_5_a_moved_phone_stops_hearing_its_old_group(
    meeting: Meeting, teachers: Group, principals: Group
) -> None:
    socket = phone_socket(meeting, teachers, await phone_session(teachers))
    await connected(socket)

    @database_sync_to_async
    def move() -> None:
        person = teachers.members.get()
        services.move_participant(meeting=meeting, participant_id=person.pk, group_id=principals.pk)

    await move()
    assert "flyttat dig" in await socket.receive_from(timeout=3)
    await database_sync_to_async(group_services.add_factor)(
        group=teachers, text="Lärarnas hemlighet"
    )
    assert await socket.receive_nothing(timeout=0.5)
    await database_sync_to_async(group_services.add_factor)(group=principals, text="Nya gruppens")
    fragment = await socket.receive_from(timeout=3)
    assert "Nya gruppens" in fragment and "Lärarnas hemlighet" not in fragment
    await socket.disconnect()


# --- 7. Successful joins never limited; the ranked word list uncapped ----------------------


def test_finding_7_joins_are_limited_per_address_and_per_device(
    settings: Any, meeting: Meeting, teachers: Group, principals: Group
) -> None:
    settings.JOINS_PER_CLIENT = "5/10m"
    url = reverse("meetings:join", args=[meeting.join_code])
    for _ in range(5):  # no cookies: a new "device" each time
        assert (
            Client(REMOTE_ADDR="203.0.113.30").post(url, {"home_group": teachers.pk}).status_code
            == 302
        )
    refused = Client(REMOTE_ADDR="203.0.113.30").post(url, {"home_group": teachers.pk})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Väldigt många har gått med härifrån" in refused.content.decode()
    assert meeting.participants.count() == 5
    assert (
        Client(REMOTE_ADDR="198.51.100.30").post(url, {"home_group": teachers.pk}).status_code
        == 302
    )

    settings.JOINS_PER_DEVICE = "3/10m"
    device = Client(REMOTE_ADDR="198.51.100.31")
    for group in (teachers, principals, teachers):
        assert device.post(url, {"home_group": group.pk}).status_code == 302
    assert device.post(url, {"home_group": principals.pk}).status_code == 429


def test_finding_7_the_ranked_word_list_is_capped(settings: Any, facilitator: User) -> None:
    settings.WORDS_LISTED = 5
    meeting = services.create_meeting(
        facilitator=facilitator,
        title="E",
        date=datetime.date(2026, 12, 1),
        core_question="?",
        home_group_names=["Lärare"],
        agenda_template=AgendaTemplate.PROFESSION_AFTERNOON,
    )
    phase = meeting.agenda().get(kind=PhaseKind.REFLECTION)
    services.start_phase(meeting=meeting, phase_id=phase.pk)
    group = meeting.home_groups().get()
    words = ["trygghet", "ledarskap", "samarbete", "struktur", "tid", "elevhälsa", "tillit", "mål"]
    for word in words:
        participant = services.join_meeting(meeting=meeting, home_group_id=group.pk)
        reflection.submit_words(meeting=meeting, participant=participant, entries=[word])
    assert len(reflection.words_context(meeting)["reflection"]["ranked"]) == 5
    room = Client().get(reverse("meetings:room", args=[meeting.room_token])).content.decode()
    ranked = room.split('id="room-words-ranked"')[1].split("</ol>")[0]
    assert ranked.count("<li>") == 5


# --- 8. Session fixation --------------------------------------------------------------------


def test_finding_8_joining_gives_the_session_a_new_key(meeting: Meeting, teachers: Group) -> None:
    planted = SessionStore()
    planted["planted"] = True
    planted.save()
    victim = Client()
    victim.cookies["sessionid"] = planted.session_key
    url = reverse("meetings:join", args=[meeting.join_code])
    assert victim.post(url, {"home_group": teachers.pk}).status_code == 302
    assert victim.cookies["sessionid"].value != planted.session_key
    # The planted key leads to no participant.
    attacker = Client()
    attacker.cookies["sessionid"] = planted.session_key
    assert attacker.get(reverse("groups:page", args=[meeting.join_code])).status_code == 302
    assert victim.get(reverse("groups:page", args=[meeting.join_code])).status_code == 200


# --- 9. No Cache-Control on live pages and 404s ---------------------------------------------


def test_finding_9_live_pages_and_404s_are_never_stored(meeting: Meeting, teachers: Group) -> None:
    phone, _participant = _phone(teachers)
    answers = {
        "room": Client().get(reverse("meetings:room", args=[meeting.room_token])),
        "group page": phone.get(reverse("groups:page", args=[meeting.join_code])),
        "privacy": Client().get(reverse("privacy")),
        "404": Client().get("/no/such/page/"),
        "room 404": Client().get(reverse("meetings:room", args=["x" * 32])),
    }
    for name, response in answers.items():
        cache_control = response.get("Cache-Control", "")
        assert "no-store" in cache_control and "private" in cache_control, name


# --- 10. import_meeting: a traceback for a >4,300-digit integer; no size limit --------------


def test_finding_10_import_refuses_huge_numbers_and_files(tmp_path: Path, db: None) -> None:
    max_import_bytes = 20 * 1024 * 1024  # summary/management/commands/import_meeting.py

    digits = tmp_path / "digits.json"
    digits.write_text('{"schema": "topp25.meeting", "version": ' + "9" * 5000 + "}")
    with pytest.raises(CommandError, match="ett tal som är för långt"):
        call_command("import_meeting", str(digits), stdout=StringIO())
    huge = tmp_path / "huge.json"
    with huge.open("wb") as file:
        file.truncate(max_import_bytes + 1)
    with pytest.raises(CommandError, match="är för stor"):
        call_command("import_meeting", str(huge), stdout=StringIO())
    assert not Meeting.objects.exists()


# --- 11. No Permissions-Policy ---------------------------------------------------------------


def test_finding_11_every_answer_denies_unused_browser_features(meeting: Meeting) -> None:
    for response in (
        Client().get("/"),
        Client().get(reverse("meetings:room", args=[meeting.room_token])),
        Client().get("/no/such/page/"),
        Client().get(reverse("meetings:join", args=[WRONG])),
    ):
        policy = response.get("Permissions-Policy", "")
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy


# --- The guards around them ------------------------------------------------------------------


@pytestmark_async
async def test_the_websocket_origin_must_match_the_port(meeting: Meeting) -> None:
    from channels.testing import WebsocketCommunicator

    from topp25.asgi import application

    path = f"/ws/room/{meeting.room_token}/"
    other_port = [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8001")]
    refused = WebsocketCommunicator(application, path, headers=other_port)
    ok, _code = await refused.connect(timeout=5)
    assert not ok
    same = [(b"host", b"127.0.0.1:8000"), (b"origin", b"http://127.0.0.1:8000")]
    accepted = WebsocketCommunicator(application, path, headers=same)
    ok, _code = await accepted.connect(timeout=5)
    assert ok
    await accepted.disconnect()
    proxied = [
        (b"host", b"127.0.0.1"),
        (b"x-forwarded-host", b"127.0.0.1:8443"),
        (b"origin", b"https://127.0.0.1:8443"),
    ]
    behind_proxy = WebsocketCommunicator(application, path, headers=proxied)
    ok, _code = await behind_proxy.connect(timeout=5)
    assert ok
    await behind_proxy.disconnect()
    elsewhere = [*proxied[:2], (b"origin", b"https://127.0.0.1:8444")]
    ok, _code = await WebsocketCommunicator(application, path, headers=elsewhere).connect()
    assert not ok
    default_port = WebsocketCommunicator(application, path, headers=HOST)
    ok, _code = await default_port.connect(timeout=5)
    assert ok
    await default_port.disconnect()


def test_the_pdf_renderer_fetches_nothing(tmp_path: Path) -> None:
    pytest.importorskip("weasyprint")
    from weasyprint import HTML

    from summary.formats import _deny_all_fetcher

    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    fetcher = _deny_all_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch(secret.as_uri())
    calls: list[str] = []

    class Spy(type(fetcher)):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            calls.append(url)
            return super().fetch(url, headers)

    html = f'<p>x</p><img src="{secret.as_uri()}"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    assert HTML(string=html, url_fetcher=Spy()).write_pdf()
    assert calls  # WeasyPrint asked, and got nothing


def test_who_sees_what_the_phone_the_privacy_page_and_exports_agree(
    meeting: Meeting, teachers: Group
) -> None:
    from summary.archive import meeting_data
    from summary.outputs import meeting_markdown

    _buzz(meeting)
    group_services.update_pool_settings(
        meeting=meeting, dots_per_member=3, several_dots_per_idea=False, private_until_revealed=True
    )
    phone, participant = _phone(teachers)
    Participant.objects.filter(pk=participant.pk).update(display_name="Anna Andersson")
    group_services.add_idea(group=teachers, author=participant, text="Aldrig visad idé")
    page = phone.get(reverse("groups:page", args=[meeting.join_code])).content.decode()
    assert "Samtalsledarna sparar alla idéer i mötets protokoll, utan namn." in page
    privacy = Client().get(reverse("privacy")).content.decode()
    assert "Samtalsledarna sparar alla idéer i mötets protokoll" in privacy
    assert "Ingen publicerad sammanfattning eller dokumentexport innehåller idéerna" in privacy
    # The organisers' record keeps the idea under a number, never the name ...
    record = json.dumps(meeting_data(meeting), ensure_ascii=False)
    assert "Aldrig visad idé" in record and "Anna Andersson" not in record
    # ... and no readable export carries ideas.
    assert "Aldrig visad idé" not in meeting_markdown(meeting)
