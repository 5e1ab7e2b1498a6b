"""The participation page: a place's rate, its year-on-year change, the places under it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from gongzhi.analytics import selectors
from gongzhi.analytics.forms import PeriodForm
from gongzhi.core import permissions
from gongzhi.core.errors import NotPermitted
from gongzhi.places.models import Place
from gongzhi.places.selectors import place_ancestors


@login_required
@require_GET
def participation_index(request: HttpRequest) -> HttpResponse:
    """The widest place the viewer may analyse."""
    paths = permissions.scope_paths(request.user, "analytics.view")
    place = (
        Place.objects.filter(depth=1).order_by("path").first()
        if paths is None
        else Place.objects.filter(path__in=paths[:1]).first()
    )
    if place is None:
        raise Http404
    return redirect("analytics:participation", place_id=place.pk)


@login_required
@require_GET
def participation_page(request: HttpRequest, place_id: int) -> HttpResponse:
    place = get_object_or_404(Place, pk=place_id)
    form = PeriodForm(request.GET or None)
    period, day = form.period_and_day()
    try:
        report = selectors.participation_report(
            viewer=request.user, place=place, period=period, day=day
        )
    except NotPermitted:
        raise Http404 from None
    rows = [(row, report.children_last_year.get(row.key)) for row in report.children]
    return render(
        request,
        "analytics/participation.html",
        {"form": form, "report": report, "rows": rows, "ancestors": place_ancestors(place=place)},
    )
