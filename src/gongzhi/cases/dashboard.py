"""The three rates for people who answer for them: a unit's dashboard, and the comparison of
the streets or communities under an official's or supervisor's place, with a monthly trend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from gongzhi.accounts.models import Unit
from gongzhi.cases import rates
from gongzhi.cases.models import Case
from gongzhi.core import clock, permissions
from gongzhi.core.errors import NotFound
from gongzhi.places.models import Place
from gongzhi.places.selectors import subtree_range


def _since(months: int) -> dt.datetime:
    start, _end = rates.period_bounds("month", clock.today())
    for _ in range(months - 1):
        start, _end = rates.period_bounds("month", (start - dt.timedelta(days=1)).date())
    return start


def trend(queryset: QuerySet[Case], months: int = 12) -> list[rates.Rates]:
    """Monthly rates for the last `months` months (one query)."""
    return rates.three_rates(queryset.filter(submitted_at__gte=_since(months)), by="month")


def unit_dashboard(*, viewer: Any, unit: Unit, months: int = 12) -> dict[str, Any]:
    if not (permissions.is_unit_member(viewer, unit.pk) or permissions.is_superuser(viewer)):
        raise NotFound()
    from django.db.models import Q

    cases = Case.objects.filter(Q(first_receiver=unit) | Q(first_receiver__isnull=True, unit=unit))
    recent = cases.filter(submitted_at__gte=_since(months))
    (overall,) = rates.three_rates(recent)
    return {
        "unit": unit,
        "overall": overall,
        "trend": trend(cases, months),
        "by_category": rates.three_rates(recent, by="category"),
    }


def place_comparison(*, viewer: Any, place: Place, months: int = 12) -> dict[str, Any]:
    """Rates of each child of `place` (streets of a district, communities of a street)."""
    if not (
        permissions.has_perm(viewer, "case.supervise", place)
        or permissions.has_perm(viewer, "case.dispatch", place)
    ):
        raise NotFound()
    cases = Case.objects.filter(place_path__range=subtree_range(place.path))
    recent = cases.filter(submitted_at__gte=_since(months))
    rows = rates.three_rates(recent, by=f"path:{place.depth + 1}")
    names = dict(Place.objects.filter(path__in=[r.key for r in rows]).values_list("path", "name"))
    children = [(names.get(r.key, r.key), r) for r in rows]
    (overall,) = rates.three_rates(recent)
    return {
        "place": place,
        "overall": overall,
        "children": children,
        "trend": trend(cases, months),
        "by_unit": rates.three_rates(recent, by="unit"),
    }


def chart_data(rows: list[rates.Rates]) -> dict[str, Any]:
    """The monthly trend as ECharts series (percentages)."""

    def pct(value: float | None) -> float | None:
        return round(value * 100, 1) if value is not None else None

    return {
        "months": [
            r.key.astimezone(clock.SHANGHAI).strftime("%Y-%m") if r.key else "" for r in rows
        ],
        "response": [pct(r.response_rate) for r in rows],
        "resolution": [pct(r.resolution_rate) for r in rows],
        "satisfaction": [pct(r.satisfaction_rate) for r in rows],
        "cases": [r.cases for r in rows],
    }
