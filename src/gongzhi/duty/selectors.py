"""Reads of the duty app: who is on duty, rosters, shifts, gaps, swaps, volunteers and hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum

from gongzhi.accounts.models import User
from gongzhi.core import clock, permissions
from gongzhi.core.errors import NotFound
from gongzhi.core.masking import mask_name
from gongzhi.duty.choices import ServiceState, SwapState
from gongzhi.duty.models import (
    Roster,
    RosterMember,
    ServiceRecord,
    Shift,
    ShiftAssignment,
    SwapRequest,
    Volunteer,
)
from gongzhi.places.models import Place


def _staffed_now(paths: list[str], at: dt.datetime) -> list[ShiftAssignment]:
    return list(
        ShiftAssignment.objects.filter(
            shift__roster__place__path__in=paths,
            shift__roster__is_active=True,
            shift__starts_at__lte=at,
            shift__ends_at__gt=at,
            user__is_active=True,
        )
        .select_related("user", "shift__roster__place")
        .order_by("user__username")
    )


def on_duty_users(*, place: Place, at: dt.datetime | None = None) -> list[User]:
    """Who is on duty for `place` at `at` (default now): the people on the shifts covering `at`
    of the place's own roster, or else of its nearest ancestor with a staffed shift then.

    A courtyard with no one on duty at that moment falls through to its community's rota, so a
    question is never routed to nobody while someone above is on duty. One query.
    """
    at = at or clock.now()
    assignments = _staffed_now([*place.ancestor_paths(), place.path], at)
    if not assignments:
        return []
    nearest = max(len(a.shift.roster.place.path) for a in assignments)
    users: dict[int, User] = {}
    for a in assignments:
        if len(a.shift.roster.place.path) == nearest:
            users.setdefault(a.user_id, a.user)
    return list(users.values())


def on_duty_places(*, user: Any, at: dt.datetime | None = None) -> list[Place]:
    """The places whose roster has `user` on a shift covering `at` (default now). One query."""
    if not getattr(user, "is_authenticated", False):
        return []
    at = at or clock.now()
    places: dict[int, Place] = {}
    for a in (
        ShiftAssignment.objects.filter(
            user_id=user.pk,
            shift__roster__is_active=True,
            shift__starts_at__lte=at,
            shift__ends_at__gt=at,
        )
        .select_related("shift__roster__place")
        .order_by("shift__starts_at")
    ):
        places.setdefault(a.shift.roster.place_id, a.shift.roster.place)
    return list(places.values())


def display_name(viewer: Any, user: User, place: Place) -> str:
    """A person's name as `viewer` may see it: in full to those who see the place's rosters,
    masked (张*) to everyone else."""
    if permissions.has_perm(viewer, "duty.view", place):
        return user.get_full_name()
    return mask_name(user.get_full_name())


# ---------------------------------------------------------------- rosters and shifts


def roster_list(*, viewer: Any) -> QuerySet[Roster]:
    """Rosters of the places where the viewer sees duty, with their active member count."""
    return (
        Roster.objects.filter(permissions.place_q(viewer, "duty.view"))
        .select_related("place")
        .annotate(member_count=Count("members", filter=Q(members__is_active=True)))
        .order_by("place__path", "name")
    )


def roster_get(*, viewer: Any, roster_id: int) -> Roster:
    roster = Roster.objects.select_related("place").filter(pk=roster_id).first()
    if roster is None or not permissions.has_perm(viewer, "duty.view", roster.place):
        raise NotFound()
    return roster


def roster_members(*, roster: Roster) -> list[RosterMember]:
    return list(roster.members.filter(is_active=True).select_related("user"))


def _with_people(queryset: QuerySet[Shift]) -> QuerySet[Shift]:
    return queryset.annotate(filled=Count("assignments", distinct=True)).prefetch_related(
        Prefetch(
            "assignments",
            queryset=ShiftAssignment.objects.select_related("user").order_by("user__username"),
        )
    )


def shift_list(*, roster: Roster, start: dt.date, end: dt.date) -> list[Shift]:
    """The roster's shifts between two dates, each with `filled` and its assignments (two
    queries)."""
    return list(
        _with_people(Shift.objects.filter(roster=roster, date__range=(start, end))).order_by(
            "starts_at", "id"
        )
    )


def shift_get(*, viewer: Any, shift_id: int) -> Shift:
    shift = Shift.objects.select_related("roster__place").filter(pk=shift_id).first()
    if shift is None or not permissions.has_perm(viewer, "duty.view", shift.roster.place):
        raise NotFound()
    return shift


def gap_list(
    *, viewer: Any, start: dt.date, end: dt.date, roster: Roster | None = None
) -> list[Shift]:
    """Shifts with fewer people than they need, where the viewer manages duty (one query)."""
    queryset = Shift.objects.filter(
        permissions.place_q(viewer, "duty.manage", "roster__place"),
        roster__is_active=True,
        date__range=(start, end),
    )
    if roster is not None:
        queryset = queryset.filter(roster=roster)
    return list(
        queryset.annotate(filled=Count("assignments"))
        .filter(filled__lt=F("slots"))
        .select_related("roster__place")
        .order_by("starts_at", "id")
    )


def shifts_of(*, user: Any, start: dt.date, end: dt.date | None = None) -> list[Shift]:
    """The user's own shifts from a date (two queries)."""
    queryset = Shift.objects.filter(assignments__user_id=user.pk, date__gte=start)
    if end is not None:
        queryset = queryset.filter(date__lte=end)
    return list(_with_people(queryset.select_related("roster__place")).order_by("starts_at"))


@dataclass(frozen=True)
class Swaps:
    incoming: list[SwapRequest]
    outgoing: list[SwapRequest]


def swaps_of(*, user: Any, limit: int = 50) -> Swaps:
    """Swaps waiting for the user's answer, and the user's own recent requests (two queries)."""
    related = ("shift__roster__place", "counter_shift", "requester", "counterparty")
    incoming = SwapRequest.objects.filter(
        counterparty_id=user.pk, state=SwapState.REQUESTED
    ).select_related(*related)
    outgoing = SwapRequest.objects.filter(requester_id=user.pk).select_related(*related)
    return Swaps(list(incoming[:limit]), list(outgoing[:limit]))


def swap_get(*, viewer: Any, swap_id: int) -> SwapRequest:
    swap = (
        SwapRequest.objects.select_related("shift__roster__place", "counter_shift")
        .filter(pk=swap_id)
        .first()
    )
    if swap is None or not (
        viewer.pk in (swap.requester_id, swap.counterparty_id)
        or permissions.has_perm(viewer, "duty.manage", swap.shift.roster.place)
    ):
        raise NotFound()
    return swap


# ---------------------------------------------------------------- volunteers and hours


def volunteer_list(*, viewer: Any, community: Place | None = None) -> QuerySet[Volunteer]:
    queryset = Volunteer.objects.filter(
        permissions.place_q(viewer, "volunteer.view", "community")
    ).select_related("user", "community")
    if community is not None:
        queryset = queryset.filter(community=community)
    return queryset.order_by("community__path", "kind", "user__username")


def volunteer_get(*, viewer: Any, volunteer_id: int) -> Volunteer:
    volunteer = (
        Volunteer.objects.select_related("user", "community").filter(pk=volunteer_id).first()
    )
    if volunteer is None or not (
        volunteer.user_id == getattr(viewer, "pk", None)
        or permissions.has_perm(viewer, "volunteer.view", volunteer.community)
    ):
        raise NotFound()
    return volunteer


def service_record_list(
    *, viewer: Any, state: str | None = None, community: Place | None = None
) -> QuerySet[ServiceRecord]:
    """Service records the viewer sees: those of their communities, and their own."""
    queryset = ServiceRecord.objects.filter(
        permissions.place_q(viewer, "volunteer.view", "community") | Q(volunteer__user_id=viewer.pk)
    ).select_related("volunteer__user", "community")
    if state:
        queryset = queryset.filter(state=state)
    if community is not None:
        queryset = queryset.filter(community=community)
    return queryset.order_by("-date", "-id")


def service_record_get(*, viewer: Any, record_id: int) -> ServiceRecord:
    record = service_record_list(viewer=viewer).filter(pk=record_id).first()
    if record is None:
        raise NotFound()
    return record


@dataclass(frozen=True)
class HourTotals:
    by_community: list[dict[str, Any]]  # community id, name, hours, people
    by_person: list[dict[str, Any]]  # volunteer id, user id, name, community name, hours


def service_totals(
    *, viewer: Any, start: dt.date, end: dt.date, community: Place | None = None
) -> HourTotals:
    """Confirmed hours in a period, per community and per person (two queries)."""
    queryset = ServiceRecord.objects.filter(
        permissions.place_q(viewer, "volunteer.view", "community"),
        state=ServiceState.CONFIRMED,
        date__range=(start, end),
    )
    if community is not None:
        queryset = queryset.filter(community=community)
    by_community = list(
        queryset.values("community_id", "community__name")
        .annotate(hours=Sum("hours"), people=Count("volunteer", distinct=True))
        .order_by("-hours", "community_id")
    )
    by_person = list(
        queryset.values("volunteer_id", "volunteer__user_id", "volunteer__user__name")
        .annotate(hours=Sum("hours"))
        .order_by("-hours", "volunteer_id")
    )
    return HourTotals([dict(r) for r in by_community], [dict(r) for r in by_person])


def hours_of(*, user: Any, start: dt.date, end: dt.date) -> Decimal:
    total = ServiceRecord.objects.filter(
        volunteer__user_id=user.pk, state=ServiceState.CONFIRMED, date__range=(start, end)
    ).aggregate(h=Sum("hours"))["h"]
    return total or Decimal(0)


# ---------------------------------------------------------------- choices for the pages


def near_q(place: Place, field: str = "place") -> Q:
    """Rows whose place is `place`, one of its ancestors, or under it."""
    return Q(**{f"{field}__path__in": [*place.ancestor_paths(), place.path]}) | Q(
        **{f"{field}__path__startswith": place.path}
    )


def managed_places(*, viewer: Any, limit: int = 300) -> list[Place]:
    """Communities and courtyards where the viewer manages duty (one query)."""
    from gongzhi.places.choices import PlaceLevel

    return list(
        Place.objects.filter(
            permissions.place_q(viewer, "duty.manage", path_field="path"),
            level__in=[PlaceLevel.COMMUNITY, PlaceLevel.COURTYARD],
            is_active=True,
        ).order_by("path")[:limit]
    )


def duty_candidates(*, place: Place) -> list[tuple[User, str]]:
    """People holding a duty role on the place, above it or below it, with that role (one
    query)."""
    from gongzhi.accounts.models import RoleGrant
    from gongzhi.duty.choices import DUTY_ROLES

    grants = (
        RoleGrant.objects.filter(near_q(place), role__in=DUTY_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user__username", "role")
    )
    seen: dict[int, tuple[User, str]] = {}
    for grant in grants:
        seen.setdefault(grant.user_id, (grant.user, grant.role))
    return list(seen.values())
