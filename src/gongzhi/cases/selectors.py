"""Reads of cases, scoped by the permission check. Lists are keyset-paginated and issue a fixed
number of queries whatever their length."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, F, Q, QuerySet, Value, When
from django.db.models import Case as When_

from gongzhi.accounts.models import Unit
from gongzhi.cases.choices import AWAITING_ACCEPT, HANDLING, OPEN_STATES, CaseState
from gongzhi.cases.models import Case, CaseEvent, Category
from gongzhi.core import clock, permissions
from gongzhi.core.errors import NotFound
from gongzhi.core.masking import mask_name, mask_phone, mask_text
from gongzhi.core.validators import is_digits
from gongzhi.places.selectors import subtree_range

LIST_RELATED = ("category", "place", "unit")


def visible_q(viewer: Any) -> Q:
    """Cases the viewer may open: their own reports, their units' cases, staff of the place."""
    if permissions.is_superuser(viewer):
        return Q()
    if not getattr(viewer, "is_authenticated", False):
        return Q(pk__in=[])
    units = list(permissions.unit_ids_of(viewer))
    q = Q(reporter_id=viewer.pk) | permissions.place_q(viewer, "case.view", path_field="place_path")
    if units:
        q |= Q(unit_id__in=units) | Q(first_receiver_id__in=units)
    return q


def with_overdue(queryset: QuerySet[Case], now: dt.datetime | None = None) -> QuerySet[Case]:
    """Annotate `is_overdue`, computed at query time so it is never stale between sweeps."""
    now = now or clock.now()
    return queryset.annotate(
        is_overdue=When_(
            When(state__in=list(AWAITING_ACCEPT), accept_due_at__lt=now, then=Value(True)),
            When(state__in=list(HANDLING), resolve_due_at__lt=now, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def is_overdue(case: Case, now: dt.datetime | None = None) -> bool:
    """What `with_overdue` annotates, for a case in memory."""
    now = now or clock.now()
    if case.state in AWAITING_ACCEPT:
        return case.accept_due_at is not None and case.accept_due_at < now
    if case.state in HANDLING:
        return case.resolve_due_at is not None and case.resolve_due_at < now
    return False


def case_get(*, viewer: Any, case_id: int) -> Case:
    case = (
        with_overdue(Case.objects.filter(visible_q(viewer)))
        .select_related(
            *LIST_RELATED, "first_receiver", "reporter", "registered_by", "category__parent"
        )
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        raise NotFound()
    return case


def is_staff_view(viewer: Any, case: Case) -> bool:
    """Whether the viewer sees the case as staff (full timeline) rather than as the resident."""
    return (
        permissions.is_superuser(viewer)
        or permissions.is_unit_member(viewer, case.unit_id)
        or permissions.is_unit_member(viewer, case.first_receiver_id)
        or permissions.has_perm(viewer, "case.view", case.place)
    )


def case_timeline(*, viewer: Any, case: Case) -> list[CaseEvent]:
    """Staff see every entry; the resident sees the resident-safe entries only."""
    events = case.events.select_related("actor", "actor_unit", "unit").prefetch_related("photos")
    if not is_staff_view(viewer, case):
        events = events.filter(is_public=True)
    return list(events.order_by("at", "id"))


def reporter_contact(*, viewer: Any, case: Case) -> dict[str, str]:
    """Who reported and how to reach them, as this viewer may see it.

    In full: the reporter themselves, staff with case.view_contact at the place, and the
    handling unit when the reporter allowed it. Others see masked values.
    """
    full = (
        permissions.is_superuser(viewer)
        or case.reporter_id == getattr(viewer, "pk", None)
        or permissions.has_perm(viewer, "case.view_contact", case.place)
        or (case.reporter_may_be_named and permissions.is_unit_member(viewer, case.unit_id))
    )
    if full:
        return {
            "name": case.contact_name,
            "phone": case.contact_phone,
            "detail": case.contact_detail,
        }
    return {
        "name": mask_name(case.contact_name),
        "phone": mask_phone(case.contact_phone),
        "detail": mask_text(case.contact_detail) if is_staff_view(viewer, case) else "",
    }


@dataclass
class Filters:
    state: str = ""
    category: int | None = None
    place_path: str = ""
    overdue: bool = False
    q: str = ""


@dataclass
class Page:
    items: list[Case]
    next_after: str | None
    filters: Filters = field(default_factory=Filters)


def _apply(queryset: QuerySet[Case], filters: Filters, now: dt.datetime) -> QuerySet[Case]:
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.category:
        queryset = queryset.filter(
            Q(category_id=filters.category) | Q(category__parent_id=filters.category)
        )
    if filters.place_path:
        queryset = queryset.filter(place_path__range=subtree_range(filters.place_path))
    if filters.overdue:
        queryset = queryset.filter(
            Q(state__in=list(AWAITING_ACCEPT), accept_due_at__lt=now)
            | Q(state__in=list(HANDLING), resolve_due_at__lt=now)
        )
    if filters.q:
        queryset = queryset.filter(Q(number=filters.q) | Q(title__icontains=filters.q))
    return queryset


def _keyset(queryset: QuerySet[Case], after: str | None, size: int) -> Page:
    """Order by (resolve_due_at, id), nulls last; `after` is "<timestamp>|<id>" or "|<id>"."""
    queryset = queryset.order_by(F("resolve_due_at").asc(nulls_last=True), "id")
    if after:
        stamp, _sep, last_id = after.partition("|")
        if is_digits(last_id):
            if stamp:
                at = dt.datetime.fromisoformat(stamp)
                queryset = queryset.filter(
                    Q(resolve_due_at__gt=at)
                    | Q(resolve_due_at=at, id__gt=int(last_id))
                    | Q(resolve_due_at__isnull=True)
                )
            else:
                queryset = queryset.filter(resolve_due_at__isnull=True, id__gt=int(last_id))
    items = list(queryset[: size + 1])
    more = len(items) > size
    items = items[:size]
    next_after = None
    if more and items:
        last = items[-1]
        next_after = f"{last.resolve_due_at.isoformat() if last.resolve_due_at else ''}|{last.pk}"
    return Page(items, next_after)


def case_queue(
    *,
    viewer: Any,
    unit: Unit,
    filters: Filters | None = None,
    after: str | None = None,
    size: int = 30,
) -> Page:
    """A unit's queue: its open cases by deadline (or all states when a state is chosen)."""
    if not (permissions.is_unit_member(viewer, unit.pk) or permissions.is_superuser(viewer)):
        raise NotFound()
    filters = filters or Filters()
    now = clock.now()
    queryset = Case.objects.filter(unit=unit)
    if not filters.state:
        queryset = queryset.filter(state__in=list(OPEN_STATES))
    queryset = with_overdue(_apply(queryset, filters, now), now).select_related(*LIST_RELATED)
    page = _keyset(queryset, after, size)
    page.filters = filters
    return page


def case_list(
    *, viewer: Any, filters: Filters | None = None, after: str | None = None, size: int = 30
) -> Page:
    """Every case the viewer may see (staff lists, the API)."""
    filters = filters or Filters()
    now = clock.now()
    queryset = with_overdue(_apply(Case.objects.filter(visible_q(viewer)), filters, now), now)
    page = _keyset(queryset.select_related(*LIST_RELATED), after, size)
    page.filters = filters
    return page


def cases_of_reporter(*, viewer: Any, after: str | None = None, size: int = 30) -> Page:
    queryset = with_overdue(Case.objects.filter(reporter_id=viewer.pk)).select_related(
        *LIST_RELATED
    )
    if after and is_digits(after):
        queryset = queryset.filter(id__lt=int(after))
    items = list(queryset.order_by("-id")[: size + 1])
    more = len(items) > size
    items = items[:size]
    return Page(items, str(items[-1].pk) if more and items else None)


def dispatcher_console(*, viewer: Any, size: int = 50) -> dict[str, list[Case]]:
    """Cases waiting for a dispatcher: never routed (no rule, no community unit) and returned."""
    scoped = Case.objects.filter(
        permissions.place_q(viewer, "case.dispatch", path_field="place_path")
    )
    base = with_overdue(scoped).select_related(*LIST_RELATED).order_by("submitted_at", "id")
    return {
        "unrouted": list(base.filter(state=CaseState.SUBMITTED)[:size]),
        "returned": list(base.filter(state=CaseState.RETURNED)[:size]),
    }


def overdue_board(*, viewer: Any, size: int = 50) -> dict[str, Any]:
    """For supervisors: overdue cases, counts per unit, and cases put on their list."""
    now = clock.now()
    scoped = Case.objects.filter(
        permissions.place_q(viewer, "case.supervise", path_field="place_path")
    )
    overdue = scoped.filter(
        Q(state__in=list(AWAITING_ACCEPT), accept_due_at__lt=now)
        | Q(state__in=list(HANDLING), resolve_due_at__lt=now)
    )
    per_unit = list(
        overdue.values("unit_id", "unit__name")
        .annotate(count=Count("id"))
        .order_by("-count", "unit__name")[:size]
    )
    flagged = with_overdue(scoped.filter(needs_supervision=True, state__in=list(OPEN_STATES)), now)
    return {
        "cases": list(
            with_overdue(overdue, now)
            .select_related(*LIST_RELATED)
            .order_by("resolve_due_at", "id")[:size]
        ),
        "per_unit": per_unit,
        "flagged": list(
            flagged.select_related(*LIST_RELATED).order_by("submitted_at", "id")[:size]
        ),
    }


def categories_for_reporting() -> list[Category]:
    return list(
        Category.objects.filter(is_active=True)
        .select_related("parent")
        .prefetch_related("questions")
        .order_by("parent_id", "order", "code")
    )
