"""People: scoped by person.view, masked unless person.view_contact at one of their places."""

from __future__ import annotations

import pytest
from django.utils import timezone

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.accounts.services import role_grant
from gongzhi.api.tests.conftest import assert_error
from gongzhi.demo import duty as demo_duty
from gongzhi.places.models import Place

pytestmark = pytest.mark.django_db


def _people(client, **params) -> dict[str, dict]:
    response = client.get("/api/v1/people/", {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    return {p["username"]: p for p in response.json()["results"]}


@pytest.fixture
def building(xinqiao) -> Place:
    return Place.objects.get(parent__parent=xinqiao, parent__name="中加水岸小区", name="1栋")


@pytest.fixture
def many_residents(building) -> list[User]:
    """Sixty more residents of 中加水岸小区 1栋."""
    users = User.objects.bulk_create(
        User(username=f"resident{i:02d}", name=f"居民{i:02d}", phone=f"137000010{i:02d}")
        for i in range(60)
    )
    RoleGrant.objects.bulk_create(
        RoleGrant(user=user, role="resident", place=building, granted_at=timezone.now())
        for user in users
    )
    return users


def test_it_masks_name_and_phone_for_a_supervisor(api_as, supervisor, resident):
    zhangwei = _people(api_as(supervisor))["zhangwei"]

    assert zhangwei["name"] == "张*"
    assert zhangwei["phone"] == "139****1001"


def test_it_shows_full_contact_to_the_community_worker(api_as, worker, resident):
    zhangwei = _people(api_as(worker))["zhangwei"]

    assert zhangwei["name"] == "张伟"
    assert zhangwei["phone"] == "13900001001"


def test_it_shows_one_person_masked_or_not_as_the_list_does(api_as, supervisor, worker, resident):
    url = f"/api/v1/people/{resident.pk}/"

    as_supervisor = api_as(supervisor).get(url).json()
    as_worker = api_as(worker).get(url).json()

    assert (as_supervisor["name"], as_supervisor["phone"]) == ("张*", "139****1001")
    assert (as_worker["name"], as_worker["phone"]) == ("张伟", "13900001001")
    assert as_worker["grants"][0]["place_name"] == "1栋"


def test_it_shows_everyone_in_full_to_the_admin(api_as, admin_user, resident, other_resident):
    people = _people(api_as(admin_user))

    assert people["zhangwei"]["phone"] == "13900001001"
    assert people["huangmin"]["name"] == "黄敏"


def test_it_keeps_the_outsider_out_of_another_community(api_as, outsider, resident, worker):
    client = api_as(outsider)

    people = _people(client)

    assert set(people) == {"chenjing", "huangmin", *demo_duty.usernames_under("510108015017")}
    assert_error(client.get(f"/api/v1/people/{resident.pk}/"), 404, "not_found")
    assert_error(client.get(f"/api/v1/people/{worker.pk}/"), 404, "not_found")


def test_it_answers_an_unknown_person_like_an_invisible_one(api_as, outsider):
    assert_error(api_as(outsider).get("/api/v1/people/999999/"), 404, "not_found")


def test_it_shows_only_the_roles_held_where_the_viewer_may_look(
    api_as, outsider, admin_user, resident, zhiqiang
):
    courtyard = Place.objects.get(parent=zhiqiang, name="致强小区")
    role_grant(actor=admin_user, user=resident, role="volunteer", place=courtyard)

    zhangwei = _people(api_as(outsider))["zhangwei"]

    assert [g["place_name"] for g in zhangwei["grants"]] == ["致强小区"]
    # A volunteer in 致强社区: its community worker may call them.
    assert zhangwei["phone"] == "13900001001"


def test_it_refuses_the_list_to_residents(api_as, resident, worker):
    client = api_as(resident)

    assert_error(client.get("/api/v1/people/"), 403, "permission_denied")
    assert_error(client.get(f"/api/v1/people/{worker.pk}/"), 404, "not_found")


def test_it_refuses_anonymous_requests(api, resident):
    assert_error(api.get("/api/v1/people/"), 401, "not_authenticated")
    assert_error(api.get(f"/api/v1/people/{resident.pk}/"), 401, "not_authenticated")


def test_it_filters_people_under_a_place(api_as, worker, xinqiao):
    courtyard = Place.objects.get(parent=xinqiao, name="中加水岸小区")

    people = _people(api_as(worker), under=courtyard.pk)

    duty_people = demo_duty.usernames_under("510106041004/中加水岸小区")
    assert set(people) == {"zhangwei", "lina", "wangfang", *duty_people}


def test_it_checks_the_under_parameter(api_as, worker):
    client = api_as(worker)

    assert_error(client.get("/api/v1/people/", {"under": "abc"}), 400, "invalid")
    assert_error(client.get("/api/v1/people/", {"under": "999999"}), 404, "not_found")


def test_it_pages_through_people(api_as, worker, many_residents):
    client = api_as(worker)
    seen: list[str] = []

    response = client.get("/api/v1/people/")
    while True:
        body = response.json()
        seen += [p["username"] for p in body["results"]]
        assert len(body["results"]) <= 50
        if body["next"] is None:
            break
        response = client.get(body["next"])

    assert len(seen) == len(set(seen))
    assert {u.username for u in many_residents} <= set(seen)
    assert "zhangwei" in seen


@pytest.mark.usefixtures("unlimited")
def test_it_lists_people_in_a_fixed_number_of_queries(
    api_as, outsider, supervisor, many_residents, django_assert_num_queries
):
    few_client, many_client = api_as(outsider), api_as(supervisor)

    # The token, the viewer's grants, the page of people, their grants.
    with django_assert_num_queries(4):
        few = few_client.get("/api/v1/people/").json()["results"]
    with django_assert_num_queries(4):
        many = many_client.get("/api/v1/people/").json()["results"]

    assert len(few) == 2 + len(demo_duty.usernames_under("510108015017"))
    assert len(many) == 50
    assert many[-1]["phone"].count("*") == 4
