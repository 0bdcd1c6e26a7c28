"""Who may use a view: each view declares its role with `@role(...)`, and the staff roles'
objects are read with one query that answers 404 to anyone else (healthchecks'
`_get_check_for_user`): a meeting someone does not run looks like no meeting at all.

tests/test_role_matrix.py reads every URL's role from these declarations and tries it as every
other role.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from .models import Meeting, MeetingQuerySet


class Role(StrEnum):
    """Whose a view is."""

    PUBLIC = "public"  # anyone: start, join, QR, language, privacy, a published summary
    ROOM = "room screen"  # the room token is the capability
    PHONE = "phone of the meeting"  # any participant of the meeting (others: the join page)
    GROUP = "phone of the group"  # participants of that group only
    STAFF = "any facilitator"  # console start, new meeting, series list (filtered per user)
    MEETING = "facilitator of the meeting"  # console, exports, workspace, themes of one meeting
    SERIES = "facilitator in the series"  # a series' page, indicator and exports
    ADMIN = "superuser"  # Django's admin


# Staff roles need a login first: others are sent to the login page.
LOGGED_IN = frozenset({Role.STAFF, Role.MEETING, Role.SERIES})

View = TypeVar("View", bound=Callable[..., Any])


def role(who: Role) -> Callable[[View], View]:
    """Declare whose a view is (`view.role`); the staff roles also require a login. The view
    itself reads its objects with the helpers below, which refuse everyone else."""

    def declare(view: View) -> View:
        wrapped = login_required(view) if who in LOGGED_IN else view
        wrapped.role = who  # type: ignore[attr-defined]
        return wrapped

    return declare


def meeting_for_facilitator(
    request: HttpRequest, pk: int, queryset: MeetingQuerySet | None = None
) -> Meeting:
    """The meeting `pk` if the user is one of its facilitators, in one query; else 404.
    `queryset` says what is read with it (e.g. `select_related`)."""
    rows = queryset if queryset is not None else Meeting.objects.all()
    meeting = rows.facilitated_by(request.user).filter(pk=pk).first()
    if meeting is None:
        # The same answer whether the meeting exists or not: its number tells an outsider nothing.
        raise Http404(_("Det finns inget sådant möte, eller så är du inte samtalsledare för det."))
    return meeting
