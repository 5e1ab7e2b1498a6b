"""What schemathesis found (test_fuzz.py), kept as plain tests so it stays fixed."""

from __future__ import annotations

import json

import pytest
from django.db import DataError
from django.test import Client

from gongzhi.api.errors import exception_handler
from gongzhi.api.tests.conftest import assert_error
from gongzhi.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(demo) -> Place:
    return Place.objects.get(parent__name="中加水岸小区", name="1栋")


def _report(building, **overrides):
    return {
        "category": "property",
        "nature": "help",
        "title": "电梯停了三天",
        "description": "1栋2单元电梯停运三天。",
        "place": building.pk,
        **overrides,
    }


def test_a_nul_character_in_a_category_is_invalid_not_a_500(api_as, resident, building):
    # PostgreSQL refuses NUL in a query's text: it used to raise DataError.
    response = api_as(resident).post("/api/v1/cases/", _report(building, category="prop\x00erty"))

    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["category"]


def test_a_nul_character_in_the_answers_is_invalid_not_a_500(api_as, resident, building):
    report = _report(building, answers={"unit_no": "2\x00单元"})

    response = api_as(resident).post("/api/v1/cases/", report, format="json")

    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["answers"]


@pytest.mark.parametrize("path", ["/api/v1/cases/1%0A/remind/", "/api/v1/%0A"])
def test_a_path_with_a_newline_is_a_404_in_the_api_format(api, demo, path):
    assert_error(api.get(path), 404, "not_found")


def test_a_path_with_a_newline_is_a_404_in_open311_s_format(demo):
    response = Client().get("/open311/v2/a%0Ab.json")

    assert response.status_code == 404
    assert json.loads(response.content)[0]["code"] == 404


def test_an_unreadable_body_is_415_in_the_api_format(api, demo):
    response = api.post("/api/v1/auth/token/", "username=x", content_type="text/plain")

    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("ids", [[2**64], [2**63]])
def test_an_id_beyond_64_bits_is_invalid_not_a_500(api_as, resident, ids):
    response = api_as(resident).post("/api/v1/notifications/read/", {"ids": ids}, format="json")

    assert_error(response, 400, "invalid")


@pytest.mark.parametrize("error", [OverflowError("int too large"), DataError("out of range")])
def test_a_value_the_database_cannot_hold_is_a_400_not_a_500(error):
    """Fields without a bound of their own: the API's error handler answers for the database."""
    response = exception_handler(error, {})

    assert response is not None and response.status_code == 400
    assert response.data["code"] == "invalid"
