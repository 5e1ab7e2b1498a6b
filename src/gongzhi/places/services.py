"""Writes to the place tree. One transaction each, permission-checked, audited."""

from __future__ import annotations

import json
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from gongzhi.core import permissions
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.errors import InvalidInput
from gongzhi.core.validators import is_digits
from gongzhi.places.choices import CodeSystem, PlaceLevel
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
    "address",
    "is_active",
]
# What `place_update` may change; the place's position in the tree is not among them.
UPDATABLE_FIELDS = frozenset(
    {"name", "official_name", "code_year", "latitude", "longitude", "address", "is_active"}
)


def _name_taken(*, parent: Place | None, name: str, exclude_pk: int | None = None) -> bool:
    siblings = (
        Place.objects.filter(parent=parent) if parent else Place.objects.filter(parent__isnull=True)
    )
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    return siblings.filter(name=name).exists()


def _clean_point(
    latitude: Decimal | float | str | None, longitude: Decimal | float | str | None
) -> tuple[Decimal | None, Decimal | None]:
    """Both coordinates or neither, in range, as decimals of 6 places (about 0.1 m)."""
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise InvalidInput(
            fields={"latitude": [_("Give both latitude and longitude, or neither.")]}
        )
    try:
        lat, lng = Decimal(str(latitude)), Decimal(str(longitude))
    except InvalidOperation as exc:
        raise InvalidInput(fields={"latitude": [_("Coordinates must be numbers.")]}) from exc
    errors: dict[str, list[str]] = {}
    if not (lat.is_finite() and -90 <= lat <= 90):
        errors["latitude"] = [_("Latitude must be between -90 and 90.")]
    if not (lng.is_finite() and -180 <= lng <= 180):
        errors["longitude"] = [_("Longitude must be between -180 and 180.")]
    if errors:
        raise InvalidInput(fields=errors)
    quantum = Decimal("0.000001")
    return lat.quantize(quantum), lng.quantize(quantum)


def _check_code(code: str, code_system: str, exclude_pk: int | None = None) -> None:
    if not code:
        return
    if code_system not in CodeSystem.values:
        raise InvalidInput(fields={"code_system": [_("A code needs its code system.")]})
    if code_system in (CodeSystem.NBS, CodeSystem.MCA) and not is_digits(code):
        raise InvalidInput(fields={"code": [_("A division code has digits only.")]})
    same = Place.objects.filter(code_system=code_system, code=code)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    if same.exists():
        raise InvalidInput(
            fields={
                "code": [_("Code %(code)s is already used in this code system.") % {"code": code}]
            }
        )


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
    latitude: Decimal | float | None = None,
    longitude: Decimal | float | None = None,
    address: str = "",
    check_permission: bool = True,
) -> Place:
    """Add a place under `parent` (or a new root). Admins of the parent's subtree only.

    Its name must be free under the parent (among the roots for a root), its code free in its
    code system; both are also unique constraints, so a concurrent duplicate is refused too.
    """
    if check_permission:
        if parent is None:
            if not permissions.is_superuser(actor):
                raise permissions.NotPermitted()
        else:
            permissions.require(actor, "place.manage", parent)
    name, code = name.strip(), code.strip()
    if not name:
        raise InvalidInput(fields={"name": [_("This field is required.")]})
    if level not in PlaceLevel.values:
        raise InvalidInput(fields={"level": [_("Unknown level %(level)r.") % {"level": level}]})
    latitude, longitude = _clean_point(latitude, longitude)
    _check_code(code, code_system)
    if _name_taken(parent=parent, name=name):
        raise InvalidInput(fields={"name": [_("%(name)s already exists here.") % {"name": name}]})
    fields = dict(
        parent=parent,
        name=name,
        official_name=official_name.strip(),
        level=level,
        code=code,
        code_system=code_system if code else "",
        code_year=code_year,
        latitude=latitude,
        longitude=longitude,
        address=address.strip(),
    )
    try:
        with transaction.atomic():
            if parent is None:
                place = Place.objects.add_root(create_kwargs=fields)
            else:
                # add_child locks the parent row and re-reads its path and numchild.
                place = Place.objects.add_child(parent, create_kwargs=fields)
            audit_record(
                actor=actor,
                action="place.created",
                obj=place,
                place=place,
                after={"parent": parent.pk if parent else None, **snapshot(place, AUDITED_FIELDS)},
            )
    except IntegrityError as exc:  # a concurrent request took the name or the code
        raise InvalidInput(
            fields={
                "name": [
                    _("%(name)s or its code was taken in the meantime; try again.") % {"name": name}
                ]
            }
        ) from exc
    return place


def place_update(*, actor: Any, place: Place, **changes: Any) -> Place:
    """Change a place's name, official name, point, address or `is_active`; audited with
    what it was before. Admins of the place's subtree only."""
    permissions.require(actor, "place.manage", place)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed here: %(fields)s.")
            % {"fields": ", ".join(sorted(unknown))}
        )
    if "name" in changes:
        changes["name"] = str(changes["name"]).strip()
        if not changes["name"]:
            raise InvalidInput(fields={"name": [_("This field is required.")]})
        if _name_taken(parent=place.parent, name=changes["name"], exclude_pk=place.pk):
            raise InvalidInput(
                fields={"name": [_("%(name)s already exists here.") % {"name": changes["name"]}]}
            )
    if "latitude" in changes or "longitude" in changes:
        changes["latitude"], changes["longitude"] = _clean_point(
            changes.get("latitude", place.latitude), changes.get("longitude", place.longitude)
        )
    before = snapshot(place, AUDITED_FIELDS)
    changed = [f for f, value in changes.items() if getattr(place, f) != value]
    if not changed:
        return place
    try:
        with transaction.atomic():
            for f in changed:
                setattr(place, f, changes[f])
            place.save(update_fields=changed)
            audit_record(
                actor=actor,
                action="place.updated",
                obj=place,
                place=place,
                before={f: before[f] for f in changed},
                after=snapshot(place, changed),
            )
    except IntegrityError as exc:
        raise InvalidInput(fields={"name": [_("The name was taken in the meantime.")]}) from exc
    return place


def _geometry(geometry: Any) -> BaseGeometry:
    """A valid Polygon or MultiPolygon in WGS-84 longitude/latitude, or InvalidInput."""
    if not isinstance(geometry, dict):
        raise InvalidInput(
            fields={"boundary": [_("A boundary is a GeoJSON geometry object (a JSON object).")]}
        )
    if geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
        if not isinstance(geometry, dict):
            raise InvalidInput(fields={"boundary": [_("This GeoJSON Feature has no geometry.")]})
    if geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        raise InvalidInput(
            fields={
                "boundary": [
                    _("A boundary must be a Polygon or MultiPolygon, not %(type)r.")
                    % {"type": geometry.get("type")}
                ]
            }
        )
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely raises several types for malformed coordinates
        raise InvalidInput(
            fields={
                "boundary": [
                    _("Not a valid GeoJSON %(type)s: %(error)s")
                    % {"type": geometry["type"], "error": exc}
                ]
            }
        ) from exc
    if geom.is_empty:
        raise InvalidInput(fields={"boundary": [_("The boundary has no area.")]})
    min_lng, min_lat, max_lng, max_lat = geom.bounds
    if not all(math.isfinite(v) for v in geom.bounds):
        raise InvalidInput(fields={"boundary": [_("The coordinates must be finite numbers.")]})
    if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise InvalidInput(
            fields={
                "boundary": [
                    "Coordinates are out of range: GeoJSON gives [longitude, latitude] in WGS-84."
                ]
            }
        )
    if not geom.is_valid:
        raise InvalidInput(
            fields={
                "boundary": [_("Invalid polygon: %(reason)s") % {"reason": explain_validity(geom)}]
            }
        )
    if geom.area == 0:
        raise InvalidInput(fields={"boundary": [_("The boundary has no area.")]})
    return geom


def place_boundary_set(*, actor: Any, place: Place, geometry: dict[str, Any] | None) -> Place:
    """Set (or clear, with None) a place's boundary: a GeoJSON Polygon or MultiPolygon (or a
    Feature holding one) in WGS-84. Its bounding box is stored beside it for point lookups."""
    permissions.require(actor, "place.manage", place)
    stored: dict[str, Any] | None = None
    bounds: tuple[float | None, ...] = (None, None, None, None)
    if geometry is not None:
        geom = _geometry(geometry)
        # Store the geometry itself (not a Feature around it), as plain JSON lists.
        stored = json.loads(json.dumps(mapping(geom)))
        min_lng, min_lat, max_lng, max_lat = geom.bounds
        bounds = (min_lat, max_lat, min_lng, max_lng)
    before = [place.min_lat, place.max_lat, place.min_lng, place.max_lng]
    with transaction.atomic():
        place.boundary = stored
        place.min_lat, place.max_lat, place.min_lng, place.max_lng = bounds
        place.save(update_fields=["boundary", "min_lat", "max_lat", "min_lng", "max_lng"])
        audit_record(
            actor=actor,
            action="place.boundary_set",
            obj=place,
            place=place,
            before={"bounds": before if before[0] is not None else None},
            after={"bounds": list(bounds) if stored is not None else None},
        )
    return place
