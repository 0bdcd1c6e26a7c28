"""The editor's themes section: see the themes that recur across groups, and curate them.

Every action answers an htmx request with the section fragment (a 4xx with the Swedish
message when the input is bad, which the page's htmx config swaps in), and a plain form post
with a redirect back to the page (or the page with the message and the 4xx).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meetings.access import Role, meeting_for_facilitator, role
from meetings.actions import answer
from meetings.errors import DomainError
from meetings.models import Meeting

from . import services
from .models import THEME_LABEL_MAX_LENGTH

TEMPLATE = "summary/themes.html"


def _meeting_for_editor(request: HttpRequest, pk: int) -> Meeting:
    """The meeting, if the user is an editor (may export) and one of its facilitators."""
    return meeting_for_facilitator(request, pk)


def themes_context(meeting: Meeting, **extra: Any) -> dict[str, Any]:
    """What the themes section needs; the workspace page can include the section with it."""
    found = services.all_meeting_themes(meeting)
    rows = [
        {"theme": theme, "cells": [theme.named_by(group.key) for group in found.groups]}
        for theme in found.themes
    ]
    context: dict[str, Any] = {
        "meeting": meeting,
        "themes": found.themes,
        "dismissed_themes": found.dismissed,
        "theme_groups": found.groups,
        "group_count": len(found.groups),
        "matrix_rows": rows,
        "label_max_length": THEME_LABEL_MAX_LENGTH,
        "theme_error": "",
        "theme_message": "",
    }
    context.update(extra)
    return context


def _answer(
    request: HttpRequest,
    meeting: Meeting,
    action: Callable[[], object],
    done: str | Promise,
) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        context = themes_context(meeting, theme_error=error.message)
        return answer(request, TEMPLATE, context, partial="themes_section", error=error)
    context = themes_context(meeting, theme_message=done)
    back = reverse("summary:themes", args=[meeting.pk])
    return answer(request, TEMPLATE, context, partial="themes_section", done=back, said=done)


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def themes_page(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    return render(request, TEMPLATE, themes_context(meeting))


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def theme_rename(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    label = request.POST.get("label", "")
    return _answer(
        request,
        meeting,
        lambda: services.rename_theme(
            meeting=meeting, theme_key=request.POST.get("theme", ""), label=label
        ),
        _("Temat heter nu %(label)s.") % {"label": " ".join(label.split())},
    )


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def theme_merge(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)

    def merge() -> object:
        into = request.POST.get("into", "")
        if not into:
            raise DomainError("merge_target", _("Välj vilket tema det ska slås ihop med."))
        return services.merge_themes(
            meeting=meeting, theme_key=request.POST.get("theme", ""), into_key=into
        )

    return _answer(request, meeting, merge, _("Temana är sammanslagna."))


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def theme_split(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    return _answer(
        request,
        meeting,
        lambda: services.split_factor(
            meeting=meeting,
            factor_id=_int_or_none(request.POST.get("factor")),
            label=request.POST.get("label", ""),
        ),
        _("Framgångsfaktorn har ett eget tema nu."),
    )


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def theme_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    return _answer(
        request,
        meeting,
        lambda: services.dismiss_theme(meeting=meeting, theme_key=request.POST.get("theme", "")),
        _("Temat är avfärdat. Du kan återställa det längst ner."),
    )


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def theme_restore(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    return _answer(
        request,
        meeting,
        lambda: services.restore_theme(meeting=meeting, theme_key=request.POST.get("theme", "")),
        _("Temat är återställt."),
    )


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def themes_reset(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    return _answer(
        request,
        meeting,
        lambda: services.reset_themes(meeting=meeting),
        _("Alla ändringar av temana är borttagna; temana hittas på nytt."),
    )
