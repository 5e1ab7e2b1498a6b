"""System checks an operator sees in `gongzhi check` and at start-up."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import DatabaseError

from gongzhi.core import clock, workdays


def calendar_years_missing() -> list[int]:
    """This year and next, where neither the statutory calendar nor overrides have data."""
    year = clock.today().year
    return workdays.years_missing([year, year + 1])


@checks.register(checks.Tags.database)
def check_workday_calendar(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        missing = calendar_years_missing()
    except DatabaseError:  # not migrated yet
        return []
    return [
        checks.Warning(
            f"The working-day calendar has no statutory data for {year}.",
            hint="Add that year's holidays and make-up workdays as working-day overrides in the admin, "
            "or upgrade the chinesecalendar package; until then deadlines count Monday to Friday.",
            id="gongzhi.W001",
        )
        for year in missing
    ]
