"""The agenda, the server timer and what each screen shows in each kind of phase."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.errors import DomainError
from meetings.models import Group, Meeting, Phase, PhaseKind
from meetings.phases import AgendaTemplate
from screens import broadcast
from screens.registry import REGISTRY, screens_for
from tests.support.fixtures import HX

pytestmark = [pytest.mark.django_db, pytest.mark.afternoon(home_groups=[])]


class Clock:
    """timezone.now() under the test's control, so the timer is checked to the second."""

    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)

    def advance(self, seconds: int) -> None:
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    yield clock


def kinds(meeting: Meeting) -> list[str]:
    return [phase.kind for phase in meeting.agenda()]


def test_agenda_templates(facilitator: User) -> None:
    def create(template: str, **extra: Any) -> Meeting:
        return services.create_meeting(
            facilitator=facilitator,
            title=template,
            date=datetime.date(2026, 12, 1),
            core_question="Fråga?",
            agenda_template=template,
            **extra,
        )

    assert kinds(create(AgendaTemplate.PROFESSION_AFTERNOON)) == [
        "introduction",
        "buzz",
        "dialogue",
        "agree",
        "break",
        "expert",
        "reflection",
        "closed",
    ]
    unit_day = create(AgendaTemplate.UNIT_DAY, home_group_names=["Lotsen", "KomTek", "Naturskolan"])
    assert "expert" not in kinds(unit_day) and kinds(unit_day)[0] == "introduction"
    assert [group.name for group in unit_day.home_groups()] == ["Lotsen", "KomTek", "Naturskolan"]
    assert kinds(create(AgendaTemplate.EMPTY)) == []


def test_create_meeting_form_with_units_and_the_unit_day(client: Client, facilitator: User) -> None:
    client.force_login(facilitator)
    response = client.post(
        reverse("meetings:create"),
        {
            "title": "Verksamhetsdag",
            "date": "2026-12-02",
            "venue": "",
            "core_question": "Hur blir vi bättre tillsammans?",
            "factor_count": 5,
            "series_name": "",
            "home_groups": "names",
            "group_names": "Lotsen\nKomTek\n\n  Sjukhusskolan  \n",
            "agenda_template": "unit_day",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Verksamhetsdag")
    assert [group.name for group in meeting.home_groups()] == ["Lotsen", "KomTek", "Sjukhusskolan"]
    assert kinds(meeting)[-1] == "closed"


def test_create_meeting_form_refuses_own_names_without_names(
    client: Client, facilitator: User
) -> None:
    client.force_login(facilitator)
    response = client.post(
        reverse("meetings:create"),
        {
            "title": "X",
            "date": "2026-12-02",
            "core_question": "Fråga?",
            "factor_count": 5,
            "home_groups": "names",
            "group_names": "  \n",
            "agenda_template": "empty",
        },
    )
    assert response.status_code == 400
    assert "Skriv minst en hemgrupp" in response.content.decode()
    assert not Meeting.objects.filter(title="X").exists()


def test_every_kind_has_its_screens_and_they_render(afternoon: Meeting, clock: Clock) -> None:
    assert set(REGISTRY) == set(PhaseKind.values)
    for phase in afternoon.agenda():
        services.start_phase(meeting=afternoon, phase_id=phase.pk)
        meeting = Meeting.objects.select_related("current_phase").get(pk=afternoon.pk)
        screens = screens_for(meeting, meeting.current_phase)
        # The afternoon has buzz groups: the idea pool's screens in its phases.
        assert screens is REGISTRY[phase.kind]
        context = broadcast.console_context(meeting)
        phone = render_to_string(broadcast.PHONE_PHASE, context)
        room = render_to_string(broadcast.ROOM_LIVE, context)
        console = render_to_string(broadcast.CONSOLE_LIVE, context)
        assert phase.title in phone and phase.title in room and phase.title in console
        assert f'data-revision="{meeting.revision}"' in phone
        assert ('id="room-groups"' in room) == screens.room_gallery
        if phase.kind != PhaseKind.CLOSED:
            assert "data-timer" in phone and "data-timer" in room


def test_timer_counts_pauses_and_adjusts_on_the_server(afternoon: Meeting, clock: Clock) -> None:
    buzz = afternoon.agenda().get(kind=PhaseKind.BUZZ)  # 10 minutes
    services.start_phase(meeting=afternoon, phase_id=buzz.pk)
    clock.advance(90)
    buzz.refresh_from_db()
    assert buzz.remaining_seconds(clock.now) == 600 - 90

    services.pause_phase(meeting=afternoon)
    clock.advance(300)  # paused: no time passes for the phase
    buzz.refresh_from_db()
    assert buzz.is_paused and buzz.remaining_seconds(clock.now) == 510
    services.pause_phase(meeting=afternoon)  # a second tap changes nothing

    services.resume_phase(meeting=afternoon)
    clock.advance(10)
    buzz.refresh_from_db()
    assert not buzz.is_paused and buzz.remaining_seconds(clock.now) == 500

    services.adjust_phase_minutes(meeting=afternoon, minutes=5)
    buzz.refresh_from_db()
    assert buzz.remaining_seconds(clock.now) == 800
    services.adjust_phase_minutes(meeting=afternoon, minutes=-60)  # never below zero left
    buzz.refresh_from_db()
    assert buzz.remaining_seconds(clock.now) == 0

    clock.advance(30)  # time runs out: the phase goes on, nothing is taken away
    buzz.refresh_from_db()
    assert buzz.is_running and buzz.remaining_seconds(clock.now) == -30

    services.end_phase(meeting=afternoon)
    buzz.refresh_from_db()
    afternoon.refresh_from_db()
    assert afternoon.current_phase is None
    assert buzz.started_at is not None and buzz.ended_at == clock.now
    with pytest.raises(DomainError) as refused:
        services.pause_phase(meeting=afternoon)
    assert refused.value.code == "phase_not_running"


def test_next_phase_follows_the_agenda(afternoon: Meeting, clock: Clock) -> None:
    agenda = list(afternoon.agenda())
    started = [services.start_phase(meeting=afternoon) for _ in agenda]
    assert [phase.pk for phase in started] == [phase.pk for phase in agenda]
    # Each start ended the one before it, at the same moment.
    ended = Phase.objects.filter(meeting=afternoon, ended_at__isnull=False)
    assert ended.count() == len(agenda) - 1
    with pytest.raises(DomainError) as refused:
        services.start_phase(meeting=afternoon)
    assert refused.value.code == "no_next_phase"
    # Going back to an earlier phase is allowed: it gets its planned time anew.
    buzz = services.start_phase(meeting=afternoon, phase_id=agenda[1].pk)
    assert buzz.remaining_seconds(clock.now) == buzz.planned_minutes * 60


def test_agenda_editing(afternoon: Meeting) -> None:
    fika = afternoon.agenda().get(kind=PhaseKind.BREAK)
    services.update_phase(
        meeting=afternoon,
        phase_id=fika.pk,
        kind=PhaseKind.BREAK,
        title="Kaffe och bulle",
        planned_minutes=15,
        speaker="",
        note="Bullar i foajén",
    )
    fika.refresh_from_db()
    assert (fika.title, fika.planned_minutes, fika.note) == (
        "Kaffe och bulle",
        15,
        "Bullar i foajén",
    )
    before = [phase.pk for phase in afternoon.agenda()]
    services.move_phase(meeting=afternoon, phase_id=fika.pk, direction="up")
    after = [phase.pk for phase in afternoon.agenda()]
    index = before.index(fika.pk)
    assert after[index - 1] == fika.pk and sorted(after) == sorted(before)
    assert [phase.position for phase in afternoon.agenda()] == list(range(1, len(after) + 1))
    services.remove_phase(meeting=afternoon, phase_id=fika.pk)
    assert "break" not in kinds(afternoon)  # a meeting may skip kinds
    added = services.add_phase(
        meeting=afternoon, kind=PhaseKind.BREAK, title="Fika", planned_minutes=20
    )
    assert list(afternoon.agenda())[-1] == added


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"title": "   "}, "phase_title_blank"),
        ({"title": "x" * 121}, "phase_title_too_long"),
        ({"planned_minutes": 601}, "phase_minutes"),
        ({"kind": "karaoke"}, "phase_kind"),
        ({"note": "n" * 1001}, "phase_note_too_long"),
    ],
)
def test_bad_phase_input_is_refused(afternoon: Meeting, fields: dict[str, Any], code: str) -> None:
    count = afternoon.agenda().count()
    values = {"kind": "buzz", "title": "Bikupor", "planned_minutes": 10, **fields}
    with pytest.raises(DomainError) as refused:
        services.add_phase(meeting=afternoon, **values)
    assert refused.value.code == code
    assert afternoon.agenda().count() == count


def test_running_phase_cannot_be_removed(afternoon: Meeting) -> None:
    phase = services.start_phase(meeting=afternoon)
    with pytest.raises(DomainError) as refused:
        services.remove_phase(meeting=afternoon, phase_id=phase.pk)
    assert refused.value.code == "phase_running"
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_every_meeting_change_gets_a_new_revision(afternoon: Meeting) -> None:
    revisions = [Meeting.objects.get(pk=afternoon.pk).revision]
    for change in (
        lambda: services.start_phase(meeting=afternoon),
        lambda: services.pause_phase(meeting=afternoon),
        lambda: services.resume_phase(meeting=afternoon),
        lambda: services.adjust_phase_minutes(meeting=afternoon, minutes=1),
        lambda: services.end_phase(meeting=afternoon),
    ):
        change()
        revisions.append(Meeting.objects.get(pk=afternoon.pk).revision)
    assert revisions == sorted(set(revisions))  # strictly increasing


# --- The console's views -------------------------------------------------------------------


def console_post(client: Client, view: str, meeting: Meeting, *args: Any, **data: Any) -> Any:
    return client.post(reverse(f"meetings:{view}", args=[meeting.pk, *args]), data, **HX)


def test_console_runs_the_afternoon(client: Client, facilitator: User, afternoon: Meeting) -> None:
    client.force_login(facilitator)
    page = client.get(reverse("meetings:detail", args=[afternoon.pk])).content.decode()
    assert "Mötet har inte börjat." in page and 'data-ws-connect="/ws/console/' in page
    response = console_post(client, "phase_start", afternoon)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="console-phase"' in html and 'id="console-people"' in html
    assert "Inledning: föreläsning och film" in html and "Pausa" in html
    assert console_post(client, "phase_pause", afternoon).status_code == 200
    assert "Fortsätt" in console_post(client, "phase_pause", afternoon).content.decode()
    assert console_post(client, "phase_resume", afternoon).status_code == 200
    assert console_post(client, "phase_adjust", afternoon, minutes="5").status_code == 200
    refused = console_post(client, "phase_adjust", afternoon, minutes="abc")
    assert refused.status_code == 400 and "Lägg till eller ta bort" in refused.content.decode()
    assert console_post(client, "phase_end", afternoon).status_code == 200
    again = console_post(client, "phase_end", afternoon)
    assert again.status_code == 409 and "Ingen fas pågår" in again.content.decode()


def test_console_agenda_views(client: Client, facilitator: User, afternoon: Meeting) -> None:
    client.force_login(facilitator)
    count = afternoon.agenda().count()
    ok = console_post(
        client, "phase_add", afternoon, kind="reflection", title="Extra", planned_minutes=5
    )
    assert ok.status_code == 200 and afternoon.agenda().count() == count + 1
    bad = console_post(
        client, "phase_add", afternoon, kind="reflection", title="", planned_minutes=5
    )
    assert bad.status_code == 400 and afternoon.agenda().count() == count + 1
    assert "obligatoriskt" in bad.content.decode() or "Detta fält" in bad.content.decode()
    extra = afternoon.agenda().get(title="Extra")
    renamed = console_post(
        client,
        "phase_update",
        afternoon,
        extra.pk,
        kind="reflection",
        title="Avslutande ord",
        planned_minutes=7,
        speaker="Skolchefen",
        note="",
    )
    assert renamed.status_code == 200
    extra.refresh_from_db()
    assert (extra.title, extra.planned_minutes, extra.speaker) == (
        "Avslutande ord",
        7,
        "Skolchefen",
    )
    assert (
        console_post(client, "phase_move", afternoon, extra.pk, direction="up").status_code == 200
    )
    gone = console_post(client, "phase_remove", afternoon, extra.pk)
    assert gone.status_code == 200 and not Phase.objects.filter(pk=extra.pk).exists()
    assert console_post(client, "phase_remove", afternoon, extra.pk).status_code == 404


def test_other_facilitator_cannot_run_the_meeting(
    client: Client, afternoon: Meeting, django_user_model: Any
) -> None:
    other = django_user_model.objects.create_user("bo", password="x-hemligt-1")
    client.force_login(other)
    for name in ("phase_start", "phase_pause", "phase_end", "phase_add"):
        assert console_post(client, name, afternoon).status_code == 404
    afternoon.refresh_from_db()
    assert afternoon.current_phase is None


def test_groups_renamed_reordered_deleted_and_people_moved(
    client: Client, facilitator: User, afternoon: Meeting, join_as: Any, add_factors: Any
) -> None:
    client.force_login(facilitator)
    teachers = afternoon.home_groups().get(name="Lärare")
    principals = afternoon.home_groups().get(name="Rektorer")
    ok = console_post(client, "group_rename", afternoon, teachers.pk, name="Lärare F–9")
    assert ok.status_code == 200
    teachers.refresh_from_db()
    assert teachers.name == "Lärare F–9" and teachers.revision == 1
    taken = console_post(client, "group_rename", afternoon, teachers.pk, name="rektorer")
    assert taken.status_code == 409 and "Det finns redan" in taken.content.decode()

    names = [group.name for group in afternoon.home_groups()]
    console_post(client, "group_move", afternoon, principals.pk, direction="up")
    moved = [group.name for group in afternoon.home_groups()]
    index = names.index("Rektorer")
    assert moved[index - 1] == "Rektorer" and sorted(moved) == sorted(names)

    add_factors(principals, 2)
    asked = console_post(client, "group_delete", afternoon, principals.pk)
    assert asked.status_code == 200
    assert (
        "2 framgångsfaktorer" in asked.content.decode()
        and "confirm-delete" in asked.content.decode()
    )
    assert Group.objects.filter(pk=principals.pk).exists()

    participant = join_as(teachers, as_client=Client())
    refused = console_post(client, "group_delete", afternoon, teachers.pk, confirm="1")
    assert refused.status_code == 409 and "flytta" in refused.content.decode()
    move = reverse("meetings:participant_move", args=[afternoon.pk, participant.pk])
    assert client.post(move, {"group": principals.pk}, **HX).status_code == 200
    participant.refresh_from_db()
    assert participant.home_group_id == principals.pk
    assert client.post(move, {"group": 999999}, **HX).status_code == 404

    deleted = console_post(client, "group_delete", afternoon, teachers.pk)
    assert deleted.status_code == 200 and not Group.objects.filter(pk=teachers.pk).exists()
    confirmed = console_post(client, "group_delete", afternoon, principals.pk, confirm="1")
    assert confirmed.status_code == 409  # principals now has a member


def test_phone_page_shows_the_phase(client: Client, afternoon: Meeting, join_as: Any) -> None:
    teachers = afternoon.home_groups().get(name="Lärare")
    join_as(teachers)
    page = client.get(reverse("groups:page", args=[afternoon.join_code])).content.decode()
    assert 'id="phone-phase"' in page and "Välkommen!" in page
    services.start_phase(meeting=afternoon, phase_id=afternoon.agenda().get(kind="buzz").pk)
    page = client.get(reverse("groups:page", args=[afternoon.join_code])).content.decode()
    assert "Prata två och två" in page and afternoon.core_question in page
    assert 'id="factor-form"' in page  # the list and its form stay in every phase


def test_the_agenda_is_in_the_markdown_with_times(afternoon: Meeting, clock: Clock) -> None:
    from summary.outputs import meeting_markdown

    services.start_phase(meeting=afternoon)
    clock.advance(600)
    services.start_phase(meeting=afternoon)
    markdown = meeting_markdown(afternoon)
    assert "## Dagordning" in markdown
    started = timezone.localtime(clock.now - datetime.timedelta(seconds=600)).strftime("%H:%M")
    ended = timezone.localtime(clock.now).strftime("%H:%M")
    assert (
        f"1. Inledning: föreläsning och film (Inledning, 30 minuter) — kl. {started}–{ended}"
        in (markdown)
    )
    assert f"2. Bikupor: samtala två och två (Bikupor, 10 minuter) — från kl. {ended}" in markdown
    assert "8. Tack för i dag (Avslutning, 0 minuter)\n" in markdown
