"""The participation rate (参与率) — one documented module, driven by configuration.

Definition (defaults; a city changes them in settings.PARTICIPATION):
- Registered residents of a place: distinct users holding a `resident` role on the place or
  anywhere under it, granted before the end of the period.
- Participants: those registered residents who, during the period [start, end) in
  Asia/Shanghai, took part in anything located in the place's subtree: reported a case, added
  to a case's timeline (a comment, a rating, a reopen request), asked a question, objected to a
  notice — one row of any configured *source*. A person is counted once however many things
  they did.
- Participation rate = participants ÷ registered residents (None when nobody is registered).
- Year-on-year: the same period one year earlier; the change is reported both in percentage
  points and relative to last year's rate (the seed's community reported "+50 %": relative).

A source names a model, the field holding the acting user, the field (or lookup) holding the
path of the place it happened in, and its time field; an optional `filter` narrows it. Sources
whose app is not installed are skipped, so the definition grows with the platform.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import RoleGrant
from gongzhi.cases.rates import period_bounds
from gongzhi.places.models import Place
from gongzhi.places.selectors import subtree_range


@dataclass(frozen=True)
class Source:
    name: str
    model: str  # "app_label.Model"
    user: str  # field holding the acting user's id
    path: str  # field or lookup holding the place path
    at: str  # time field
    filter: dict[str, Any] = field(default_factory=dict)


DEFAULT_SOURCES: tuple[Source, ...] = (
    Source("reported", "cases.Case", user="reporter_id", path="place_path", at="submitted_at"),
    Source("commented", "cases.CaseEvent", user="actor_id", path="case__place_path", at="at"),
    Source("asked", "consultation.Question", user="asker_id", path="place__path", at="asked_at"),
    Source(
        "commented", "consultation.Answer", user="author_id", path="question__place__path", at="at"
    ),
    Source(
        "objected",
        "publicity.Objection",
        user="author_id",
        path="notice__place__path",
        at="created_at",
    ),
)


@dataclass(frozen=True)
class Definitions:
    sources: tuple[Source, ...] = DEFAULT_SOURCES
    resident_roles: tuple[str, ...] = (Role.RESIDENT,)


def definitions() -> Definitions:
    configured: dict[str, Any] = dict(getattr(settings, "PARTICIPATION", {}))
    if "sources" in configured:
        configured["sources"] = tuple(
            s if isinstance(s, Source) else Source(**s) for s in configured["sources"]
        )
    if "resident_roles" in configured:
        configured["resident_roles"] = tuple(configured["resident_roles"])
    return Definitions(**configured)


def active_sources(rules: Definitions) -> list[Source]:
    """The configured sources whose model exists in this installation."""
    found = []
    for source in rules.sources:
        try:
            apps.get_model(source.model)
        except LookupError:
            continue
        found.append(source)
    return found


@dataclass(frozen=True)
class Participation:
    key: str  # the place path the row is about
    place: Place | None
    residents: int
    participants: int
    by_source: dict[str, int]
    rate: float | None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else round(self.rate * 100, 1)


@dataclass(frozen=True)
class Comparison:
    start: dt.datetime
    end: dt.datetime
    current: Participation
    previous: Participation
    points: float | None  # current rate − previous rate, in percentage points
    relative: float | None  # (current − previous) ÷ previous rate

    @property
    def relative_percent(self) -> float | None:
        return None if self.relative is None else round(self.relative * 100, 1)


def _rate(participants: int, residents: int) -> float | None:
    return round(participants / residents, 4) if residents else None


def _residents(place: Place, end: dt.datetime, rules: Definitions) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(
        role__in=list(rules.resident_roles),
        place__path__range=subtree_range(place.path),
        granted_at__lt=end,
        user__is_active=True,
    )


def participation(
    *,
    place: Place,
    start: dt.datetime,
    end: dt.datetime,
    by_depth: int | None = None,
    rules: Definitions | None = None,
) -> list[Participation]:
    """The rate for `place`, or one row per place `by_depth` levels deep under it.

    A fixed number of queries whatever the number of places or people: one for the registered
    residents, one per source, one for the places' names. People are counted in Python sets of
    ids: a few MB for a district; a whole city's breakdown belongs on the read replica.
    """
    rules = rules or definitions()
    depth = by_depth or place.depth
    length = depth * Place.steplen
    residents = _residents(place, end, rules)
    # (group, user) pairs of registered residents: a person registered in two communities counts
    # in each of them.
    registered: dict[str, set[int]] = {}
    for key, user_id in residents.annotate(group=Substr("place__path", 1, length)).values_list(
        "group", "user_id"
    ):
        registered.setdefault(key, set()).add(user_id)
    everyone = set().union(*registered.values()) if registered else set()
    acted: dict[str, set[int]] = {}
    by_source: dict[str, dict[str, set[int]]] = {}
    low, high = subtree_range(place.path)
    for source in active_sources(rules):
        model = apps.get_model(source.model)
        rows = (
            model._default_manager.filter(
                Q(**{f"{source.path}__range": (low, high)}),
                Q(**{f"{source.at}__gte": start, f"{source.at}__lt": end}),
                Q(**{f"{source.user}__in": residents.values("user_id")}),
                **source.filter,
            )
            .annotate(group=Substr(source.path, 1, length))
            .values_list("group", source.user)
            .distinct()
        )
        for key, user_id in rows:
            if user_id in everyone:
                acted.setdefault(key, set()).add(user_id)
                by_source.setdefault(source.name, {}).setdefault(key, set()).add(user_id)
    keys = sorted(set(registered) | set(acted))
    places = {p.path: p for p in Place.objects.filter(path__in=keys)}
    result = []
    for key in keys:
        people = registered.get(key, set())
        joined = acted.get(key, set()) & people
        result.append(
            Participation(
                key=key,
                place=places.get(key),
                residents=len(people),
                participants=len(joined),
                by_source={
                    name: len(groups.get(key, set()) & people)
                    for name, groups in sorted(by_source.items())
                },
                rate=_rate(len(joined), len(people)),
            )
        )
    if by_depth is None and not result:
        result.append(Participation(place.path, place, 0, 0, {}, None))
    return result


def one_year_earlier(moment: dt.datetime) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - 1, day=28)


def participation_compared(
    *, place: Place, period: str, day: dt.date, rules: Definitions | None = None
) -> Comparison:
    """The period containing `day` against the same period a year earlier."""
    start, end = period_bounds(period, day)
    (current,) = participation(place=place, start=start, end=end, rules=rules)
    (previous,) = participation(
        place=place, start=one_year_earlier(start), end=one_year_earlier(end), rules=rules
    )
    points = relative = None
    if current.rate is not None and previous.rate is not None:
        points = round((current.rate - previous.rate) * 100, 2)
        relative = (
            round((current.rate - previous.rate) / previous.rate, 4) if previous.rate else None
        )
    return Comparison(start, end, current, previous, points, relative)
