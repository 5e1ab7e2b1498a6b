"""The web shell's views through Django's test client: homes, log-in, people, audit log, places."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.choices import Role
from gongzhi.accounts.models import User
from gongzhi.accounts.services import role_grant, user_create
from gongzhi.core.audit import audit_record
from gongzhi.demo.data import DEMO_PASSWORD
from gongzhi.places.choices import PlaceLevel
from gongzhi.places.models import Place

pytestmark = pytest.mark.django_db

RESIDENT_PHONE = "13900001001"  # 张伟
WORKER_PHONE = "13900001004"  # 刘洋

# Query budgets, the same whatever the number of rows on the page. Every signed-in page spends
# four on the session, the user, the user's grants and the unread notifications (the badge);
# then people are one query, their grants one, and the names of those grants' places one; audit
# entries (with actor and place) one.
PEOPLE_QUERIES = 4 + 3
AUDIT_LOG_QUERIES = 4 + 1


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def courtyard(community: Place, name: str = "中加水岸小区") -> Place:
    return Place.objects.get(parent=community, name=name, level=PlaceLevel.COURTYARD)


def add_residents(community: Place, count: int, prefix: str) -> list[User]:
    """`count` new residents of a courtyard of `community`, each with two grants."""
    place = courtyard(community)
    people = []
    for i in range(count):
        person = user_create(
            actor=None, username=f"{prefix}{i}", password=None, name=f"居民{i}", phone=None
        )
        role_grant(actor=None, user=person, role=Role.RESIDENT, place=place, check_permission=False)
        role_grant(
            actor=None, user=person, role=Role.VOLUNTEER, place=place, check_permission=False
        )
        people.append(person)
    return people


# Home pages -------------------------------------------------------------------------------


def test_it_shows_the_communities_to_anonymous_visitors(demo, client):
    response = client.get(reverse("web:home"))

    assert response.status_code == 200
    assert response.context["kind"] == "public"
    assert "新桥社区" in response.content.decode()
    assert reverse("web:login") in response.content.decode()


@pytest.mark.parametrize(
    ("actor", "kind", "name"),
    [
        ("resident", "resident", "张伟"),
        ("worker", "worker", "刘洋"),
        ("supervisor", "supervisor", "周敏"),
        ("handler", "unit", "赵磊"),
        ("admin_user", "admin", "管理员"),
    ],
)
def test_it_gives_each_role_its_home(request, actor, kind, name):
    user = request.getfixturevalue(actor)

    response = client_for(user).get(reverse("web:home"))

    assert response.status_code == 200
    assert response.context["kind"] == kind
    assert name in response.content.decode()


def test_it_names_the_residents_building_with_its_courtyard_and_community(resident):
    response = client_for(resident).get(reverse("web:home"))

    [(grant, place)] = response.context["grants"]
    assert grant.role == Role.RESIDENT
    assert place.name == "中加水岸小区 1栋"
    assert place.within.endswith("沙河源街道 新桥社区")
    assert "中加水岸小区 1栋" in response.content.decode()


def test_it_places_a_community_by_its_district_and_street(worker):
    response = client_for(worker).get(reverse("web:home"))

    [(_grant, place)] = response.context["grants"]
    assert place.name == "新桥社区"
    assert place.within == "金牛区 沙河源街道"


def test_it_shows_staff_tools_to_workers_only(resident, worker):
    people_url = reverse("web:people")

    assert people_url in client_for(worker).get(reverse("web:home")).content.decode()
    assert people_url not in client_for(resident).get(reverse("web:home")).content.decode()


# Log-in and log-out -------------------------------------------------------------------------


def test_it_logs_in_with_a_username(resident, client):
    response = client.post(
        reverse("web:login"), {"username": "zhangwei", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("web:home")
    assert client.session["_auth_user_id"] == str(resident.pk)


def test_it_logs_in_with_a_mobile_number(worker, client):
    response = client.post(
        reverse("web:login"), {"username": WORKER_PHONE, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(worker.pk)


def test_it_refuses_a_wrong_password_with_a_message(resident, client):
    response = client.post(reverse("web:login"), {"username": "zhangwei", "password": "wrong-1A"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()
    page = response.content.decode()
    assert 'role="alert"' in page
    assert 'aria-invalid="true"' in page


def test_it_logs_out_on_post_only(resident):
    client = client_for(resident)

    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_sends_anonymous_visitors_to_log_in(demo, client):
    response = client.get(reverse("web:people"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


# People -----------------------------------------------------------------------------------


def test_it_lists_the_workers_community_with_full_phones(worker, resident):
    response = client_for(worker).get(reverse("web:people"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "张伟" in page
    assert RESIDENT_PHONE in page
    assert "黄敏" not in page  # 致强社区


def test_it_keeps_xinqiao_people_from_the_outsider(outsider, resident):
    client = client_for(outsider)

    page = client.get(reverse("web:people")).content.decode()
    assert "张伟" not in page
    assert RESIDENT_PHONE not in page
    assert "黄敏" in page  # the control: the outsider's own community
    assert client.get(reverse("web:person_detail", args=[resident.pk])).status_code == 404


def test_it_masks_phones_and_names_for_a_viewer_without_contact_permission(supervisor, resident):
    client = client_for(supervisor)

    page = client.get(reverse("web:people")).content.decode()
    assert "139****1001" in page
    assert RESIDENT_PHONE not in page
    assert "张*" in page

    detail = client.get(reverse("web:person_detail", args=[resident.pk])).content.decode()
    assert "139****1001" in detail
    assert RESIDENT_PHONE not in detail


def test_it_shows_the_full_phone_on_the_detail_page_to_the_worker(worker, resident):
    response = client_for(worker).get(reverse("web:person_detail", args=[resident.pk]))

    assert response.status_code == 200
    assert RESIDENT_PHONE in response.content.decode()
    assert "中加水岸小区 1栋" in response.content.decode()


def test_it_hides_people_from_residents(resident):
    assert client_for(resident).get(reverse("web:people")).status_code == 404


def test_it_lists_people_in_a_fixed_number_of_queries(worker, xinqiao, django_assert_num_queries):
    client = client_for(worker)
    url = reverse("web:people")
    with django_assert_num_queries(PEOPLE_QUERIES):
        rows_before = len(client.get(url).context["rows"])

    add_residents(xinqiao, 8, "more")
    with django_assert_num_queries(PEOPLE_QUERIES):
        rows_after = len(client.get(url).context["rows"])

    assert rows_after == rows_before + 8


# Audit log --------------------------------------------------------------------------------


def test_it_shows_the_audit_log_to_the_supervisor_only(supervisor, worker):
    assert client_for(supervisor).get(reverse("web:audit_log")).status_code == 200
    assert client_for(worker).get(reverse("web:audit_log")).status_code == 404


def test_it_lists_the_audit_log_in_a_fixed_number_of_queries(
    supervisor, xinqiao, django_assert_num_queries
):
    client = client_for(supervisor)
    url = reverse("web:audit_log")
    with django_assert_num_queries(AUDIT_LOG_QUERIES):
        client.get(url)

    # More entries, by different actors and at different places.
    for i, person in enumerate(add_residents(xinqiao, 4, "audited")):
        audit_record(actor=person, action="test.viewed", place=courtyard(xinqiao))
        audit_record(actor=person, action=f"test.action{i}", place=xinqiao)
    with django_assert_num_queries(AUDIT_LOG_QUERIES):
        page = client.get(url).content.decode()

    assert "test.action3" in page


# Places -----------------------------------------------------------------------------------


def test_it_shows_a_places_ancestors_as_a_breadcrumb(demo, client, xinqiao):
    response = client.get(reverse("web:place_detail", args=[xinqiao.pk]))

    assert response.status_code == 200
    names = [place.name for place in response.context["ancestors"]]
    assert names[-3:] == ["成都市", "金牛区", "沙河源街道"]
    page = response.content.decode()
    breadcrumb = page[
        page.index('class="breadcrumb"') : page.index("</nav>", page.index('class="breadcrumb"'))
    ]
    positions = [breadcrumb.index(name) for name in ["成都市", "金牛区", "沙河源街道", "新桥社区"]]
    assert positions == sorted(positions)
    assert 'aria-current="page">新桥社区' in breadcrumb
    assert "中加水岸小区" in page  # a place under it


def test_it_answers_404_for_an_unknown_place(demo, client):
    assert client.get(reverse("web:place_detail", args=[999_999_999])).status_code == 404
