"""The intake queue's own door (cases/fast_intake.py) answers exactly what the APIView answers.

A client with a token sending JSON with `Prefer: respond-async` goes through the door; a client
authenticated otherwise (`force_authenticate`: no Authorization header) is answered by the
APIView, so the two can be compared request by request."""

from __future__ import annotations

import json

import pytest
from django.urls import resolve
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from hypothesis import strategies as st
from rest_framework.test import APIClient

from gongzhi.api.tests import conftest as api_fixtures
from gongzhi.api.tests.conftest import assert_error
from gongzhi.cases import apis, fast_intake
from gongzhi.cases.models import Intake
from gongzhi.core import clock

from .conftest import MONDAY_MORNING, report_json

pytestmark = pytest.mark.django_db
api, api_as = api_fixtures.api, api_fixtures.api_as

URL = "/api/v1/cases/"
ASYNC = {"HTTP_PREFER": "respond-async"}
# What differs between two accepted reports: which row, when.
PER_REPORT = {"id", "url", "received_at"}


def _apiview_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _through_door(monkeypatch):
    """A list that records what the door answered (None: it left the request to the APIView)."""
    answered = []
    original = fast_intake._fast

    def spy(request):
        response = original(request)
        answered.append(response)
        return response

    monkeypatch.setattr(fast_intake, "_fast", spy)
    return answered


def _same_answer(door, apiview):
    assert door.status_code == apiview.status_code, (door.content, apiview.content)
    assert door["Content-Type"] == apiview["Content-Type"] == "application/json"
    a, b = door.json(), apiview.json()
    if door.status_code == 202:
        for header in ("Location", "Preference-Applied"):
            assert header in door and header in apiview
        a = {k: v for k, v in a.items() if k not in PER_REPORT}
        b = {k: v for k, v in b.items() if k not in PER_REPORT}
    assert a == b


def test_a_queued_report_gets_the_apiviews_answer_through_the_door(
    api_as, resident, building, monkeypatch
):
    answered = _through_door(monkeypatch)
    with clock.frozen(MONDAY_MORNING):
        door = api_as(resident).post(URL, report_json(building), format="json", **ASYNC)
        assert answered[-1] is not None  # the door answered it
        apiview = _apiview_client(resident).post(URL, report_json(building), format="json", **ASYNC)
        assert answered[-1] is None  # the APIView did

    _same_answer(door, apiview)
    body = door.json()
    assert door.status_code == 202 and door["Location"] == body["url"]
    assert body["received_at"] == apiview.json()["received_at"] == "2026-11-17T09:00:00+08:00"
    # The row the door wrote is the one the APIView would have written.
    rows = list(Intake.objects.order_by("received_at", "id").values("actor", "state", "report"))
    assert len(rows) == 2 and rows[0] == rows[1]
    assert api_as(resident).get(body["url"]).json() == body


BAD_REPORTS = [
    {"title": None, "description": 5},
    {"category": "no-such-category", "nature": "rant", "title": "", "place": 987654321},
    {"category": "security", "nature": "tip_off", "answers": {"weapon": "knife"}},
    {"latitude": 123, "longitude": "x", "contact_phone": "1" * 30},
    {"place": 0, "channel": "open311"},
]


@pytest.mark.parametrize("overrides", BAD_REPORTS)
def test_a_refused_report_is_refused_in_the_same_words(api_as, resident, building, overrides):
    data = {**report_json(building), **overrides}
    door = api_as(resident).post(URL, data, format="json", **ASYNC)
    apiview = _apiview_client(resident).post(URL, data, format="json", **ASYNC)
    assert door.status_code == 400
    _same_answer(door, apiview)


@examples(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.dictionaries(
        st.sampled_from(
            ["category", "nature", "urgency", "title", "description", "place", "answers"]
            + ["latitude", "longitude", "channel", "contact_phone", "reporter_may_be_named"]
        ),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-(2**70), 2**70),
            st.text(max_size=90),
            st.sampled_from(["complaint", "web", "api", "property.leak", "urgent", "30.5"]),
            st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2),
        ),
    )
)
def test_the_door_and_the_apiview_answer_any_report_alike(api_as, resident, building, data):
    report = {**report_json(building), **data}
    with clock.frozen(MONDAY_MORNING):
        door = api_as(resident).post(URL, report, format="json", **ASYNC)
        apiview = _apiview_client(resident).post(URL, report, format="json", **ASYNC)
    _same_answer(door, apiview)


def test_what_the_door_is_not_sure_of_goes_to_the_apiview(
    api, api_as, resident, agent, building, monkeypatch, settings
):
    answered = _through_door(monkeypatch)
    data = report_json(building)

    # No token, a token refused, a body that is not JSON, someone else's report, not async.
    assert_error(api.post(URL, data, format="json", **ASYNC), 401, "not_authenticated")
    api.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert_error(api.post(URL, data, format="json", **ASYNC), 401, "authentication_failed")
    client = api_as(resident)
    broken = client.post(URL, b'{"title": ', content_type="application/json", **ASYNC)
    assert_error(broken, 400, "parse_error")
    behalf = api_as(agent).post(
        URL,
        {**data, "channel": "phone", "on_behalf_of": resident.pk, "contact_phone": "13800000001"},
        format="json",
        **ASYNC,
    )
    assert behalf.status_code == 201, behalf.content
    assert client.post(URL, data, format="json").status_code == 201
    browser = client.post(URL, data, format="json", HTTP_ACCEPT="text/html,*/*;q=0.8", **ASYNC)
    assert browser.status_code == 202 and browser["Content-Type"].startswith("text/html")
    xml = client.post(URL, data, format="json", HTTP_ACCEPT="application/xml", **ASYNC)
    assert_error(xml, 406, "not_acceptable")
    assert answered == [None] * 7
    gbk = client.post(
        URL,
        json.dumps({**data, "title": "楼道漏水"}, ensure_ascii=False).encode("gbk"),
        content_type="application/json; charset=gbk",
        **ASYNC,
    )
    assert gbk.status_code == 202, gbk.content
    assert answered[-1] is not None  # the door decoded it, in the charset the request named
    assert client.get(gbk["Location"]).status_code == 200
    assert Intake.objects.get(pk=gbk.json()["id"]).report["title"] == "楼道漏水"

    # A body larger than Django reads at once (GONGZHI_MAX_FORM_MB): the APIView's answer.
    limit, settings.DATA_UPLOAD_MAX_MEMORY_SIZE = settings.DATA_UPLOAD_MAX_MEMORY_SIZE, 100
    big = client.post(URL, {**data, "address": "x" * 150}, format="json", **ASYNC)
    assert_error(big, 413, "too_large")
    assert answered[-1] is None
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = limit

    # A multipart report without photos is the APIView's too; it may still wait.
    form = {**data, "answers": "{}"}
    assert client.post(URL, form, format="multipart", **ASYNC).status_code == 202
    assert answered[-1] is None


def test_the_door_counts_against_the_rate_limits_once(api_as, resident, building, settings):
    settings.GONGZHI_API_RATE_WRITE = "2/60"
    client = api_as(resident)
    with clock.frozen(MONDAY_MORNING):
        assert client.post(URL, report_json(building), format="json", **ASYNC).status_code == 202
        refused_fields = client.post(URL, {}, format="json", **ASYNC)
        assert refused_fields.status_code == 400  # counted, though invalid, as in the APIView
        refused = client.post(URL, report_json(building), format="json", **ASYNC)

    assert_error(refused, 429, "throttled")
    assert refused["Retry-After"] == "60"
    assert Intake.objects.count() == 1


def test_the_schema_and_csrf_still_see_the_apiview():
    view = resolve(URL).func
    assert view.cls is apis.CaseListCreate
    assert view.csrf_exempt is True
