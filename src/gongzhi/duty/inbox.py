"""The on-duty inbox: sections of things new in the places a person's current shift covers.

Each section is a loader plus a small template include; the inbox page renders them in order.
Another app adds its own (questions waiting for an answer, say) with `register()` from its
AppConfig.ready():

    inbox.register(inbox.InboxSection(
        name="questions", title=_("New questions"), template="consultation/_inbox.html",
        load=lambda user, places, now: ...))

`load(user, places, now)` gets every covered place at once and must cost a fixed, small number
of queries (no query per place or per row); its list is passed to the template as `items`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.places.models import Place
from gongzhi.places.selectors import subtree_range

NEW_CASE_DAYS = 7
SECTION_SIZE = 30


@dataclass(frozen=True)
class InboxSection:
    name: str
    title: Any
    template: str
    load: Callable[[Any, list[Place], dt.datetime], list[Any]]


SECTIONS: list[InboxSection] = []


def register(section: InboxSection) -> None:
    """Add a section (once: registering a name again replaces the earlier one)."""
    SECTIONS[:] = [s for s in SECTIONS if s.name != section.name]
    SECTIONS.append(section)


def places_q(places: list[Place], path_field: str) -> Q:
    """Rows whose place lies in any of `places`' subtrees, by a denormalised path column."""
    q = Q(pk__in=[])
    for place in places:
        q |= Q(**{f"{path_field}__range": subtree_range(place.path)})
    return q


def new_cases(user: Any, places: list[Place], now: dt.datetime) -> list[Any]:
    """Cases reported lately in the covered places that no unit has accepted yet (one query)."""
    from gongzhi.cases.choices import CaseState
    from gongzhi.cases.models import Case

    if not places:
        return []
    waiting = [CaseState.SUBMITTED, CaseState.DISPATCHED, CaseState.RETURNED, CaseState.ESCALATED]
    return list(
        Case.objects.filter(
            places_q(places, "place_path"),
            state__in=waiting,
            submitted_at__gte=now - dt.timedelta(days=NEW_CASE_DAYS),
        )
        .select_related("category", "place")
        .order_by("-submitted_at", "-id")[:SECTION_SIZE]
    )


register(
    InboxSection(
        name="cases",
        title=_("New cases not yet accepted"),
        template="duty/inbox/_cases.html",
        load=new_cases,
    )
)
