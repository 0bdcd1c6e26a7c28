"""What the meeting's screens show, rendered for the live transport (topp25.live).

The services below announce typed changes (meetings.changes); `deliver` gets each after its
write committed, reads committed data once, renders each affected fragment once per language
in use from the same partials the pages use, and sends it. The snapshot functions give a
screen its whole current state when its socket connects.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from groups.pool_state import PoolView
from meetings import changes, experts
from meetings.models import Group, Meeting, Participant, Phase, PhaseKind
from meetings.phases import action_texts, rules_for
from topp25 import live, metrics

from .registry import CONSOLE_TEMPLATE, PHONE_TEMPLATE, ROOM_TEMPLATE, PhaseScreens, screens_for

PHONE_GROUP_STATE = f"{PHONE_TEMPLATE}#group_state"
PHONE_LIST = f"{PHONE_TEMPLATE}#list_state"
PHONE_PHASE = f"{PHONE_TEMPLATE}#phone_phase"
PHONE_POOL = f"{PHONE_TEMPLATE}#pool_only"
ROOM_LIVE = f"{ROOM_TEMPLATE}#room_live"
ROOM_GROUP_COLUMN = f"{ROOM_TEMPLATE}#group_column"
CONSOLE_LIVE = f"{CONSOLE_TEMPLATE}#console_live"
CONSOLE_GROUP_ROW = f"{CONSOLE_TEMPLATE}#console_group_row"
CONSOLE_WORDS = f"{CONSOLE_TEMPLATE}#console_words"

# The phone's variant when it has no expert group (or the phase does not depend on it).
ANY_VARIANT = "*"


def _group(group_id: int) -> Group | None:
    return (
        Group.objects.with_factors()
        .select_related("meeting__current_phase")
        .filter(pk=group_id)
        .first()
    )


def group_context(group: Group) -> dict[str, Any]:
    """A group's fragments, with the phase's screens: an activity may add its own part to
    the group's column and row (PhaseScreens.room_column, console_row)."""
    meeting = group.meeting
    return {
        "group": group,
        "meeting": meeting,
        "screens": screens_for(meeting, meeting.current_phase),
    }


def phase_context(meeting: Meeting) -> dict[str, Any]:
    """The phase and timer every screen shows; `meeting` is read before anything else, so the
    data rendered is at least as new as its revision."""
    phase: Phase | None = meeting.current_phase
    screens: PhaseScreens = screens_for(meeting, phase)
    now = timezone.now()
    rules = rules_for(meeting)
    return {
        "meeting": meeting,
        "phase": phase,
        "screens": screens,
        # What participants may do now: the phone's panel names these (each linked to its
        # control) and says them in data-allows, which shows and hides the controls.
        "rules": rules,
        "allowed_actions": " ".join(sorted(rules.allows)),
        "action_texts": action_texts(rules),
        "remaining": phase.remaining_seconds(now) if phase is not None else None,
        "server_now_ms": int(now.timestamp() * 1000),
    }


def _screen_extras(context: dict[str, Any]) -> dict[str, Any]:
    provider = context["screens"].context
    return provider(context["meeting"]) if provider is not None else {}


def showing_expert_lists(meeting: Meeting) -> bool:
    """In the expert phase, once published, the room's gallery shows the expert groups."""
    phase = meeting.current_phase
    return (
        phase is not None
        and phase.is_running
        and phase.kind == PhaseKind.EXPERT
        and meeting.experts_published_at is not None
    )


def room_context(meeting: Meeting) -> dict[str, Any]:
    context = phase_context(meeting)
    if showing_expert_lists(meeting):
        groups = meeting.groups.filter(kind=Group.Kind.EXPERT).order_by("position", "pk")
    else:
        groups = meeting.home_groups()
    context["groups"] = list(groups.with_factors())
    context.update(_screen_extras(context))
    return context


# How many participants the console lists (the newest joins); the people page lists all.
PEOPLE_SHOWN = 100


def console_context(meeting: Meeting) -> dict[str, Any]:
    context = phase_context(meeting)
    context["agenda"] = list(meeting.agenda())
    context["groups"] = list(meeting.home_groups().with_factors().prefetch_related("members"))
    people = meeting.participants.select_related("home_group", "expert_group")
    # The newest joins, not all: the console is rebuilt at every change, and at a conference
    # of thousands a row with a move form per person was megabytes (the people page has all).
    if not experts.uses_expert_groups(meeting):
        context["participant_count"] = people.count()
        context["people"] = list(people.order_by("-pk")[:PEOPLE_SHOWN])[::-1]
    else:
        # The jigsaw needs everyone (who sits where, who left); the newest are the last.
        participants = list(people.select_related("expert_draft"))
        context["participants"] = participants
        context["participant_count"] = len(participants)
        context["people"] = participants[-PEOPLE_SHOWN:]
        context["experts"] = experts.overview(meeting, participants)
        # The expert groups' rows (their lists) are live like the home groups'.
        context["expert_groups"] = list(
            meeting.groups.filter(kind=Group.Kind.EXPERT)
            .order_by("position", "pk")
            .with_factors()
            .prefetch_related("expert_members")
        )
    context.update(_screen_extras(context))
    return context


def _meeting(meeting_id: int) -> Meeting | None:
    return Meeting.objects.select_related("current_phase").filter(pk=meeting_id).first()


def _revisions(meeting: Meeting, groups: list[Group]) -> dict[str, int]:
    revisions = {live.group_key(group.pk): group.revision for group in groups}
    revisions[live.MEETING_KEY] = meeting.revision
    return revisions


# --- Snapshots: a screen's whole state when its socket connects -------------------------


# The group's list as phones are sent it when their sockets connect, by group, revisions and
# language: it is the same for every phone of the group (the broadcast sends them all one
# rendering), and after a dropped worker or at a meeting's start a group's phones connect
# within seconds of each other. Kept briefly, per process; the key holds the meeting's join
# code too, so a recreated database (tests) never meets an old entry. (Edits in Django's
# admin bump no revision: as on screens already open, they show at the next change.)
SNAPSHOT_CACHE_SECONDS = 30.0
SNAPSHOT_CACHE_SIZE = 512
_group_states: OrderedDict[tuple[object, ...], tuple[float, str]] = OrderedDict()
_group_states_lock = threading.Lock()


def _keep_recent[K, V](cache: OrderedDict[K, V], key: K, value: V, size: int) -> None:
    """Every process-local cache of renders and reads here: the newest entry last, the
    oldest dropped beyond `size`. The caller holds `_group_states_lock`."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > size:
        cache.popitem(last=False)


# What the list shows, as paths from the group: its revision and, of the meeting, the number
# of factors and which phase runs (the pool's mode); not the meeting's revision, which every
# join bumps. The join code keeps a recreated database's ids apart.
GROUP_STATE_KEY = (
    "revision",
    "meeting_id",
    "meeting__join_code",
    "meeting__factor_count",
    "meeting__current_phase_id",
    "meeting__current_phase__kind",
    "meeting__current_phase__started_at",
    "meeting__current_phase__ended_at",
)


def _group_state_key(group: Group) -> tuple[object, ...]:
    """GROUP_STATE_KEY read from a loaded group, as `values_list` reads it from the database."""
    values = []
    for path in GROUP_STATE_KEY:
        value: object = group
        for name in path.split("__"):
            value = getattr(value, name) if value is not None else None
        values.append(value)
    return tuple(values)


def _group_state_html(group_id: int, language: str) -> tuple[str, int, int] | None:
    """The `#group_state` fragment with the group's revision and its meeting's id."""
    found = Group.objects.filter(pk=group_id).values_list(*GROUP_STATE_KEY).first()
    if found is None:
        return None
    revision, meeting_id = found[0], found[1]
    key = (group_id, *found, language)
    now = time.monotonic()
    with _group_states_lock:
        cached = _group_states.get(key)
        if cached is not None and now - cached[0] < SNAPSHOT_CACHE_SECONDS:
            _group_states.move_to_end(key)
            return cached[1], revision, meeting_id
    group = _group(group_id)
    if group is None:
        return None
    html = live.render_in(language, PHONE_GROUP_STATE, group_context(group))
    if _group_state_key(group) == found:  # unchanged between the reads: the key is what it shows
        with _group_states_lock:
            _keep_recent(_group_states, key, (now, html), SNAPSHOT_CACHE_SIZE)
    return html, group.revision, group.meeting_id


def phone_snapshot(group_id: int, participant_id: int, language: str) -> live.Snapshot | None:
    # The participant (their expert group picks the phase panel's variant) with the meeting
    # and its phase in one query. Which is read first does not matter: the socket joined its
    # streams before, so whatever commits in between also arrives as an event.
    participant = (
        Participant.objects.select_related("meeting__current_phase")
        .filter(pk=participant_id)
        .first()
    )
    if participant is None:
        return None
    state = _group_state_html(group_id, language)
    if state is None:
        return None
    html, revision, meeting_id = state
    meeting = participant.meeting
    if meeting.pk != meeting_id:
        return None
    context = {**phase_context(meeting), "participant": participant}
    html += live.render_in(language, PHONE_PHASE, context)
    revisions = {
        live.group_key(group_id): revision,
        live.pool_key(group_id): revision,
        live.MEETING_KEY: meeting.revision,
    }
    return html, revisions


def room_snapshot(meeting_id: int, language: str) -> live.Snapshot | None:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return None
    context = room_context(meeting)
    return live.render_in(language, ROOM_LIVE, context), _revisions(meeting, context["groups"])


def console_snapshot(meeting_id: int, language: str) -> live.Snapshot | None:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return None
    context = console_context(meeting)
    html = live.render_in(language, CONSOLE_LIVE, context)
    return html, _revisions(meeting, context["groups"] + context.get("expert_groups", []))


# --- Events ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RenderedGroup:
    """What a group's broadcast read and rendered after a write committed: the group with its
    factors (and whatever the templates cached on it, e.g. the pool), the phone's fragment per
    language, and which parts of the group's screen that fragment holds (the list, the pool
    or both: only what the change altered)."""

    group: Group
    phone: live.Fragments
    parts: frozenset[changes.Part] = changes.LIST_AND_POOL


# The request that made a write answers from what that write's broadcast rendered (in this
# process, right after the commit): found by the state it shows (GROUP_STATE_KEY, the
# revision first), so a request never takes an older rendering, and one that finds none
# (another write came between) reads and renders the newer state itself.
RECENT_SIZE = 128
_recent_groups: OrderedDict[tuple[object, ...], RenderedGroup] = OrderedDict()


def _remember(group: Group, phone: live.Fragments, parts: frozenset[changes.Part]) -> None:
    state = _group_state_key(group)
    now = time.monotonic()
    with _group_states_lock:
        rendered = RenderedGroup(group=group, phone=phone, parts=parts)
        _keep_recent(_recent_groups, (group.pk, *state), rendered, RECENT_SIZE)
        # A phone that connects now gets the same rendering (phone_snapshot), when it is the
        # whole of the group's screen.
        if parts == changes.LIST_AND_POOL:
            for language, html in phone.items():
                key = (group.pk, *state, language)
                _keep_recent(_group_states, key, (now, html), SNAPSHOT_CACHE_SIZE)


def rendered_group(group_id: int) -> RenderedGroup | None:
    """The group as its last broadcast in this process rendered it, if that is still its
    committed state (one narrow query)."""
    found = Group.objects.filter(pk=group_id).values_list(*GROUP_STATE_KEY).first()
    if found is None:
        return None
    with _group_states_lock:
        return _recent_groups.get((group_id, *found))


# The consoles' live part as the last meeting-wide broadcast in this process rendered it, by
# meeting: the revisions it shows (the meeting's and each group's) and the fragments. The
# console action that caused it answers with it (`rendered_console`).
_recent_consoles: OrderedDict[int, tuple[str, dict[str, int], live.Fragments]] = OrderedDict()


def _remember_console(meeting: Meeting, revisions: dict[str, int], html: live.Fragments) -> None:
    with _group_states_lock:
        # The join code keeps a recreated database's ids apart (as in GROUP_STATE_KEY).
        recent = (meeting.join_code, revisions, html)
        _keep_recent(_recent_consoles, meeting.pk, recent, RECENT_SIZE)


def rendered_console(meeting_id: int) -> live.Fragments | None:
    """The console's live part as last broadcast, if every revision it shows is still the
    committed one (two narrow queries), else None."""
    with _group_states_lock:
        recent = _recent_consoles.get(meeting_id)
    if recent is None:
        return None
    join_code, revisions, html = recent
    found = Meeting.objects.filter(pk=meeting_id).values_list("revision", "join_code").first()
    if found is None or found[1] != join_code:
        return None
    current = {
        live.group_key(pk): revision
        for pk, revision in Group.objects.filter(meeting_id=meeting_id).values_list(
            "pk", "revision"
        )
    }
    current[live.MEETING_KEY] = found[0]
    if any(current.get(key) != revision for key, revision in revisions.items()):
        return None
    return html


# The phone's partial for each set of parts a change may alter: a factor edit sends the list
# alone (the pool, often the larger part, is neither read nor rendered), a dot the pool alone.
PHONE_PARTS = {
    changes.LIST_AND_POOL: PHONE_GROUP_STATE,
    changes.LIST_ONLY: PHONE_LIST,
    changes.POOL_ONLY: PHONE_POOL,
}


def _phone_keys(group_id: int, parts: frozenset[changes.Part]) -> tuple[str, ...]:
    """The revision keys of the phone's parts a fragment holds (the list's, the pool's)."""
    keys = []
    if changes.Part.LIST in parts:
        keys.append(live.group_key(group_id))
    if changes.Part.POOL in parts:
        keys.append(live.pool_key(group_id))
    return tuple(keys)


# The idea pool as the last broadcast in this process read it, by what it depends on (the
# group's pool revision and the meeting's state, `_pool_view_key`): a change of the list alone
# (an edit) renders the room's column and the console's row, which show the pool's counts and
# top ideas, from it instead of reading the pool again (a third of such a write's work).
_pool_views: OrderedDict[tuple[object, ...], PoolView] = OrderedDict()


def _pool_view_key(group: Group) -> tuple[object, ...]:
    """What a group's pool view is a function of: its pool revision, and the meeting's state
    (revision, join code, phase: the pool's rules and whether it is shown)."""
    return (group.pk, group.pool_revision, group.meeting.revision, *_group_state_key(group)[1:])


def _reuse_pool_view(group: Group) -> None:
    with _group_states_lock:
        view = _pool_views.get(_pool_view_key(group))
    if view is not None:
        group._pool_view = view  # type: ignore[attr-defined]  # read by the `idea_pool` tag


def _keep_pool_view(group: Group) -> None:
    view: PoolView | None = getattr(group, "_pool_view", None)
    if view is None:
        return
    key = _pool_view_key(group)
    with _group_states_lock:
        _keep_recent(_pool_views, key, view, RECENT_SIZE)


# A group's members as the last broadcast in this process read them, by the meeting's
# revision: every join, move, departure and expert allocation bumps it, a list's change does not.
_group_members: OrderedDict[tuple[object, ...], list[Participant]] = OrderedDict()


def _members(group: Group) -> list[Participant]:
    key = (group.pk, group.meeting.join_code, group.meeting.revision)
    with _group_states_lock:
        found = _group_members.get(key)
    if found is not None:
        return found
    members = group.expert_members if group.kind == Group.Kind.EXPERT else group.members
    found = list(members.all())
    with _group_states_lock:
        _keep_recent(_group_members, key, found, RECENT_SIZE)
    return found


def _group_event(
    group_id: int, parts: frozenset[changes.Part] = changes.LIST_AND_POOL
) -> live.GroupListChanged | None:
    group = _group(group_id)
    if group is None:
        return None
    if changes.Part.POOL not in parts:
        _reuse_pool_view(group)
    context = group_context(group)
    console = {**context, "members": _members(group)}
    languages = live.languages_in_use(group.meeting_id)
    parts = parts if parts in PHONE_PARTS else changes.LIST_AND_POOL
    phone = live.render_languages(languages, PHONE_PARTS[parts], context)
    _remember(group, phone, parts)
    event = live.GroupListChanged(
        meeting_id=group.meeting_id,
        group_id=group.pk,
        revision=group.revision,
        phone=phone,
        phone_keys=_phone_keys(group.pk, parts),
        room=live.render_languages(languages, ROOM_GROUP_COLUMN, context),
        console=live.render_languages(languages, CONSOLE_GROUP_ROW, console),
    )
    _keep_pool_view(group)
    return event


MOVED_VARIANT = "moved"


def _phone_variants(
    context: dict[str, Any], languages: list[str], moved: bool = False
) -> dict[str, live.Fragments]:
    """The phone's phase panel once per expert group (its own table), once for anyone, and
    once for people just moved to another group."""
    meeting: Meeting = context["meeting"]
    variants = {ANY_VARIANT: live.render_languages(languages, PHONE_PHASE, context)}
    if moved:
        moved_context = {**context, "moved": True}
        variants[MOVED_VARIANT] = live.render_languages(languages, PHONE_PHASE, moved_context)
    if context["screens"].phone == "phone_expert":
        for expert_group in meeting.groups.filter(kind=Group.Kind.EXPERT):
            participant = Participant(expert_group=expert_group)
            variants[str(expert_group.pk)] = live.render_languages(
                languages, PHONE_PHASE, {**context, "participant": participant}
            )
    return variants


# Which screens a meeting-wide change concerns.
ALL_SCREENS = frozenset({"phone", "room", "console"})
CONSOLE_ONLY = frozenset({"console"})
PHONES_AND_CONSOLE = frozenset({"phone", "console"})
# A reflection word: the room (its cloud) and only the console's word list, not the whole
# console (its people and expert tables cost ~10× more to render and did not change).
WORDS_ONLY = frozenset({"room", "console_words"})


def _meeting_event(
    meeting_id: int, screens: frozenset[str], moved: dict[int, int]
) -> live.MeetingChanged | None:
    meeting = _meeting(meeting_id)
    if meeting is None:
        return None
    room = room_context(meeting) if "room" in screens else None
    console = console_context(meeting) if "console" in screens else None
    groups = list((room or console or {"groups": []})["groups"])
    if console:
        groups += console.get("expert_groups", [])
    participants = console.get("participants", []) if console else []
    languages = live.languages_in_use(meeting.pk)
    pools = _pools_for_new_phase(meeting, languages) if "phone" in screens else {}
    if console is not None:
        console_html = live.render_languages(languages, CONSOLE_LIVE, console)
        console_groups = console["groups"] + console.get("expert_groups", [])
        _remember_console(meeting, _revisions(meeting, console_groups), console_html)
    elif "console_words" in screens:
        words = phase_context(meeting)
        words.update(_screen_extras(words))
        console_html = live.render_languages(languages, CONSOLE_WORDS, words)
    else:
        console_html = {}
    return live.MeetingChanged(
        meeting_id=meeting.pk,
        revision=meeting.revision,
        phone=(
            _phone_variants(phase_context(meeting), languages, bool(moved))
            if "phone" in screens
            else {}
        ),
        room=live.render_languages(languages, ROOM_LIVE, room) if room else {},
        console=console_html,
        group_revisions={group.pk: group.revision for group in groups},
        # Only the phones pick a variant: their expert table's, or "moved" for people just
        # moved to another group (unless their phone already shows that group).
        viewer_variants=(
            {
                **_expert_groups(meeting, participants),
                **dict.fromkeys(moved, MOVED_VARIANT),
            }
            if "phone" in screens
            else {}
        ),
        unless_on_group=moved,
        by_group=pools,
    )


# Each meeting's phase state (the meeting's part of GROUP_STATE_KEY) when its phones were last
# sent their pools, in this process.
_pool_phase_sent: dict[tuple[int, str], tuple[object, ...]] = {}


def _phase_state(meeting: Meeting) -> tuple[object, ...]:
    phase = meeting.current_phase
    return (
        meeting.factor_count,
        meeting.current_phase_id,
        phase.kind if phase is not None else None,
        phase.started_at if phase is not None else None,
        phase.ended_at if phase is not None else None,
    )


def _pools_for_new_phase(meeting: Meeting, languages: list[str]) -> dict[int, live.Fragments]:
    """When the phase changed: each group's idea pool with the new phase's controls, for its
    phones, which would otherwise each ask for it (one render per group, not one request per
    phone). Nothing when this process already sent the pools for this phase state."""
    state = _phase_state(meeting)
    with _group_states_lock:
        key = (meeting.pk, meeting.join_code)
        if _pool_phase_sent.get(key) == state:
            return {}
        _pool_phase_sent[key] = state
    groups = meeting.groups.all().with_factors().select_related("meeting__current_phase")
    return {
        group.pk: live.render_languages(languages, PHONE_POOL, group_context(group))
        for group in groups
    }


def _expert_groups(meeting: Meeting, participants: list[Participant]) -> dict[int, str]:
    if not participants:
        participants = list(meeting.participants.filter(expert_group__isnull=False))
    return {
        participant.pk: str(participant.expert_group_id)
        for participant in participants
        if participant.expert_group_id is not None
    }


# What of the meeting each aspect of a change concerns (meetings.changes.Aspect).
SCREENS_BY_ASPECT = {
    changes.Aspect.STRUCTURE: ALL_SCREENS,
    changes.Aspect.SETUP: CONSOLE_ONLY,
    changes.Aspect.PEOPLE: PHONES_AND_CONSOLE,
    changes.Aspect.WORDS: WORDS_ONLY,
}


def deliver(change: changes.Change) -> None:
    """The one path from a committed change to every screen (subscribed in ScreensConfig)."""
    event: live.LiveEvent | None
    if isinstance(change, changes.GroupChanged):
        event = _group_event(change.group_id, change.parts)
    elif isinstance(change, changes.MeetingChanged):
        screens = SCREENS_BY_ASPECT[change.aspect]
        event = _meeting_event(change.meeting_id, screens, change.moved)
    elif isinstance(change, changes.ParticipantsChanged):
        # Only the consoles show who joined, and joins come in storms: the console is rebuilt
        # once per short window, not once per join.
        meeting_id = change.meeting_id
        live.publish_coalesced(
            f"console-{meeting_id}", lambda: _meeting_event(meeting_id, CONSOLE_ONLY, {})
        )
        return
    elif isinstance(change, changes.RoomRevoked):
        event = live.RoomRevoked(meeting_id=change.meeting_id)
    else:
        raise TypeError(f"no screen knows {change!r}")
    if event is not None:
        kind, announced_at = event.type, change.announced_at
        live.send_now(event.messages(), lambda: metrics.broadcast_sent(kind, announced_at))
