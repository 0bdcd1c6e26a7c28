"""Every URL and socket, tried by every role that does not own it: 403/404 (or the login page
for visitors who are not logged in to staff pages, the join page for phones that are not in
the group), and nothing changed in the database.

The list of URLs comes from the URL resolver, and every URL name must be classified in ROLE_OF
below: a new view fails `test_every_url_is_classified` until someone says whose it is."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.apps import apps
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.http import Http404
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from groups import services as group_services
from groups.models import SuccessFactor
from meetings import services
from meetings.access import Role, meeting_for_facilitator
from meetings.models import Group, Meeting, Participant, PhaseKind, Series
from meetings.participation import remember_participant
from meetings.roles import EDITOR_ROLE, FACILITATOR_ROLE
from screens.consumers import CLOSE_FORBIDDEN, CLOSE_NOT_FOUND
from tests.support.phases import run_phase
from topp25.asgi import application

# ---------------------------------------------------------------------------------------------
# Whose is each URL? Each view says so itself (`meetings.access.role`); only Django's own views
# and the admin are named here.
# ---------------------------------------------------------------------------------------------
PUBLIC = Role.PUBLIC
ROOM = Role.ROOM
PHONE = Role.PHONE
GROUP = Role.GROUP
STAFF = Role.STAFF
MEETING = Role.MEETING
SERIES = Role.SERIES
ADMIN = Role.ADMIN

DJANGOS_OWN: dict[str, str] = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "set_language": PUBLIC,
    "privacy": PUBLIC,  # topp25's own page, in the wiring package that names no app
    # Operations (topp25/health.py, metrics.py): no data in the answer; /metrics wants a token.
    "health_live": PUBLIC,
    "health_ready": PUBLIC,
    "metrics": PUBLIC,
    "admin:login": PUBLIC,
    "admin:logout": PUBLIC,
}


def _all_urls() -> tuple[dict[str, list[str]], dict[str, str]]:
    """Every named URL the resolver knows, namespaced, with its parameters' names; and the
    role each view declares."""
    found: dict[str, list[str]] = {}
    declared: dict[str, str] = {}

    def walk(patterns: list[Any], namespace: str, params: list[str]) -> None:
        for entry in patterns:
            names = params + list(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, names)
            elif isinstance(entry, URLPattern):
                if entry.name is None:
                    found[f"{namespace}<unnamed {entry.pattern}>"] = names
                else:
                    found.setdefault(f"{namespace}{entry.name}", names)
                    view_role = getattr(entry.callback, "role", None)
                    if view_role is not None:
                        declared.setdefault(f"{namespace}{entry.name}", str(view_role))

    walk(get_resolver().url_patterns, "", [])
    return found, declared


URLS, DECLARED = _all_urls()
ROLE_OF: dict[str, str] = {**DECLARED, **DJANGOS_OWN}


def _role(name: str) -> str | None:
    if name in ROLE_OF:
        return ROLE_OF[name]
    if name.startswith("admin:"):
        return ADMIN  # its catch-all and redirects (unnamed) too
    return None


def test_every_url_is_classified() -> None:
    unclassified = sorted(name for name in URLS if _role(name) is None)
    assert unclassified == [], (
        f"say whose these views are with meetings.access.role: {unclassified}"
    )
    stale = sorted(set(ROLE_OF) - set(URLS))
    assert stale == [], f"no longer URLs: {stale}"


# A view that anyone may use escapes the matrix below: each one is named here on purpose.
OPEN_TO_ALL = {
    "meetings:start",
    "meetings:join",
    "meetings:qr",
    "meetings:join_group",  # a home group's printed card: one tap joins that group
    # Sign-in with the organisation's provider: the provider decides who gets in.
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "oidc_refused",
    "summary:public",  # the token of a published summary; 404 otherwise
    *DJANGOS_OWN,
}


def test_no_view_is_public_by_accident() -> None:
    assert {name for name, role in ROLE_OF.items() if role == PUBLIC} == OPEN_TO_ALL


def test_the_facilitator_check_is_one_query_and_a_404_for_others(
    facilitator: User, meeting: Meeting, django_assert_num_queries: Any
) -> None:
    request = RequestFactory().get("/")
    request.user = facilitator
    with django_assert_num_queries(1):
        assert meeting_for_facilitator(request, meeting.pk) == meeting
    request.user = User.objects.create_user("bertil", password="x")
    with django_assert_num_queries(1), pytest.raises(Http404):
        meeting_for_facilitator(request, meeting.pk)


# ---------------------------------------------------------------------------------------------
# The world: two meetings of two organisers, an editor on neither, phones of two groups
# ---------------------------------------------------------------------------------------------
@dataclass
class World:
    meeting: Meeting
    teachers: Group
    principals: Group
    factor: SuccessFactor
    idea_id: int
    phase_id: int
    teacher: Participant
    series: Series
    clients: dict[str, Client]


def _participant_client(group: Group) -> tuple[Client, Participant]:
    client = Client()
    participant = services.join_meeting(meeting=group.meeting, home_group_id=group.pk)
    session = client.session
    remember_participant(session, participant)
    session.save()
    return client, participant


@pytest.fixture
def world(facilitator: User, teachers: Group, principals: Group) -> World:
    meeting = teachers.meeting
    other = User.objects.create_user("bertil", password="hemligt-losen-2", is_staff=True)
    for role in (FACILITATOR_ROLE, EDITOR_ROLE):
        other.groups.add(AuthGroup.objects.get(name=role))
    services.create_meeting(
        facilitator=other, title="Bertils", date=datetime.date(2026, 12, 1), core_question="?"
    )
    editor = User.objects.create_user("cecilia", password="hemligt-losen-3", is_staff=True)
    editor.groups.add(AuthGroup.objects.get(name=EDITOR_ROLE))
    # A series with the owner's meetings only.
    services.create_meeting(
        facilitator=facilitator,
        title="Förra året",
        date=datetime.date(2025, 11, 20),
        core_question="?",
        series_name="Topp25",
    )
    series = Series.objects.get(name="Topp25")
    Meeting.objects.filter(pk=meeting.pk).update(series=series)
    meeting.refresh_from_db()
    phase = services.add_phase(meeting=meeting, kind="break", title="Fika", planned_minutes=10)
    factor = group_services.add_factor(group=teachers, text="Tid för lärande")
    group_services.add_factor(group=principals, text="Ledarskap")
    group_services.mark_agreed(group=principals, confirmed_short=True)
    teacher_client, teacher = _participant_client(teachers)
    principal_client, _principal = _participant_client(principals)
    run_phase(meeting, PhaseKind.BUZZ)  # where ideas are written
    idea = group_services.add_idea(group=teachers, author=teacher, text="En idé")
    services.end_phase(meeting=meeting)
    owner, stranger, editor_client = Client(), Client(), Client()
    owner.force_login(facilitator)
    stranger.force_login(other)
    editor_client.force_login(editor)
    clients = {
        "owner": owner,
        "other facilitator": stranger,
        "editor not on the meeting": editor_client,
        "teacher": teacher_client,
        "principal": principal_client,
        "anonymous": Client(),
        # The room screen has its token and no session: for HTTP it is a visitor.
        "room screen": Client(),
    }
    return World(meeting, teachers, principals, factor, idea.pk, phase.pk, teacher, series, clients)


SKIPPED_TABLES = {Session}  # a request may touch its own session; nothing else


def _state() -> Any:
    """Every row of every table but sessions."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if model not in SKIPPED_TABLES
    }


def _url(world: World, name: str) -> str:
    values: dict[str, Any] = {
        "pk": world.series.pk if ROLE_OF.get(name) == SERIES else world.meeting.pk,
        "code": world.meeting.join_code,
        "token": world.meeting.room_token,
        "group_id": world.teachers.pk,
        "factor_id": world.factor.pk,
        "idea_id": world.idea_id,
        "phase_id": world.phase_id,
        "participant_id": world.teacher.pk,
        "field": "lead",
        "year": 2025,
        "fmt": "md",
        "object_id": str(world.meeting.pk),
        "id": world.meeting.pk,
        "app_label": "meetings",
        "content_type_id": 1,
    }
    return reverse(name, kwargs={param: values[param] for param in URLS[name]})


# Whatever a form might want: each view reads what it needs, so a forbidden request is
# refused with data the owner's request would have been accepted with.
POST_DATA = {
    "text": "Kapad",
    "name": "Kapad",
    "title": "Kapad",
    "open": "0",
    "confirm": "1",
    "direction": "down",
    "count": "1",
    "kind": "break",
    "planned_minutes": "5",
    "minutes": "5",
    "group": "",
    "year": "2025",
    "value": "1",
    "label": "Kapad",
    "username": "bertil",
    "version": "1",
}

NOT_LOGGED_IN = {"teacher", "principal", "anonymous", "room screen"}
STAFF_ROLES = {"owner", "other facilitator", "editor not on the meeting"}


def _owner_of(role: str) -> str:
    return {GROUP: "teacher", MEETING: "owner", SERIES: "owner", ADMIN: ""}.get(role, "")


def _refused(world: World, role: str, intruder: str, response: Any) -> bool:
    status = response.status_code
    if status in (403, 404):
        return True
    location = response.get("Location", "") if status == 302 else ""
    if role in (MEETING, SERIES, STAFF) and intruder in NOT_LOGGED_IN:
        return "/accounts/login/" in location
    if role == ADMIN:
        return reverse("admin:login") in location
    if role in (GROUP, PHONE):
        join = reverse("meetings:join", args=[world.meeting.join_code])
        return location.startswith(join) or response.get("HX-Redirect", "").startswith(join)
    return False


GUARDED = sorted(
    name
    for name in URLS
    if _role(name) in (GROUP, PHONE, MEETING, SERIES, ADMIN) and "<unnamed" not in name
)


def _intrusions(world: World, name: str) -> list[Any]:
    """Every other role's GET and POST, with and without HX-Request: what was let through."""
    role = _role(name)
    assert role is not None
    url = _url(world, name)
    owner = _owner_of(role)
    let_through: list[Any] = []
    not_allowed: set[str] = set()
    for intruder, client in world.clients.items():
        if intruder == owner or (role == PHONE and intruder in ("teacher", "principal")):
            continue
        before = _state()
        for method in ("get", "post"):
            for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
                data = POST_DATA if method == "post" else {}
                response = getattr(client, method)(url, data, **htmx)
                if response.status_code == 405:
                    not_allowed.add(method)
                elif not _refused(world, role, intruder, response):
                    let_through.append((intruder, method, bool(htmx), url, response.status_code))
        if _state() != before:
            let_through.append((intruder, url, "changed the database"))
    # 405 says nothing about permissions only when the owner gets it too.
    for method in sorted(not_allowed):
        if owner:
            response = getattr(world.clients[owner], method)(url, POST_DATA)
            if response.status_code != 405:
                let_through.append(("405 for others only", method, url, response.status_code))
    return let_through


# One test per kind of owner (a world per URL would take minutes): every URL of that kind.
@pytest.mark.parametrize("role", [GROUP, PHONE, MEETING, SERIES, ADMIN])
def test_other_roles_are_refused(world: World, role: str) -> None:
    names = [name for name in GUARDED if _role(name) == role]
    assert names
    let_through = [hole for name in names for hole in _intrusions(world, name)]
    assert let_through == []


OWNER_PAGES = [
    "meetings:detail",
    "meetings:people",
    "summary:markdown",
    "summary:json",
    "summary:themes",
    "summary:workspace",
    "summary:series",
    "summary:series_csv",
    "groups:state",
]


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_the_owner_can(world: World, name: str) -> None:
    """The matrix is not vacuous: the same URLs work for their owners."""
    owner = _owner_of(_role(name) or "")
    response = world.clients[owner].get(_url(world, name), HTTP_HX_REQUEST="true")
    assert response.status_code == 200, name


def test_series_list_shows_only_series_one_is_in(world: World) -> None:
    assert "Topp25" in world.clients["owner"].get(reverse("summary:series_list")).text
    for outsider in ("other facilitator", "editor not on the meeting"):
        listing = world.clients[outsider].get(reverse("summary:series_list"))
        assert listing.status_code in (200, 403) and "Topp25" not in listing.text, outsider


# ---------------------------------------------------------------------------------------------
# Sockets
# ---------------------------------------------------------------------------------------------
async def _socket_code(path: str, cookie: str | None) -> int | None:
    headers = [(b"host", b"127.0.0.1"), (b"origin", b"http://127.0.0.1")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    ok, code = await communicator.connect(timeout=5)
    if ok:
        await communicator.disconnect()
        return None
    return code


def _cookie(client: Client) -> str | None:
    session = client.cookies.get("sessionid")
    return f"sessionid={session.value}" if session else None


@pytest.mark.django_db(transaction=True)
def test_sockets_of_other_roles(world: World) -> None:
    check = async_to_sync(_socket_code)
    teacher_path = f"/ws/m/{world.meeting.join_code}/groups/{world.teachers.pk}/"
    console_path = f"/ws/console/{world.meeting.pk}/"
    old_token = world.meeting.room_token
    before = _state()
    for intruder, client in world.clients.items():
        cookie = _cookie(client)
        if intruder != "teacher":
            assert check(teacher_path, cookie) == CLOSE_FORBIDDEN, intruder
        if intruder != "owner":
            assert check(console_path, cookie) == CLOSE_FORBIDDEN, intruder
        # The room socket needs the current token: a guessed one is refused, whoever asks.
        assert check("/ws/room/" + "A" * 32 + "/", cookie) == CLOSE_NOT_FOUND, intruder
    assert _state() == before
    services.rotate_room_token(meeting=world.meeting)
    for client in world.clients.values():
        assert check(f"/ws/room/{old_token}/", _cookie(client)) == CLOSE_NOT_FOUND
    # Their own sockets open.
    assert check(teacher_path, _cookie(world.clients["teacher"])) is None
    assert check(console_path, _cookie(world.clients["owner"])) is None
    assert check(f"/ws/room/{world.meeting.room_token}/", None) is None
