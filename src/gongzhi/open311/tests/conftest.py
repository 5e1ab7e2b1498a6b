"""Fixtures for the Open311 tests: a key, a client that speaks both formats, the demo's places.

The clock is frozen on a Tuesday morning (2026-11-17 09:00 +08:00) unless a test moves it.
"""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.test import Client

from gongzhi.accounts.models import Unit
from gongzhi.accounts.services import NewApiKey, apikey_create
from gongzhi.cases.tests.conftest import MONDAY_MORNING
from gongzhi.core import clock
from gongzhi.places.models import Place
from gongzhi.places.services import place_boundary_set

BASE = "/open311/v2"
# A square around 中加水岸小区 (made up, in 金牛区).
COURTYARD_BOUNDARY = {
    "type": "Polygon",
    "coordinates": [
        [[104.05, 30.72], [104.06, 30.72], [104.06, 30.73], [104.05, 30.73], [104.05, 30.72]]
    ],
}
INSIDE = {"lat": "30.725", "long": "104.055"}
OUTSIDE = {"lat": "39.9", "long": "116.4"}


@pytest.fixture(autouse=True)
def tuesday_morning():
    with clock.frozen(MONDAY_MORNING):
        yield


@pytest.fixture
def courtyard(demo) -> Place:
    return Place.objects.get(name="中加水岸小区")


@pytest.fixture
def building(courtyard) -> Place:
    return Place.objects.get(parent=courtyard, name="1栋")


@pytest.fixture
def bounded(admin_user, courtyard) -> Place:
    """中加水岸小区 with a boundary, so lat/long inside it resolve to it."""
    return place_boundary_set(actor=admin_user, place=courtyard, geometry=COURTYARD_BOUNDARY)


@pytest.fixture
def key(demo) -> NewApiKey:
    return apikey_create(actor=None, name="城市App")


@pytest.fixture
def property_company(demo) -> Unit:
    return Unit.objects.get(name="中加水岸物业服务中心")


@pytest.fixture
def back_office(demo, property_company) -> NewApiKey:
    """The property company's system: its service user is a member of the company."""
    return apikey_create(actor=None, name="物业系统", units=[property_company])


class Open311Client:
    """GET and POST under /open311/v2/, parsed: JSON as Python, XML as an Element."""

    def __init__(self) -> None:
        self.client = Client()

    def url(self, resource: str, fmt: str) -> str:
        return f"{BASE}/{resource}.{fmt}"

    def get(self, resource: str, fmt: str = "json", **query: Any) -> Any:
        return self.client.get(self.url(resource, fmt), query)

    def post(self, resource: str, fmt: str = "json", data: Any = None, **kwargs: Any) -> Any:
        # Messages are asserted in English (an Open311 back office usually asks for it); the
        # default language, zh-hans, would answer them in Chinese.
        kwargs.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        return self.client.post(self.url(resource, fmt), data or {}, **kwargs)

    def form(self, resource: str, fmt: str, body: str) -> Any:
        """POST a raw form-encoded body (for attribute[code][]=… pairs)."""
        return self.client.post(
            self.url(resource, fmt), body, content_type="application/x-www-form-urlencoded"
        )


def parsed(response: Any) -> Any:
    if response["Content-Type"].startswith("application/json"):
        return json.loads(response.content.decode("utf-8"))
    return ET.fromstring(response.content)


@pytest.fixture
def o311() -> Open311Client:
    return Open311Client()


def report_data(key: NewApiKey, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "api_key": key.raw,
        "service_code": "property.elevator",
        "address_id": "",
        "description": "1栋2单元电梯停运三天，老人上下楼困难。",
        **INSIDE,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def file_case(resident, building):
    """file_case(**overrides): a resident's property report from 中加水岸小区 1栋, through the
    cases services (channel web), at the frozen time unless `at` is given."""
    from gongzhi.cases.models import Category
    from gongzhi.cases.services import case_report

    def make(**overrides: Any):
        at = overrides.pop("at", None)
        fields: dict[str, Any] = dict(
            actor=resident,
            channel="web",
            category=Category.objects.get(code=overrides.pop("code", "property.elevator")),
            nature="help",
            title="电梯停了三天",
            description="1栋2单元电梯停运三天，老人上下楼困难。",
            place=building,
        )
        fields.update(overrides)
        if at is None:
            return case_report(**fields)
        with clock.frozen(at):
            return case_report(**fields)

    return make
