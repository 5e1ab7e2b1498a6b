"""Working days in China: statutory holidays and make-up workdays (调休).

Source of truth, in order: the admin's `WorkdayOverride` rows; the `chinesecalendar` package
(State Council notices, 2004 to its last published year); for a year it does not know, Monday to
Friday — and `years_missing()` tells the administrator which years need overrides.

Deadlines: N working days from a moment end at the close of the Nth working day after the day
it falls on (a case reported on Friday with 1 working day is due at the end of Monday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import chinese_calendar

from gongzhi.core.clock import SHANGHAI


@lru_cache(maxsize=64)
def _statutory_known(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    from gongzhi.core.models import WorkdayOverride

    return dict(
        WorkdayOverride.objects.filter(date__range=(start, end)).values_list("date", "is_workday")
    )


class WorkCalendar:
    """A calendar loaded for a span of dates: one query, then pure lookups."""

    def __init__(self, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.overrides = _overrides(start, end)

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if _statutory_known(day.year):
            return bool(chinese_calendar.is_workday(day))
        return day.weekday() < 5


def _calendar_for(start: dt.date, days: int) -> WorkCalendar:
    # Generous span: even the Spring Festival week plus weekends leaves enough working days.
    return WorkCalendar(start, start + dt.timedelta(days=days * 3 + 30))


def is_workday(day: dt.date) -> bool:
    return WorkCalendar(day, day).is_workday(day)


def add_workdays(day: dt.date, days: int, calendar: WorkCalendar | None = None) -> dt.date:
    """The Nth working day after `day` (N ≥ 1); 0 gives `day` itself if it is a working day,
    else the next working day. `calendar`: one already loaded from `day` on, to share."""
    if calendar is None or calendar.start > day:
        calendar = _calendar_for(day, max(days, 1))
    current = day
    if days <= 0:
        while not calendar.is_workday(current):
            current += dt.timedelta(days=1)
        return current
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        if current > calendar.end:
            calendar = _calendar_for(current, remaining)
        if calendar.is_workday(current):
            remaining -= 1
    return current


def workday_deadline(start: dt.datetime, days: int) -> dt.datetime:
    """The end (23:59:59.999999 in Shanghai) of the Nth working day after `start`'s date."""
    return workday_deadlines(start, [days])[0]


def workday_deadlines(start: dt.datetime, days: list[int]) -> list[dt.datetime]:
    """`workday_deadline` for several numbers of days, from one calendar (one query)."""
    if not days:
        return []
    local_day = start.astimezone(SHANGHAI).date()
    calendar = _calendar_for(local_day, max(*days, 1))
    return [
        dt.datetime.combine(add_workdays(local_day, n, calendar), dt.time.max, tzinfo=SHANGHAI)
        for n in days
    ]


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]: how many working days a case took."""
    if end <= start:
        return 0
    calendar = WorkCalendar(start, end)
    return sum(
        1
        for i in range(1, (end - start).days + 1)
        if calendar.is_workday(start + dt.timedelta(days=i))
    )


def years_missing(years: Iterable[int]) -> list[int]:
    """Years the statutory calendar does not cover and no override row fills."""
    from gongzhi.core.models import WorkdayOverride

    missing = []
    for year in years:
        if _statutory_known(year):
            continue
        if not WorkdayOverride.objects.filter(date__year=year).exists():
            missing.append(year)
    return missing
