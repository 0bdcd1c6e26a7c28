"""The editor's downloads: every output of a meeting in the registry (summary/outputs.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from meetings.access import Role, meeting_for_facilitator, role
from meetings.actions import message
from meetings.models import Meeting

from .formats import ExportUnavailable, content_disposition
from .outputs import Scope, output


def _meeting_for_export(request: HttpRequest, pk: int) -> Meeting:
    """Who may download is decided here, for every format: login, the export permission (the
    Redaktör role), and being named on the meeting — unpublished group work belongs to the
    meeting's organisers (a superuser sees all)."""
    return meeting_for_facilitator(request, pk, Meeting.objects.select_related("series"))


@role(Role.MEETING)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    export_output = output(Scope.MEETING, fmt)
    if export_output is None:
        raise Http404
    meeting = _meeting_for_export(request, pk)
    try:
        body = export_output.write(meeting)
    except ExportUnavailable as error:
        return message(request, error)
    response = HttpResponse(body, content_type=export_output.media_type)
    response["Content-Disposition"] = content_disposition(meeting, export_output.extension)
    response["X-Content-Type-Options"] = "nosniff"
    return response
