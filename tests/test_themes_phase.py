"""The themes phase (Teman): the room, the phones and the console show the themes the home
groups' lists share; the facilitator hides or renames one from the console before it is shown;
the Swedish dictionary is never loaded in a request's path."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from groups import services as group_services
from meetings import services as meeting_services
from meetings.models import Meeting, PhaseKind
from meetings.phases import PHASE_RULES, Action
from screens.registry import screens_for
from summary import room_themes, themes

FACTORS = {
    "Lärare": ["Trygg lärmiljö", "Samarbete med vårdnadshavare"],
    "Rektorer": ["Skapa trygghet i klassrummet", "Tydligt pedagogiskt ledarskap"],
    "Elevhälsa": ["Tryggare skolgårdar och raster", "Samverkan med socialtjänsten"],
    "Politiker": ["Rektorer med mandat"],
}
SAFETY = "Trygghet och studiero — 3 av 7 grupper"
TOGETHER = "Samverkan — 2 av 7 grupper"


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def themes_running(facilitator: User) -> Meeting:
    themes.warm_up()  # as the agenda's themes phase would have, ahead of the screens
    meeting = meeting_services.create_meeting(
        facilitator=facilitator,
        title="Dialogmöte 3",
        date=datetime.date(2026, 11, 23),
        venue="Stadshuset",
        core_question="Vad höjer elevernas resultat?",
        usual_home_groups=True,
    )
    for name, texts in FACTORS.items():
        group = meeting.home_groups().get(name=name)
        for text in texts:
            group_services.add_factor(group=group, text=text)
    phase = meeting_services.add_phase(
        meeting=meeting, kind=PhaseKind.THEMES, title="Teman i rummet", planned_minutes=10
    )
    meeting_services.start_phase(meeting=meeting, phase_id=phase.pk)
    meeting.refresh_from_db()
    return meeting


def test_the_themes_phase_allows_nothing_and_has_its_own_screens(themes_running: Meeting) -> None:
    assert PHASE_RULES[PhaseKind.THEMES].allows == frozenset()
    assert not PHASE_RULES[PhaseKind.THEMES].allowed(Action.EDIT_LIST)
    screens = screens_for(themes_running, themes_running.current_phase)
    assert screens.room_partial == "screens/themes_screens.html#room_themes"
    assert screens.phone_partial == "screens/themes_screens.html#phone_themes"


def test_room_phone_and_console_show_the_same_themes(
    client: Client, facilitator: User, themes_running: Meeting, join_as: Callable[..., object]
) -> None:
    room = _text(
        client.get(reverse("meetings:room", args=[themes_running.room_token])).content.decode()
    )
    assert SAFETY in room and TOGETHER in room
    assert (
        "Trygg lärmiljö (Lärare)" in room and "Tryggare skolgårdar och raster (Elevhälsa)" in room
    )
    assert room.index(SAFETY) < room.index(TOGETHER)  # most groups first

    phone = Client()
    join_as(themes_running.home_groups().get(name="Lärare"), as_client=phone)
    page = _text(
        phone.get(reverse("groups:page", args=[themes_running.join_code])).content.decode()
    )
    assert SAFETY in page and TOGETHER in page and "Trygg lärmiljö (Lärare)" in page

    client.force_login(facilitator)
    console = _text(
        client.get(reverse("meetings:detail", args=[themes_running.pk])).content.decode()
    )
    assert "Teman på rumsskärmen" in console and SAFETY in console


def test_the_facilitator_hides_and_renames_a_theme_before_the_room_shows_it(
    client: Client, facilitator: User, themes_running: Meeting
) -> None:
    client.force_login(facilitator)
    found = room_themes.room_themes(themes_running)
    safety = next(t for t in found.themes if t.heading == SAFETY)
    together = next(t for t in found.themes if t.heading == TOGETHER)
    revision = themes_running.revision

    answer = client.post(
        reverse("meetings:theme_rename", args=[themes_running.pk]),
        {"theme": safety.key, "label": "Kompetensutveckling"},
    )
    assert answer.status_code == 302
    answer = client.post(
        reverse("meetings:theme_hide", args=[themes_running.pk]), {"theme": together.key}
    )
    assert answer.status_code == 302
    themes_running.refresh_from_db()
    assert themes_running.revision > revision  # the screens were sent again

    room = _text(
        client.get(reverse("meetings:room", args=[themes_running.room_token])).content.decode()
    )
    assert "Kompetensutveckling — 3 av 7 grupper" in room
    assert "Samverkan" not in room and SAFETY not in room
    console = _text(
        client.get(reverse("meetings:detail", args=[themes_running.pk])).content.decode()
    )
    assert "Dolda teman" in console

    # A theme that is no longer there, a blank name: a clear Swedish answer, not a 500.
    gone = client.post(
        reverse("meetings:theme_hide", args=[themes_running.pk]), {"theme": "w:finnsinte"}
    )
    assert gone.status_code == 404 and "Temat finns inte längre" in gone.content.decode()
    blank = client.post(
        reverse("meetings:theme_rename", args=[themes_running.pk]),
        {"theme": together.key, "label": "  "},
    )
    assert blank.status_code in (400, 404)


def test_only_the_meetings_facilitator_curates_from_the_console(
    client: Client, themes_running: Meeting
) -> None:
    other = User.objects.create_user("annan", password="x-hemligt-9")
    client.force_login(other)
    key = room_themes.room_themes(themes_running).themes[0].key
    answer = client.post(reverse("meetings:theme_hide", args=[themes_running.pk]), {"theme": key})
    assert answer.status_code == 404  # not their meeting: the same answer as none at all


def test_screens_never_wait_for_the_dictionary(
    client: Client, themes_running: Meeting, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[int | None] = []
    monkeypatch.setattr(room_themes.sv, "dictionary_loaded", lambda: False)
    monkeypatch.setattr(
        room_themes, "load_ahead", lambda meeting_id=None: started.append(meeting_id)
    )
    room = _text(
        client.get(reverse("meetings:room", args=[themes_running.room_token])).content.decode()
    )
    assert "Teman tas fram" in room
    assert started == [themes_running.pk]  # loading in its own thread; the room is sent again


def test_an_agenda_with_a_themes_phase_loads_the_dictionary_ahead(
    facilitator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(room_themes, "load_ahead", lambda meeting_id=None: started.append(1))
    import summary.apps  # noqa: F401  (the signal handler looks load_ahead up at call time)

    meeting = meeting_services.create_meeting(
        facilitator=facilitator,
        title="Dialogmöte 4",
        date=datetime.date(2026, 11, 23),
        venue="",
        core_question="Vad?",
        usual_home_groups=True,
    )
    meeting_services.add_phase(
        meeting=meeting, kind=PhaseKind.REFLECTION, title="Ord", planned_minutes=5
    )
    assert started == []
    meeting_services.add_phase(
        meeting=meeting, kind=PhaseKind.THEMES, title="Teman", planned_minutes=5
    )
    assert started == [1]
