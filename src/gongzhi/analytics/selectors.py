"""Reads of the analytics app, permission-checked (see participation.py for the definitions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from gongzhi.analytics.participation import (
    Comparison,
    Participation,
    one_year_earlier,
    participation,
    participation_compared,
)
from gongzhi.core import permissions
from gongzhi.places.models import Place

PERIODS = ("month", "quarter", "year")


@dataclass(frozen=True)
class ParticipationReport:
    place: Place
    period: str
    day: dt.date
    comparison: Comparison
    children: list[Participation]
    children_last_year: dict[str, Participation]


def participation_report(
    *, viewer: Any, place: Place, period: str, day: dt.date
) -> ParticipationReport:
    """The place's rate with its year-on-year change, and the places one level under it."""
    permissions.require(viewer, "analytics.view", place)
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    comparison = participation_compared(place=place, period=period, day=day)
    children = participation(
        place=place, start=comparison.start, end=comparison.end, by_depth=place.depth + 1
    )
    last_year = participation(
        place=place,
        start=one_year_earlier(comparison.start),
        end=one_year_earlier(comparison.end),
        by_depth=place.depth + 1,
    )
    return ParticipationReport(
        place=place,
        period=period,
        day=day,
        comparison=comparison,
        children=children,
        children_last_year={row.key: row for row in last_year},
    )
