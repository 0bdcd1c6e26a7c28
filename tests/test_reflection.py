"""Reflection words: a participant's one to three words, bad input, double taps, the cloud on
the room screen, and the facilitator hiding a word (kept in the record with who hid it)."""

from __future__ import annotations

import re
import uuid
from html import unescape
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import reflection
from groups.models import HiddenWord, ReflectionWord
from meetings import services
from meetings.errors import DomainError
from meetings.models import Group, Meeting, Participant, PhaseKind
from meetings.participation import remember_participant
from meetings.phases import NotAllowedNow
from screens import broadcast
from tests.support.fixtures import HX
from topp25 import live

pytestmark = pytest.mark.django_db


def start_reflection(meeting: Meeting) -> None:
    phase = meeting.agenda().get(kind=PhaseKind.REFLECTION)
    services.start_phase(meeting=meeting, phase_id=phase.pk)


def phone(meeting: Meeting, client: Client | None = None) -> Participant:
    group = meeting.home_groups().first()
    assert group is not None
    participant = services.join_meeting(meeting=meeting, home_group_id=group.pk)
    if client is not None:
        session = client.session
        remember_participant(session, participant)
        session.save()
    return participant


def submit(meeting: Meeting, participant: Participant, *entries: str) -> list[ReflectionWord]:
    return reflection.submit_words(meeting=meeting, participant=participant, entries=list(entries))


@pytest.fixture
def running(afternoon: Meeting) -> Meeting:
    start_reflection(afternoon)
    return afternoon


# --- Services -----------------------------------------------------------------------------


def test_words_are_cleaned_and_folded(running: Meeting) -> None:
    words = submit(running, phone(running), "  Trygghet! ", "", "kollegialt   lärande")
    assert [(w.text, w.key, w.slot) for w in words] == [
        ("Trygghet", "trygghet", 0),
        ("kollegialt lärande", "kollegial lära", 1),
    ]


@pytest.mark.parametrize(
    ("entries", "code"),
    [
        (["", "   "], "words_blank"),
        (["x" * 41], "word_too_long"),
        (["tryg\x00ghet"], "control_characters"),
        (["ord\u200bord"], "control_characters"),
        (["!!!"], "word_no_letters"),
    ],
)
def test_bad_words_are_refused(running: Meeting, entries: list[str], code: str) -> None:
    with pytest.raises(DomainError) as refused:
        submit(running, phone(running), *entries)
    assert refused.value.code == code
    assert not ReflectionWord.objects.exists()


def test_at_most_three_words_per_participant(running: Meeting) -> None:
    person = phone(running)
    submit(running, person, "tid", "tillit")
    with pytest.raises(DomainError) as too_many:
        submit(running, person, "ledarskap", "struktur")
    assert too_many.value.code == "too_many_words" and "1 ord till" in str(too_many.value)
    submit(running, person, "ledarskap")
    with pytest.raises(DomainError) as full:
        submit(running, person, "mer")
    assert "redan skickat" in str(full.value)
    assert person.reflection_words.count() == 3


def test_a_double_tap_makes_the_words_once(running: Meeting) -> None:
    person = phone(running)
    token = uuid.uuid4()
    for _tap in range(2):
        reflection.submit_words(
            meeting=running, participant=person, entries=["tid", "tillit"], client_token=token
        )
    assert list(person.reflection_words.values_list("text", flat=True)) == ["tid", "tillit"]


def test_words_only_during_the_reflection(afternoon: Meeting) -> None:
    with pytest.raises(DomainError) as early:
        submit(afternoon, phone(afternoon), "tid")
    assert isinstance(early.value, NotAllowedNow) and early.value.status == 409
    assert "skicka ord till reflektionen" in early.value.message


def test_the_cloud_folds_case_and_inflection_and_ranks(running: Meeting) -> None:
    for entries in (["Trygghet", "tid"], ["trygghet"], ["tryggheten", "Tid"], ["ledarskap"]):
        submit(running, phone(running), *entries)
    context = reflection.words_context(running)["reflection"]
    # Shown as the most common spelling, the earliest on a tie.
    assert [(w.text, w.count) for w in context["ranked"]] == [
        ("Trygghet", 3),
        ("tid", 2),
        ("ledarskap", 1),
    ]
    # The cloud keeps the order words first came in; size from the count alone.
    assert [(w.text, w.size) for w in context["cloud"]] == [
        ("Trygghet", 3),
        ("tid", 2),
        ("ledarskap", 1),
    ]


def test_hiding_a_word_keeps_it_in_the_record(running: Meeting, facilitator: User) -> None:
    submit(running, phone(running), "Trygghet", "tid")
    submit(running, phone(running), "tryggheten")
    hidden = reflection.hide_word(meeting=running, key="trygghet", hidden_by=facilitator)
    assert (hidden.text, hidden.hidden_by, hidden.hidden_by_name) == (
        "Trygghet",
        facilitator,
        "anna",
    )
    ranked = reflection.words_context(running)["reflection"]["ranked"]
    assert [w.text for w in ranked] == ["tid"]
    # The entries stay; a later entry of the hidden word stays hidden too.
    assert ReflectionWord.objects.filter(key="trygghet").count() == 2
    submit(running, phone(running), "trygghet")
    assert [w.text for w in reflection.words_context(running)["reflection"]["ranked"]] == ["tid"]
    # Hiding twice is one hide; an unknown word is a 404.
    reflection.hide_word(meeting=running, key="trygghet", hidden_by=facilitator)
    assert HiddenWord.objects.count() == 1
    with pytest.raises(DomainError) as unknown:
        reflection.hide_word(meeting=running, key="okänt", hidden_by=facilitator)
    assert unknown.value.code == "word_gone"
    reflection.show_word(meeting=running, key="trygghet")
    assert reflection.words_context(running)["reflection"]["ranked"][0].count == 3


def test_a_word_reaches_room_and_consoles_once_and_not_the_phones(
    running: Meeting, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    person = phone(running)
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(live, "send_now", lambda messages, on_sent=None: sent.extend(messages))
    with django_capture_on_commit_callbacks(execute=True):
        submit(running, person, "Trygghet")
    streams = sorted(stream for stream, _message in sent)
    assert streams == [f"console-{running.pk}", f"room-{running.pk}"]
    room = next(message for stream, message in sent if stream.startswith("room"))
    assert 'class="cloud-word word-size-1"' in room["html"]["sv"]
    assert "Trygghet: 1 gång" in room["html"]["sv"]
    # The console gets its word list only, not its whole live part.
    console = next(message for stream, message in sent if stream.startswith("console"))
    assert console["html"]["sv"].lstrip().startswith('<section id="console-words"')
    assert 'id="console-people"' not in console["html"]["sv"]


# --- Views --------------------------------------------------------------------------------


def test_phone_sends_words_and_sees_them(client: Client, running: Meeting) -> None:
    phone(running, client)
    page = client.get(reverse("groups:page", args=[running.join_code])).content.decode()
    assert 'id="reflection-form"' in page and 'id="reflection-word-3"' in page
    url = reverse("groups:reflect", args=[running.join_code])
    token = str(uuid.uuid4())
    for _tap in range(2):  # a double tap
        response = client.post(url, {"word": ["Trygghet", "", "tid"], "client_token": token}, **HX)
        assert response.status_code == 200
    html = response.content.decode()
    assert 'id="my-words"' in html and "Trygghet" in html
    assert 'id="reflection-word-1"' in html and 'id="reflection-word-2"' not in html  # one left
    assert ReflectionWord.objects.count() == 2


@pytest.mark.parametrize(
    ("words", "status", "message"),
    [
        (["", ""], 400, "Skriv minst ett ord"),
        (["a" * 60], 400, "högst 40 tecken"),
        (["hej\x07"], 400, "styrtecken"),
    ],
)
def test_phone_bad_words_get_a_swedish_4xx_and_keep_the_text(
    client: Client, running: Meeting, words: list[str], status: int, message: str
) -> None:
    phone(running, client)
    response = client.post(
        reverse("groups:reflect", args=[running.join_code]), {"word": words}, **HX
    )
    assert response.status_code == status
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    # What was typed stays in its field, exactly (escaped as an attribute value).
    typed = re.search(r'id="reflection-word-1"[^>]*value="([^"]*)"', html)
    assert typed is not None and unescape(typed.group(1)) == words[0]


def test_phone_without_joining_or_outside_the_phase(client: Client, afternoon: Meeting) -> None:
    url = reverse("groups:reflect", args=[afternoon.join_code])
    assert client.post(url, {"word": ["tid"]}, **HX).status_code == 403
    phone(afternoon, client)
    response = client.post(url, {"word": ["tid"]}, **HX)
    assert response.status_code == 409
    assert "det går inte att skicka ord till reflektionen" in response.content.decode()


def test_console_hides_a_word(
    client: Client, facilitator: User, running: Meeting, meeting: Meeting
) -> None:
    submit(running, phone(running), "Trygghet", "tid")
    client.force_login(facilitator)
    console = client.get(reverse("meetings:detail", args=[running.pk])).content.decode()
    assert 'id="console-words"' in console and "Trygghet" in console
    hide = reverse("groups:word_hide", args=[running.pk])
    response = client.post(hide, {"key": "trygghet"}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "dolt av anna" in html and "Visa igen" in html
    room = client.get(reverse("meetings:room", args=[running.room_token])).content.decode()
    assert "Trygghet" not in room and ">tid<" in room
    assert client.post(hide, {"key": "finns-inte"}, **HX).status_code == 404
    # Another meeting's console: 404 for a facilitator who does not run it.
    stranger = User.objects.create_user("bertil", password="x")
    client.force_login(stranger)
    assert client.post(hide, {"key": "tid"}, **HX).status_code == 404
    assert HiddenWord.objects.count() == 1


def test_room_snapshot_has_the_cloud(running: Meeting) -> None:
    submit(running, phone(running), "Trygghet", "tid")
    html, _revisions = broadcast.room_snapshot(running.pk, "sv") or ("", {})
    assert 'id="room-words"' in html and 'data-key="trygghet"' in html
    assert isinstance(running.home_groups().first(), Group)
