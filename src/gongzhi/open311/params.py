"""Reading the query string and form of an Open311 request.

The spec's rule for optional arguments: a parameter passed empty behaves exactly as one not
passed at all, so every reader here treats "" (or blanks) as absent.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.validators import is_digits


class Open311Error(Exception):
    """An error answered in the spec's format: 400, 403 and 404 as the spec assigns them."""

    def __init__(self, status: int, *descriptions: str, headers: dict[str, str] | None = None):
        super().__init__(descriptions[0] if descriptions else str(status))
        self.status = status
        self.descriptions = list(descriptions)
        self.headers = headers or {}


def _sources(request: HttpRequest) -> list[QueryDict]:
    # A POST's form first, then its query string (some clients put api_key or
    # jurisdiction_id in the URL).
    return [request.POST, request.GET] if request.method == "POST" else [request.GET]


def value(request: HttpRequest, name: str) -> str:
    """The parameter, stripped; "" when absent or empty."""
    for source in _sources(request):
        found = source.get(name, "")
        if isinstance(found, str) and found.strip():
            return found.strip()
    return ""


def values(request: HttpRequest, name: str) -> list[str]:
    """A comma-separated list (`service_code=a,b`), or the parameter repeated; blanks dropped."""
    items: list[str] = []
    for source in _sources(request):
        for raw in source.getlist(name):
            items.extend(part.strip() for part in str(raw).split(","))
    return list(dict.fromkeys(item for item in items if item))


_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


def attributes(request: HttpRequest) -> dict[str, Any]:
    """`attribute[code]=v` and, for multi-value lists, `attribute[code][]=v1&…[]=v2`.

    A code given once is a single value; given several times (either way), a list. Empty
    values are dropped, so an empty optional attribute is as if not sent.
    """
    found: dict[str, list[str]] = {}
    as_list: set[str] = set()
    for source in _sources(request):
        for key in source:
            match = _ATTRIBUTE.match(key)
            if not match:
                continue
            code = match.group(1).strip()
            if match.group(2):
                as_list.add(code)
            found.setdefault(code, []).extend(
                v.strip() for v in source.getlist(key) if isinstance(v, str) and v.strip()
            )
    answers: dict[str, Any] = {}
    for code, given in found.items():
        if not given:
            continue
        answers[code] = given if code in as_list or len(given) > 1 else given[0]
    return answers


def moment(request: HttpRequest, name: str) -> dt.datetime | None:
    """A W3C datetime (2010-01-01T00:00:00Z); a date alone is its midnight. Without a zone,
    China Standard Time. None when absent; 400 when malformed."""
    text = value(request, name)
    if not text:
        return None
    parsed = parse_datetime(text.replace(" ", "+", 1) if "T" in text else text)
    if parsed is None:
        day = parse_date(text)
        if day is not None:
            parsed = dt.datetime.combine(day, dt.time())
    if parsed is None:
        raise Open311Error(
            400,
            _("%(name)s is not a W3C date and time, e.g. 2026-11-17T09:00:00+08:00.")
            % {"name": name},
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=clock.SHANGHAI)
    return parsed


def positive_int(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    text = value(request, name)
    if not text:
        return default
    if not is_digits(text) or int(text) < 1:
        raise Open311Error(400, _("%(name)s must be a positive whole number.") % {"name": name})
    return min(int(text), maximum)


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime


MAX_SPAN = dt.timedelta(days=90)


def window(request: HttpRequest) -> Window:
    """start_date/end_date: at most 90 days apart; the most recent 90 days by default; one of
    them alone spans 90 days from (or up to) it."""
    start, end = moment(request, "start_date"), moment(request, "end_date")
    if start is None and end is None:
        end = clock.now()
    if start is None:
        assert end is not None
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if start > end:
        raise Open311Error(400, _("start_date must be before end_date."))
    if end - start > MAX_SPAN:
        raise Open311Error(400, _("start_date and end_date may not be more than 90 days apart."))
    return Window(start, end)
