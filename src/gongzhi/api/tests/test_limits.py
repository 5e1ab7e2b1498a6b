"""The limits around the REST API and Open311: CORS, rate limits, body size, and 500s in
each one's error format."""

from __future__ import annotations

import json
from unittest import mock
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from rest_framework.test import APIClient

from gongzhi.api.tests.conftest import assert_error
from gongzhi.cases.tests.conftest import MONDAY_MORNING
from gongzhi.core import clock

pytestmark = pytest.mark.django_db

APP = "https://app.chengdu.example.cn"
EVIL = "https://evil.example.com"


@pytest.fixture
def cors(settings):
    settings.CORS_ALLOWED_ORIGINS = [APP]


# ---------------------------------------------------------------- CORS


@pytest.mark.parametrize("url", ["/api/v1/places/", "/open311/v2/services.json"])
def test_an_allowed_origin_gets_the_cors_headers(api, demo, cors, url):
    response = api.get(url, HTTP_ORIGIN=APP)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert "Retry-After" in response["Access-Control-Expose-Headers"]


@pytest.mark.parametrize("url", ["/api/v1/places/", "/open311/v2/services.json"])
def test_another_origin_gets_none(api, demo, cors, url):
    response = api.get(url, HTTP_ORIGIN=EVIL)

    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_no_origin_is_allowed_by_default(api, demo, settings):
    assert settings.CORS_ALLOWED_ORIGINS == []
    assert "Access-Control-Allow-Origin" not in api.get("/api/v1/places/", HTTP_ORIGIN=APP)


def test_a_preflight_lets_an_allowed_origin_send_a_token(api, demo, cors):
    response = api.options(
        "/api/v1/cases/",
        HTTP_ORIGIN=APP,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "POST" in response["Access-Control-Allow-Methods"]


def test_the_web_pages_never_get_cors_headers(demo, cors):
    response = Client().get("/", HTTP_ORIGIN=APP)

    assert "Access-Control-Allow-Origin" not in response


# ---------------------------------------------------------------- rate limits


@pytest.fixture
def monday():
    with clock.frozen(MONDAY_MORNING):
        yield


def test_an_anonymous_address_over_its_rate_gets_429_with_retry_after(api, demo, settings, monday):
    settings.GONGZHI_API_RATE_ANON = "2/60"
    for _ in range(2):
        assert api.get("/api/v1/places/").status_code == 200

    refused = api.get("/api/v1/units/")

    body = assert_error(refused, 429, "throttled")
    assert refused["Retry-After"] == "60"  # 09:00:00, the start of a one-minute window
    assert "60" in body["message"]
    other = api.get("/api/v1/places/", REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200  # another address counts apart


def test_a_user_is_counted_by_token_not_by_address(api, api_as, worker, settings, monday):
    settings.GONGZHI_API_RATE_USER = "2/60"
    settings.GONGZHI_API_RATE_ANON = "1/60"
    client = api_as(worker)
    assert client.get("/api/v1/me/").status_code == 200
    assert api.get("/api/v1/places/").status_code == 200  # the address's own budget
    assert client.get("/api/v1/places/").status_code == 200

    assert_error(client.get("/api/v1/me/"), 429, "throttled")
    assert_error(api.get("/api/v1/places/"), 429, "throttled")


def test_writes_have_a_smaller_budget_of_their_own(api_as, resident, settings, monday):
    settings.GONGZHI_API_RATE_WRITE = "1/60"
    client = api_as(resident)
    first = client.post("/api/v1/cases/", {}, format="json")
    assert first.status_code == 400  # counted, though invalid

    refused = client.post("/api/v1/cases/", {}, format="json")

    assert_error(refused, 429, "throttled")
    assert refused["Retry-After"] == "60"
    assert client.get("/api/v1/cases/").status_code == 200  # reads go on


def test_a_new_window_lets_requests_in_again(api, demo, settings):
    settings.GONGZHI_API_RATE_ANON = "1/60"
    with clock.frozen(MONDAY_MORNING):
        api.get("/api/v1/places/")
        assert api.get("/api/v1/places/").status_code == 429
    with clock.frozen(MONDAY_MORNING.replace(minute=1)):
        assert api.get("/api/v1/places/").status_code == 200


def test_an_empty_rate_turns_the_limit_off(api, demo, settings, monday):
    settings.GONGZHI_API_RATE_ANON = ""
    for _ in range(5):
        assert api.get("/api/v1/places/").status_code == 200


# ---------------------------------------------------------------- body size


def test_a_body_over_the_limit_is_413_in_the_api_format(api, demo, settings):
    settings.GONGZHI_API_MAX_BODY_BYTES = 1000
    body = {"username": "zhangwei", "password": "x" * 2000}

    assert_error(api.post("/api/v1/auth/token/", body, format="json"), 413, "too_large")
    assert api.post("/api/v1/auth/token/", {"username": "a", "password": "b"}).status_code == 400


def test_form_fields_over_django_s_limit_are_413_too(api_as, resident, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api_as(resident).post(
        "/api/v1/cases/",
        "title=" + "x" * 2000,
        content_type="application/x-www-form-urlencoded",
    )

    assert_error(response, 413, "too_large")


def test_a_refusal_carries_the_cors_headers_too(api, demo, cors, settings):
    settings.GONGZHI_API_MAX_BODY_BYTES = 10
    response = api.post("/api/v1/auth/token/", {"username": "x" * 20}, HTTP_ORIGIN=APP)

    assert_error(response, 413, "too_large")
    assert response["Access-Control-Allow-Origin"] == APP


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_body_over_the_limit_is_413_in_open311_s_format(demo, settings, fmt):
    settings.GONGZHI_API_MAX_BODY_BYTES = 1000
    response = Client().post(f"/open311/v2/requests.{fmt}", {"description": "x" * 2000})

    assert response.status_code == 413
    if fmt == "json":
        assert json.loads(response.content)[0]["code"] == 413
    else:
        assert ET.fromstring(response.content).find("error/code").text == "413"


# ---------------------------------------------------------------- 500s


def test_a_crash_in_the_api_is_500_in_the_api_format(api, demo):
    api.raise_request_exception = False
    with mock.patch("gongzhi.api.views.unit_list", side_effect=RuntimeError("boom")):
        response = api.get("/api/v1/units/")

    assert_error(response, 500, "server_error")


def test_a_crash_in_a_case_endpoint_is_500_in_the_api_format(api_as, resident):
    client: APIClient = api_as(resident)
    client.raise_request_exception = False
    with mock.patch("gongzhi.cases.apis.selectors.case_list", side_effect=RuntimeError("boom")):
        response = client.get("/api/v1/cases/")

    assert_error(response, 500, "server_error")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_crash_in_open311_is_500_in_the_spec_s_format(demo, fmt):
    client = Client(raise_request_exception=False)
    with mock.patch(
        "gongzhi.open311.views.selectors.service_list", side_effect=RuntimeError("boom")
    ):
        response = client.get(f"/open311/v2/services.{fmt}")

    assert response.status_code == 500
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        [error] = json.loads(response.content)
        assert error["code"] == 500 and error["description"]
    else:
        assert response["Content-Type"].startswith("text/xml")
        root = ET.fromstring(response.content)
        assert root.tag == "errors" and root.find("error/code").text == "500"


def test_the_schema_documents_413_and_429(api, demo):
    schema = json.loads(api.get("/api/v1/schema/", {"format": "json"}).content)
    report = schema["paths"]["/api/v1/cases/"]["post"]["responses"]
    listing = schema["paths"]["/api/v1/places/"]["get"]["responses"]

    assert {"400", "401", "413", "429"} <= set(report)
    assert "429" in listing and "413" not in listing
