"""Reads of the duty app: who is on duty, rosters, shifts, gaps, swaps, volunteers and hours."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gongzhi.accounts.models import User
from gongzhi.core import clock
from gongzhi.duty.models import ShiftAssignment
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
