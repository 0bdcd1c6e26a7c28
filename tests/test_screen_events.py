"""Applying a change's broadcast gives the same screens as a fresh load (Zulip's discipline).

For every kind of change a service makes, the fragments the screens layer sends after commit
are compared with a fresh snapshot of the screens they are for, read right after: each
fragment a phone, the room screen or a console is sent must appear, unchanged, in what that
screen would show if it connected now. A fragment rendered from other data, another context
or a stale read fails here.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from groups import reflection
from groups import services as group_services
from groups.models import Idea, SuccessFactor
from meetings import services
from meetings.models import Group, Meeting, Participant, PhaseKind
from meetings.phases import AgendaTemplate
from screens import broadcast
from topp25 import live

NOW = datetime.datetime(2026, 11, 23, 13, 0, tzinfo=datetime.UTC)


@dataclass
class Afternoon:
    meeting: Meeting
    teachers: Group
    principals: Group
    anna: Participant
    bo: Participant
    cia: Participant
    facilitator: User

    def fresh(self) -> Meeting:
        return Meeting.objects.select_related("current_phase").get(pk=self.meeting.pk)

    def start(self, kind: str) -> None:
        phase = self.meeting.phases.get(kind=kind)
        services.start_phase(meeting=self.fresh(), phase_id=phase.pk)

    def factor(self, position: int) -> SuccessFactor:
        return SuccessFactor.objects.get(group=self.teachers, position=position)

    def idea(self, text: str) -> Idea:
        return Idea.objects.get(group=self.teachers, text=text)


@pytest.fixture
def frozen() -> Iterator[None]:
    # The timer's "now" is in the fragments: the event and the snapshot see the same instant.
    with mock.patch.object(timezone, "now", return_value=NOW):
        yield


@pytest.fixture
def afternoon(facilitator: User, frozen: None) -> Afternoon:
    meeting = services.create_meeting(
        facilitator=facilitator,
        title="Eftermiddagen",
        date=datetime.date(2026, 11, 23),
        venue="Aulan",
        core_question="Vad höjer elevernas resultat?",
        usual_home_groups=True,
        agenda_template=AgendaTemplate.PROFESSION_AFTERNOON,
    )
    teachers = meeting.home_groups().get(name="Lärare")
    principals = meeting.home_groups().get(name="Rektorer")
    people = [
        services.join_meeting(meeting=meeting, home_group_id=group.pk, display_name=name)
        for group, name in ((teachers, "Anna"), (teachers, "Bo"), (principals, "Cia"))
    ]
    for text in ("Tydliga mål", "Trygghet i klassrummet", "Tid för kollegialt lärande"):
        group_services.add_factor(group=teachers, text=text, author=people[0])
    return Afternoon(meeting, teachers, principals, *people, facilitator)


def _in_buzz_with_ideas(day: Afternoon) -> None:
    day.start(PhaseKind.BUZZ)
    for person, text in ((day.anna, "Läxhjälp"), (day.bo, "Trygghet"), (day.anna, "Trygga")):
        group_services.add_idea(group=day.teachers, author=person, text=text)


def _in_agree(day: Afternoon) -> None:
    _in_buzz_with_ideas(day)
    day.start(PhaseKind.AGREE)


def _in_reflection(day: Afternoon) -> None:
    day.start(PhaseKind.REFLECTION)
    reflection.submit_words(meeting=day.fresh(), participant=day.anna, entries=["Trygghet"])


# name -> (what to set up before, the change). Every kind of change a service makes.
CHANGES: dict[str, tuple[Callable[[Afternoon], None], Callable[[Afternoon], Any]]] = {
    "add factor": (
        lambda day: None,
        lambda day: group_services.add_factor(group=day.teachers, text="Ny", author=day.bo),
    ),
    "edit factor": (
        lambda day: None,
        lambda day: group_services.edit_factor(
            group=day.teachers, factor_id=day.factor(2).pk, text="Trygghet för alla"
        ),
    ),
    "move factor": (
        lambda day: None,
        lambda day: group_services.move_factor(
            group=day.teachers, factor_id=day.factor(3).pk, direction="up"
        ),
    ),
    "remove factor": (
        lambda day: None,
        lambda day: group_services.remove_factor(group=day.teachers, factor_id=day.factor(1).pk),
    ),
    "agree": (
        lambda day: None,
        lambda day: group_services.mark_agreed(group=day.teachers, confirmed_short=True),
    ),
    "unlock": (
        lambda day: group_services.mark_agreed(group=day.teachers, confirmed_short=True),
        lambda day: group_services.unlock_group(group=day.teachers),
    ),
    "start a phase": (lambda day: None, lambda day: day.start(PhaseKind.BUZZ)),
    "pool phase to agree": (_in_buzz_with_ideas, lambda day: day.start(PhaseKind.AGREE)),
    "pause": (
        lambda day: day.start(PhaseKind.BUZZ),
        lambda day: services.pause_phase(meeting=day.fresh()),
    ),
    "add minutes": (
        lambda day: day.start(PhaseKind.BUZZ),
        lambda day: services.adjust_phase_minutes(meeting=day.fresh(), minutes=5),
    ),
    "end phase": (
        lambda day: day.start(PhaseKind.BUZZ),
        lambda day: services.end_phase(meeting=day.fresh()),
    ),
    "add idea": (
        _in_buzz_with_ideas,
        lambda day: group_services.add_idea(group=day.teachers, author=day.bo, text="Fler vuxna"),
    ),
    "withdraw idea": (
        _in_buzz_with_ideas,
        lambda day: group_services.withdraw_idea(
            group=day.teachers, author=day.anna, idea_id=day.idea("Läxhjälp").pk
        ),
    ),
    "dot": (
        _in_agree,
        lambda day: group_services.set_dots(
            group=day.teachers, participant=day.bo, idea_id=day.idea("Läxhjälp").pk, count=1
        ),
    ),
    "merge ideas": (
        _in_agree,
        lambda day: group_services.merge_ideas(
            group=day.teachers,
            idea_id=day.idea("Trygga").pk,
            into_id=day.idea("Trygghet").pk,
            by=day.bo,
        ),
    ),
    "pick idea": (
        lambda day: (
            _in_agree(day),
            group_services.remove_factor(group=day.teachers, factor_id=day.factor(3).pk),
        ),
        lambda day: group_services.pick_idea(
            group=day.teachers, idea_id=day.idea("Läxhjälp").pk, author=day.anna
        ),
    ),
    "reveal pool": (
        _in_buzz_with_ideas,
        lambda day: group_services.reveal_pool(group=day.teachers, by_facilitator=True),
    ),
    "add home group": (
        lambda day: None,
        lambda day: services.add_home_group(meeting=day.fresh(), name="Elevhälsan"),
    ),
    "rename group": (
        lambda day: None,
        lambda day: services.rename_group(
            meeting=day.fresh(), group_id=day.principals.pk, name="Skolledare"
        ),
    ),
    "move participant": (
        lambda day: None,
        lambda day: services.move_participant(
            meeting=day.fresh(), participant_id=day.bo.pk, group_id=day.principals.pk
        ),
    ),
    "joining closed": (
        lambda day: None,
        lambda day: services.set_joining_open(meeting=day.fresh(), is_open=False),
    ),
    "join": (
        lambda day: None,
        lambda day: services.join_meeting(
            meeting=day.fresh(), home_group_id=day.principals.pk, display_name="Dan"
        ),
    ),
    "reflection word": (
        _in_reflection,
        lambda day: reflection.submit_words(
            meeting=day.fresh(), participant=day.cia, entries=["Tydlighet"]
        ),
    ),
    "hide word": (
        _in_reflection,
        lambda day: reflection.hide_word(
            meeting=day.fresh(),
            key=day.meeting.reflection_words.get().key,
            hidden_by=day.facilitator,
        ),
    ),
}


def _phone_html(day: Afternoon, participant: Participant) -> str:
    snapshot = broadcast.phone_snapshot(participant.home_group_id, participant.pk, "sv")
    assert snapshot is not None
    return snapshot[0]


def _parts(html: str) -> dict[str, str]:
    """The top-level elements of a fragment that carry an id (what a screen swaps in by id),
    by id; whitespace between tags is not content."""
    parts: dict[str, str] = {}
    for match in re.finditer(r"<([a-z0-9]+)\b[^>]*\bid=\"([^\"]+)\"[^>]*>", html):
        tag, element_id = match.group(1), match.group(2)
        if any(match.start() < end and match.start() > start for start, end in _spans(parts)):
            continue  # inside an element already taken
        parts[element_id] = _element(html, match.start(), tag)
    return parts


def _spans(parts: dict[str, str]) -> list[tuple[int, int]]:
    return [span for span in _SPANS.get(id(parts), [])]


_SPANS: dict[int, list[tuple[int, int]]] = {}


def _element(html: str, start: int, tag: str) -> str:
    """The element starting at `start`, to its matching end tag."""
    depth = 0
    for match in re.finditer(rf"<(/?){tag}\b[^>]*>", html[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return html[start : start + match.end()]
    return html[start:]


def _element_by_id(html: str, element_id: str) -> str | None:
    match = re.search(rf"<([a-z0-9]+)\b[^>]*\bid=\"{re.escape(element_id)}\"[^>]*>", html)
    return _element(html, match.start(), match.group(1)) if match else None


def _top_level(html: str) -> dict[str, str]:
    """The fragment's top-level elements with an id: each is swapped in by its id."""
    parts: dict[str, str] = {}
    position = 0
    for match in re.finditer(r"<([a-z0-9]+)\b([^>]*)>", html):
        if match.start() < position:
            continue
        element = _element(html, match.start(), match.group(1))
        position = match.start() + len(element)
        found = re.search(r'\bid="([^"]+)"', match.group(2))
        if found:
            parts[found.group(1)] = element
    return parts


def _applies(fragment: str, screen: str, where: str) -> int:
    """Each part of `fragment` equals the part with its id in the fresh `screen`; a part the
    screen does not show is dropped by it (static/js/topp25.js). How many parts applied."""
    applied = 0
    for element_id, element in _top_level(fragment).items():
        fresh = _element_by_id(screen, element_id)
        if fresh is None:
            continue
        assert element == fresh, (where, element_id)
        applied += 1
    return applied


def _check(day: Afternoon, stream: str, message: dict[str, Any]) -> int:
    """How many parts of one sent message were found, equal, in the fresh screens."""
    meeting_id = day.meeting.pk
    people = list(Participant.objects.filter(meeting_id=meeting_id))
    if stream.startswith("group-"):
        group_id = int(stream.removeprefix("group-"))
        members = [p for p in people if p.home_group_id == group_id]
        return sum(
            _applies(message["html"]["sv"], _phone_html(day, member), stream) for member in members
        )
    if stream == live.phase_stream(meeting_id):
        applied = 0
        for person in people:
            variant = message["viewers"].get(str(person.pk), "*")
            if message["unless"].get(str(person.pk)) == person.home_group_id:
                variant = "*"
            html = message["variants"][variant]["sv"]
            html += message["by_group"].get(str(person.home_group_id), {}).get("sv", "")
            applied += _applies(html, _phone_html(day, person), f"{stream} {person.display_name}")
        return applied
    if stream == live.room_stream(meeting_id):
        room = broadcast.room_snapshot(meeting_id, "sv")
        assert room is not None
        return _applies(message["html"]["sv"], room[0], stream)
    assert stream == live.console_stream(meeting_id)
    console = broadcast.console_snapshot(meeting_id, "sv")
    assert console is not None
    return _applies(message["html"]["sv"], console[0], stream)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_broadcast_equals_a_fresh_snapshot(
    afternoon: Afternoon, name: str, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LANGUAGES = [("sv", "Svenska")]
    prepare, change = CHANGES[name]
    prepare(afternoon)
    sent: list[tuple[str, dict[str, Any]]] = []
    with mock.patch.object(live, "send_now", lambda messages, on_sent=None: sent.extend(messages)):
        with django_capture_on_commit_callbacks(execute=True):
            change(afternoon)
    assert sent, f"{name}: nothing was sent"
    checked = sum(_check(afternoon, stream, message) for stream, message in sent)
    assert checked, name


def _votes_in_room(sent: list[tuple[str, dict[str, Any]]], day: Afternoon) -> str:
    fragments = [m["html"]["sv"] for s, m in sent if s == live.room_stream(day.meeting.pk)]
    assert fragments, "the room was sent nothing"
    pool = _element_by_id(fragments[-1], f"room-pool-{day.teachers.pk}")
    assert pool is not None
    return pool


def _dot(day: Afternoon, person: Participant, idea: str, capture: Any, *, here: bool) -> None:
    """A dot; `here`: its broadcast is built in this process, else (another worker's write)
    it is committed and nothing here hears of it."""
    with capture(execute=here):
        group_services.set_dots(
            group=day.teachers, participant=person, idea_id=day.idea(idea).pk, count=1
        )


def _edit_sent(day: Afternoon, capture: Any) -> list[tuple[str, dict[str, Any]]]:
    """What an edit of the list's second factor broadcast."""
    sent: list[tuple[str, dict[str, Any]]] = []
    with (
        mock.patch.object(live, "send_now", lambda messages, on_sent=None: sent.extend(messages)),
        capture(execute=True),
    ):
        group_services.edit_factor(
            group=day.teachers, factor_id=day.factor(2).pk, text="Trygghet för alla"
        )
    return sent


def test_an_edit_reuses_the_pool_its_process_read_at_the_same_pool_revision(
    afternoon: Afternoon, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A change of the list alone renders the room's column and the console's row, which
    show the pool, from the pool as this process last read it (no second read) — and what
    it sends still equals a fresh load."""
    settings.LANGUAGES = [("sv", "Svenska")]
    _in_agree(afternoon)
    _dot(afternoon, afternoon.bo, "Läxhjälp", django_capture_on_commit_callbacks, here=True)
    with mock.patch("groups.templatetags.pool.pool_view", side_effect=AssertionError) as read:
        sent = _edit_sent(afternoon, django_capture_on_commit_callbacks)
    assert not read.called
    assert "1 röst" in _votes_in_room(sent, afternoon)
    assert sum(_check(afternoon, stream, message) for stream, message in sent)


def test_an_edit_after_another_process_changed_the_pool_reads_it_again(
    afternoon: Afternoon, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The pool is reused only at the same pool revision: a dot whose broadcast ran in
    another worker (not here) bumps it, and the next edit here shows that dot."""
    settings.LANGUAGES = [("sv", "Svenska")]
    _in_agree(afternoon)
    _dot(afternoon, afternoon.bo, "Läxhjälp", django_capture_on_commit_callbacks, here=True)
    _dot(afternoon, afternoon.anna, "Trygghet", django_capture_on_commit_callbacks, here=False)
    sent = _edit_sent(afternoon, django_capture_on_commit_callbacks)
    assert "2 röster" in _votes_in_room(sent, afternoon)
    assert sum(_check(afternoon, stream, message) for stream, message in sent)
