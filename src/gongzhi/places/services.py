"""Writes to the place tree. One transaction each, permission-checked, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from shapely.geometry import shape
from shapely.validation import explain_validity

from gongzhi.core import permissions
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.errors import InvalidInput
from gongzhi.places.models import Place

AUDITED_FIELDS = [
    "name",
    "official_name",
    "level",
    "code",
    "code_system",
    "code_year",
    "latitude",
    "longitude",
]


def place_create(
    *,
    actor: Any,
    parent: Place | None,
    name: str,
    level: str,
    code: str = "",
    code_system: str = "",
    code_year: int | None = None,
    official_name: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    address: str = "",
    check_permission: bool = True,
) -> Place:
    """Add a place under `parent` (or a new root). Admins of the parent's subtree only."""
    name = name.strip()
    if not name:
        raise InvalidInput(fields={"name": ["This field is required."]})
    if check_permission:
        if parent is None:
            if not permissions.is_superuser(actor):
                raise permissions.NotPermitted()
        else:
            permissions.require(actor, "place.manage", parent)
    siblings = (
        Place.objects.filter(parent=parent) if parent else Place.objects.filter(parent__isnull=True)
    )
    if siblings.filter(name=name).exists():
        raise InvalidInput(fields={"name": [f"{name} already exists here."]})
    fields = dict(
        name=name,
        official_name=official_name,
        level=level,
        code=code,
        code_system=code_system,
        code_year=code_year,
        latitude=latitude,
        longitude=longitude,
        address=address,
    )
    with transaction.atomic():
        if parent is None:
            place = Place.add_root(parent=None, **fields)
        else:
            # treebeard works on the row it was handed; re-read so numchild is current.
            parent = Place.objects.select_for_update().get(pk=parent.pk)
            place = parent.add_child(parent=parent, **fields)
        audit_record(
            actor=actor,
            action="place.created",
            obj=place,
            place=place,
            after=snapshot(place, AUDITED_FIELDS),
        )
    return place


def place_boundary_set(*, actor: Any, place: Place, geometry: dict[str, Any] | None) -> Place:
    """Set (or clear) a place's boundary, a GeoJSON Polygon or MultiPolygon in WGS-84."""
    permissions.require(actor, "place.manage", place)
    bounds: tuple[float, float, float, float] | None = None
    if geometry is not None:
        try:
            geom = shape(geometry)
        except Exception as exc:  # shapely raises several types for malformed GeoJSON
            raise InvalidInput(fields={"boundary": [f"Not a GeoJSON geometry: {exc}"]}) from exc
        if geom.geom_type not in {"Polygon", "MultiPolygon"}:
            raise InvalidInput(
                fields={"boundary": ["A boundary must be a Polygon or MultiPolygon."]}
            )
        if not geom.is_valid:
            raise InvalidInput(fields={"boundary": [f"Invalid polygon: {explain_validity(geom)}"]})
        min_lng, min_lat, max_lng, max_lat = geom.bounds
        bounds = (min_lat, max_lat, min_lng, max_lng)
    with transaction.atomic():
        place.boundary = geometry
        place.min_lat, place.max_lat, place.min_lng, place.max_lng = bounds or (
            None,
            None,
            None,
            None,
        )
        place.save(update_fields=["boundary", "min_lat", "max_lat", "min_lng", "max_lng"])
        audit_record(
            actor=actor,
            action="place.boundary_set",
            obj=place,
            place=place,
            after={"bounds": list(bounds) if bounds else None},
        )
    return place
