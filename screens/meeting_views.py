"""Joining, the room screen and the facilitator's console."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from meetings import actions, services, throttle
from meetings.access import Role, meeting_for_facilitator, role
from meetings.codes import normalize_join_code
from meetings.errors import DomainError, NeedsConfirmation
from meetings.forms import HomeGroupForm, MeetingForm, PhaseForm
from meetings.models import Meeting, Participant
from meetings.participation import parse_uuid, participant_for_session, remember_participant
from meetings.text import clean_text
from summary import services as summary_services
from topp25.links import public_url

from . import broadcast
from . import cards as printed_cards
from .registry import CONSOLE_PANELS


def join_url(request: HttpRequest, meeting: Meeting) -> str:
    return public_url(request, reverse("meetings:join", args=[meeting.join_code]))


def message_answer(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A refusal as a page of its own: the sentence, the error's status, Retry-After on 429."""
    return _with_retry_after(actions.message(request, error), error)


def _with_retry_after(response: HttpResponse, error: DomainError) -> HttpResponse:
    if isinstance(error, throttle.RetryLater):
        response["Retry-After"] = str(error.retry_after)
    return response


def joinable(request: HttpRequest, raw: str) -> tuple[Meeting, Participant | None]:
    """The meeting a phone may join, or is already in. A wrong code and a meeting closed to
    newcomers give the same answer and count as a failed join; over the limit, 429 for any
    code. Someone already in keeps their place after joining closes. Every URL with a join
    code asks this for a session that is not (yet) in the meeting."""
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


@role(Role.PUBLIC)
@never_cache
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("code")
    if raw is None:
        return render(request, "screens/start.html", {})
    try:
        meeting, _participant = joinable(request, raw)
    except DomainError as error:
        context = {"error": error.message, "code": clean_text(raw)[:20]}
        response = actions.answer(request, "screens/start.html", context, error=error)
        return _with_retry_after(response, error)
    return redirect("meetings:join", code=meeting.join_code)


@role(Role.PUBLIC)
@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    canonical = normalize_join_code(code)
    if canonical != code:
        return redirect("meetings:join", code=canonical)
    try:
        meeting, participant = joinable(request, code)
    except DomainError as error:
        return message_answer(request, error)
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
        return render(request, "screens/join.html", context)
    try:
        throttle.ensure_may_join(request)
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
        response = actions.answer(request, "screens/join.html", context, error=error)
        return _with_retry_after(response, error)
    throttle.record_join(request)
    # A new key for the session that now stands for a participant: a key planted before
    # the join (session fixation) no longer leads anywhere.
    request.session.cycle_key()
    remember_participant(request.session, participant)
    return redirect("groups:page", code=meeting.join_code)


@role(Role.PUBLIC)
@never_cache
@require_GET
def join_group(request: HttpRequest, code: str, group_id: int) -> HttpResponse:
    """A home group's printed card: its QR leads here, and one tap on the confirmation joins
    that group (the form posts to `join` like the group picker). A group that is not one of
    this meeting's home groups answers like a wrong code, and counts as a failed join."""
    canonical = normalize_join_code(code)
    if canonical != code:
        return redirect("meetings:join_group", code=canonical, group_id=group_id)
    try:
        meeting, participant = joinable(request, code)
        group = meeting.home_groups().filter(pk=group_id).first()
        if group is None:
            throttle.ensure_not_blocked(request, code)
            throttle.record_failure(request, code)
            raise services.not_joinable(code)
    except DomainError as error:
        return message_answer(request, error)
    if participant is not None and participant.home_group_id == group.pk:
        return redirect("groups:page", code=meeting.join_code)
    context = {
        "meeting": meeting,
        "group": group,
        "participant": participant,
        "join_token": uuid.uuid4(),
    }
    return render(request, "screens/join_group.html", context)


@role(Role.PUBLIC)
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
        return message_answer(request, error)
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


@role(Role.ROOM)
@require_GET
def room(request: HttpRequest, token: str) -> HttpResponse:
    meeting = Meeting.objects.select_related("current_phase").filter(room_token=token).first()
    if meeting is None:
        raise Http404(_("Det finns ingen rumsskärm på den adressen."))
    context = broadcast.room_context(meeting)
    context["join_url"] = join_url(request, meeting)
    return render(request, "screens/room.html", context)


# --- Facilitator console -----------------------------------------------------------------


@role(Role.STAFF)
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
    return render(request, "screens/console.html", context)


@role(Role.STAFF)
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
                usual_home_groups=form.cleaned_data["home_groups"] == "usual",
                home_group_names=form.typed_group_names(),
                agenda_template=form.cleaned_data["agenda_template"],
                group_word=form.cleaned_data["group_word"],
                ideas_until_agreed=form.cleaned_data["ideas_until_agreed"],
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            return redirect("meetings:detail", pk=meeting.pk)
    status = 400 if form.is_bound else 200
    return render(request, "screens/meeting_form.html", {"form": form}, status=status)


CONSOLE = "screens/console_meeting.html"


def _detail_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    context = broadcast.console_context(meeting)
    context.update(
        {
            "join_url": join_url(request, meeting),
            "room_url": public_url(request, reverse("meetings:room", args=[meeting.room_token])),
            "group_form": HomeGroupForm(),
            "phase_form": PhaseForm(),
            "can_export": request.user.has_perm("meetings.export_meeting"),
            "console_panels": CONSOLE_PANELS,
        }
    )
    context.update(extra)
    return context


def _fresh(meeting: Meeting) -> Meeting:
    """The meeting as committed now (phase and revision), for the answer to an action."""
    return Meeting.objects.select_related("current_phase", "series").get(pk=meeting.pk)


# Which part of the console an action's htmx answer replaces (its form's hx-target): the
# live parts (phase, groups, people) or the editors (agenda, groups) or the joining form.
# Forms target a part no broadcast replaces, so an answer that arrives after a broadcast
# still lands; the other parts follow over the console's WebSocket.
ANSWER_PARTIALS = {
    "live": "console_live_answer",
    "editors": "console_editors",
    "joining": "joining_form",
}


def console_answer(
    request: HttpRequest,
    meeting: Meeting,
    error: DomainError | None = None,
    *,
    part: str = "live",
    **extra: Any,
) -> HttpResponse:
    """After a console action. With htmx: the part its form targets, with the error if any;
    without: back to the page (PRG), or the page with the error."""
    if part == "live" and getattr(request, "htmx", False):
        # The live part as the action's broadcast just rendered it for every console: the
        # console is rendered once per change, this answer included.
        shared = broadcast.rendered_console(meeting.pk)
        html = shared.get(get_language()) if shared is not None else None
        if html is not None:
            message = {"meeting": meeting, **extra}
            if error is not None:
                message["console_error"] = error.message
            response = render(request, f"{CONSOLE}#console_message", message)
            response.content += html.encode()
            response.status_code = error.status if error is not None else 200
            return response
    context = _detail_context(request, _fresh(meeting), **extra)
    if error is not None:
        context["console_error"] = error.message
    # A question (confirm_…) stays on the page; anything else goes back to it.
    asking = any(name.startswith("confirm_") for name in extra)
    back = None if asking else reverse("meetings:detail", args=[meeting.pk])
    return actions.answer(
        request, CONSOLE, context, partial=ANSWER_PARTIALS[part], error=error, done=back
    )


@role(Role.MEETING)
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    return render(request, CONSOLE, _detail_context(request, _fresh(meeting)))


def _console_action(
    request: HttpRequest, pk: int, action: Callable[[Meeting], object], part: str = "live"
) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    try:
        action(meeting)
    except DomainError as error:
        return console_answer(request, meeting, error, part=part)
    return console_answer(request, meeting, part=part)


def _int(raw: str | None, default: int | None = None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else default
    except ValueError:
        return default


# --- Home groups ---------------------------------------------------------------------------


@role(Role.MEETING)
@require_POST
def group_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    form = HomeGroupForm(request.POST)
    if not form.is_valid():
        error = DomainError(
            "group_form",
            " ".join(str(e) for e in form.errors.get("name", []))
            or _("Skriv ett namn på hemgruppen."),
        )
        return console_answer(request, meeting, error, part="editors", group_form=form)
    try:
        services.add_home_group(
            meeting=meeting,
            name=form.cleaned_data["name"],
            profession=form.cleaned_data["profession"],
        )
    except DomainError as error:
        form.add_error("name", str(error.message))
        return console_answer(request, meeting, error, part="editors", group_form=form)
    return console_answer(request, meeting, part="editors")


@role(Role.MEETING)
@require_POST
def groups_add_usual(request: HttpRequest, pk: int) -> HttpResponse:
    return _console_action(
        request, pk, lambda m: services.add_usual_home_groups(meeting=m), part="editors"
    )


@role(Role.MEETING)
@require_POST
def group_rename(request: HttpRequest, pk: int, group_id: int) -> HttpResponse:
    name = request.POST.get("name", "")
    return _console_action(
        request,
        pk,
        lambda m: services.rename_group(meeting=m, group_id=group_id, name=name),
        part="editors",
    )


@role(Role.MEETING)
@require_POST
def group_move(request: HttpRequest, pk: int, group_id: int) -> HttpResponse:
    direction = request.POST.get("direction", "")
    return _console_action(
        request,
        pk,
        lambda m: services.move_group(meeting=m, group_id=group_id, direction=direction),
    )


@role(Role.MEETING)
@require_POST
def group_delete(request: HttpRequest, pk: int, group_id: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    confirmed = request.POST.get("confirm") == "1"
    try:
        outcome = services.delete_group(meeting=meeting, group_id=group_id, confirmed=confirmed)
    except DomainError as error:
        return console_answer(request, meeting, error, part="editors")
    if isinstance(outcome, NeedsConfirmation):
        # Not a failure: the facilitator is asked once more, beside the group.
        return console_answer(
            request,
            meeting,
            part="editors",
            confirm_delete=group_id,
            confirm_message=outcome.message,
        )
    return console_answer(request, meeting, part="editors")


PEOPLE_PAGE = "screens/console_people.html"
# A search shorter than a name is meant to be; a page of people a facilitator can scan.
PEOPLE_QUERY_MAX = 60
PEOPLE_PER_PAGE = 200


def _matching_people(meeting: Meeting, query: str) -> list[int]:
    """The ids of the participants whose name or home group contains the query, in the order
    they joined. Compared casefolded in Python: SQLite's LIKE folds only ASCII letters, and
    "åsa" must find "Åsa" on the embedded default too (one meeting's rows, a few thousand)."""
    rows = meeting.participants.values_list("pk", "display_name", "home_group__name")
    if not query:
        return [pk for pk, _name, _group in rows]
    wanted = query.casefold()
    return [
        pk
        for pk, name, group in rows
        if wanted in name.casefold() or wanted in (group or "").casefold()
    ]


def _people_context(
    meeting: Meeting, query: str, page_number: int | str | None = 1
) -> dict[str, Any]:
    page = Paginator(_matching_people(meeting, query), PEOPLE_PER_PAGE).get_page(page_number)
    shown = (
        meeting.participants.select_related("home_group", "expert_group")
        .filter(pk__in=list(page.object_list))
        .order_by("pk")
    )
    return {
        "meeting": meeting,
        "groups": list(meeting.home_groups()),
        "people": list(shown),
        "page": page,
        "people_count": page.paginator.count,
        # Without a search every participant matched: no second count.
        "participant_count": meeting.participants.count() if query else page.paginator.count,
        "query": query,
        "plain": True,
    }


def _people_url(meeting: Meeting, query: str, page: int, moved: int | None = None) -> str:
    params: dict[str, object] = {"q": query} if query else {}
    if page > 1:
        params["page"] = page
    if moved is not None:
        params["moved"] = moved
    url = reverse("meetings:people", args=[meeting.pk])
    return f"{url}?{urlencode(params)}" if params else url


@role(Role.MEETING)
@require_GET
def people(request: HttpRequest, pk: int) -> HttpResponse:
    """Every participant (or those a search finds), a page at a time, with the move form: the
    console lists only the newest joins once a meeting is large."""
    meeting = meeting_for_facilitator(request, pk)
    query = clean_text(request.GET.get("q", ""))
    if len(query) > PEOPLE_QUERY_MAX:
        context = _people_context(meeting, "")
        context["query_error"] = _("Sök med högst %(max)s tecken.") % {"max": PEOPLE_QUERY_MAX}
        return render(request, PEOPLE_PAGE, context, status=400)
    context = _people_context(meeting, query, request.GET.get("page", 1))
    moved_id = _int(request.GET.get("moved"))
    if moved_id is not None:
        # Said after a move from this page (the person may have left a group's search).
        moved = meeting.participants.select_related("home_group").filter(pk=moved_id).first()
        if moved is not None:
            context["moved"] = moved
    return render(request, PEOPLE_PAGE, context)


@role(Role.MEETING)
@require_POST
def participant_move(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    group_id = _int(request.POST.get("group"), 0) or 0
    if request.POST.get("next") == "people" and not getattr(request, "htmx", False):
        # From the people page: back to the same search and page, or the page with the error.
        meeting = meeting_for_facilitator(request, pk)
        query = clean_text(request.POST.get("q", ""))[:PEOPLE_QUERY_MAX]
        page = max(1, _int(request.POST.get("page"), 1) or 1)
        try:
            services.move_participant(
                meeting=meeting, participant_id=participant_id, group_id=group_id
            )
        except DomainError as error:
            context = _people_context(meeting, query, page)
            context["move_error"] = error.message
            return actions.answer(request, PEOPLE_PAGE, context, error=error)
        return redirect(_people_url(meeting, query, page, moved=participant_id))
    return _console_action(
        request,
        pk,
        lambda m: services.move_participant(
            meeting=m, participant_id=participant_id, group_id=group_id
        ),
    )


@role(Role.MEETING)
@require_POST
def room_token_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    services.rotate_room_token(meeting=meeting)
    return redirect("meetings:detail", pk=meeting.pk)


@role(Role.MEETING)
@require_http_methods(["GET", "POST"])
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what will be removed, and a confirmation. POST with the confirmation: remove."""
    meeting = meeting_for_facilitator(request, pk)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        services.delete_meeting(meeting=meeting)
        return redirect("meetings:console")
    context = {
        "meeting": meeting,
        "participant_count": meeting.participants.count(),
        "group_count": meeting.home_groups().count(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "screens/meeting_delete.html", context, status=status)


@role(Role.MEETING)
@require_POST
def joining_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    is_open = request.POST.get("open") == "1"
    return _console_action(
        request, pk, lambda m: services.set_joining_open(meeting=m, is_open=is_open), part="joining"
    )


# --- Agenda --------------------------------------------------------------------------------


def _phase_fields(request: HttpRequest) -> tuple[PhaseForm, dict[str, Any] | None]:
    form = PhaseForm(request.POST)
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data


def _form_error(form: PhaseForm) -> DomainError:
    messages = [str(message) for errors in form.errors.values() for message in errors]
    return DomainError("phase_form", " ".join(messages))


@role(Role.MEETING)
@require_POST
def phase_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    form, fields = _phase_fields(request)
    if fields is None:
        return console_answer(request, meeting, _form_error(form), part="editors", phase_form=form)
    try:
        services.add_phase(meeting=meeting, **fields)
    except DomainError as error:
        return console_answer(request, meeting, error, part="editors", phase_form=form)
    return console_answer(request, meeting, part="editors")


@role(Role.MEETING)
@require_POST
def phase_update(request: HttpRequest, pk: int, phase_id: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    form, fields = _phase_fields(request)
    if fields is None:
        return console_answer(request, meeting, _form_error(form), part="editors")
    try:
        services.update_phase(meeting=meeting, phase_id=phase_id, **fields)
    except DomainError as error:
        return console_answer(request, meeting, error, part="editors")
    return console_answer(request, meeting, part="editors")


@role(Role.MEETING)
@require_POST
def phase_remove(request: HttpRequest, pk: int, phase_id: int) -> HttpResponse:
    return _console_action(
        request, pk, lambda m: services.remove_phase(meeting=m, phase_id=phase_id), part="editors"
    )


@role(Role.MEETING)
@require_POST
def phase_move(request: HttpRequest, pk: int, phase_id: int) -> HttpResponse:
    direction = request.POST.get("direction", "")
    return _console_action(
        request,
        pk,
        lambda m: services.move_phase(meeting=m, phase_id=phase_id, direction=direction),
        part="editors",
    )


# --- Running the afternoon -----------------------------------------------------------------


@role(Role.MEETING)
@require_POST
def phase_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the named phase, or the next one when none is named."""
    phase_id = _int(request.POST.get("phase"))
    return _console_action(
        request, pk, lambda m: services.start_phase(meeting=m, phase_id=phase_id)
    )


@role(Role.MEETING)
@require_POST
def phase_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _console_action(request, pk, lambda m: services.pause_phase(meeting=m))


@role(Role.MEETING)
@require_POST
def phase_resume(request: HttpRequest, pk: int) -> HttpResponse:
    return _console_action(request, pk, lambda m: services.resume_phase(meeting=m))


@role(Role.MEETING)
@require_POST
def phase_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    minutes = _int(request.POST.get("minutes"), 0) or 0
    return _console_action(
        request, pk, lambda m: services.adjust_phase_minutes(meeting=m, minutes=minutes)
    )


@role(Role.MEETING)
@require_POST
def phase_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _console_action(request, pk, lambda m: services.end_phase(meeting=m))


# --- Expert groups (the jigsaw) --------------------------------------------------------------


@role(Role.MEETING)
@require_POST
def experts_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    count = _int(request.POST.get("count"), 0) or 0
    return _console_action(
        request, pk, lambda m: services.allocate_experts(meeting=m, expert_count=count)
    )


@role(Role.MEETING)
@require_POST
def experts_move(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    group_id = _int(request.POST.get("group"), 0) or 0
    return _console_action(
        request,
        pk,
        lambda m: services.move_expert_draft(
            meeting=m, participant_id=participant_id, group_id=group_id
        ),
    )


@role(Role.MEETING)
@require_POST
def experts_publish(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    confirmed = request.POST.get("confirm") == "1"
    try:
        outcome = services.publish_experts(meeting=meeting, confirmed=confirmed)
    except DomainError as error:
        return console_answer(request, meeting, error)
    if isinstance(outcome, NeedsConfirmation):
        # Re-publishing is explicit: the facilitator is asked once more.
        return console_answer(request, meeting, confirm_publish=outcome.message)
    return console_answer(request, meeting)


@role(Role.MEETING)
@require_POST
def participant_left(request: HttpRequest, pk: int, participant_id: int) -> HttpResponse:
    left = request.POST.get("left") == "1"
    return _console_action(
        request,
        pk,
        lambda m: services.set_participant_left(
            meeting=m, participant_id=participant_id, left=left
        ),
    )


@role(Role.MEETING)
@require_GET
def cards(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable cards (a PDF): one per home group, one per published expert table, and
    the agenda handout."""
    meeting = meeting_for_facilitator(request, pk)
    try:
        pdf = printed_cards.cards_pdf(meeting, absolute=lambda path: public_url(request, path))
    except DomainError as error:
        return message_answer(request, error)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"kort-{meeting.join_code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- The themes phase, from the console: hide, show again or rename a theme before the room
# shows it. The facilitator's own actions (no export permission needed); the room and the
# phones follow by the broadcast the services send.


def _theme_answer(
    request: HttpRequest, meeting: Meeting, action: Callable[[], object]
) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        return message_answer(request, error)
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + "#console-themes-panel")


@role(Role.MEETING)
@require_POST
def theme_hide(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    key = request.POST.get("theme", "")
    return _theme_answer(
        request, meeting, lambda: summary_services.dismiss_theme(meeting=meeting, theme_key=key)
    )


@role(Role.MEETING)
@require_POST
def theme_show(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    key = request.POST.get("theme", "")
    return _theme_answer(
        request, meeting, lambda: summary_services.restore_theme(meeting=meeting, theme_key=key)
    )


@role(Role.MEETING)
@require_POST
def theme_rename(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for_facilitator(request, pk)
    key, label = request.POST.get("theme", ""), request.POST.get("label", "")
    return _theme_answer(
        request,
        meeting,
        lambda: summary_services.rename_theme(meeting=meeting, theme_key=key, label=label),
    )
