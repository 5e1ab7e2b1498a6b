"""Dashboards of the three rates (see cases.dashboard)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from gongzhi.accounts.models import Unit
from gongzhi.cases import dashboard
from gongzhi.core import permissions
from gongzhi.core.errors import NotFound
from gongzhi.places.models import Place


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The viewer's own dashboard: the widest place they supervise or dispatch, else their unit."""
    if permissions.is_superuser(request.user):
        root = Place.objects.filter(depth=1).order_by("path").first()
        if root is not None:
            return redirect("dashboard:place", place_id=root.pk)
    for perm in ("case.supervise", "case.dispatch"):
        paths = permissions.scope_paths(request.user, perm)
        if paths:
            place = Place.objects.filter(path=paths[0]).first()
            if place is not None:
                return redirect("dashboard:place", place_id=place.pk)
    units = list(permissions.unit_ids_of(request.user))
    if units:
        return redirect("dashboard:unit", unit_id=units[0])
    raise Http404


@login_required
@require_GET
def unit_page(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_object_or_404(Unit, pk=unit_id)
    try:
        data = dashboard.unit_dashboard(viewer=request.user, unit=unit)
    except NotFound:
        raise Http404 from None
    context = {
        **data,
        "chart": dashboard.chart_data(data["trend"]),
        "category_rows": [(r.label, r) for r in data["by_category"]],
    }
    return render(request, "cases/dashboard/unit.html", context)


@login_required
@require_GET
def place_page(request: HttpRequest, place_id: int) -> HttpResponse:
    place = get_object_or_404(Place, pk=place_id)
    try:
        data = dashboard.place_comparison(viewer=request.user, place=place)
    except NotFound:
        raise Http404 from None
    context = {
        **data,
        "chart": dashboard.chart_data(data["trend"]),
        "unit_rows": [(r.label, r) for r in data["by_unit"]],
    }
    return render(request, "cases/dashboard/place.html", context)
