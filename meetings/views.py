"""Joining, the room screen and the facilitator's console."""

from __future__ import annotations

import io
import uuid
from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from groups import services as group_services

from . import broadcast, services, throttle
from .codes import normalize_join_code
from .errors import DomainError
from .forms import HomeGroupForm, MeetingForm
from .models import Group, Meeting, Participant
from .participation import parse_uuid, participant_for_session, remember_participant
from .text import clean_text


def public_url(request: HttpRequest, path: str) -> str:
    """An absolute link to print or encode in a QR code: PUBLIC_BASE_URL when set, since
    behind a proxy the request may not know its public scheme and host."""
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL + path
    return request.build_absolute_uri(path)


def join_url(request: HttpRequest, meeting: Meeting) -> str:
    return public_url(request, reverse("meetings:join", args=[meeting.join_code]))


def _message(request: HttpRequest, error: DomainError) -> HttpResponse:
    response = render(
        request, "meetings/message.html", {"message": error.message}, status=error.status
    )
    return _with_retry_after(response, error)


def _with_retry_after(response: HttpResponse, error: DomainError) -> HttpResponse:
    if isinstance(error, throttle.JoinThrottled):
        response["Retry-After"] = str(error.retry_after)
    return response


def _joinable(request: HttpRequest, raw: str) -> tuple[Meeting, Participant | None]:
    """The meeting a phone may join, or is already in. A wrong code and a meeting closed to
    newcomers give the same answer and count as a failed join; over the limit, 429 for any
    code. Someone already in keeps their place after joining closes."""
    code = normalize_join_code(raw)
    if not code:
        raise services.blank_code()
    meeting = services.meeting_by_code(code)
    participant = participant_for_session(request.session, meeting) if meeting else None
    if meeting is not None and participant is not None:
        return meeting, participant
    throttle.ensure_not_blocked(request, code)
    if meeting is None or not meeting.joining_open:
        throttle.record_failure(request, code)
        raise services.not_joinable(code)
    return meeting, None


# --- Participant: start page and joining -------------------------------------------------
# Nothing here is cacheable by a proxy: answers depend on the session and on the meeting's
# state, and a cached answer for a code would tell others whether it exists.


@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("code")
    if raw is None:
        return render(request, "meetings/start.html", {})
    try:
        meeting, _participant = _joinable(request, raw)
    except DomainError as error:
        response = render(
            request,
            "meetings/start.html",
            {"error": error.message, "code": clean_text(raw)[:20]},
            status=error.status,
        )
        return _with_retry_after(response, error)
    return redirect("meetings:join", code=meeting.join_code)


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    canonical = normalize_join_code(code)
    if canonical != code:
        return redirect("meetings:join", code=canonical)
    try:
        meeting, participant = _joinable(request, code)
    except DomainError as error:
        return _message(request, error)
    changing = request.GET.get("change") == "1" or request.method == "POST"
    if participant is not None and not changing:
        return redirect("groups:page", code=meeting.join_code)
    context: dict[str, Any] = {
        "meeting": meeting,
        "groups": meeting.home_groups(),
        "participant": participant,
        "join_token": uuid.uuid4(),
    }
    if request.method == "GET":
        return render(request, "meetings/join.html", context)
    try:
        participant = services.join_meeting(
            meeting=meeting,
            home_group_id=request.POST.get("home_group"),
            display_name=request.POST.get("display_name", ""),
            participant=participant,
            join_token=parse_uuid(request.POST.get("join_token")),
        )
    except DomainError as error:
        context["error"] = error.message
        context["display_name"] = clean_text(request.POST.get("display_name", ""))[:60]
        return render(request, "meetings/join.html", context, status=error.status)
    remember_participant(request.session, participant)
    return redirect("groups:page", code=meeting.join_code)


@never_cache
@require_GET
def join_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code of an open meeting; a closed meeting's answers like an unknown one."""
    code = normalize_join_code(code)
    try:
        throttle.ensure_not_blocked(request, code)
        meeting = services.meeting_by_code(code)
        if meeting is None or not meeting.joining_open:
            throttle.record_failure(request, code)
            raise services.not_joinable(code)
    except DomainError as error:
        return _message(request, error)
    buffer = io.BytesIO()
    segno.make(join_url(request, meeting), error="m").save(
        buffer,
        kind="svg",
        scale=10,
        border=2,
        dark="#000",
        light="#fff",
        title=_("QR-kod för att gå med i mötet"),
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


# --- Room screen -------------------------------------------------------------------------


@require_GET
def room(request: HttpRequest, token: str) -> HttpResponse:
    meeting = Meeting.objects.filter(room_token=token).first()
    if meeting is None:
        raise Http404(_("Det finns ingen rumsskärm på den adressen."))
    context = broadcast.room_context(meeting)
    context["join_url"] = join_url(request, meeting)
    return render(request, "meetings/room.html", context)


# --- Facilitator console -----------------------------------------------------------------


def _meeting_for_facilitator(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting, pk=pk)
    if not Meeting.objects.facilitated_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("Du är inte samtalsledare för det här mötet."))
    return meeting


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {
        "meetings": Meeting.objects.facilitated_by(user).select_related("series"),
        "can_create": user.has_perm("meetings.add_meeting"),
        "can_export": user.has_perm("meetings.export_meeting"),
    }
    if context["can_export"]:
        # An editor exports the meetings they are named on (an organiser adds them), not
        # every meeting: unpublished group work belongs to the meeting's organisers.
        context["all_meetings"] = Meeting.objects.facilitated_by(user).select_related("series")
    return render(request, "meetings/console.html", context)


@login_required
@permission_required("meetings.add_meeting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(
                facilitator=request.user,  # type: ignore[arg-type]
                title=form.cleaned_data["title"],
                date=form.cleaned_data["date"],
                venue=form.cleaned_data["venue"],
                core_question=form.cleaned_data["core_question"],
                factor_count=form.cleaned_data["factor_count"],
                series_name=form.cleaned_data["series_name"],
                usual_home_groups=form.cleaned_data["usual_home_groups"],
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("meetings:detail", pk=meeting.pk)
    status = 400 if form.is_bound else 200
    return render(request, "meetings/meeting_form.html", {"form": form}, status=status)


def _detail_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "meeting": meeting,
        "groups": meeting.home_groups().with_factors().prefetch_related("members"),
        "join_url": join_url(request, meeting),
        "room_url": public_url(request, reverse("meetings:room", args=[meeting.room_token])),
        "group_form": HomeGroupForm(),
        "can_export": request.user.has_perm("meetings.export_meeting"),
        "participant_count": meeting.participants.count(),
    }
    context.update(extra)
    return context


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_facilitator(request, pk)
    return render(request, "meetings/console_meeting.html", _detail_context(request, meeting))


@login_required
@require_POST
def group_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_facilitator(request, pk)
    form = HomeGroupForm(request.POST)
    if form.is_valid():
        try:
            services.add_home_group(
                meeting=meeting,
                name=form.cleaned_data["name"],
                profession=form.cleaned_data["profession"],
            )
        except DomainError as error:
            form.add_error("name", str(error.message))
            status = error.status
        else:
            return redirect("meetings:detail", pk=meeting.pk)
    else:
        status = 400
    context = _detail_context(request, meeting, group_form=form)
    return render(request, "meetings/console_meeting.html", context, status=status)


@login_required
@require_POST
def groups_add_usual(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_facilitator(request, pk)
    services.add_usual_home_groups(meeting=meeting)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def group_unlock(request: HttpRequest, pk: int, group_id: int) -> HttpResponse:
    meeting = _meeting_for_facilitator(request, pk)
    group = get_object_or_404(Group, pk=group_id, meeting=meeting)
    group_services.unlock_group(group=group)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_POST
def room_token_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_facilitator(request, pk)
    services.rotate_room_token(meeting=meeting)
    return redirect("meetings:detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will be removed, and a confirmation. POST with the confirmation: remove."""
    meeting = _meeting_for_facilitator(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        services.delete_meeting(meeting=meeting)
        return redirect("meetings:console")
    context = {
        "meeting": meeting,
        "participant_count": meeting.participants.count(),
        "group_count": meeting.home_groups().count(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/meeting_delete.html", context, status=status)


@login_required
@require_POST
def joining_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_facilitator(request, pk)
    services.set_joining_open(meeting=meeting, is_open=request.POST.get("open") == "1")
    return redirect("meetings:detail", pk=meeting.pk)
