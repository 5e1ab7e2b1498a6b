"""The clock: every service asks it for the time, so tests can set it.

from gongzhi.core import clock
clock.now()                      # aware datetime (UTC)
with clock.frozen(some_datetime): ...   # tests
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")

_override: ContextVar[dt.datetime | None] = ContextVar("gongzhi_clock_override", default=None)


def now() -> dt.datetime:
    fixed = _override.get()
    return fixed if fixed is not None else timezone.now()


def today() -> dt.date:
    """Today's date in Asia/Shanghai, whatever the server's zone."""
    return now().astimezone(SHANGHAI).date()


@contextlib.contextmanager
def frozen(at: dt.datetime) -> Iterator[None]:
    if timezone.is_naive(at):
        raise ValueError("frozen() needs an aware datetime")
    token = _override.set(at)
    try:
        yield
    finally:
        _override.reset(token)
