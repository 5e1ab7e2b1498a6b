"""Boundaries and points: a point resolves to the smallest place whose boundary contains it."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.places.models import Place
from gongzhi.places.selectors import place_at_point
from gongzhi.places.services import place_boundary_set, place_update

pytestmark = pytest.mark.django_db


def _square(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


# 沙河源街道 ⊃ 新桥社区 ⊃ 中加水岸小区 (a triangle, so its bounding box is larger than it).
STREET = _square(104.00, 30.65, 104.10, 30.75)
COMMUNITY = _square(104.03, 30.69, 104.07, 30.73)
COURTYARD = {
    "type": "Polygon",
    "coordinates": [[[104.045, 30.705], [104.055, 30.705], [104.045, 30.715], [104.045, 30.705]]],
}


@pytest.fixture
def courtyard(xinqiao) -> Place:
    return Place.objects.get(parent=xinqiao, name="中加水岸小区")


@pytest.fixture
def nested(admin_user, xinqiao, courtyard) -> dict[str, Place]:
    street = xinqiao.parent
    place_boundary_set(actor=admin_user, place=street, geometry=STREET)
    place_boundary_set(actor=admin_user, place=xinqiao, geometry=COMMUNITY)
    place_boundary_set(actor=admin_user, place=courtyard, geometry=COURTYARD)
    return {"street": street, "community": xinqiao, "courtyard": courtyard}


def test_a_point_in_the_courtyard_resolves_to_the_courtyard(nested, django_assert_num_queries):
    with django_assert_num_queries(1):
        place = place_at_point(latitude=30.707, longitude=104.047)
    assert place == nested["courtyard"]


def test_a_point_in_the_community_outside_the_courtyard_resolves_to_the_community(nested):
    assert place_at_point(latitude=30.70, longitude=104.035) == nested["community"]
    # Inside the courtyard's bounding box, but outside its triangle.
    assert place_at_point(latitude=30.714, longitude=104.054) == nested["community"]


def test_a_point_only_in_the_street_resolves_to_the_street(nested):
    assert place_at_point(latitude=30.66, longitude=104.09) == nested["street"]


def test_a_point_on_an_edge_belongs_to_the_place(nested):
    assert place_at_point(latitude=30.705, longitude=104.05) == nested["courtyard"]


def test_a_point_outside_every_boundary_resolves_to_nothing(nested, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert place_at_point(latitude=30.2, longitude=104.5) is None
    assert place_at_point(latitude=-30.71, longitude=-104.05) is None


def test_without_boundaries_no_point_resolves(demo):
    assert place_at_point(latitude=30.707, longitude=104.047) is None


def test_a_retired_place_is_skipped(admin_user, nested):
    place_update(actor=admin_user, place=nested["courtyard"], is_active=False)
    assert place_at_point(latitude=30.707, longitude=104.047) == nested["community"]


def test_of_two_overlapping_places_at_one_depth_the_smaller_wins(admin_user, nested, xinqiao):
    small = Place.objects.get(parent=xinqiao, name="府河苑")
    place_boundary_set(
        actor=admin_user, place=small, geometry=_square(104.046, 30.706, 104.048, 30.708)
    )
    assert place_at_point(latitude=30.707, longitude=104.047) == small


def test_a_multipolygon_and_a_feature_are_accepted(admin_user, nested, xinqiao):
    other = Place.objects.get(parent=xinqiao, name="府河苑")
    multi = {
        "type": "MultiPolygon",
        "coordinates": [
            _square(104.031, 30.691, 104.033, 30.693)["coordinates"],
            _square(104.061, 30.721, 104.063, 30.723)["coordinates"],
        ],
    }
    place_boundary_set(
        actor=admin_user,
        place=other,
        geometry={"type": "Feature", "properties": {}, "geometry": multi},
    )

    other.refresh_from_db()
    assert other.boundary["type"] == "MultiPolygon"  # the geometry is stored, not the Feature
    assert (other.min_lat, other.max_lat, other.min_lng, other.max_lng) == pytest.approx(
        (30.691, 30.723, 104.031, 104.063)
    )
    assert place_at_point(latitude=30.722, longitude=104.062) == other
    assert place_at_point(latitude=30.70, longitude=104.05) != other  # between its two parts


def test_setting_a_boundary_is_audited(admin_user, courtyard):
    before = AuditEntry.objects.count()

    place_boundary_set(actor=admin_user, place=courtyard, geometry=COURTYARD)

    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.get(action="place.boundary_set", object_id=str(courtyard.pk))
    assert entry.actor == admin_user
    assert entry.before == {"bounds": None}
    assert entry.after == {"bounds": pytest.approx([30.705, 30.715, 104.045, 104.055])}


def test_clearing_a_boundary_forgets_it(admin_user, nested):
    place_boundary_set(actor=admin_user, place=nested["courtyard"], geometry=None)

    nested["courtyard"].refresh_from_db()
    assert nested["courtyard"].boundary is None and nested["courtyard"].min_lat is None
    assert place_at_point(latitude=30.707, longitude=104.047) == nested["community"]
    entry = AuditEntry.objects.filter(action="place.boundary_set").order_by("-seq").first()
    assert entry is not None and entry.after == {"bounds": None} and entry.before is not None


BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[104.0, 30.0], [104.1, 30.1], [104.1, 30.0], [104.0, 30.1], [104.0, 30.0]]],
}


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ("POLYGON((104 30, 104.1 30, 104.1 30.1, 104 30))", "GeoJSON geometry object"),
        ({"type": "Point", "coordinates": [104.05, 30.7]}, "Polygon or MultiPolygon"),
        ({"type": "Feature", "properties": {}}, "no geometry"),
        ({"type": "Polygon", "coordinates": [[[104.0, 30.0], [104.1, 30.1]]]}, "Not a valid"),
        ({"type": "Polygon", "coordinates": "nonsense"}, "Not a valid"),
        ({"type": "Polygon", "coordinates": []}, "no area"),
        (BOWTIE, "Self-intersection"),
        (_square(30.69, 104.03, 30.73, 104.07), "[longitude, latitude]"),  # swapped
    ],
)
def test_an_invalid_boundary_is_refused_and_nothing_changes(
    admin_user, courtyard, geometry, message
):
    place_boundary_set(actor=admin_user, place=courtyard, geometry=COURTYARD)
    entries = AuditEntry.objects.count()

    with pytest.raises(InvalidInput) as caught, translation.override("en"):
        place_boundary_set(actor=admin_user, place=courtyard, geometry=geometry)

    assert message in caught.value.fields["boundary"][0]
    courtyard.refresh_from_db()
    assert courtyard.boundary == COURTYARD
    assert AuditEntry.objects.count() == entries


def test_only_admins_may_set_a_boundary(worker, outsider, courtyard):
    for user in (worker, outsider):
        with pytest.raises(NotPermitted):
            place_boundary_set(actor=user, place=courtyard, geometry=COURTYARD)
    courtyard.refresh_from_db()
    assert courtyard.boundary is None
