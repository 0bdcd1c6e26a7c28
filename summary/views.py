"""The editor's downloads: Markdown for the article, JSON for archives and re-import."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from meetings.models import Meeting

from .exports import meeting_json, meeting_markdown


def _meeting_for_editor(request: HttpRequest, pk: int) -> Meeting:
    """An editor exports only meetings they are named on: unpublished group work belongs to
    the meeting's organisers."""
    meeting = get_object_or_404(Meeting, pk=pk)
    if not Meeting.objects.facilitated_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("Du är inte redaktör för det här mötet."))
    return meeting


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def export_markdown(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    return _download(
        meeting_markdown(meeting),
        "text/markdown; charset=utf-8",
        f"topp25-{meeting.date:%Y-%m-%d}-{meeting.join_code}.md",
    )


@login_required
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting_for_editor(request, pk)
    return _download(
        meeting_json(meeting),
        "application/json; charset=utf-8",
        f"topp25-{meeting.date:%Y-%m-%d}-{meeting.join_code}.json",
    )
