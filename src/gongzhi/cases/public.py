"""What the public may see of cases: the transparency pages of a community or street.

Never the reporter or their contact; the place only down to the courtyard; phone and ID numbers
in free text masked, and the names the case knows (reporter, contact) masked wherever they occur.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.urls import reverse

from gongzhi.cases import rates
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.core import clock
from gongzhi.core.errors import NotFound
from gongzhi.core.masking import mask_name, mask_text
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place
from gongzhi.places.selectors import ancestor_chains, subtree_range

PUBLIC_LEVELS = {PlaceLevel.CITY, PlaceLevel.DISTRICT, PlaceLevel.STREET, PlaceLevel.COMMUNITY}


def public_text(text: str, names: list[str]) -> str:
    """Free text for the public: numbers masked, and the given names (张伟 → 张*)."""
    text = mask_text(text or "")
    for name in sorted(
        {n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True
    ):
        text = text.replace(name, mask_name(name))
    return text


def sensitive_names(case: Case) -> list[str]:
    names = [case.contact_name]
    if case.reporter is not None:
        names.append(case.reporter.name)
    return names


def is_published(case: Case) -> bool:
    """Whether the public may see the case at all (the rule of `_published`, for one case)."""
    return case.merged_into_id is None and (
        case.nature not in settings.GONGZHI_PUBLIC_HIDDEN_NATURES
    )


def public_case_url(case: Case) -> str:
    """The case's transparency page, or "" for a case that is not published there."""
    return reverse("public:case", args=[case.number]) if is_published(case) else ""


@dataclass(frozen=True)
class PublicCase:
    number: str
    title: str
    description: str
    category: str
    place: str
    state: str
    state_label: str
    unit: str
    submitted_at: dt.datetime
    resolved_at: dt.datetime | None
    resolution: str
    rating: str


def _courtyard_labels(places: list[Place]) -> dict[int, str]:
    """Each place named at courtyard level at most: "中加水岸小区", not its building (one query)."""
    by_id = {place.pk: place for place in places}
    labels = {}
    for place_id, ancestors in ancestor_chains(places).items():
        place = by_id[place_id]
        chain = [*ancestors, place]
        courtyard = next((p for p in chain if p.level == PlaceLevel.COURTYARD), None)
        community = next((p for p in chain if p.level == PlaceLevel.COMMUNITY), None)
        parts = [p.name for p in (community, courtyard) if p is not None]
        labels[place.pk] = " ".join(parts) or place.name
    return labels


def _public(case: Case, labels: dict[int, str]) -> PublicCase:
    names = sensitive_names(case)
    return PublicCase(
        number=case.number,
        title=public_text(case.title, names),
        description=public_text(case.description, names),
        category=case.category.name,
        place=labels.get(case.place_id, ""),
        state=case.state,
        state_label=str(case.get_state_display()),
        unit=case.unit.name if case.unit else "",
        submitted_at=case.submitted_at,
        resolved_at=case.resolved_at,
        resolution=public_text(case.resolution, names),
        rating=str(case.get_rating_display()) if case.rating else "",
    )


def public_place(*, place_id: int) -> Place:
    place = Place.objects.filter(pk=place_id, level__in=PUBLIC_LEVELS).first()
    if place is None:
        raise NotFound()
    return place


def _published() -> QuerySet[Case]:
    """Cases the public may see at all: not merged away, and not of a hidden nature (tip-offs
    by default, so an informant's report is never published)."""
    return Case.objects.filter(merged_into__isnull=True).exclude(
        nature__in=list(settings.GONGZHI_PUBLIC_HIDDEN_NATURES)
    )


def _cases_under(place: Place) -> QuerySet[Case]:
    return _published().filter(place_path__range=subtree_range(place.path))


def public_recent_cases(*, place: Place, limit: int = 30) -> list[PublicCase]:
    cases = list(
        _cases_under(place)
        .select_related("category", "unit", "place", "reporter")
        .order_by("-submitted_at", "-id")[:limit]
    )
    labels = _courtyard_labels([c.place for c in cases])
    return [_public(c, labels) for c in cases]


def public_summary(*, place: Place, days: int = 365) -> dict[str, Any]:
    """The three rates and the counts by category for the last `days` days (two queries)."""
    since = clock.now() - dt.timedelta(days=days)
    cases = _cases_under(place).filter(submitted_at__gte=since)
    (overall,) = rates.three_rates(cases)
    by_category = list(
        cases.values("category__parent__name", "category__name")
        .annotate(count=Count("id"), open=Count("id", filter=~Q(state__in=["resolved", "closed"])))
        .order_by("-count")
    )
    return {"rates": overall, "by_category": by_category, "since": since}


def public_case(*, number: str) -> tuple[PublicCase, list[dict[str, Any]]]:
    case = (
        _published()
        .select_related("category", "unit", "place", "reporter")
        .filter(number=number)
        .first()
    )
    if case is None:
        raise NotFound()
    names = sensitive_names(case)
    events: QuerySet[CaseEvent] = case.events.filter(is_public=True).order_by("at", "id")
    timeline = [
        {"at": e.at, "action": e.action, "note": public_text(e.public_note, names)} for e in events
    ]
    return _public(case, _courtyard_labels([case.place])), timeline
