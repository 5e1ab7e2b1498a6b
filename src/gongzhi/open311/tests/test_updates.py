"""mySociety's service request updates: GET the public updates, POST a back office's status."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.accounts.services import apikey_create
from gongzhi.cases.tests.conftest import MONDAY_MORNING
from gongzhi.core import clock
from gongzhi.core.models import AuditEntry
from gongzhi.open311.models import PushedUpdate
from gongzhi.open311.tests.conftest import parsed

FORMATS = ["xml", "json"]


def updates(response):
    body = parsed(response)
    if isinstance(body, list):
        return body
    assert body.tag == "service_request_updates"
    return [{c.tag: c.text for c in item} for item in body.findall("request_update")]


def push(o311, key, fmt="json", **data):
    return o311.post("servicerequestupdates", fmt, {"api_key": key.raw, **data})


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_back_office_closes_a_case_of_its_unit(o311, back_office, file_case, fmt):
    case = file_case()
    response = push(
        o311,
        back_office,
        fmt,
        service_request_id=case.number,
        status="CLOSED",
        description="已修好电梯。",
        update_id="crm-1",
        updated_datetime="2026-11-17T08:55:00+08:00",
    )
    assert response.status_code == 200, response.content
    update_id = updates(response)[0]["update_id"]
    case.refresh_from_db()
    assert case.state == "resolved" and case.resolution == "已修好电梯。"
    assert case.first_receiver.name == "中加水岸物业服务中心"  # it was accepted on the way
    assert [e.action for e in case.events.order_by("id")][-2:] == ["accept", "resolve"]
    assert str(case.events.order_by("-id").first().pk) == update_id
    audit = AuditEntry.objects.get(action="case.resolved", object_id=str(case.pk))
    assert audit.actor == back_office.key.user and audit.channel == "open311"


def test_the_same_update_id_is_applied_once(o311, back_office, file_case):
    case = file_case()
    data = {"service_request_id": case.number, "status": "IN_PROGRESS", "update_id": "crm-7"}
    first = updates(push(o311, back_office, **data))[0]["update_id"]
    again = push(o311, back_office, **data)
    assert again.status_code == 200 and updates(again)[0]["update_id"] == first
    case.refresh_from_db()
    assert case.state == "in_progress"
    assert PushedUpdate.objects.get().event_id == int(first)


def test_open_accepts_and_then_a_description_is_a_note(o311, back_office, file_case):
    case = file_case()
    assert push(o311, back_office, service_request_id=case.number, status="open").status_code == 200
    case.refresh_from_db()
    assert case.state == "accepted"
    nothing = push(o311, back_office, service_request_id=case.number, status="OPEN")
    assert nothing.status_code == 400
    note = push(
        o311, back_office, service_request_id=case.number, status="OPEN", description="已联系"
    )
    assert note.status_code == 200
    assert case.events.order_by("-id").first().action == "comment"


def test_not_our_responsibility_returns_the_case(o311, back_office, file_case):
    case = file_case()
    response = push(
        o311,
        back_office,
        service_request_id=case.number,
        status="NOT_COUNCILS_RESPONSIBILITY",
        description="不属于物业职责",
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.state == "returned" and case.unit is None


def test_a_key_outside_the_unit_may_not_move_the_case(o311, key, file_case):
    case = file_case()
    response = push(o311, key, service_request_id=case.number, status="CLOSED", description="x")
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.state == "dispatched"


def test_errors_of_pushed_updates(o311, back_office, file_case, demo):
    case = file_case()
    assert push(o311, back_office, status="CLOSED").status_code == 400  # no service_request_id
    assert push(o311, back_office, service_request_id=case.number).status_code == 400  # no status
    unknown = push(o311, back_office, service_request_id="nope", status="CLOSED", description="x")
    assert unknown.status_code == 404
    odd = push(o311, back_office, service_request_id=case.number, status="DUPLICATE")
    assert odd.status_code == 400 and "DUPLICATE" in odd.content.decode()
    no_note = push(o311, back_office, service_request_id=case.number, status="CLOSED")
    assert no_note.status_code == 400  # a resolution needs its description
    case.refresh_from_db()
    assert case.state == "dispatched"  # all or nothing: the accept on the way was undone
    reader = apikey_create(actor=None, name="只读", read_only=True)
    assert push(o311, reader, service_request_id=case.number, status="OPEN").status_code == 403
    anonymous = o311.post("servicerequestupdates", "xml", {"service_request_id": case.number})
    assert anonymous.status_code == 403


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_updates_lists_the_public_updates_in_the_window(o311, back_office, file_case, fmt):
    old = file_case(at=MONDAY_MORNING - dt.timedelta(days=100))
    case = file_case()
    with clock.frozen(MONDAY_MORNING + dt.timedelta(hours=1)):
        push(o311, back_office, service_request_id=case.number, status="OPEN")
        push(o311, back_office, service_request_id=case.number, status="OPEN", description="内部")
        push(
            o311, back_office, service_request_id=case.number, status="FIXED", description="修好了"
        )
        response = o311.get("servicerequestupdates", fmt)
        paged = updates(o311.get("servicerequestupdates", fmt, page_size="3", page="2"))
    assert len(paged) == 1
    assert response.status_code == 200
    listed = updates(response)
    assert {u["service_request_id"] for u in listed} == {case.number}  # the old one is outside
    assert [u["external_status_code"] for u in listed] == [
        "submitted",
        "dispatched",
        "accepted",
        "resolved",
    ]  # the staff note is not public
    assert [u["status"] for u in listed] == ["OPEN", "OPEN", "OPEN", "CLOSED"]
    assert listed[-1]["description"] == "修好了"
    assert all(u["updated_datetime"].endswith("+08:00") for u in listed)
    assert set(listed[0]) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
        "external_status_code",
    }
    window = o311.get(
        "servicerequestupdates",
        fmt,
        start_date="2026-08-01T00:00:00+08:00",
        end_date="2026-08-31T00:00:00+08:00",
    )
    assert {u["service_request_id"] for u in updates(window)} == {old.number}
