"""The three rates (三率): response, resolution and satisfaction — one documented module.

Cities define them differently, so the definitions are configuration (settings.THREE_RATES,
defaults below); the queries are one aggregate per grouping, whatever the number of cases.

Defaults:
- A case counts in the period in which it was submitted (Asia/Shanghai), once: a case merged
  into another as its duplicate is left out.
- Response rate (响应率) = cases first accepted before their accept deadline ÷ cases that were
  dispatched to a unit.
- Resolution rate (解决率) = closed cases the resident (or the agent's phone follow-up) called
  solved ÷ closed cases. Cases closed for lack of a response are left out of both
  (`no_response` = "exclude"), or counted as solved ("solved") or as not solved ("unsolved").
- Satisfaction rate (满意率) = (satisfied + w × mostly satisfied) ÷ rated cases, w =
  `mostly_satisfied_weight` (default 1.0: 基本满意 counts as satisfied).
A rate is None when its denominator is zero. Cases are attributed to the first receiver (the
unit that first accepted, 首接负责制), else to the unit holding them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, Substr, TruncMonth

from gongzhi.accounts.models import Unit
from gongzhi.cases.choices import AWAITING_ACCEPT, HANDLING, CaseState, CloseReason, Rating
from gongzhi.cases.models import Case, Category
from gongzhi.core import clock
from gongzhi.places.models import Place


@dataclass(frozen=True)
class Definitions:
    mostly_satisfied_weight: float = 1.0
    no_response: str = "exclude"  # exclude | solved | unsolved


def definitions() -> Definitions:
    return Definitions(**getattr(settings, "THREE_RATES", {}))


@dataclass(frozen=True)
class Rates:
    key: Any
    label: str
    cases: int
    dispatched: int
    responded: int
    closed: int
    solved: int
    rated: int
    satisfied: int
    mostly_satisfied: int
    dissatisfied: int
    overdue: int
    average_workdays: float | None
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None


def _grouping(by: str) -> tuple[Any, Callable[[list[Any]], dict[Any, str]]]:
    """(key expression, labels of keys): a field, an ancestor's path at a depth ("path:3"), or
    "month"."""
    if by.startswith("path:"):
        length = int(by.split(":", 1)[1]) * 4  # the tree's step length
        return Substr("place_path", 1, length), _no_labels
    if by == "month":
        return TruncMonth("submitted_at", tzinfo=clock.SHANGHAI), _no_labels
    key, model = GROUPS[by]
    return key, lambda keys: dict(
        model._default_manager.filter(pk__in=[k for k in keys if k is not None]).values_list(
            "pk", "name"
        )
    )


def _no_labels(keys: list[Any]) -> dict[Any, str]:
    return {}


# Grouped by the key alone, the aggregate is a hash over a few integers; the names are read
# afterwards in one small query (grouping and sorting a million-row scan by name is what made
# the dashboard slow).
GROUPS: dict[str, tuple[Any, type[models.Model]]] = {
    "unit": (Coalesce("first_receiver_id", "unit_id"), Unit),
    "category": (F("category_id"), Category),
    "place": (F("place_id"), Place),
}


def _ratio(numerator: float, denominator: int) -> float | None:
    return round(numerator / denominator, 4) if denominator else None


def counted(queryset: QuerySet[Case]) -> QuerySet[Case]:
    """The cases the rates count: merged duplicates are counted once, in their survivor."""
    return queryset.filter(merged_into__isnull=True)


def period_bounds(period: str, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the month, quarter or year containing `day`, in Asia/Shanghai."""
    if period == "month":
        start = day.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1)
    elif period == "quarter":
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        end = (start + dt.timedelta(days=95)).replace(day=1)
    elif period == "year":
        start, end = day.replace(month=1, day=1), day.replace(year=day.year + 1, month=1, day=1)
    else:
        raise ValueError(f"unknown period {period!r}")
    tz = clock.SHANGHAI
    return dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end, dt.time.min, tz)


def three_rates(
    queryset: QuerySet[Case], *, by: str | None = None, now: dt.datetime | None = None
) -> list[Rates]:
    """The rates over `queryset`, in one row, or one row per unit / category / place."""
    rules = definitions()
    now = now or clock.now()
    closed = Q(state=CaseState.CLOSED)
    no_response = closed & Q(close_reason=CloseReason.NO_RESPONSE)
    rated_closed = closed & Q(close_reason=CloseReason.RATED)
    if rules.no_response == "exclude":
        closed_counted, solved = rated_closed, rated_closed & Q(solved=True)
    elif rules.no_response == "solved":
        closed_counted, solved = closed, (rated_closed & Q(solved=True)) | no_response
    else:
        closed_counted, solved = closed, rated_closed & Q(solved=True)
    overdue = Q(state__in=list(AWAITING_ACCEPT), accept_due_at__lt=now) | Q(
        state__in=list(HANDLING), resolve_due_at__lt=now
    )
    aggregates = {
        "cases": Count("id"),
        "dispatched": Count("id", filter=Q(dispatched_at__isnull=False)),
        "responded": Count("id", filter=Q(accepted_on_time=True)),
        "closed": Count("id", filter=closed_counted),
        "solved": Count("id", filter=solved),
        "rated": Count("id", filter=~Q(rating="")),
        "satisfied": Count("id", filter=Q(rating=Rating.SATISFIED)),
        "mostly_satisfied": Count("id", filter=Q(rating=Rating.MOSTLY_SATISFIED)),
        "dissatisfied": Count("id", filter=Q(rating=Rating.DISSATISFIED)),
        "overdue": Count("id", filter=overdue),
        "average_workdays": Avg("handling_workdays"),
    }
    queryset = counted(queryset)
    if by is None:
        rows: list[dict[str, Any]] = [
            {"key": None, "label": "", **queryset.aggregate(**aggregates)}
        ]
    else:
        key, labels_of = _grouping(by)
        grouped = list(
            queryset.annotate(group_key=key)
            .values("group_key")
            .annotate(**aggregates)
            .order_by("group_key")
        )
        labels = labels_of([r["group_key"] for r in grouped])
        rows = [
            {**r, "key": r["group_key"], "label": labels.get(r["group_key"], "")} for r in grouped
        ]
        rows.sort(key=lambda r: r["label"])  # by name, then (stable) by key
        for r in rows:
            del r["group_key"]
    return [_rates(row, rules) for row in rows]


def _rates(row: dict[str, Any], rules: Definitions) -> Rates:
    weighted = row["satisfied"] + rules.mostly_satisfied_weight * row["mostly_satisfied"]
    average = row["average_workdays"]
    return Rates(
        key=row["key"],
        label=row["label"],
        cases=row["cases"],
        dispatched=row["dispatched"],
        responded=row["responded"],
        closed=row["closed"],
        solved=row["solved"],
        rated=row["rated"],
        satisfied=row["satisfied"],
        mostly_satisfied=row["mostly_satisfied"],
        dissatisfied=row["dissatisfied"],
        overdue=row["overdue"],
        average_workdays=round(float(average), 2) if average is not None else None,
        response_rate=_ratio(row["responded"], row["dispatched"]),
        resolution_rate=_ratio(row["solved"], row["closed"]),
        satisfaction_rate=_ratio(weighted, row["rated"]),
    )
