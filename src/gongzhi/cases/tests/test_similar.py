"""Similar open cases, shown while reporting so the resident can follow one instead."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gongzhi.cases import services
from gongzhi.cases.similar import distance_metres, similar_open_cases
from gongzhi.cases.tests.conftest import category
from gongzhi.places.models import Place

ELEVATOR = dict(
    title="电梯停了三天",
    description="1栋2单元电梯停运三天，老人上下楼困难。",
)
# About 30.7° N in Chengdu: 0.0009° of latitude is 100 m.
LAT, LNG = Decimal("30.700000"), Decimal("104.050000")


@pytest.fixture
def elevator():
    return category("property.elevator")


@pytest.fixture
def open_case(report, elevator):
    return report(category=elevator, title=ELEVATOR["title"], description=ELEVATOR["description"])


def other_building() -> Place:
    return Place.objects.get(parent__name="中加水岸小区", name="2栋")


def test_it_finds_a_near_duplicate_in_the_same_courtyard(open_case, elevator):
    found = similar_open_cases(
        category=elevator, place=other_building(), text="1栋电梯又停运了\n老人下楼很困难"
    )
    assert [case for case, _score in found] == [open_case]
    assert 0.25 <= found[0][1] <= 1


def test_it_matches_traditional_and_full_width_text(open_case, elevator):
    found = similar_open_cases(
        category=elevator,
        place=other_building(),
        text="電梯停了三天\n１棟２單元電梯停運三天，老人上下樓困難。",
    )
    assert found == [(open_case, 1.0)]


def test_unrelated_text_and_other_categories_are_left_out(open_case, elevator):
    place = other_building()
    assert similar_open_cases(category=elevator, place=place, text="楼道灯坏了，晚上很黑") == []
    garbage = category("environment.garbage")
    text = "1栋电梯停运三天"
    assert similar_open_cases(category=garbage, place=place, text=text) == []
    # Any category when none is chosen yet; the parent category counts as the same family.
    assert similar_open_cases(category=None, place=place, text=text)[0][0] == open_case
    assert similar_open_cases(category=category("property"), place=place, text=text)
    assert similar_open_cases(category=elevator, place=place, text="，。") == []


def test_another_communitys_case_is_ignored(report, open_case, elevator, other_resident):
    theirs = report(
        actor=other_resident,
        category=elevator,
        title=ELEVATOR["title"],
        description=ELEVATOR["description"],
        place=Place.objects.get(parent__name="濱海家園", name="A栋"),
    )
    here = similar_open_cases(category=elevator, place=other_building(), text="1栋电梯停运三天")
    there = similar_open_cases(
        category=elevator, place=Place.objects.get(name="濱海家園"), text="1栋电梯停运三天"
    )
    assert [c for c, _s in here] == [open_case] and [c for c, _s in there] == [theirs]


def test_closed_resolved_and_merged_cases_are_ignored(
    report, open_case, elevator, worker, property_handler
):
    duplicate = report(category=elevator, title="电梯又停了", description="1栋电梯停运三天")
    services.case_merge(actor=worker, case=duplicate, into=open_case)
    text = "1栋2单元电梯停运三天"
    assert [
        c for c, _s in similar_open_cases(category=elevator, place=other_building(), text=text)
    ] == [open_case]

    services.case_accept(actor=property_handler, case=open_case)
    services.case_resolve(actor=property_handler, case=open_case, resolution="已修好。")
    assert similar_open_cases(category=elevator, place=other_building(), text=text) == []


def test_it_finds_a_case_nearby_in_another_courtyard(report, elevator, resident):
    """府河苑 is another courtyard of the same community: only near points count."""
    fuheyuan = Place.objects.get(parent__name="府河苑", name="1栋")
    near = report(
        category=elevator,
        place=fuheyuan,
        latitude=LAT + Decimal("0.0009"),  # 100 m north
        longitude=LNG,
    )
    report(
        category=elevator,
        place=fuheyuan,
        latitude=LAT + Decimal("0.0090"),  # 1 km north
        longitude=LNG,
    )
    report(category=elevator, place=fuheyuan)  # no point: cannot be near
    text = "1栋2单元电梯停运三天，老人上下楼困难"
    found = similar_open_cases(
        category=elevator, place=other_building(), text=text, latitude=LAT, longitude=LNG
    )
    assert [c for c, _s in found] == [near]
    assert similar_open_cases(category=elevator, place=other_building(), text=text) == []


def test_it_ranks_best_first_within_the_limit_and_can_leave_one_out(report, open_case, elevator):
    closer = report(category=elevator, title="1栋电梯困人", description="1栋电梯困人二十分钟。")
    report(category=elevator, title="3栋电梯异响", description="3栋电梯运行时异响，有些担心。")
    found = similar_open_cases(
        category=elevator, place=other_building(), text="1栋电梯困人，二十分钟才出来"
    )
    assert found[0][0] == closer and all(
        a[1] >= b[1] for a, b in zip(found, found[1:], strict=False)
    )
    assert (
        len(similar_open_cases(category=None, place=other_building(), text="1栋电梯", limit=1)) == 1
    )
    rest = similar_open_cases(
        category=elevator, place=other_building(), text="1栋电梯困人", exclude_id=closer.pk
    )
    assert closer not in [c for c, _s in rest]


def test_it_costs_two_queries_at_most(open_case, elevator, django_assert_num_queries):
    courtyard = Place.objects.get(name="中加水岸小区")
    with django_assert_num_queries(1):  # the courtyard is the scope: no ancestors to look up
        assert similar_open_cases(category=elevator, place=courtyard, text="1栋电梯停运")
    building = other_building()
    with django_assert_num_queries(2):  # the building's ancestors, the candidates
        found = similar_open_cases(category=elevator, place=building, text="1栋电梯停运")
        assert found[0][0].category.name and found[0][0].place.name  # fetched with the case


def test_distance():
    assert 99 < distance_metres(30.7, 104.05, 30.7009, 104.05) < 101
