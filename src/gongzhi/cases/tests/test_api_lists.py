"""Categories, case lists, queues and boards: scoped, filtered, keyset-paginated, and a fixed
number of queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.api.tests import conftest as api_fixtures
from gongzhi.api.tests.conftest import assert_error
from gongzhi.cases import services
from gongzhi.core import clock

from .conftest import MONDAY_MORNING, category, unit

pytestmark = pytest.mark.django_db
api, api_as, unlimited = api_fixtures.api, api_fixtures.api_as, api_fixtures.unlimited

# Long after every deadline of a case reported on MONDAY_MORNING.
MUCH_LATER = MONDAY_MORNING + dt.timedelta(days=40)


def get(client, url, params=None, at=MONDAY_MORNING):
    with clock.frozen(at):
        return client.get(url, params or {})


def all_pages(client, url, params):
    """Follow `next` to the end: the ids in order and the number of pages."""
    ids, pages = [], 0
    response = get(client, url, params)
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        ids += [c["id"] for c in body["results"]]
        pages += 1
        if body["next"] is None:
            return ids, pages
        response = get(client, body["next"])


# ---------------------------------------------------------------- categories


def test_the_category_tree_is_public_with_its_questions(api):
    response = api.get("/api/v1/categories/")

    assert response.status_code == 200
    tree = {c["code"]: c for c in response.json()}
    assert {"property", "environment", "security", "other"} <= set(tree)
    elevator = next(c for c in tree["property"]["children"] if c["code"] == "property.elevator")
    # A sub-category asks its parent's questions too.
    assert [q["code"] for q in elevator["questions"]] == ["unit_no", "since"]
    assert elevator["children"] == []
    assert tree["property"]["name"] == "物业与设施"
    since = next(q for q in tree["property"]["questions"] if q["code"] == "since")
    assert since["datatype"] == "singlevaluelist" and since["label"] == "问题持续多久"
    assert {"key": "week", "name": "一周内"} in since["choices"]
    ongoing = tree["security"]["questions"][0]
    assert ongoing["required"] is True and ongoing["order"] == 1


@pytest.mark.usefixtures("unlimited")
def test_the_category_tree_takes_a_fixed_number_of_queries(api, django_assert_num_queries):
    with django_assert_num_queries(2):  # the categories, their questions
        api.get("/api/v1/categories/")


def test_the_category_tree_speaks_english_when_asked(api):
    response = api.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en")

    tree = {c["code"]: c for c in response.json()}
    assert tree["property"]["name"] == "Property and facilities"
    since = next(q for q in tree["property"]["questions"] if q["code"] == "since")
    assert since["label"] == "How long has it lasted"
    assert {"key": "week", "name": "Within a week"} in since["choices"]


# ---------------------------------------------------------------- the case list


def test_each_sees_the_cases_they_may(api_as, report, resident, worker, outsider, supervisor):
    case = report()

    def ids(user):
        return {c["id"] for c in get(api_as(user), "/api/v1/cases/").json()["results"]}

    assert case.pk in ids(resident)
    assert case.pk in ids(worker)
    assert case.pk in ids(supervisor)
    assert case.pk not in ids(outsider)


def test_the_list_filters(api_as, report, worker, property_handler, courtyard, zhiqiang):
    elevator = report(category=category("property.elevator"), title="电梯坏了")
    noise = report(category=category("environment.noise"), nature="complaint", title="夜间施工")
    services.case_accept(actor=property_handler, case=elevator)
    client = api_as(worker)

    def ids(**params):
        response = get(client, "/api/v1/cases/", params, at=MUCH_LATER)
        assert response.status_code == 200, response.content
        return {c["id"] for c in response.json()["results"]}

    assert ids(state="accepted") == {elevator.pk}
    assert ids(category="property") >= {elevator.pk} and noise.pk not in ids(category="property")
    assert noise.pk in ids(category=category("environment").pk)
    assert {elevator.pk, noise.pk} <= ids(under=courtyard.pk)
    assert ids(under=zhiqiang.pk).isdisjoint({elevator.pk, noise.pk})
    assert ids(q="夜间") == {noise.pk} and ids(q=elevator.number) == {elevator.pk}
    assert {elevator.pk, noise.pk} <= ids(overdue="true")
    results = get(client, "/api/v1/cases/", {"overdue": "true"}, at=MUCH_LATER).json()["results"]
    assert all(c["is_overdue"] for c in results)


def test_wrong_filters_are_answered_per_parameter(api_as, worker):
    client = api_as(worker)

    body = assert_error(
        get(client, "/api/v1/cases/", {"state": "lost", "category": "nope", "page_size": 0}),
        400,
        "invalid",
    )
    assert set(body["fields"]) == {"state", "category", "page_size"}
    for cursor in ["garbage", "2026-11-20T01:00:00|1", "x|1", "|99999999999999999999"]:
        body = assert_error(get(client, "/api/v1/cases/", {"after": cursor}), 400, "invalid")
        assert set(body["fields"]) == {"after"}, cursor
    assert_error(get(client, "/api/v1/cases/", {"under": 987654321}), 404, "not_found")


def _count_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = get(client, url, params)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.usefixtures("unlimited")
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("worker", "/api/v1/cases/"),
        ("property_handler", "/api/v1/units/{unit}/queue/"),
    ],
)
def test_lists_take_a_fixed_number_of_queries_and_page_by_keyset(
    request, api_as, report, django_assert_num_queries, who, url
):
    client = api_as(request.getfixturevalue(who))
    url = url.format(unit=unit("中加水岸物业服务中心").pk)
    first = [report(title=f"问题{i}").pk for i in range(2)]
    budget = _count_queries(client, url, {"page_size": 5})

    more = [report(title=f"问题{i}").pk for i in range(2, 12)]
    with django_assert_num_queries(budget):
        get(client, url, {"page_size": 5})
    # The page after a cursor costs the same.
    next_url = get(client, url, {"page_size": 5}).json()["next"]
    with django_assert_num_queries(budget):
        get(client, next_url)

    ids, pages = all_pages(client, url, {"page_size": 5})
    assert budget == 4  # the token; the grants or the unit; the memberships; the page
    assert set(first + more) <= set(ids) and len(ids) == len(set(ids))
    assert pages >= 3


def test_a_queue_is_for_the_units_members(api_as, report, property_handler, worker, admin_user):
    case = report()
    url = f"/api/v1/units/{unit('中加水岸物业服务中心').pk}/queue/"

    mine = get(api_as(property_handler), url).json()["results"]
    assert [c["id"] for c in mine] == [case.pk]
    assert mine[0]["unit"]["name"] == "中加水岸物业服务中心"
    assert mine[0]["accept_due_at"].endswith("+08:00")
    assert_error(get(api_as(worker), url), 404, "not_found")
    assert_error(get(api_as(worker), "/api/v1/units/987654/queue/"), 404, "not_found")
    assert get(api_as(admin_user), url).status_code == 200


# ---------------------------------------------------------------- boards


def test_the_dispatcher_console_and_its_gate(api_as, report, property_handler, worker, supervisor):
    case = services.case_return(
        actor=property_handler, case=report(), reason="wrong_area", note="不在本小区"
    )

    console = get(api_as(worker), "/api/v1/dispatch/")

    assert console.status_code == 200
    assert [c["id"] for c in console.json()["returned"]] == [case.pk]
    assert console.json()["unrouted"] == []
    assert_error(get(api_as(supervisor), "/api/v1/dispatch/"), 403, "permission_denied")
    assert_error(get(api_as(property_handler), "/api/v1/dispatch/"), 403, "permission_denied")


def test_the_overdue_board_and_its_gate(api_as, report, supervisor, worker):
    case = report()

    board = get(api_as(supervisor), "/api/v1/supervision/overdue/", at=MUCH_LATER)

    assert board.status_code == 200, board.content
    body = board.json()
    assert case.pk in {c["id"] for c in body["cases"]}
    assert all(c["is_overdue"] for c in body["cases"])
    per_unit = {u["unit_name"]: u["count"] for u in body["per_unit"]}
    assert per_unit["中加水岸物业服务中心"] >= 1
    assert_error(get(api_as(worker), "/api/v1/supervision/overdue/"), 403, "permission_denied")


def test_the_routing_preview_tells_which_unit_would_get_it(
    api_as, worker, supervisor, building, xinqiao
):
    client = api_as(worker)
    url = "/api/v1/routing/preview/"

    by_rule = get(client, url, {"category": "property.elevator", "place": building.pk}).json()
    by_community = get(client, url, {"category": "other", "place": building.pk}).json()

    assert by_rule["unit"]["name"] == "中加水岸物业服务中心" and by_rule["reason"] == "rule"
    assert by_rule["rule"]["category"] == "property"
    assert by_community == {
        "unit": {"id": unit("新桥社区居民委员会").pk, "name": "新桥社区居民委员会"},
        "reason": "community",
        "rule": None,
    }
    body = assert_error(get(client, url, {"category": "nope"}), 400, "invalid")
    assert set(body["fields"]) == {"category", "place"}
    assert_error(get(api_as(supervisor), url, {"category": "other"}), 403, "permission_denied")


def test_the_api_root_lists_the_case_endpoints(api):
    links = api.get("/api/v1/").json()

    assert links["cases"] == "http://testserver/api/v1/cases/"
    assert links["categories"] == "http://testserver/api/v1/categories/"
    assert {"dispatch", "supervision_overdue", "routing_preview"} <= set(links)


@pytest.mark.parametrize("odd", ["²", "٣", "1²"])
def test_digits_other_than_ascii_are_refused_not_a_crash(api_as, resident, odd):
    """A digit to str.isdigit, such as "²", that int() refuses: once a 500 the fuzzer found."""
    response = api_as(resident).get("/api/v1/cases/", {"category": odd})
    assert_error(response, 400, "invalid")
