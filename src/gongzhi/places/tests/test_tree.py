"""The place tree: subtree and ancestors in one indexed query, and a consistent tree."""

from __future__ import annotations

import pytest
from django.db import connection

from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place
from gongzhi.places.selectors import place_ancestors, place_children, place_subtree
from gongzhi.places.services import place_create
from gongzhi.places.tests.trees import tree_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinniu(demo) -> Place:
    return Place.objects.get(code="510106")


def test_it_lists_everything_under_jinniu_in_one_query(jinniu, xinqiao, django_assert_num_queries):
    with django_assert_num_queries(1):
        places = list(place_subtree(place=jinniu))

    codes = {p.code for p in places}
    assert places[0] == jinniu
    assert xinqiao in places
    assert "510106041" in codes  # 沙河源街道
    assert {"中加水岸小区", "1栋"} <= {p.name for p in places}  # courtyards and buildings too
    assert "510108" not in codes and "510108015017" not in codes  # not 成华区 or 致强社区
    assert all(p.path.startswith(jinniu.path) for p in places)
    assert [p.path for p in places] == sorted(p.path for p in places)
    # The divisions coded 510106…, and 新桥社区's 2 courtyards with their 5 buildings.
    assert len(places) == Place.objects.filter(code__startswith="510106").count() + 7


def test_it_can_leave_the_place_itself_out(jinniu, django_assert_num_queries):
    with django_assert_num_queries(1):
        places = list(place_subtree(place=jinniu, include_self=False))
    assert jinniu not in places
    assert len(places) == Place.objects.filter(path__startswith=jinniu.path).count() - 1


def test_the_subtree_of_a_leaf_is_the_leaf(xinqiao):
    building = Place.objects.get(parent__parent=xinqiao, parent__name="府河苑", name="2栋")
    assert list(place_subtree(place=building)) == [building]


def test_it_lists_the_ancestors_root_first_in_one_query(xinqiao, django_assert_num_queries):
    building = Place.objects.get(parent__parent=xinqiao, parent__name="中加水岸小区", name="1栋")
    with django_assert_num_queries(1):
        chain = [p.name for p in place_ancestors(place=building)]
    assert chain == ["成都市", "金牛区", "沙河源街道", "新桥社区", "中加水岸小区"]


def test_a_root_has_no_ancestors(demo, django_assert_num_queries):
    chengdu = Place.objects.get(code="5101")
    with django_assert_num_queries(0):  # nothing above a root: no query at all
        assert list(place_ancestors(place=chengdu)) == []


def test_the_subtree_query_is_a_range_on_the_path_index(jinniu):
    qs = place_subtree(place=jinniu)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table would be scanned
        plan = qs.explain()
        assert "Index Cond" in plan and "path" in plan, plan
    else:
        plan = qs.explain()
        assert "SEARCH" in plan and "path>" in plan.replace(" ", ""), plan


def test_the_tree_has_the_levels_city_to_building(xinqiao):
    building = Place.objects.get(parent__parent=xinqiao, parent__name="中加水岸小区", name="1栋")
    levels = [p.level for p in place_ancestors(place=building)] + [building.level]
    assert levels == [
        PlaceLevel.CITY,
        PlaceLevel.DISTRICT,
        PlaceLevel.STREET,
        PlaceLevel.COMMUNITY,
        PlaceLevel.COURTYARD,
        PlaceLevel.BUILDING,
    ]
    assert [building.depth - i for i in range(6)] == [6, 5, 4, 3, 2, 1]


def test_the_tree_is_consistent_after_the_demo(demo):
    assert Place.objects.count() > 3300
    assert tree_problems() == []


def test_the_consistency_check_sees_a_wrong_numchild(xinqiao):
    Place.objects.filter(pk=xinqiao.pk).update(numchild=99)
    assert tree_problems() == [f"{xinqiao.path}: numchild 99, has 2"]


def test_it_goes_deeper_than_a_building(admin_user, xinqiao):
    building = Place.objects.get(parent__parent=xinqiao, parent__name="府河苑", name="1栋")
    unit = place_create(actor=admin_user, parent=building, name="1单元", level=PlaceLevel.OTHER)
    flat = place_create(actor=admin_user, parent=unit, name="101", level=PlaceLevel.OTHER)

    assert flat.depth == building.depth + 2
    assert [p.name for p in place_ancestors(place=flat)][-3:] == ["府河苑", "1栋", "1单元"]
    assert flat in place_subtree(place=xinqiao)
    assert tree_problems() == []


def test_a_place_added_after_the_import_follows_the_last_sibling(admin_user, xinqiao):
    street = xinqiao.parent
    last = Place.objects.filter(parent=street).order_by("-path").first()
    assert last is not None

    added = place_create(actor=admin_user, parent=street, name="新建社区", level="community")

    assert added.path > last.path and len(added.path) == len(last.path)
    assert added.parent == street
    street.refresh_from_db()
    assert street.numchild == Place.objects.filter(parent=street).count()


def test_children_are_listed_by_code(demo):
    chengdu = Place.objects.get(code="5101")
    children = list(place_children(place=chengdu))
    assert len(children) == 20
    assert [c.code for c in children] == sorted(c.code for c in children)
    assert list(place_children(place=None)) == [chengdu]
