"""A series over years: its meetings, the indicator it tracks, chart and exports."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import permission_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from meetings import services as meeting_services
from meetings.access import Role, role
from meetings.actions import answer
from meetings.errors import DomainError
from meetings.models import Meeting, Series

from . import services
from .outputs import Scope, UnknownTable, output, outputs
from .series import (
    build_chart,
    indicator_of,
    indicator_values,
    recurring_themes,
    series_meetings,
    theme_chart,
    year_rows,
)

SERIES = "summary/series.html"


def _download(body: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# =========================================================================================
# Series over years (branch `workspace`)
# =========================================================================================


def _series_of(request: HttpRequest) -> QuerySet[Series]:
    """The series an editor may see: those they are an organiser of. Having a meeting in a
    series grants nothing (a meeting is put in a series by its organisers, and any meeting
    could be named after one); an organiser shares a series explicitly."""
    return Series.objects.organised_by(request.user)


def _series_for_editor(request: HttpRequest, pk: int) -> Series:
    return get_object_or_404(_series_of(request), pk=pk)


def _series_context(request: HttpRequest, series: Series, **extra: Any) -> dict[str, Any]:
    meetings = series_meetings(series)
    indicator = indicator_of(series)
    values = indicator_values(indicator)
    facilitated = set(
        Meeting.objects.facilitated_by(request.user)
        .filter(series=series)
        .values_list("pk", flat=True)
    )
    recurring = recurring_themes(
        meetings,
        {
            meeting.pk: [theme.label for theme in services.meeting_themes(meeting)]
            for meeting in meetings
        },
    )
    context: dict[str, Any] = {
        "series": series,
        "meetings": meetings,
        "facilitated": facilitated,
        "indicator": indicator,
        "values": values,
        "chart": build_chart(
            values, meetings, lower_is_better=indicator.lower_is_better if indicator else False
        ),
        "year_rows": year_rows(values, meetings),
        # Each meeting's themes as its editor left them (else found afresh), by label.
        "recurring": recurring,
        "theme_chart": theme_chart(meetings, recurring),
        "indicator_form": {
            "name": indicator.name if indicator else "",
            "lower_is_better": indicator.lower_is_better if indicator else True,
            "source": indicator.source if indicator else "",
        },
        "value_form": {"year": "", "value": ""},
        "downloads": _series_downloads(series),
    }
    context.update(extra)
    return context


def _series_downloads(series: Series) -> list[tuple[str, str]]:
    """(address, label) of every download of the series, from the registry: one a file, or
    one a sheet for an output that writes one sheet a file."""
    links: list[tuple[str, str]] = []
    for series_output in outputs(Scope.SERIES).values():
        url = reverse("summary:series_export", args=[series.pk, series_output.identifier])
        tables = series_output.tables(series)
        if not tables:
            links.append((url, str(series_output.label)))
        for name, title in tables:
            links.append(
                (
                    f"{url}?table={name}",
                    _("%(format)s: %(table)s") % {"format": series_output.label, "table": title},
                )
            )
    return links


@role(Role.STAFF)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def series_list(request: HttpRequest) -> HttpResponse:
    series = _series_of(request)
    return render(request, "summary/series_list.html", {"series_list": series})


@role(Role.SERIES)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def series_detail(request: HttpRequest, pk: int) -> HttpResponse:
    series = _series_for_editor(request, pk)
    return render(request, SERIES, _series_context(request, series))


@role(Role.SERIES)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def series_indicator(request: HttpRequest, pk: int) -> HttpResponse:
    series = _series_for_editor(request, pk)
    form: dict[str, Any] = {
        "name": request.POST.get("name", "")[:300],
        "lower_is_better": request.POST.get("lower_is_better") == "1",
        "source": request.POST.get("source", "")[:300],
    }
    try:
        services.set_indicator(
            series=series,
            name=form["name"],
            lower_is_better=form["lower_is_better"],
            source=form["source"],
        )
    except DomainError as error:
        context = _series_context(
            request, series, indicator_form=form, indicator_error=error.message
        )
        return answer(request, SERIES, context, error=error)
    return redirect(reverse("summary:series", args=[series.pk]) + "#indicator")


@role(Role.SERIES)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def series_value(request: HttpRequest, pk: int) -> HttpResponse:
    series = _series_for_editor(request, pk)
    form = {"year": request.POST.get("year", "")[:10], "value": request.POST.get("value", "")[:30]}
    try:
        services.set_indicator_value(series=series, user=request.user, **form)
    except DomainError as error:
        context = _series_context(request, series, value_form=form, value_error=error.message)
        return answer(request, SERIES, context, error=error)
    return redirect(reverse("summary:series", args=[series.pk]) + "#values")


@role(Role.SERIES)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def series_value_remove(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    series = _series_for_editor(request, pk)
    try:
        services.remove_indicator_value(series=series, year=year)
    except DomainError as error:
        context = _series_context(request, series, value_error=error.message)
        return answer(request, SERIES, context, error=error)
    return redirect(reverse("summary:series", args=[series.pk]) + "#values")


def _series_filename(series: Series, extension: str) -> str:
    from django.utils.text import slugify

    return f"topp25-serie-{slugify(series.name) or series.pk}.{extension}"


@role(Role.SERIES)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_GET
def series_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """Every download of a series: one output of the registry (summary/outputs.py); an output
    that writes one sheet a file (CSV) takes the sheet as ?table=."""
    series_output = output(Scope.SERIES, fmt)
    if series_output is None:
        raise Http404
    series = _series_for_editor(request, pk)
    table = request.GET.get("table", "factors") if series_output.per_sheet else None
    try:
        body = series_output.write(series, table)
    except UnknownTable:
        return render(
            request,
            "message.html",
            {"message": _("Välj en av tabellerna möten, framgångsfaktorer eller indikator.")},
            status=400,
        )
    extension = f"{table}.{series_output.extension}" if table else series_output.extension
    return _download(body, series_output.media_type, _series_filename(series, extension))


@role(Role.SERIES)
@permission_required("meetings.export_meeting", raise_exception=True)
@require_POST
def series_share(request: HttpRequest, pk: int) -> HttpResponse:
    """An organiser of the series makes a colleague one too: the one way into a series."""
    series = _series_for_editor(request, pk)
    try:
        user = meeting_services.share_series(
            series=series, username=request.POST.get("username", "")
        )
    except DomainError as error:
        context = _series_context(request, series, share_error=error.message)
        return render(request, SERIES, context, status=error.status)
    context = _series_context(
        request,
        series,
        share_done=_("%(name)s är nu arrangör av serien.") % {"name": user.get_username()},
    )
    return render(request, SERIES, context)
