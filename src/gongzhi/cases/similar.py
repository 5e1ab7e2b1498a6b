"""Open cases like the one being reported, so the resident can follow one instead of filing a
duplicate (and staff can find what to merge).

Candidates: open cases, not merged, of the report's category (or its parent or children; any
category when None), either in the report's courtyard (its community when it has no courtyard)
or within NEARBY_METRES of the report's point when both have coordinates (looked for inside
the report's street). One query, the most recent CANDIDATES only. They are ranked by the cosine
of their token vectors (cases/text.py: 简体 and 繁體, full- and half-width alike), weighted by
how rare each token is among the candidates, so words every case of the category shares
(电梯, 小区) count less than the particulars (3栋, 异响). Below MIN_SCORE they are left out.
"""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

from django.conf import settings
from django.db.models import Q

from gongzhi.cases.choices import OPEN_STATES
from gongzhi.cases.models import Case, Category
from gongzhi.cases.text import tokens
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place
from gongzhi.places.selectors import subtree_range

CANDIDATES = 200
NEARBY_METRES = 300.0
EARTH_RADIUS_METRES = 6_371_000.0
METRES_PER_DEGREE = 111_320.0
# Levels whose subtree is "the same courtyard" for a report there or below.
SCOPE_LEVELS = (PlaceLevel.COURTYARD, PlaceLevel.COMMUNITY)
# Levels too wide to be a neighbourhood: only cases at exactly that place count.
WIDE_LEVELS = {PlaceLevel.PROVINCE, PlaceLevel.CITY, PlaceLevel.DISTRICT, PlaceLevel.STREET}


def min_score() -> float:
    return float(getattr(settings, "SIMILAR_MIN_SCORE", 0.25))


def distance_metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(math.sqrt(a))


def _lineage(place: Place, *, with_street: bool) -> dict[str, str]:
    """level → path of the place and its ancestors, nearest first. One query, none when the
    place is itself the scope and its street is not needed."""
    found = {place.level: place.path}
    if place.level in WIDE_LEVELS or (place.level in SCOPE_LEVELS and not with_street):
        return found
    ancestors = Place.objects.filter(path__in=place.ancestor_paths()).values_list("path", "level")
    for path, level in sorted(ancestors, key=lambda row: -len(row[0])):
        found.setdefault(level, path)
    return found


def _scope(place: Place, lineage: dict[str, str]) -> tuple[str, str]:
    """The path range of "the same courtyard": the report's courtyard, else its community;
    for a report placed no lower than a street, that place alone."""
    if place.level not in WIDE_LEVELS:
        for level in SCOPE_LEVELS:
            if level in lineage:
                return subtree_range(lineage[level])
    return place.path, place.path


def _nearby_q(lineage: dict[str, str], point: tuple[float, float] | None) -> Q:
    """A box around the point, inside the report's street (so the path index bounds it)."""
    area = lineage.get(PlaceLevel.STREET) or lineage.get(PlaceLevel.COMMUNITY)
    if point is None or area is None:
        return Q(pk__in=[])
    lat, lng = point
    dlat = NEARBY_METRES / METRES_PER_DEGREE
    dlng = NEARBY_METRES / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return Q(
        place_path__range=subtree_range(area),
        latitude__range=(Decimal(f"{lat - dlat:.6f}"), Decimal(f"{lat + dlat:.6f}")),
        longitude__range=(Decimal(f"{lng - dlng:.6f}"), Decimal(f"{lng + dlng:.6f}")),
    )


def _point(
    place: Place, latitude: Decimal | float | None, longitude: Decimal | float | None
) -> tuple[float, float] | None:
    if latitude is not None and longitude is not None:
        return float(latitude), float(longitude)
    if place.latitude is not None and place.longitude is not None:
        return float(place.latitude), float(place.longitude)
    return None


def _cosine(
    query: Counter[str], doc: Counter[str], idf: dict[str, float], query_norm: float
) -> float:
    dot = sum(count * doc[t] * idf[t] ** 2 for t, count in query.items() if t in doc)
    if not dot:
        return 0.0
    doc_norm = math.sqrt(sum((count * idf[t]) ** 2 for t, count in doc.items()))
    return dot / (query_norm * doc_norm)


def similar_open_cases(
    *,
    category: Category | None,
    place: Place,
    text: str,
    limit: int = 5,
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    exclude_id: int | None = None,
) -> list[tuple[Case, float]]:
    """Open cases probably about the same problem, best first, with a score in (0, 1].

    `text`: the report's title and description. `latitude`/`longitude`: the report's point, if
    any (else the place's). `exclude_id`: a case to leave out (staff looking for duplicates of
    an existing case). At most two queries: the place's ancestors, the candidates.
    """
    query = Counter(tokens(text))
    if not query:
        return []
    point = _point(place, latitude, longitude)
    lineage = _lineage(place, with_street=point is not None)
    scope_low, scope_high = _scope(place, lineage)
    candidates = Case.objects.filter(
        Q(place_path__range=(scope_low, scope_high)) | _nearby_q(lineage, point),
        state__in=sorted(OPEN_STATES),
        merged_into__isnull=True,
    )
    if category is not None:
        family = [category.pk] + ([category.parent_id] if category.parent_id else [])
        candidates = candidates.filter(
            Q(category_id__in=family) | Q(category__parent_id=category.pk)
        )
    if exclude_id is not None:
        candidates = candidates.exclude(pk=exclude_id)
    found = []
    for case in candidates.select_related("category", "place").order_by("-id")[:CANDIDATES]:
        inside = scope_low <= case.place_path <= scope_high
        if not inside and (
            point is None
            or case.latitude is None
            or case.longitude is None
            or distance_metres(*point, float(case.latitude), float(case.longitude)) > NEARBY_METRES
        ):
            continue
        found.append((case, Counter(tokens(f"{case.title}\n{case.description}"))))
    if not found:
        return []
    # Inverse document frequency over the query and the candidates, smoothed as in scikit-learn.
    documents = len(found) + 1
    frequency = Counter(t for _case, doc in found for t in doc) + Counter(query.keys())
    idf = {t: math.log((1 + documents) / (1 + n)) + 1 for t, n in frequency.items()}
    query_norm = math.sqrt(sum((count * idf[t]) ** 2 for t, count in query.items()))
    threshold = min_score()
    scored = [(case, _cosine(query, doc, idf, query_norm)) for case, doc in found]
    scored = [(case, round(score, 4)) for case, score in scored if score >= threshold]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].pk))
    return scored[:limit]
