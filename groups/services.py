"""Writes to a group's list of success factors.

Every function locks the group row first, so two phones of one group queue up instead of
both taking "the last free place"; every change is broadcast after commit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings import services as meeting_services
from meetings.changes import LIST_AND_POOL, LIST_ONLY, POOL_ONLY, GroupChanged, Part, announce
from meetings.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Locked,
    NeedsConfirmation,
    NotFound,
    NotYourGroup,
    TooManyRequests,
)
from meetings.locks import lock
from meetings.models import Group, Meeting, Participant, Phase
from meetings.phases import Action, ensure_allowed, rules_for
from meetings.text import clean_text

from .models import (
    FACTOR_MAX_LENGTH,
    IDEA_MAX_LENGTH,
    MAX_DOTS_PER_MEMBER,
    Dot,
    Idea,
    IdeaPool,
    PoolSettings,
    SuccessFactor,
)


def clean_factor_text(raw: str | None) -> str:
    # Phones add line breaks and double spaces; a factor is one short phrase.
    text = " ".join(clean_text(raw).split())
    if not text:
        raise DomainError("blank", _("Skriv en framgångsfaktor innan du sparar."))
    if len(text) > FACTOR_MAX_LENGTH:
        raise DomainError(
            "too_long",
            _(
                "Framgångsfaktorn får vara högst %(max)d tecken — du skrev %(length)d. Korta ner den."
            )
            % {"max": FACTOR_MAX_LENGTH, "length": len(text)},
        )
    return text


def ensure_open(group: Group) -> None:
    if group.agreed_at is not None:
        raise Locked("locked", _("Listan är redan klar — be samtalsledaren låsa upp den."))


def _lock_open_group(group: Group, action: Action) -> Group:
    """The group row locked (only it: other groups and joins go on), its list open, and the
    meeting's running phase allowing a participant's `action`; read with the phase in the
    same query, under the lock."""
    locked = lock(Group.objects.select_related("meeting__current_phase")).get(pk=group.pk)
    ensure_open(locked)
    ensure_allowed(locked.meeting, action)
    return locked


def _changed(group: Group, parts: frozenset[Part] = LIST_AND_POOL) -> GroupChanged:
    """Every change to a group's list or pool: a new revision (under the row lock), then the
    news, saying which of the two changed (after commit)."""
    group.revision += 1
    if Part.POOL in parts:
        # F(): strictly increasing whatever this instance read (screens cache by it).
        Group.objects.filter(pk=group.pk).update(
            revision=group.revision, pool_revision=F("pool_revision") + 1
        )
    else:
        Group.objects.filter(pk=group.pk).update(revision=group.revision)
    return announce(GroupChanged(meeting_id=group.meeting_id, group_id=group.pk, parts=parts))


def get_factor(group: Group, factor_id: int) -> SuccessFactor:
    factor = group.factors.filter(pk=factor_id).first()
    if factor is None:
        raise NotFound(
            "factor_gone",
            _("Framgångsfaktorn finns inte längre — någon i gruppen har tagit bort den."),
        )
    return factor


def _factor_in(group: Group, factor_id: int, version: int | None) -> SuccessFactor:
    factor = get_factor(group, factor_id)
    _ensure_version(factor, version)
    return factor


def _ensure_version(factor: SuccessFactor, version: int | None) -> None:
    if version is not None and factor.version != version:
        raise Conflict(
            "stale",
            _(
                "Någon i gruppen har just ändrat den här framgångsfaktorn — se listan och försök igen."
            ),
        )


@transaction.atomic
def add_factor(
    *,
    group: Group,
    text: str,
    author: Participant | None = None,
    client_token: uuid.UUID | None = None,
) -> SuccessFactor:
    text = clean_factor_text(text)
    group = _lock_open_group(group, Action.EDIT_LIST)
    factor, created = _append_factor(group, text, author, client_token)
    if created:
        # The pool's picks and suggestions follow the room left in the list ("Förslag till
        # listan" marks as many voted ideas as there are free places): wherever the pool can
        # be picked from, one more factor changes it too.
        pool_follows = rules_for(group.meeting).allowed(Action.PICK)
        full = factor.position >= group.meeting.factor_count
        _changed(group, LIST_AND_POOL if full or pool_follows else LIST_ONLY)
    return factor


def _append_factor(
    group: Group, text: str, author: Participant | None, client_token: uuid.UUID | None
) -> tuple[SuccessFactor, bool]:
    """The factor at the end of the list of `group`, which the caller has locked and checked
    (for the action at hand), and whether it is new."""
    text = clean_factor_text(text)
    if client_token is not None:
        # A double tap or a resent form: the first one already made the factor.
        existing = group.factors.filter(client_token=client_token).first()
        if existing is not None:
            return existing, False
    count = group.factors.count()
    limit = group.meeting.factor_count
    if count >= limit:
        raise Conflict(
            "list_full",
            ngettext(
                "Listan har redan %(count)d framgångsfaktor — ändra den eller ta bort den först.",
                "Listan har redan %(count)d framgångsfaktorer — ändra eller ta bort en först.",
                limit,
            )
            % {"count": limit},
        )
    factor = SuccessFactor.objects.create(
        group=group,
        position=count + 1,
        text=text,
        author=author,
        client_token=client_token or uuid.uuid4(),
    )
    return factor, True


@transaction.atomic
def edit_factor(
    *, group: Group, factor_id: int, text: str, version: int | None = None
) -> SuccessFactor:
    text = clean_factor_text(text)
    group = _lock_open_group(group, Action.EDIT_LIST)
    factor = get_factor(group, factor_id)
    if factor.text == text:
        return factor  # already so: a resent form, or two people typing the same
    _ensure_version(factor, version)
    factor.text = text
    factor.version += 1
    factor.save(update_fields=["text", "version", "updated_at"])
    _changed(group, LIST_ONLY)
    return factor


@transaction.atomic
def move_factor(
    *, group: Group, factor_id: int, direction: str, from_position: int | None = None
) -> SuccessFactor:
    """Move one place up or down. `from_position` is where the person saw the factor: two
    phones pressing the same arrow move it one place, not two."""
    if direction not in ("up", "down"):
        raise DomainError("direction", _("Välj om faktorn ska flyttas upp eller ner."))
    group = _lock_open_group(group, Action.EDIT_LIST)
    factor = _factor_in(group, factor_id, None)
    if from_position is not None and factor.position != from_position:
        raise Conflict(
            "moved",
            _("Någon i gruppen har just ändrat ordningen — se listan och försök igen."),
        )
    target = factor.position - 1 if direction == "up" else factor.position + 1
    neighbour = group.factors.filter(position=target).first()
    if neighbour is None:
        raise Conflict(
            "cannot_move",
            _("Faktorn står redan först.") if direction == "up" else _("Faktorn står redan sist."),
        )
    _swap_positions(factor, neighbour)
    _changed(group)
    return factor


# Position 0 is outside every list (they count from 1): the one place a factor waits while
# two swap places inside the row-locked transaction. Never committed.
PARKING_POSITION = 0


def _swap_positions(first: SuccessFactor, second: SuccessFactor) -> None:
    # Both SQLite and PostgreSQL check unique (group, position) row by row, so one factor
    # steps out to the parking position, the other takes its place, then the first takes
    # the other's. Each keeps its identity (votes and themes point at it). `version` is
    # about the text, so a move does not make open edit forms stale.
    first_position, second_position = first.position, second.position
    SuccessFactor.objects.filter(pk=first.pk).update(position=PARKING_POSITION)
    SuccessFactor.objects.filter(pk=second.pk).update(position=first_position)
    SuccessFactor.objects.filter(pk=first.pk).update(position=second_position)
    first.position, second.position = second_position, first_position


@transaction.atomic
def remove_factor(*, group: Group, factor_id: int, version: int | None = None) -> None:
    group = _lock_open_group(group, Action.EDIT_LIST)
    factor = _factor_in(group, factor_id, version)
    removed_position = factor.position
    factor.delete()
    # Close the gap from the top down the list, so no two rows ever share a position.
    for later in group.factors.filter(position__gt=removed_position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position", "updated_at"])
    _changed(group)


@transaction.atomic
def mark_agreed(*, group: Group, confirmed_short: bool = False) -> NeedsConfirmation | Group:
    """Lock the list for the whole group. A short list needs an explicit confirmation."""
    group = _lock_open_group(group, Action.AGREE)
    count = group.factors.count()
    if count == 0:
        raise Conflict(
            "empty",
            _("Skriv minst en framgångsfaktor innan ni markerar listan som klar."),
        )
    if count < group.meeting.factor_count and not confirmed_short:
        return NeedsConfirmation(
            _(
                "Ni har %(count)d av %(limit)d framgångsfaktorer. Vill ni ändå markera listan som klar?"
            )
            % {"count": count, "limit": group.meeting.factor_count},
        )
    group.agreed_at = timezone.now()
    group.save(update_fields=["agreed_at"])
    _changed(group)
    return group


@transaction.atomic
def unlock_group(*, group: Group) -> Group:
    """The facilitator opens an agreed list again for the whole group."""
    locked = lock(Group).get(pk=group.pk)
    if locked.agreed_at is not None:
        locked.agreed_at = None
        locked.save(update_fields=["agreed_at"])
        _changed(locked)
    return locked


# --- The idea pool --------------------------------------------------------------------------
#
# Ideas, dots and merges are the group's things: every write takes the same group row lock as
# the list, bumps the group's revision and broadcasts. The pool closes with the list: once the
# list is agreed, ideas and dots are read-only until the facilitator unlocks it.


def clean_idea_text(raw: str | None) -> str:
    text = " ".join(clean_text(raw).split())
    if not text:
        raise DomainError("blank", _("Skriv en idé innan du sparar."))
    if len(text) > IDEA_MAX_LENGTH:
        raise DomainError(
            "too_long",
            _("Idén får vara högst %(max)d tecken — du skrev %(length)d. Korta ner den.")
            % {"max": IDEA_MAX_LENGTH, "length": len(text)},
        )
    return text


def pool_is_hidden(group: Group, settings: PoolSettings) -> bool:
    """Private mode and not yet revealed: each member sees only their own ideas."""
    if not settings.private_until_revealed:
        return False
    pool = IdeaPool.objects.filter(group=group).first()
    return pool is None or pool.revealed_at is None


def _ensure_visible(group: Group, settings: PoolSettings) -> None:
    if pool_is_hidden(group, settings):
        raise Conflict(
            "pool_hidden",
            _("Idéerna är dolda tills gruppen visar dem — tryck på ”Visa alla idéer” först."),
        )


def get_idea(group: Group, idea_id: int) -> Idea:
    idea = group.ideas.filter(pk=idea_id).first()
    if idea is None or idea.withdrawn_at is not None:
        raise NotFound("idea_gone", _("Idén finns inte längre — den har tagits tillbaka."))
    return idea


def _active_idea(group: Group, idea_id: int) -> Idea:
    idea = get_idea(group, idea_id)
    if idea.merged_into_id is not None:
        raise NotFound(
            "idea_gone",
            _("Idén har slagits ihop med en annan — se den sammanslagna idén i listan."),
        )
    return idea


def _own_idea(group: Group, idea_id: int, author: Participant) -> Idea:
    idea = _active_idea(group, idea_id)
    if idea.author_id != author.pk:
        raise Forbidden("not_your_idea", _("Du kan bara ändra och ta tillbaka dina egna idéer."))
    return idea


@transaction.atomic
def add_idea(
    *,
    group: Group,
    author: Participant,
    text: str,
    client_token: uuid.UUID | None = None,
) -> Idea:
    text = clean_idea_text(text)
    group = _lock_open_group(group, Action.WRITE_IDEA)
    if client_token is not None:
        existing = group.ideas.filter(client_token=client_token).first()
        if existing is not None:
            return existing  # a double tap or a resent form
    _ensure_room_for_idea(group, author)
    idea = Idea.objects.create(
        group=group, author=author, text=text, client_token=client_token or uuid.uuid4()
    )
    _changed(group, POOL_ONLY)
    return idea


def _ensure_room_for_idea(group: Group, author: Participant) -> None:
    """A hall's numbers (settings, README "Limits"): so many ideas per member in a phase,
    so many in a group. Withdrawn ideas count: adding and taking back is still sending.
    Called under the group's row lock, so two taps cannot both take the last place."""
    mine = Q(author=author)
    phase_id = group.meeting.current_phase_id
    if phase_id is not None:
        started = Phase.objects.filter(pk=phase_id, started_at__isnull=False)
        mine &= Q(created_at__gte=Subquery(started.values("started_at")[:1])) | Q(~Exists(started))
    # One query for both counts (every idea a phone adds asks).
    counts = group.ideas.aggregate(mine=Count("pk", filter=mine), total=Count("pk"))
    if counts["mine"] >= settings.IDEAS_PER_PARTICIPANT_PER_PHASE:
        raise TooManyRequests(
            "too_many_ideas",
            _(
                "Du har redan skrivit %(max)d idéer i den här fasen — det räcker gott. "
                "Ändra en av dina idéer i stället."
            )
            % {"max": settings.IDEAS_PER_PARTICIPANT_PER_PHASE},
        )
    if counts["total"] >= settings.IDEAS_PER_GROUP:
        raise Conflict(
            "pool_full",
            _("Gruppen har redan %(max)d idéer — arbeta vidare med dem som finns.")
            % {"max": settings.IDEAS_PER_GROUP},
        )


@transaction.atomic
def edit_idea(
    *, group: Group, author: Participant, idea_id: int, text: str, version: int | None = None
) -> Idea:
    text = clean_idea_text(text)
    group = _lock_open_group(group, Action.WRITE_IDEA)
    idea = _own_idea(group, idea_id, author)
    if idea.text == text:
        return idea
    if version is not None and idea.version != version:
        raise Conflict(
            "stale", _("Idén har just ändrats från en annan skärm — se listan och försök igen.")
        )
    idea.text = text
    idea.version += 1
    idea.save(update_fields=["text", "version", "updated_at"])
    _changed(group, POOL_ONLY)
    return idea


@transaction.atomic
def withdraw_idea(*, group: Group, author: Participant, idea_id: int) -> Idea:
    """The author takes an idea back; its dots return to the members who placed them."""
    group = _lock_open_group(group, Action.WRITE_IDEA)
    idea = group.ideas.filter(pk=idea_id).first()
    if idea is not None and idea.withdrawn_at is not None and idea.author_id == author.pk:
        return idea  # already withdrawn: a double tap
    idea = _own_idea(group, idea_id, author)
    idea.withdrawn_at = timezone.now()
    idea.version += 1
    idea.save(update_fields=["withdrawn_at", "version", "updated_at"])
    idea.dots.all().delete()
    _changed(group, POOL_ONLY)
    return idea


@transaction.atomic
def reveal_pool(
    *, group: Group, by: Participant | None = None, by_facilitator: bool = False
) -> IdeaPool:
    """Show every member's ideas to the whole group (private mode). Once shown, stays shown."""
    group = lock(Group).get(pk=group.pk)
    pool, _created = IdeaPool.objects.get_or_create(group=group)
    if pool.revealed_at is None:
        pool.revealed_at = timezone.now()
        pool.revealed_by = by
        pool.revealed_by_facilitator = by_facilitator
        pool.save()
        _changed(group, POOL_ONLY)
    return pool


def dots_of(participant: Participant, group: Group) -> dict[int, int]:
    """A member's own dots in a group: {idea id: count} (only for that member's own screen)."""
    rows = Dot.objects.filter(participant=participant, idea__group=group).values_list(
        "idea_id", "count"
    )
    return dict(rows)


def vote_counts(group: Group) -> dict[int, int]:
    rows = (
        Dot.objects.filter(idea__group=group)
        .values("idea_id")
        .annotate(total=Sum("count"))
        .values_list("idea_id", "total")
    )
    return dict(rows)


@transaction.atomic
def set_dots(*, group: Group, participant: Participant, idea_id: int, count: int) -> int:
    """Put `count` of the member's dots on one idea (0 takes them all off). Setting a number,
    not adding one, makes a double tap harmless: both ask for the same count.

    Returns how many dots the member has left."""
    group = _lock_open_group(group, Action.DOT)
    settings = PoolSettings.for_meeting(group.meeting_id)
    _ensure_visible(group, settings)
    idea = _active_idea(group, idea_id)
    if participant.home_group_id != group.pk:
        raise NotYourGroup("not_your_group", _("Du kan bara rösta i din egen grupp."))
    if count < 0 or count > MAX_DOTS_PER_MEMBER:
        raise DomainError(
            "dot_count",
            _("Välj ett antal prickar mellan 0 och %(max)d.") % {"max": MAX_DOTS_PER_MEMBER},
        )
    if count > 1 and not settings.several_dots_per_idea:
        raise Conflict(
            "one_dot_per_idea",
            _("Du kan bara sätta en prick per idé — sätt nästa prick på en annan idé."),
        )
    mine = Dot.objects.filter(participant=participant, idea__group=group)
    elsewhere = mine.exclude(idea=idea).aggregate(total=Sum("count"))["total"] or 0
    current = mine.filter(idea=idea).first()
    before = current.count if current is not None else 0
    if count == before:
        return settings.dots_per_member - elsewhere - before
    if count > before and elsewhere + count > settings.dots_per_member:
        raise Conflict(
            "no_dots_left",
            ngettext(
                "Du har bara %(limit)d prick — ta bort den från en annan idé först.",
                "Du har bara %(limit)d prickar — ta bort en från en annan idé först.",
                settings.dots_per_member,
            )
            % {"limit": settings.dots_per_member},
        )
    if count == 0:
        if current is not None:
            current.delete()
    elif current is None:
        Dot.objects.create(participant=participant, idea=idea, count=count)
    else:
        current.count = count
        current.save(update_fields=["count", "updated_at"])
    _changed(group, POOL_ONLY)
    return settings.dots_per_member - elsewhere - count


@transaction.atomic
def merge_ideas(
    *,
    group: Group,
    idea_id: int,
    into_id: int,
    by: Participant | None = None,
    text: str | None = None,
) -> Idea:
    """Merge one idea into another (any member). The merged idea keeps its own text in the
    record and points at the one it joined; its dots move over. A member who dotted both keeps
    no more dots on the merged idea than one idea may hold (one, unless several are allowed),
    so nobody's vote counts twice and nobody exceeds their dots; a dot that no longer fits is
    handed back to its member."""
    if idea_id == into_id:
        raise DomainError("same_idea", _("Välj två olika idéer att slå ihop."))
    new_text = clean_idea_text(text) if text else None
    group = _lock_open_group(group, Action.MERGE)
    settings = PoolSettings.for_meeting(group.meeting_id)
    _ensure_visible(group, settings)
    merged = get_idea(group, idea_id)
    into = _active_idea(group, into_id)
    if merged.merged_into_id == into.pk:
        return into  # already done: a double tap, or two members merging the same pair
    merged = _active_idea(group, idea_id)
    per_idea = MAX_DOTS_PER_MEMBER if settings.several_dots_per_idea else 1
    kept = {dot.participant_id: dot for dot in into.dots.all()}
    for dot in list(merged.dots.all()):
        target = kept.get(dot.participant_id)
        if target is None:
            dot.idea = into
            dot.count = min(dot.count, per_idea)
            dot.save(update_fields=["idea", "count", "updated_at"])
        else:
            target.count = min(target.count + dot.count, per_idea)
            target.save(update_fields=["count", "updated_at"])
            dot.delete()
    merged.merged_into = into
    merged.merged_at = timezone.now()
    merged.merged_by = by
    merged.version += 1
    merged.save(update_fields=["merged_into", "merged_at", "merged_by", "version", "updated_at"])
    # Ideas merged into this one earlier now point at the survivor too (one level deep).
    group.ideas.filter(merged_into=merged).update(merged_into=into)
    if new_text and new_text != into.text:
        into.text = new_text
        into.version += 1
        into.save(update_fields=["text", "version", "updated_at"])
    _changed(group, POOL_ONLY)
    return into


@transaction.atomic
def pick_idea(*, group: Group, idea_id: int, author: Participant | None = None) -> SuccessFactor:
    """Take an idea from the pool into the group's ordered list (its text as a new factor,
    linked to the idea and to the ideas merged into it). Picking it again finds that factor."""
    group = _lock_open_group(group, Action.PICK)
    settings = PoolSettings.for_meeting(group.meeting_id)
    _ensure_visible(group, settings)
    idea = _active_idea(group, idea_id)
    existing = group.factors.filter(source_ideas=idea).first()
    if existing is not None:
        return existing
    # Under the lock taken above (picking is its own action, not an edit of the list); the
    # list's length is checked there, and the pick and its link commit together.
    factor, _created = _append_factor(group, idea.text[:FACTOR_MAX_LENGTH], author, None)
    factor.source_ideas.add(idea, *group.ideas.filter(merged_into=idea))
    _changed(group)
    return factor


@transaction.atomic
def update_pool_settings(
    *,
    meeting: Meeting,
    dots_per_member: int,
    several_dots_per_idea: bool,
    private_until_revealed: bool,
) -> PoolSettings:
    """The facilitator's settings for every group of the meeting. Dots already placed stay
    (no vote is taken away); a member above a new, lower limit places no more until under it."""
    if not 1 <= dots_per_member <= MAX_DOTS_PER_MEMBER:
        raise DomainError(
            "dots_per_member",
            _("Antalet prickar per deltagare måste vara mellan 1 och %(max)d.")
            % {"max": MAX_DOTS_PER_MEMBER},
        )
    lock(Meeting).filter(pk=meeting.pk).first()
    settings, _created = PoolSettings.objects.get_or_create(meeting=meeting)
    changed = (
        settings.dots_per_member != dots_per_member
        or settings.several_dots_per_idea != several_dots_per_idea
        or settings.private_until_revealed != private_until_revealed
    )
    if not changed:
        return settings
    settings.dots_per_member = dots_per_member
    settings.several_dots_per_idea = several_dots_per_idea
    settings.private_until_revealed = private_until_revealed
    settings.save()
    # Every group's pool shows the settings: each group's screens get a new revision; the
    # phase panels and the console's "now" say the rules too.
    for group in lock(Group.objects.filter(meeting=meeting)):
        _changed(group)
    meeting_services.meeting_changed(meeting)
    return settings
