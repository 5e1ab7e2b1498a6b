"""The synchronous report's answer: built from what the report wrote, never read back, and yet
exactly what a GET of the case by the same caller returns right after."""

from __future__ import annotations

import json

import pytest

from gongzhi.accounts.choices import UnitKind
from gongzhi.accounts.models import Unit
from gongzhi.api.tests import conftest as api_fixtures
from gongzhi.cases.models import RoutingRule
from gongzhi.core import clock

from .conftest import MONDAY_MORNING, png_bytes, report_json

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unlimited")]
api_as, unlimited = api_fixtures.api_as, api_fixtures.unlimited

URL = "/api/v1/cases/"
# The whole request: the token, the category, the place (and, for an agent, the resident and
# their grants), the category's questions; the report's transaction (the case with its number's
# savepoint, two timeline entries, routing, time limit, calendar, dispatch, the unit's
# notification, the audit chain); then the caller's units and grants for what they may see.
# It was 27 for a resident and 30 for an agent when the answer read the case back.
RESIDENT_REPORT_QUERIES = 23
AGENT_REGISTRATION_QUERIES = 24


def _report(building, **overrides):
    extra = {
        "answers": {"unit_no": "2单元", "since": "week"},
        "latitude": "30.7",
        "longitude": "104.012345",
        "address": "  1栋2单元  ",
    }
    return report_json(building, **{**extra, **overrides})


def _post_then_get(client, data, fmt="json"):
    with clock.frozen(MONDAY_MORNING):
        posted = client.post(URL, data, format=fmt)
        assert posted.status_code == 201, posted.content
        got = client.get(posted["Location"])
    assert got.status_code == 200, got.content
    return posted.json(), got.json()


def test_a_residents_report_answers_what_a_get_returns_in_fewer_queries(
    api_as, resident, building, django_assert_num_queries
):
    client = api_as(resident)
    with clock.frozen(MONDAY_MORNING):
        client.post(URL, _report(building), format="json")  # the process's first request
        with django_assert_num_queries(RESIDENT_REPORT_QUERIES):
            posted = client.post(URL, _report(building), format="json")
        assert posted.status_code == 201, posted.content
        got = client.get(posted["Location"])

    assert got.status_code == 200
    assert posted.json() == got.json()
    body = posted.json()
    assert body["state"] == "dispatched" and body["handling"] is None
    assert [e["action"] for e in body["timeline"]] == ["submit", "dispatch"]
    assert body["address"] == "1栋2单元" and body["latitude"] == 30.7


def test_an_agents_phone_registration_answers_what_a_get_returns_in_fewer_queries(
    api_as, agent, resident, building, django_assert_num_queries
):
    client = api_as(agent)
    data = _report(
        building,
        channel="phone",
        on_behalf_of=resident.pk,
        contact_phone="13900009999",
        contact_detail="老人独居，下午在家",
    )
    with clock.frozen(MONDAY_MORNING):
        client.post(URL, data, format="json")
        with django_assert_num_queries(AGENT_REGISTRATION_QUERIES):
            posted = client.post(URL, data, format="json")
        assert posted.status_code == 201, posted.content
        got = client.get(posted["Location"])

    assert got.status_code == 200
    assert posted.json() == got.json()
    body = posted.json()
    # The staff view: the whole timeline with who acted, the handling details, the contact.
    assert body["handling"]["registered_by"] and body["handling"]["extensions"] == []
    assert body["timeline"][0]["actor"] and body["timeline"][1]["data"] == {"routing": "rule"}
    assert body["contact"]["phone"] == "13900009999"


def test_a_report_with_photos_answers_them_as_a_get_does(api_as, resident, building):
    photos = [png_bytes(), png_bytes(size=(5, 5))]
    data = _report(building, answers=json.dumps({"since": "today"}), photos=photos)

    posted, got = _post_then_get(api_as(resident), data, fmt="multipart")

    assert posted == got
    assert [len(e["photos"]) for e in posted["timeline"]] == [2, 0]


def test_a_case_nobody_is_routed_to_answers_as_a_get_does(api_as, worker, courtyard):
    """Patrol at a courtyard whose rules and community unit are gone: it waits unrouted."""
    RoutingRule.objects.update(is_active=False)
    Unit.objects.filter(kind=UnitKind.COMMUNITY).update(is_active=False)

    posted, got = _post_then_get(
        api_as(worker), _report(courtyard, channel="patrol", category="other", answers={})
    )

    assert posted == got
    assert posted["state"] == "submitted" and posted["unit"] is None
    assert [e["action"] for e in posted["timeline"]] == ["submit"]
