"""Fixed-window rate limits kept in the cache that every process shares (CACHES["default"]:
the database by default, Redis when REDIS_URL is set). The one limiter of the REST API
(api/throttling.py) and of Open311 (open311/views.py).

A rate is written "N/SECONDS" (120/60: 120 requests a minute); empty or 0 turns it off. With
the database cache two processes may both read a counter before either writes it, so a burst can
overshoot by a few requests; Redis counts exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.cache import cache

from gongzhi.core import clock


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


def parse_rate(text: str) -> Rate | None:
    text = (text or "").strip()
    if not text or text == "0":
        return None
    count, _sep, seconds = text.partition("/")
    try:
        rate = Rate(int(count), int(seconds or "60"))
    except ValueError:
        raise ValueError(f"A rate is N/SECONDS, e.g. 120/60, not {text!r}.") from None
    if rate.count <= 0 or rate.seconds <= 0:
        return None
    return rate


def hit(scope: str, ident: str, rate: Rate | None) -> int | None:
    """Count one request of `ident`; None when within the rate, else the seconds to wait."""
    if rate is None:
        return None
    now = clock.now().timestamp()
    window = int(now // rate.seconds)
    key = f"gongzhi:rate:{scope}:{ident}:{window}"
    try:
        count = cache.incr(key)  # the usual case: the window's counter exists
    except ValueError:
        count = 1 if cache.add(key, 1, timeout=rate.seconds + 1) else cache.incr(key)
    if count <= rate.count:
        return None
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def limit(scope: str, ident: str, rate_text: str) -> int | None:
    """`hit` with a rate as configured ("N/SECONDS"): None when allowed, else seconds to wait."""
    return hit(scope, ident, parse_rate(rate_text))
