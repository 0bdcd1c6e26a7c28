"""Writes to a group's list of success factors.

Every function locks the group row first, so two phones of one group queue up instead of
both taking "the last free place"; every change is broadcast after commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings import broadcast
from meetings.errors import STATUS_BY_CODE, DomainError
from meetings.models import Group, Participant
from meetings.text import clean_text

from .models import FACTOR_MAX_LENGTH, SuccessFactor

STATUS_BY_CODE.update(
    {
        "locked": 409,
        "factor_gone": 404,
        "stale": 409,
        "moved": 409,
        "cannot_move": 409,
        "list_full": 409,
        "empty": 409,
    }
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
        raise DomainError("locked", _("Listan är redan klar — be samtalsledaren låsa upp den."))


def _lock_open_group(group: Group) -> Group:
    # Lock the group row only (not the joined meeting row: other groups and joins go on).
    locked = (
        Group.objects.select_for_update(of=("self",), no_key=True)
        .select_related("meeting")
        .get(pk=group.pk)
    )
    ensure_open(locked)
    return locked


def _changed(group: Group) -> None:
    """Every change to a group's list: a new revision (under the row lock), then the news."""
    group.revision += 1
    Group.objects.filter(pk=group.pk).update(revision=group.revision)
    broadcast.group_changed(group.pk)


def get_factor(group: Group, factor_id: int) -> SuccessFactor:
    factor = group.factors.filter(pk=factor_id).first()
    if factor is None:
        raise DomainError(
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
        raise DomainError(
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
    group = _lock_open_group(group)
    if client_token is not None:
        # A double tap or a resent form: the first one already made the factor.
        existing = group.factors.filter(client_token=client_token).first()
        if existing is not None:
            return existing
    count = group.factors.count()
    limit = group.meeting.factor_count
    if count >= limit:
        raise DomainError(
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
    _changed(group)
    return factor


@transaction.atomic
def edit_factor(
    *, group: Group, factor_id: int, text: str, version: int | None = None
) -> SuccessFactor:
    text = clean_factor_text(text)
    group = _lock_open_group(group)
    factor = get_factor(group, factor_id)
    if factor.text == text:
        return factor  # already so: a resent form, or two people typing the same
    _ensure_version(factor, version)
    factor.text = text
    factor.version += 1
    factor.save(update_fields=["text", "version", "updated_at"])
    _changed(group)
    return factor


@transaction.atomic
def move_factor(
    *, group: Group, factor_id: int, direction: str, from_position: int | None = None
) -> SuccessFactor:
    """Move one place up or down. `from_position` is where the person saw the factor: two
    phones pressing the same arrow move it one place, not two."""
    if direction not in ("up", "down"):
        raise DomainError("direction", _("Välj om faktorn ska flyttas upp eller ner."))
    group = _lock_open_group(group)
    factor = _factor_in(group, factor_id, None)
    if from_position is not None and factor.position != from_position:
        raise DomainError(
            "moved",
            _("Någon i gruppen har just ändrat ordningen — se listan och försök igen."),
        )
    target = factor.position - 1 if direction == "up" else factor.position + 1
    neighbour = group.factors.filter(position=target).first()
    if neighbour is None:
        raise DomainError(
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
    group = _lock_open_group(group)
    factor = _factor_in(group, factor_id, version)
    removed_position = factor.position
    factor.delete()
    # Close the gap from the top down the list, so no two rows ever share a position.
    for later in group.factors.filter(position__gt=removed_position).order_by("position"):
        later.position -= 1
        later.save(update_fields=["position", "updated_at"])
    _changed(group)


@dataclass(frozen=True)
class AgreeOutcome:
    """Marking a short list as agreed asks the group once more: a result, not an error."""

    group: Group
    agreed: bool
    confirm_message: str = ""


@transaction.atomic
def mark_agreed(*, group: Group, confirmed_short: bool = False) -> AgreeOutcome:
    """Lock the list for the whole group. A short list needs an explicit confirmation."""
    group = _lock_open_group(group)
    count = group.factors.count()
    if count == 0:
        raise DomainError(
            "empty",
            _("Skriv minst en framgångsfaktor innan ni markerar listan som klar."),
        )
    if count < group.meeting.factor_count and not confirmed_short:
        return AgreeOutcome(
            group=group,
            agreed=False,
            confirm_message=_(
                "Ni har %(count)d av %(limit)d framgångsfaktorer. Vill ni ändå markera listan som klar?"
            )
            % {"count": count, "limit": group.meeting.factor_count},
        )
    group.agreed_at = timezone.now()
    group.save(update_fields=["agreed_at"])
    _changed(group)
    return AgreeOutcome(group=group, agreed=True)


@transaction.atomic
def unlock_group(*, group: Group) -> Group:
    """The facilitator opens an agreed list again for the whole group."""
    locked = Group.objects.select_for_update(of=("self",), no_key=True).get(pk=group.pk)
    if locked.agreed_at is not None:
        locked.agreed_at = None
        locked.save(update_fields=["agreed_at"])
        _changed(locked)
    return locked
