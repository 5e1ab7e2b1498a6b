"""Reporting through the API: JSON and multipart, every field error at once, nothing half-made."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from gongzhi.api.tests import conftest as api_fixtures
from gongzhi.api.tests.conftest import assert_error
from gongzhi.cases.models import Case, CasePhoto
from gongzhi.core import clock

from .conftest import MONDAY_MORNING, category, png_bytes, report_json

pytestmark = pytest.mark.django_db
# The API tests' clients: `api` (anonymous) and `api_as(user)` (with the user's token).
api, api_as = api_fixtures.api, api_fixtures.api_as

URL = "/api/v1/cases/"


def _report(building, **overrides):
    return report_json(building, **overrides)


def test_a_resident_reports_in_json_and_the_case_is_routed(api_as, resident, building):
    client = api_as(resident)

    with clock.frozen(MONDAY_MORNING):
        response = client.post(
            URL,
            _report(building, answers={"unit_no": "2单元", "since": "week"}),
            format="json",
        )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == body["url"] == f"http://testserver{URL}{body['id']}/"
    case = Case.objects.get(pk=body["id"])
    assert case.reporter == resident and case.channel == "web"
    assert body["state"] == "dispatched"
    assert body["unit"]["name"] == "中加水岸物业服务中心"
    assert body["category"] == {"id": case.category_id, "code": "property", "name": "物业与设施"}
    assert body["answers"] == {"unit_no": "2单元", "since": "week"}
    # Deadlines in Beijing time: accept by the end of the next working day.
    assert body["accept_due_at"] == "2026-11-18T23:59:59.999999+08:00"
    assert body["resolve_due_at"].endswith("+08:00")
    assert body["is_overdue"] is False
    # The reporter sees their own contact, the resident-safe timeline, no staff details.
    assert body["contact"]["name"] == "张伟" and body["contact"]["phone"] == "13900001001"
    assert [e["action"] for e in body["timeline"]] == ["submit", "dispatch"]
    assert "中加水岸物业服务中心" in body["timeline"][1]["note"]
    assert body["handling"] is None and body["actions"] == []


def test_a_report_with_photos_comes_as_a_multipart_form(api_as, resident, building):
    photos = [png_bytes(exif=True, fmt="JPEG"), png_bytes(size=(5, 5))]

    response = api_as(resident).post(
        URL,
        _report(
            building,
            answers=json.dumps({"since": "today"}),
            latitude="30.712345678912",
            longitude="104.012345",
            reporter_may_be_named="true",
            photos=photos,
        ),
        format="multipart",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert case.answers == {"since": "today"}
    assert str(case.latitude) == "30.712346" and case.reporter_may_be_named
    assert CasePhoto.objects.filter(case=case).count() == 2
    submitted = body["timeline"][0]
    assert [p["content_type"] for p in submitted["photos"]] == ["image/jpeg", "image/png"]
    assert submitted["photos"][0]["url"].startswith("http://testserver/")
    stored = Image.open(CasePhoto.objects.filter(case=case).first().image)
    assert not stored.getexif(), "EXIF kept"


def test_every_invalid_field_is_answered_at_once_and_nothing_is_kept(api_as, resident):
    before = Case.objects.count()

    response = api_as(resident).post(
        URL,
        {
            "category": "no-such-category",
            "nature": "rant",
            "title": "",
            "place": 987654321,
            "latitude": 123,
            "channel": "open311",
        },
        format="json",
    )

    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {
        "category",
        "nature",
        "title",
        "description",
        "place",
        "latitude",
        "channel",
    }
    assert Case.objects.count() == before


def test_the_services_rules_come_back_per_field_too(api_as, resident, building):
    """Types are right, but a required question is unanswered, one is unknown and the photo
    is not an image: all three in one answer, and no case, no photo left behind."""
    cases, photos = Case.objects.count(), CasePhoto.objects.count()
    fake = io.BytesIO(b"<?php echo 'not an image'; ?>")
    fake.name = "photo.jpg"

    response = api_as(resident).post(
        URL,
        _report(
            building,
            category="security",
            nature="tip_off",
            answers=json.dumps({"weapon": "knife"}),
            photos=[fake],
        ),
        format="multipart",
    )

    body = assert_error(response, 400, "invalid")
    assert set(body["fields"]) == {"answers.ongoing", "answers.weapon", "photos"}
    assert (Case.objects.count(), CasePhoto.objects.count()) == (cases, photos)


def test_answers_must_be_an_object(api_as, resident, building):
    response = api_as(resident).post(URL, _report(building, answers=["yes"]), format="json")

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"answers"}


def test_a_category_may_be_named_by_its_id(api_as, resident, building):
    elevator = category("property.elevator")

    response = api_as(resident).post(URL, _report(building, category=elevator.pk), format="json")

    assert response.status_code == 201, response.content
    assert response.json()["category"]["code"] == "property.elevator"


def test_an_agent_registers_a_phone_case_for_a_resident(api_as, agent, resident, building):
    response = api_as(agent).post(
        URL,
        _report(
            building,
            channel="phone",
            on_behalf_of=resident.pk,
            contact_detail="独居老人，白天在家，电话联系。",
        ),
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert (case.reporter, case.registered_by, case.channel) == (resident, agent, "phone")
    assert body["handling"]["registered_by"] == "杨帆"
    assert body["contact"]["phone"] == "13900001001"  # agents call back: case.view_contact
    mine = api_as(resident).get(URL).json()["results"]
    assert body["id"] in {c["id"] for c in mine}


def test_only_staff_channels_report_on_behalf_of_someone(
    api_as, resident, other_resident, building
):
    response = api_as(resident).post(
        URL, _report(building, on_behalf_of=other_resident.pk), format="json"
    )

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"on_behalf_of"}


def test_an_outsider_cannot_register_a_case_in_another_community(api_as, outsider, building):
    before = Case.objects.count()

    response = api_as(outsider).post(URL, _report(building, channel="patrol"), format="json")

    assert_error(response, 403, "permission_denied")
    assert Case.objects.count() == before


def test_reporting_needs_a_login(api, building):
    assert_error(api.post(URL, _report(building), format="json"), 401, "not_authenticated")
