"""Where a question goes: whoever is on duty for its place (the duty app's rosters), else — and
after the escalation time — the community workers of its community."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import User
from gongzhi.core import clock
from gongzhi.core.workdays import add_workdays
from gongzhi.duty.selectors import on_duty_users
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place


def on_duty(place: Place, at: dt.datetime | None = None) -> list[User]:
    """Who is on duty for `place` now: its roster's shift, or its nearest ancestor's (duty app)."""
    return on_duty_users(place=place, at=at)


def is_on_duty(*, user: Any, place: Place) -> bool:
    return any(person.pk == user.pk for person in on_duty(place))


def community_of(place: Place) -> Place:
    """The community a place lies in (the place itself when it is a community or above)."""
    if place.level == PlaceLevel.COMMUNITY:
        return place
    found = Place.objects.filter(
        path__in=place.ancestor_paths(), level=PlaceLevel.COMMUNITY
    ).first()
    return found or place


def community_workers(place: Place) -> list[User]:
    """Community workers whose grant covers `place`."""
    paths = [*place.ancestor_paths(), place.path]
    return list(
        User.objects.filter(
            is_active=True,
            grants__role=Role.COMMUNITY_WORKER,
            grants__place__path__in=paths,
        ).distinct()
    )


def first_recipients(place: Place) -> list[User]:
    """Who is told of a new question: the people on duty, or the community workers if none."""
    return on_duty(place) or community_workers(place)


def escalate_due(asked_at: dt.datetime) -> dt.datetime:
    """The same time of day, CONSULTATION_ESCALATE_WORKDAYS working days later (Beijing time).

    A question asked on Friday at 15:00 with the default (1) goes to the community workers on
    Monday at 15:00 if nobody has answered it; after a holiday, on the first working day.
    """
    local = asked_at.astimezone(clock.SHANGHAI)
    day = add_workdays(local.date(), settings.CONSULTATION_ESCALATE_WORKDAYS)
    return dt.datetime.combine(day, local.timetz())
