"""Places and handling units: public, filtered, keyset-paginated, a fixed number of queries."""

from __future__ import annotations

import pytest

from gongzhi.accounts.models import Unit
from gongzhi.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinniu(demo) -> Place:
    return Place.objects.get(code_system="nbs", code="510106")


@pytest.fixture
def fuheyuan(xinqiao) -> Place:
    """A courtyard of 新桥社区 with two buildings."""
    return Place.objects.get(parent=xinqiao, name="府河苑")


def _all_pages(api, url, params):
    """Follow `next` to the end; the results of every page and the number of pages."""
    results, pages = [], 0
    response = api.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        pages += 1
        if body["next"] is None:
            return results, pages
        response = api.get(body["next"])


def test_it_lists_the_children_of_a_place(api, jinniu):
    response = api.get("/api/v1/places/", {"parent": jinniu.pk})

    assert response.status_code == 200
    results = response.json()["results"]
    assert results
    assert {p["parent"] for p in results} == {jinniu.pk}
    assert "沙河源街道" in {p["name"] for p in results}


def test_it_lists_places_in_tree_order(api, xinqiao):
    results = api.get("/api/v1/places/", {"under": xinqiao.pk}).json()["results"]

    assert results[0]["name"] == "新桥社区"
    position = {p["id"]: i for i, p in enumerate(results)}
    for place in results[1:]:
        assert position[place["parent"]] < position[place["id"]]


def test_it_lists_everything_under_a_place(api, xinqiao):
    results = api.get("/api/v1/places/", {"under": xinqiao.pk}).json()["results"]

    names = {p["name"] for p in results}
    assert {"新桥社区", "中加水岸小区", "府河苑", "1栋", "2栋", "3栋"} <= names
    assert "濱海家園" not in names


def test_it_filters_by_level_and_code(api, jinniu, xinqiao):
    communities = api.get(
        "/api/v1/places/", {"under": jinniu.pk, "level": "community", "page_size": 200}
    ).json()["results"]
    assert communities
    assert {p["level"] for p in communities} == {"community"}
    assert xinqiao.pk in {p["id"] for p in communities}

    by_code = api.get("/api/v1/places/", {"code": "510106041004"}).json()["results"]
    assert [p["id"] for p in by_code] == [xinqiao.pk]


def test_it_combines_parent_and_under(api, jinniu, xinqiao):
    results = api.get("/api/v1/places/", {"under": jinniu.pk, "parent": xinqiao.pk}).json()
    assert {p["name"] for p in results["results"]} == {"中加水岸小区", "府河苑"}

    outside = api.get("/api/v1/places/", {"under": xinqiao.pk, "parent": jinniu.pk}).json()
    assert outside["results"] == []


def test_it_shows_one_place(api, xinqiao):
    response = api.get(f"/api/v1/places/{xinqiao.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "新桥社区"
    assert body["code"] == "510106041004"
    assert body["level"] == "community"


def test_it_pages_through_a_list_with_next_links(api, jinniu):
    children = set(Place.objects.filter(parent=jinniu).values_list("pk", flat=True))
    assert len(children) > 5

    results, pages = _all_pages(api, "/api/v1/places/", {"parent": jinniu.pk, "page_size": 3})

    assert pages == -(-len(children) // 3)
    ids = [p["id"] for p in results]
    assert len(ids) == len(set(ids)) == len(children)
    assert set(ids) == children


def test_it_has_previous_links_on_later_pages(api, jinniu):
    first = api.get("/api/v1/places/", {"parent": jinniu.pk, "page_size": 3}).json()
    assert first["previous"] is None

    second = api.get(first["next"]).json()

    assert api.get(second["previous"]).json()["results"] == first["results"]


@pytest.mark.usefixtures("unlimited")
def test_it_lists_places_in_a_fixed_number_of_queries(
    api, jinniu, fuheyuan, django_assert_num_queries
):
    # One query for the parent, one for the page: as many rows as there may be.
    with django_assert_num_queries(2):
        few = api.get("/api/v1/places/", {"parent": fuheyuan.pk}).json()["results"]
    with django_assert_num_queries(2):
        many = api.get("/api/v1/places/", {"parent": jinniu.pk}).json()["results"]
    with django_assert_num_queries(2):
        page = api.get("/api/v1/places/", {"parent": jinniu.pk, "page_size": 3}).json()
    with django_assert_num_queries(2):
        api.get(page["next"])

    assert len(few) == 2
    assert len(many) > 10


def test_it_lists_the_units(api, demo):
    results = api.get("/api/v1/units/").json()["results"]

    names = {u["name"] for u in results}
    assert {"新桥社区居民委员会", "金牛区住房和城乡建设局", "致强社区居民委员会"} <= names
    assert set(results[0]) == {"id", "name", "kind", "place", "place_name", "phone"}


def test_it_lists_the_units_under_a_place(api, jinniu):
    results = api.get("/api/v1/units/", {"under": jinniu.pk}).json()["results"]

    names = {u["name"] for u in results}
    assert "金牛区住房和城乡建设局" in names
    assert "新桥社区居民委员会" in names
    assert "致强社区居民委员会" not in names


def test_it_shows_one_unit(api, demo):
    unit = Unit.objects.get(name="新桥社区居民委员会")

    body = api.get(f"/api/v1/units/{unit.pk}/").json()

    assert body["name"] == "新桥社区居民委员会"
    assert body["place_name"] == "新桥社区"


def test_it_hides_inactive_units(api, demo):
    unit = Unit.objects.get(name="新桥社区居民委员会")
    unit.is_active = False
    unit.save(update_fields=["is_active"])

    assert api.get(f"/api/v1/units/{unit.pk}/").status_code == 404
    names = {u["name"] for u in api.get("/api/v1/units/").json()["results"]}
    assert "新桥社区居民委员会" not in names


@pytest.mark.usefixtures("unlimited")
def test_it_lists_units_in_a_fixed_number_of_queries(
    api, jinniu, xinqiao, django_assert_num_queries
):
    with django_assert_num_queries(2):
        few = api.get("/api/v1/units/", {"under": xinqiao.pk}).json()["results"]
    with django_assert_num_queries(2):
        many = api.get("/api/v1/units/", {"under": jinniu.pk}).json()["results"]

    assert len(few) < len(many)
