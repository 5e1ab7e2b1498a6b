"""Notice periods: N calendar or working days after the day a period starts.

A period of N days started on day D ends at the close (23:59:59.999999, Beijing time) of the Nth
day after D — in working days, of the Nth working day after D (statutory holidays and make-up
workdays included, from core.workdays) — like a case's deadline.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from gongzhi.core.clock import SHANGHAI
from gongzhi.core.workdays import workday_deadline
from gongzhi.publicity.choices import PeriodUnit


def default_days() -> int:
    return int(settings.GONGZHI_NOTICE_PERIOD_DAYS)


def default_unit() -> str:
    return str(settings.GONGZHI_NOTICE_PERIOD_UNIT)


def period_end(start: dt.datetime, days: int, unit: str) -> dt.datetime:
    if unit == PeriodUnit.WORKING_DAYS:
        return workday_deadline(start, days)
    last = start.astimezone(SHANGHAI).date() + dt.timedelta(days=days)
    return dt.datetime.combine(last, dt.time.max, tzinfo=SHANGHAI)
