"""The summary workspace (editors) and the public summary page (anyone with its link)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event
from django_htmx.middleware import HtmxDetails

from meetings.access import Role, meeting_for_facilitator, role
from meetings.actions import answer
from meetings.errors import DomainError, NotFound
from meetings.models import Meeting
from topp25.links import public_url

from . import services
from .document import AgendaEntry, EditorView, FactorRow
from .models import SummaryDraft
from .theme_views import themes_context

WORKSPACE = "summary/workspace.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# =========================================================================================
# Summary workspace (branch `workspace`)
# =========================================================================================


def _meeting_for_editor(request: HttpRequest, pk: int) -> Meeting:
    """An editor (export permission) who facilitates this meeting, as in the console."""
    return meeting_for_facilitator(request, pk, Meeting.objects.select_related("series"))


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _public_link(request: HttpRequest, draft: SummaryDraft) -> str:
    if draft.public_token is None:
        return ""
    return public_url(request, reverse("summary:public", args=[draft.public_token]))


def _workspace_context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    draft = services.draft_for(meeting)
    view = _editor_view(meeting, draft)
    context: dict[str, Any] = {
        # The themes section (summary/themes.html#themes_section) and its curation.
        **themes_context(meeting),
        "meeting": meeting,
        "draft": draft,
        "home_groups": view.home_groups,
        "expert_groups": view.expert_groups,
        "participation": view.participation,
        "history": draft.changes.select_related("user")[:50],
        "public_link": _public_link(request, draft),
        "draft_differs": (
            draft.is_published and services.snapshot(meeting, draft) != draft.published_content
        ),
        "fields": {
            "lead": _text_state(draft, "lead"),
            "closing": _text_state(draft, "closing"),
        },
    }
    factor_state = extra.pop("factor_state", None)
    if factor_state is not None:
        factor_id, state = factor_state
        factor = view.factor(factor_id)
        if factor is not None:
            for key, value in state.items():
                setattr(factor, key, value)
    context.update(extra)
    return context


def _text_state(draft: SummaryDraft, field: str, **override: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        "name": field,
        "label": _("Ingress") if field == "lead" else _("Avslutning"),
        "help": (
            _("Några meningar som inleder artikeln: vad mötet handlade om och vilka som var där.")
            if field == "lead"
            else _("Hur arbetet går vidare: vad som händer nu och när ni ses nästa gång.")
        ),
        "text": getattr(draft, field),
        "version": getattr(draft, f"{field}_version"),
        "saved": None,
        "error": None,
        "conflict": None,
    }
    state.update(override)
    return state


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def workspace(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    return render(request, WORKSPACE, _workspace_context(request, meeting))


def _error_page(
    request: HtmxHttpRequest, meeting: Meeting, error: DomainError, **extra: Any
) -> HttpResponse:
    """Without htmx: the whole workspace, with the message where it belongs."""
    context = _workspace_context(request, meeting, flash=error.message, **extra)
    return answer(request, WORKSPACE, context, error=error)


def _announce(response: HttpResponse, message: str) -> HttpResponse:
    return trigger_client_event(
        response, "topp25:announce", {"message": message, "target": "#announcer"}
    )


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def save_text(request: HtmxHttpRequest, pk: int, field: str) -> HttpResponse:
    """Autosave (htmx, after a pause in typing) and the plain Spara button of the lead or
    the closing paragraph. Answers with the field's status line, or the whole field when
    its text is replaced (the editor chose the stored text after a conflict)."""
    meeting = _meeting_for_editor(request, pk)
    if field not in services.TEXT_FIELDS:
        raise Http404(_("Det finns ingen sådan text i sammanfattningen."))
    text = request.POST.get("text", "")
    overwrite = _int_or_none(request.POST.get("overwrite_version"))
    version = overwrite if overwrite is not None else _int_or_none(request.POST.get("version"))
    draft = services.draft_for(meeting)
    if request.POST.get("take_theirs") == "1":
        state = _text_state(draft, field)
        return _field_response(request, meeting, state, whole=True)
    try:
        draft = services.save_text(
            meeting=meeting, field=field, text=text, version=version, user=request.user
        )
    except services.EditConflict as conflict:
        state = _text_state(
            draft,
            field,
            text=text,
            version=version,
            conflict=conflict,
            error=conflict.message,
        )
        return _field_response(request, meeting, state, status=409)
    except DomainError as error:
        state = _text_state(draft, field, text=text, version=version, error=error.message)
        return _field_response(request, meeting, state, status=error.status)
    state = _text_state(draft, field, saved=timezone.now())
    return _field_response(request, meeting, state)


def _field_response(
    request: HtmxHttpRequest,
    meeting: Meeting,
    state: dict[str, Any],
    *,
    status: int = 200,
    whole: bool = False,
) -> HttpResponse:
    if not request.htmx:
        if status == 200:
            return redirect(reverse("summary:workspace", args=[meeting.pk]) + f"#{state['name']}")
        context = _workspace_context(request, meeting)
        fields = dict(context["fields"])
        fields[state["name"]] = state
        context["fields"] = fields
        return render(request, WORKSPACE, context, status=status)
    context = {"meeting": meeting, "field": state}
    if whole:
        response = render(request, f"{WORKSPACE}#text_field", context, status=status)
        return reswap(retarget(response, f"#{state['name']}-form"), "outerHTML")
    response = render(request, f"{WORKSPACE}#text_status", context, status=status)
    if state["conflict"] is not None:
        response = _announce(response, str(state["error"]))
    return _with_history(request, meeting, response)


def _with_history(
    request: HtmxHttpRequest, meeting: Meeting, response: HttpResponse
) -> HttpResponse:
    """The history table too, out of band: the editor sees their change listed at once."""
    draft = services.draft_for(meeting)
    context = {"history": draft.changes.select_related("user")[:50], "oob": True}
    response.content += render(request, f"{WORKSPACE}#history", context).content
    return response


def _editor_view(meeting: Meeting, draft: SummaryDraft) -> EditorView:
    """The editor's view of the meeting's document (the themes have their own section, and
    the reflection's words are not edited here)."""
    document = services.meeting_document(meeting, draft=draft, themes=(), with_reflection=False)
    return document.for_editor()


def _factor_row(meeting: Meeting, draft: SummaryDraft, factor_id: int) -> FactorRow | None:
    return _editor_view(meeting, draft).factor(factor_id)


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def save_factor(request: HtmxHttpRequest, pk: int, factor_id: int) -> HttpResponse:
    """The editor's wording of one factor: autosave, Spara, and Återställ (reset)."""
    meeting = _meeting_for_editor(request, pk)
    text = request.POST.get("text", "")
    overwrite = _int_or_none(request.POST.get("overwrite_version"))
    version = overwrite if overwrite is not None else _int_or_none(request.POST.get("version"))
    reset = request.POST.get("reset") == "1"
    whole = reset or request.POST.get("take_theirs") == "1"
    state: dict[str, Any] = {}
    status = 200
    if request.POST.get("take_theirs") != "1":
        try:
            services.save_factor_wording(
                meeting=meeting,
                factor_id=factor_id,
                text=text,
                version=version,
                user=request.user,
                reset=reset,
            )
            state = {"saved": timezone.now()}
        except services.EditConflict as conflict:
            state = {"conflict": conflict, "error": conflict.message, "typed": text}
            state["typed_version"] = version
            status = 409
        except DomainError as error:
            if isinstance(error, NotFound):
                if request.htmx:
                    response = HttpResponse(error.message, status=error.status)
                    return _announce(reswap(response, "none"), str(error.message))
                return _error_page(request, meeting, error)
            state = {"error": error.message, "typed": text, "typed_version": version}
            status = error.status
    draft = services.draft_for(meeting)
    factor = _factor_row(meeting, draft, factor_id)
    if factor is None:
        raise Http404(_("Framgångsfaktorn finns inte längre."))
    if not request.htmx:
        if status == 200:
            return redirect(
                reverse("summary:workspace", args=[meeting.pk]) + f"#factor-{factor_id}"
            )
        context = _workspace_context(request, meeting, factor_state=(factor_id, state))
        return render(request, WORKSPACE, context, status=status)
    for key, value in state.items():
        setattr(factor, key, value)
    context = {"meeting": meeting, "factor": factor}
    if whole:
        response = render(request, f"{WORKSPACE}#factor_form", context, status=status)
        response = _with_history(request, meeting, response)
        return reswap(retarget(response, f"#factor-{factor_id}-form"), "outerHTML")
    response = render(request, f"{WORKSPACE}#factor_status", context, status=status)
    if status == 409:
        response = _announce(response, str(state["error"]))
    return _with_history(request, meeting, response)


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def move_group(request: HtmxHttpRequest, pk: int, group_id: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    direction = request.POST.get("direction", "")
    try:
        services.move_group(
            meeting=meeting,
            group_id=group_id,
            direction=direction,
            version=_int_or_none(request.POST.get("version")),
            user=request.user,
        )
    except DomainError as error:
        return _error_page(request, meeting, error)
    return redirect(reverse("summary:workspace", args=[meeting.pk]) + f"#group-{group_id}")


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def publish(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    try:
        services.publish(meeting=meeting, user=request.user)
    except DomainError as error:
        return _error_page(request, meeting, error)
    return redirect(reverse("summary:workspace", args=[meeting.pk]) + "#publish")


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    try:
        services.revoke(meeting=meeting, user=request.user)
    except DomainError as error:
        return _error_page(request, meeting, error)
    return redirect(reverse("summary:workspace", args=[meeting.pk]) + "#publish")


def _public_response(request: HttpRequest, content: dict[str, Any], **extra: Any) -> HttpResponse:
    context = {
        "content": content,
        "date": datetime.date.fromisoformat(content["date"]),
        # Snapshots published before the agenda was in them have none.
        "agenda": [AgendaEntry.from_content(phase) for phase in content.get("agenda", [])],
        **extra,
    }
    return render(request, "summary/public.html", context)


@role(Role.PUBLIC)
@require_GET
def public(request: HttpRequest, token: str) -> HttpResponse:
    """The published summary: only the snapshot taken when publishing; 404 once revoked."""
    draft = SummaryDraft.objects.filter(public_token=token).first()
    if draft is None or draft.published_content is None:
        raise Http404(_("Den här sammanfattningen finns inte, eller är inte längre publicerad."))
    response = _public_response(request, draft.published_content)
    # Never kept by a shared cache or the browser: after a revoke the page must be gone.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    response["X-Robots-Tag"] = "noindex"
    return response


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The public page as it would look if published now (editors only)."""
    meeting = _meeting_for_editor(request, pk)
    draft = services.draft_for(meeting)
    response = _public_response(request, services.snapshot(meeting, draft), preview_of=meeting)
    add_never_cache_headers(response)
    return response
