"""The editor's downloads: every format of a meeting's summary, and the JSON archive."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from meetings.errors import status_of
from meetings.models import Meeting

from .formats import FORMATS, ExportUnavailable, content_disposition


def _meeting_for_export(request: HttpRequest, pk: int) -> Meeting:
    """Who may download is decided here, for every format: login, the export permission (the
    Redaktör role), and being named on the meeting — unpublished group work belongs to the
    meeting's organisers (a superuser sees all)."""
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    if not Meeting.objects.facilitated_by(request.user).filter(pk=pk).exists():
        raise PermissionDenied(_("Du är inte redaktör för det här mötet."))
    return meeting


@login_required
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    export_format = FORMATS.get(fmt)
    if export_format is None:
        raise Http404
    meeting = _meeting_for_export(request, pk)
    try:
        body = export_format.write(meeting)
    except ExportUnavailable as error:
        return render(
            request,
            "message.html",
            {"message": error.message},
            status=status_of(error),
        )
    response = HttpResponse(body, content_type=export_format.content_type)
    response["Content-Disposition"] = content_disposition(meeting, export_format.extension)
    response["X-Content-Type-Options"] = "nosniff"
    return response
