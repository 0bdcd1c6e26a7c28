"""The participant's phone: their home group's list of success factors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from meetings.errors import DomainError
from meetings.models import Group, Meeting, Participant
from meetings.participation import participant_for_session
from meetings.views import meeting_for_code

from . import services
from .models import SuccessFactor

TEMPLATE = "groups/group.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _membership(request: HtmxHttpRequest, code: str) -> tuple[Meeting, Participant | None]:
    meeting = meeting_for_code(code)
    return meeting, participant_for_session(request.session, meeting)


def _own_group(
    request: HtmxHttpRequest, code: str, group_id: int
) -> tuple[Meeting, Participant, Group]:
    meeting, participant = _membership(request, code)
    if participant is None:
        raise DomainError("not_joined", _("Gå med i mötet och välj din grupp först."), status=403)
    if participant.home_group_id != group_id:
        raise DomainError(
            "not_your_group", _("Du kan bara ändra din egen grupps lista."), status=403
        )
    return meeting, participant, participant.home_group


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _token(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def _context(
    meeting: Meeting, participant: Participant, group: Group, **extra: Any
) -> dict[str, Any]:
    group = Group.objects.with_factors().get(pk=group.pk)
    context: dict[str, Any] = {
        "meeting": meeting,
        "participant": participant,
        "group": group,
        "form_action": reverse("groups:add", args=[meeting.join_code, group.pk]),
        "client_token": uuid.uuid4(),
        "text": "",
    }
    context.update(extra)
    return context


def _updated(
    request: HtmxHttpRequest,
    meeting: Meeting,
    participant: Participant,
    group: Group,
    *,
    fresh_form: bool = True,
) -> HttpResponse:
    """After a successful change: the new list (into #group-live) and, when the factor form
    sent it, a fresh empty form out of band. Buttons inside the list never carry the form:
    a broadcast may already have replaced them, and htmx looks for out-of-band targets in
    the requesting element's own tree."""
    if not request.htmx:
        return redirect("groups:page", code=meeting.join_code)
    context = _context(meeting, participant, group)
    html = render(request, f"{TEMPLATE}#group_live", context).content
    if fresh_form:
        html += render(request, f"{TEMPLATE}#factor_form_oob", context).content
    return HttpResponse(html)


def _form_error(
    request: HtmxHttpRequest,
    meeting: Meeting,
    participant: Participant,
    group: Group,
    error: DomainError,
    **form: Any,
) -> HttpResponse:
    """A rejected text stays in the form with the reason beside it: nothing typed is lost."""
    context = _context(meeting, participant, group, error=error.message, **form)
    if not request.htmx:
        return render(request, TEMPLATE, context, status=error.status)
    response = render(request, f"{TEMPLATE}#factor_form", context, status=error.status)
    return reswap(retarget(response, "#factor-form"), "outerHTML")


def _flash_error(request: HtmxHttpRequest, code: str, error: DomainError) -> HttpResponse:
    """An action on the list failed: say why, and show the list as it is now."""
    try:
        meeting, participant = _membership(request, code)
    except DomainError:
        meeting, participant = None, None
    if meeting is None or participant is None:
        return render(
            request, "meetings/message.html", {"message": error.message}, status=error.status
        )
    context = _context(meeting, participant, participant.home_group, flash=error.message)
    if not request.htmx:
        return render(request, TEMPLATE, context, status=error.status)
    response = render(request, f"{TEMPLATE}#group_live", context, status=error.status)
    return reswap(retarget(response, "#group-live"), "innerHTML")


def _list_action(
    request: HtmxHttpRequest,
    code: str,
    group_id: int,
    action: Callable[[Meeting, Participant, Group], object],
) -> HttpResponse:
    try:
        meeting, participant, group = _own_group(request, code, group_id)
        action(meeting, participant, group)
    except DomainError as error:
        return _flash_error(request, code, error)
    return _updated(request, meeting, participant, group, fresh_form=False)


@require_GET
def group_page(request: HtmxHttpRequest, code: str) -> HttpResponse:
    try:
        meeting, participant = _membership(request, code)
    except DomainError as error:
        return render(
            request, "meetings/message.html", {"message": error.message}, status=error.status
        )
    if participant is None:
        return redirect("meetings:join", code=meeting.join_code)
    return render(request, TEMPLATE, _context(meeting, participant, participant.home_group))


@require_GET
def group_state(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    try:
        meeting, participant, group = _own_group(request, code, group_id)
    except DomainError as error:
        return _flash_error(request, code, error)
    if not request.htmx:
        return redirect("groups:page", code=meeting.join_code)
    return _updated(request, meeting, participant, group)


@require_POST
def add_factor(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    text = request.POST.get("text", "")
    token = _token(request.POST.get("client_token"))
    try:
        meeting, participant, group = _own_group(request, code, group_id)
    except DomainError as error:
        return _flash_error(request, code, error)
    try:
        services.add_factor(group=group, text=text, author=participant, client_token=token)
    except DomainError as error:
        return _form_error(
            request,
            meeting,
            participant,
            group,
            error,
            text=text,
            client_token=token or uuid.uuid4(),
        )
    return _updated(request, meeting, participant, group)


def _edit_form_context(meeting: Meeting, factor: SuccessFactor) -> dict[str, Any]:
    return {
        "editing": factor,
        "form_action": reverse("groups:edit", args=[meeting.join_code, factor.group_id, factor.pk]),
        "text": factor.text,
        "version": factor.version,
    }


def edit_factor(request: HtmxHttpRequest, code: str, group_id: int, factor_id: int) -> HttpResponse:
    """GET: the form filled in for editing. POST: save the new text."""
    if request.method not in ("GET", "POST"):
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    try:
        meeting, participant, group = _own_group(request, code, group_id)
        factor = group.factors.filter(pk=factor_id).first()
        if factor is None:
            raise DomainError(
                "factor_gone",
                _("Framgångsfaktorn finns inte längre — någon i gruppen har tagit bort den."),
                status=404,
            )
    except DomainError as error:
        return _flash_error(request, code, error)
    if request.method == "GET":
        context = _context(meeting, participant, group, **_edit_form_context(meeting, factor))
        if request.htmx:
            return render(request, f"{TEMPLATE}#factor_form", context)
        return render(request, TEMPLATE, context)
    text = request.POST.get("text", "")
    version = _int_or_none(request.POST.get("version"))
    try:
        services.edit_factor(group=group, factor_id=factor_id, text=text, version=version)
    except DomainError as error:
        if error.code in ("factor_gone", "locked"):
            return _flash_error(request, code, error)
        form = _edit_form_context(meeting, factor)
        form["text"] = text
        return _form_error(request, meeting, participant, group, error, **form)
    return _updated(request, meeting, participant, group)


@require_POST
def move_factor(request: HtmxHttpRequest, code: str, group_id: int, factor_id: int) -> HttpResponse:
    direction = request.POST.get("direction", "")
    return _list_action(
        request,
        code,
        group_id,
        lambda meeting, participant, group: services.move_factor(
            group=group, factor_id=factor_id, direction=direction
        ),
    )


@require_POST
def remove_factor(
    request: HtmxHttpRequest, code: str, group_id: int, factor_id: int
) -> HttpResponse:
    version = _int_or_none(request.POST.get("version"))
    return _list_action(
        request,
        code,
        group_id,
        lambda meeting, participant, group: services.remove_factor(
            group=group, factor_id=factor_id, version=version
        ),
    )


@require_POST
def mark_agreed(request: HtmxHttpRequest, code: str, group_id: int) -> HttpResponse:
    confirmed = request.POST.get("confirm") == "1"
    try:
        meeting, participant, group = _own_group(request, code, group_id)
        services.mark_agreed(group=group, confirmed_short=confirmed)
    except DomainError as error:
        if error.code != "needs_confirmation":
            return _flash_error(request, code, error)
        # Not a failure: the group is asked once more, on the page, before the list locks.
        context = _context(meeting, participant, group, confirm_short=error.message)
        if request.htmx:
            return render(request, f"{TEMPLATE}#group_live", context)
        return render(request, TEMPLATE, context)
    return _updated(request, meeting, participant, group, fresh_form=False)
