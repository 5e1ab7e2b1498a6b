"""The OpenAPI document tells the truth: real requests of the named actors on the demo data,
each request checked against the document before it is sent (path, parameters, body) and each
response after (status, body), with openapi-core. Errors too: 400, 401, 403, 404, 409, 413,
429."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from gongzhi.accounts.models import Unit, User
from gongzhi.api.tests.conftest import openapi_document
from gongzhi.cases.tests.conftest import MONDAY_MORNING
from gongzhi.core import clock
from gongzhi.places.models import Place

pytestmark = pytest.mark.django_db

HOST = "http://testserver"


@pytest.fixture(scope="module")
def openapi() -> OpenAPI:
    return OpenAPI.from_dict(openapi_document())


class Contract:
    """Sends requests as one actor (or anonymously) and checks both ends against the document."""

    def __init__(self, openapi: OpenAPI, user: User | None = None) -> None:
        self.openapi = openapi
        self.client = APIClient()
        self.headers: dict[str, str] = {}
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            self.headers["Authorization"] = f"Token {token.key}"
            self.client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: dict[str, Any] | None = None,
        status: int = 200,
        valid_request: bool = True,
    ) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        if valid_request:
            self.openapi.validate_request(
                MockRequest(
                    HOST,
                    method.lower(),
                    path,
                    args=query or {},
                    headers=self.headers,
                    data=data,
                    content_type="application/json" if data else "",
                )
            )
        url = f"{path}?{urlencode(query)}" if query else path
        response = self.client.generic(
            method, url, data or b"", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == status, response.content
        self.openapi.validate_response(
            MockRequest(HOST, method.lower(), path, args=query or {}, headers=self.headers),
            MockResponse(
                response.content,
                status_code=response.status_code,
                headers=dict(response.headers),
                content_type=response["Content-Type"] if response.content else "",
            ),
        )
        return response.json() if response.content else None


@pytest.fixture
def as_(openapi):
    def make(user: User | None = None) -> Contract:
        return Contract(openapi, user)

    return make


@pytest.fixture
def building(demo) -> Place:
    return Place.objects.get(parent__name="中加水岸小区", name="1栋")


def test_the_public_endpoints_match_the_document(as_, xinqiao):
    anonymous = as_()
    anonymous.call("GET", "/api/v1/")
    places = anonymous.call("GET", "/api/v1/places/", query={"parent": xinqiao.pk})
    assert places["results"]
    anonymous.call("GET", f"/api/v1/places/{xinqiao.pk}/")
    units = anonymous.call("GET", "/api/v1/units/", query={"under": xinqiao.pk})
    anonymous.call("GET", f"/api/v1/units/{units['results'][0]['id']}/")
    anonymous.call("GET", "/api/v1/categories/")
    anonymous.call("GET", f"/api/v1/public/places/{xinqiao.pk}/cases/")
    anonymous.call(
        "GET", "/api/v1/places/", query={"level": "planet"}, status=400, valid_request=False
    )
    anonymous.call("GET", "/api/v1/places/987654/", status=404)
    anonymous.call("GET", "/api/v1/me/", status=401, valid_request=False)


def test_people_and_tokens_match_the_document(as_, worker, resident, demo):
    staff = as_(worker)
    staff.call("GET", "/api/v1/me/")
    staff.call("GET", "/api/v1/people/")
    staff.call("GET", f"/api/v1/people/{resident.pk}/")
    as_(resident).call("GET", "/api/v1/people/", status=403)
    anonymous = as_()
    login = {"username": "zhangwei", "password": "Gongzhi@2026"}
    assert anonymous.call("POST", "/api/v1/auth/token/", login)["token"]
    wrong = {"username": "zhangwei", "password": "wrong"}
    anonymous.call("POST", "/api/v1/auth/token/", wrong, status=400)
    staff.call("DELETE", "/api/v1/auth/token/", status=204)


def test_a_case_s_life_matches_the_document(as_, resident, worker, supervisor, building):
    handler = User.objects.get(username="wuyong")
    company = Unit.objects.get(name="中加水岸物业服务中心")
    reporter, unit, boss = as_(resident), as_(handler), as_(supervisor)
    report = {
        "category": "property",
        "nature": "help",
        "title": "电梯停了三天",
        "description": "1栋2单元电梯停运三天，老人上下楼困难。",
        "place": building.pk,
        "answers": {"unit_no": "2单元", "since": "week"},
    }
    with clock.frozen(MONDAY_MORNING):
        case = reporter.call("POST", "/api/v1/cases/", report, status=201)
        reporter.call("POST", "/api/v1/cases/", {"title": ""}, status=400, valid_request=False)
        url = f"/api/v1/cases/{case['id']}"
        reporter.call("GET", f"{url}/")
        reporter.call("GET", "/api/v1/cases/")
        as_(worker).call("GET", "/api/v1/cases/", query={"page_size": 1})
        as_(worker).call("GET", f"{url}/")
        as_(worker).call("GET", "/api/v1/dispatch/")
        as_(worker).call(
            "GET", "/api/v1/routing/preview/", query={"category": "property", "place": building.pk}
        )
        unit.call("GET", f"/api/v1/units/{company.pk}/queue/")
        unit.call("POST", f"{url}/accept/", {"note": "已派维修工"})
        unit.call("POST", f"{url}/accept/", {}, status=409)  # already accepted
        due = dt.datetime.fromisoformat(unit.call("GET", f"{url}/")["resolve_due_at"])
        extension = unit.call(
            "POST",
            f"{url}/extensions/",
            {"reason": "配件待到货", "new_due_at": (due + dt.timedelta(days=3)).isoformat()},
            status=201,
        )
        boss.call(
            "POST", f"/api/v1/extensions/{extension['id']}/decision/", {"grant": True, "note": ""}
        )
        boss.call("POST", f"{url}/supervise/", {"note": "请说明进度"})
        note = boss.call("GET", f"{url}/")["handling"]["supervision_notes"][0]
        unit.call("POST", f"/api/v1/supervision-notes/{note['id']}/answer/", {"answer": "明日完工"})
        boss.call("GET", "/api/v1/supervision/overdue/")
        unit.call("POST", f"{url}/start/", {"note": ""})
        unit.call("POST", f"{url}/comment/", {"note": "已联系厂家"})
        unit.call("POST", f"{url}/resolve/", {"resolution": "已更换控制板，电梯恢复运行。"})
        reporter.call("POST", f"{url}/follow/")
        reporter.call("DELETE", f"{url}/follow/")
        reporter.call(
            "POST",
            f"{url}/follow-up/",
            {"solved": True, "rating": "satisfied", "comment": "谢谢"},
        )
        as_(resident).call("GET", "/api/v1/cases/987654/", status=404)
        as_().call("POST", f"{url}/accept/", {}, status=401, valid_request=False)


def test_limits_answer_as_the_document_says(as_, resident, settings):
    settings.GONGZHI_API_RATE_USER = "1/60"
    reporter = as_(resident)
    with clock.frozen(MONDAY_MORNING):
        reporter.call("GET", "/api/v1/me/")
        reporter.call("GET", "/api/v1/me/", status=429)
    settings.GONGZHI_API_MAX_BODY_BYTES = 100
    reporter.call("POST", "/api/v1/cases/", {"title": "x" * 200}, status=413, valid_request=False)
