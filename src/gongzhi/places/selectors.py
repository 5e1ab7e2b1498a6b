"""Reads of the place tree: each is one indexed query."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from shapely.geometry import Point, shape

from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place


def subtree_range(path: str) -> tuple[str, str]:
    """The (low, high) bounds of every path under `path`: filter with `<field>__range`."""
    max_length = Place._meta.get_field("path").max_length or 255
    return path, path + Place.alphabet[-1] * (max_length - len(path))


def place_subtree(*, place: Place, include_self: bool = True) -> QuerySet[Place]:
    """Everything under `place` in tree order, as one range scan of the unique path index.

    A descendant's path starts with `place.path` and continues in the path alphabet, so it lies
    between the path and the path padded with the alphabet's last character. Unlike
    `path LIKE 'prefix%'`, the range uses the index on SQLite as well as on PostgreSQL (and it is
    how treebeard itself lists children).
    """
    qs = Place.objects.filter(path__range=subtree_range(place.path))
    if not include_self:
        qs = qs.exclude(pk=place.pk)
    return qs.order_by("path")


def place_ancestors(*, place: Place) -> QuerySet[Place]:
    """The chain from the root down to the parent of `place` (one query on the path index)."""
    return Place.objects.filter(path__in=place.ancestor_paths()).order_by("depth")


def ancestor_chains(places: Iterable[Place]) -> dict[int, list[Place]]:
    """place id → its ancestors, root first (without the place itself); one query for all."""
    places = list({place.pk: place for place in places}.values())
    paths = {path for place in places for path in place.ancestor_paths()}
    found = (
        {a.path: a for a in Place.objects.filter(path__in=paths).only("path", "name", "level")}
        if paths
        else {}
    )
    return {
        place.pk: [found[path] for path in place.ancestor_paths() if path in found]
        for place in places
    }


def place_children(*, place: Place | None) -> QuerySet[Place]:
    qs = Place.objects.filter(parent=place) if place else Place.objects.filter(parent__isnull=True)
    return qs.order_by("code", "name")


def place_by_code(*, code: str, code_system: str | None = None) -> Place | None:
    qs = Place.objects.filter(code=code)
    if code_system:
        qs = qs.filter(code_system=code_system)
    return qs.first()


def place_at_point(*, latitude: float, longitude: float) -> Place | None:
    """The smallest active place whose boundary contains the point (edges included), or None.

    One query: the bounding-box columns narrow the candidates with an index, deepest first;
    shapely tests their polygons. Of overlapping places at the same depth, the smaller wins.
    """
    candidates = Place.objects.filter(
        is_active=True,
        boundary__isnull=False,
        min_lat__lte=latitude,
        max_lat__gte=latitude,
        min_lng__lte=longitude,
        max_lng__gte=longitude,
    ).order_by("-depth", "path")
    point = Point(longitude, latitude)
    found: Place | None = None
    found_area = 0.0
    for place in candidates:
        if found is not None and place.depth < found.depth:
            break
        geom = shape(place.boundary)
        if geom.covers(point) and (found is None or geom.area < found_area):
            found, found_area = place, geom.area
    return found


def active_communities() -> QuerySet[Place]:
    """Communities that have courtyards registered on the platform (shown on the public home)."""
    return (
        Place.objects.filter(level=PlaceLevel.COMMUNITY, children__level=PlaceLevel.COURTYARD)
        .distinct()
        .order_by("path")
    )
