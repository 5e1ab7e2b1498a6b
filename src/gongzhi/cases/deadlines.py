"""Time limits by category × nature × urgency, and the deadlines they give."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from gongzhi.cases.choices import LimitUnit, Nature, Urgency
from gongzhi.cases.models import Category, TimeLimit
from gongzhi.core.workdays import workday_deadline, workday_deadlines


@dataclass(frozen=True)
class Limit:
    accept_amount: int
    accept_unit: str
    resolve_amount: int
    resolve_unit: str


# Used only when the table has no row that matches (the migration seeds the same defaults).
FALLBACK = Limit(1, LimitUnit.WORKDAYS, 13, LimitUnit.WORKDAYS)

DEFAULTS: list[tuple[str, str, Limit]] = [
    # (nature, urgency, limit); empty matches any
    ("", Urgency.EMERGENCY, Limit(1, LimitUnit.HOURS, 2, LimitUnit.HOURS)),
    ("", Urgency.URGENT, Limit(2, LimitUnit.HOURS, 1, LimitUnit.WORKDAYS)),
    (Nature.INQUIRY, "", Limit(1, LimitUnit.WORKDAYS, 3, LimitUnit.WORKDAYS)),
    (Nature.HELP, "", Limit(1, LimitUnit.WORKDAYS, 3, LimitUnit.WORKDAYS)),
    (Nature.COMPLAINT, "", Limit(1, LimitUnit.WORKDAYS, 13, LimitUnit.WORKDAYS)),
    (Nature.TIP_OFF, "", Limit(1, LimitUnit.WORKDAYS, 13, LimitUnit.WORKDAYS)),
    (Nature.SUGGESTION, "", Limit(1, LimitUnit.WORKDAYS, 13, LimitUnit.WORKDAYS)),
]


def limit_for(*, category: Category, nature: str, urgency: str) -> Limit:
    """The most specific matching row: the more fields it names, the better; urgency first."""
    lineage = category.lineage_ids()
    rows = TimeLimit.objects.filter(
        Q(category_id__in=lineage) | Q(category__isnull=True),
        Q(nature=nature) | Q(nature=""),
        Q(urgency=urgency) | Q(urgency=""),
    )

    def score(row: TimeLimit) -> tuple[int, int, int]:
        category_rank = len(lineage) - lineage.index(row.category_id) if row.category_id else 0
        return (1 if row.urgency else 0, 1 if row.nature else 0, category_rank)

    best = max(rows, key=score, default=None)
    if best is None:
        return FALLBACK
    return Limit(best.accept_amount, best.accept_unit, best.resolve_amount, best.resolve_unit)


def due(start: dt.datetime, amount: int, unit: str) -> dt.datetime:
    if unit == LimitUnit.HOURS:
        return start + dt.timedelta(hours=amount)
    return workday_deadline(start, amount)


def due_both(start: dt.datetime, limit: Limit) -> tuple[dt.datetime, dt.datetime]:
    """(accept by, resolve by) for `limit` from `start`, the working days from one calendar."""
    pairs = [(limit.accept_amount, limit.accept_unit), (limit.resolve_amount, limit.resolve_unit)]
    ends = iter(workday_deadlines(start, [n for n, unit in pairs if unit != LimitUnit.HOURS]))
    accept, resolve = (
        start + dt.timedelta(hours=n) if unit == LimitUnit.HOURS else next(ends)
        for n, unit in pairs
    )
    return accept, resolve
