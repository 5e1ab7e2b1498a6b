"""Reads of the place tree: each is one indexed query."""

from __future__ import annotations

from django.db.models import QuerySet
from shapely.geometry import Point, shape

from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place


def place_subtree(*, place: Place, include_self: bool = True) -> QuerySet[Place]:
    """Everything under `place`, as one `path LIKE 'prefix%'` query."""
    qs = Place.objects.filter(path__startswith=place.path)
    if not include_self:
        qs = qs.exclude(pk=place.pk)
    return qs.order_by("path")


def place_ancestors(*, place: Place) -> QuerySet[Place]:
    """The chain from the root down to the parent of `place` (one query on the path index)."""
    return Place.objects.filter(path__in=place.ancestor_paths()).order_by("depth")


def place_children(*, place: Place | None) -> QuerySet[Place]:
    qs = Place.objects.filter(parent=place) if place else Place.objects.filter(parent__isnull=True)
    return qs.order_by("code", "name")


def place_by_code(*, code: str, code_system: str | None = None) -> Place | None:
    qs = Place.objects.filter(code=code)
    if code_system:
        qs = qs.filter(code_system=code_system)
    return qs.first()


def place_at_point(*, latitude: float, longitude: float) -> Place | None:
    """The smallest place whose boundary contains the point, or None.

    The bounding-box columns narrow the candidates with an index; shapely tests the polygons.
    """
    candidates = Place.objects.filter(
        boundary__isnull=False,
        min_lat__lte=latitude,
        max_lat__gte=latitude,
        min_lng__lte=longitude,
        max_lng__gte=longitude,
    ).order_by("-depth")
    point = Point(longitude, latitude)
    for place in candidates:
        if shape(place.boundary).covers(point):
            return place
    return None


def active_communities() -> QuerySet[Place]:
    """Communities that have courtyards registered on the platform (shown on the public home)."""
    return (
        Place.objects.filter(level=PlaceLevel.COMMUNITY, children__level=PlaceLevel.COURTYARD)
        .distinct()
        .order_by("path")
    )
