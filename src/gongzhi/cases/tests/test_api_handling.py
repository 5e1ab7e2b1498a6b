"""The closed loop through the API: each step checked for visibility (404), permission (403)
and state (409 invalid_transition), answered with the case as the caller may see it."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.api.tests import conftest as api_fixtures
from gongzhi.api.tests.conftest import assert_error
from gongzhi.cases.models import CaseEvent, CasePhoto
from gongzhi.core import clock

from .conftest import MONDAY_MORNING, png_bytes, unit

pytestmark = pytest.mark.django_db
api, api_as = api_fixtures.api, api_fixtures.api_as

LATER = MONDAY_MORNING + dt.timedelta(hours=2)
STEPS = [
    "dispatch",
    "reroute",
    "accept",
    "return",
    "start",
    "escalate",
    "resolve",
    "comment",
    "remind",
    "supervise",
    "extensions",
]


def step(client, case_id, name, fmt="json", **data):
    with clock.frozen(LATER):
        return client.post(f"/api/v1/cases/{case_id}/{name}/", data, format=fmt)


def detail(client, case_id):
    with clock.frozen(LATER):
        response = client.get(f"/api/v1/cases/{case_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_whole_loop_reported_accepted_started_resolved(
    api_as, resident, property_handler, building
):
    with clock.frozen(MONDAY_MORNING):
        response = api_as(resident).post(
            "/api/v1/cases/",
            {
                "category": "property.elevator",
                "nature": "help",
                "title": "电梯停了三天",
                "description": "1栋2单元电梯停运三天。",
                "place": building.pk,
            },
            format="json",
        )
    assert response.status_code == 201, response.content
    case_id = response.json()["id"]
    handler = api_as(property_handler)

    as_handler = detail(handler, case_id)
    assert {"accept", "return", "escalate"} <= {a["name"] for a in as_handler["actions"]}

    accepted = step(handler, case_id, "accept", note="已安排维修")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    assert accepted.json()["handling"]["first_receiver"]["name"] == "中加水岸物业服务中心"

    started = step(handler, case_id, "start")
    assert started.json()["state"] == "in_progress"
    assert "resolve" in {a["name"] for a in started.json()["actions"]}

    resolved = step(
        handler,
        case_id,
        "resolve",
        fmt="multipart",
        resolution="更换了控制板，电梯已恢复运行。",
        photos=[png_bytes()],
    )
    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["state"] == "resolved"
    assert CasePhoto.objects.filter(case_id=case_id).count() == 1

    mine = detail(api_as(resident), case_id)
    assert mine["state"] == "resolved"
    assert mine["resolution"] == "更换了控制板，电梯已恢复运行。"
    assert [e["action"] for e in mine["timeline"]] == [
        "submit",
        "dispatch",
        "accept",
        "start",
        "resolve",
    ]
    assert len(mine["timeline"][-1]["photos"]) == 1


def test_the_resident_sees_the_resident_safe_timeline(
    api_as, report, resident, worker, property_handler
):
    case = report()
    step(api_as(property_handler), case.pk, "accept", note="内部：派张师傅，周三前修好")
    commented = step(api_as(worker), case.pk, "comment", note="该户多次投诉，注意沟通")
    assert commented.status_code == 200, commented.content

    staff = detail(api_as(worker), case.pk)
    mine = detail(api_as(resident), case.pk)

    assert "comment" in [e["action"] for e in staff["timeline"]]
    assert "内部：派张师傅" in str(staff["timeline"])
    assert staff["handling"] is not None
    assert [e["action"] for e in mine["timeline"]] == ["submit", "dispatch", "accept"]
    text = str(mine)
    assert "多次投诉" not in text and "张师傅" not in text
    for entry in mine["timeline"]:
        assert entry["actor"] is None and entry["data"] == {}
        assert entry["note"] == entry["public_note"]
    assert mine["handling"] is None


def test_the_handling_unit_sees_the_reporter_masked_unless_allowed(
    api_as, report, property_handler, worker
):
    hidden = detail(api_as(property_handler), report().pk)
    named = detail(api_as(property_handler), report(reporter_may_be_named=True).pk)
    by_worker = detail(api_as(worker), report().pk)

    assert hidden["contact"]["name"] == "张*" and hidden["contact"]["phone"] == "139****1001"
    assert hidden["timeline"][0]["actor"] == "张*"  # the report's author is the reporter
    assert named["contact"]["name"] == "张伟" and named["timeline"][0]["actor"] == "张伟"
    assert by_worker["contact"]["phone"] == "13900001001"  # the community calls back


@pytest.mark.parametrize("name", STEPS)
def test_an_outsider_gets_404_on_a_xinqiao_case_and_its_steps(api_as, report, outsider, name):
    case = report()
    client = api_as(outsider)

    assert_error(client.get(f"/api/v1/cases/{case.pk}/"), 404, "not_found")
    response = step(client, case.pk, name, note="x", reason="x", unit=case.unit_id)
    assert_error(response, 404, "not_found")
    assert CaseEvent.objects.filter(case=case).count() == 2  # submit, dispatch


def test_a_member_of_another_unit_may_not_accept(api_as, report, worker, handler):
    case = report()

    # 刘洋 sees the case (the community's worker) but is not of the property company: 403.
    assert_error(step(api_as(worker), case.pk, "accept"), 403, "permission_denied")
    # 赵磊 of 住建局 does not even see it: 404.
    assert_error(step(api_as(handler), case.pk, "accept"), 404, "not_found")
    case.refresh_from_db()
    assert case.state == "dispatched"


def test_an_illegal_transition_is_a_409(api_as, report, property_handler):
    case = report()
    client = api_as(property_handler)

    body = assert_error(step(client, case.pk, "start"), 409, "invalid_transition")
    assert body["fields"] == {}
    assert step(client, case.pk, "accept").status_code == 200
    assert_error(step(client, case.pk, "accept"), 409, "invalid_transition")


def test_a_step_checks_its_fields(api_as, report, property_handler):
    case = report()
    client = api_as(property_handler)

    wrong_reason = assert_error(
        step(client, case.pk, "return", reason="bored", note="x"), 400, "invalid"
    )
    blank_note = assert_error(step(client, case.pk, "escalate", note="  "), 400, "invalid")
    no_note = assert_error(step(client, case.pk, "escalate"), 400, "invalid")

    assert set(wrong_reason["fields"]) == {"reason"}
    assert set(blank_note["fields"]) == set(no_note["fields"]) == {"note"}


def test_a_returned_case_leaves_the_unit_and_waits_for_the_dispatcher(
    api_as, report, property_handler, worker
):
    case = report()

    returned = step(
        api_as(property_handler), case.pk, "return", reason="wrong_duty", note="电梯归住建"
    )

    assert returned.status_code == 200, returned.content
    body = returned.json()
    # Out of the unit's sight now: the case as it was seen, no timeline, no further steps.
    assert (body["state"], body["unit"], body["timeline"], body["actions"]) == (
        "returned",
        None,
        [],
        [],
    )
    assert_error(api_as(property_handler).get(f"/api/v1/cases/{case.pk}/"), 404, "not_found")
    dispatcher = api_as(worker)
    with clock.frozen(LATER):
        console = dispatcher.get("/api/v1/dispatch/").json()
    assert case.pk in {c["id"] for c in console["returned"]}
    housing = unit("金牛区住房和城乡建设局")
    dispatched = step(dispatcher, case.pk, "dispatch", unit=housing.pk, note="转住建局")
    assert dispatched.json()["unit"]["name"] == "金牛区住房和城乡建设局"
    rerouted = step(dispatcher, case.pk, "reroute", unit=housing.pk, note="again")
    assert set(assert_error(rerouted, 400, "invalid")["fields"]) == {"unit"}


def test_escalation_passes_the_case_up_and_a_dispatcher_may_remind(
    api_as, report, property_handler, worker
):
    case = report()
    step(api_as(property_handler), case.pk, "accept")

    escalated = step(api_as(property_handler), case.pk, "escalate", note="需要社区协调")
    reminded = step(api_as(worker), case.pk, "remind", note="请尽快签收")

    assert escalated.json()["state"] == "escalated"
    assert escalated.json()["unit"]["name"] == "新桥社区居民委员会"
    assert reminded.status_code == 200, reminded.content
    assert CaseEvent.objects.filter(case=case, action="remind").exists()


def test_an_extension_is_asked_and_decided(api_as, report, property_handler, supervisor, resident):
    case = report()
    handler = api_as(property_handler)
    step(handler, case.pk, "accept")
    due = dt.datetime.fromisoformat(detail(handler, case.pk)["resolve_due_at"])
    new_due = (due + dt.timedelta(days=5)).isoformat()

    asked = step(
        handler, case.pk, "extensions", reason="需要更换整机，配件待到货", new_due_at=new_due
    )

    assert asked.status_code == 201, asked.content
    extension = asked.json()
    assert extension["state"] == "pending" and extension["unit"]["name"] == "中加水岸物业服务中心"
    url = f"/api/v1/extensions/{extension['id']}/decision/"
    again = step(handler, case.pk, "extensions", reason="再延", new_due_at=new_due)
    assert set(assert_error(again, 400, "invalid")["fields"]) == {"new_due_at"}
    assert_error(handler.post(url, {"grant": True}, format="json"), 403, "permission_denied")
    assert_error(
        api_as(resident).post(url, {"grant": True}, format="json"), 403, "permission_denied"
    )
    refusal = api_as(supervisor).post(url, {"grant": False}, format="json")
    assert set(assert_error(refusal, 400, "invalid")["fields"]) == {"note"}

    with clock.frozen(LATER):
        granted = api_as(supervisor).post(url, {"grant": True, "note": "同意"}, format="json")

    assert granted.status_code == 200, granted.content
    assert granted.json()["state"] == "granted" and granted.json()["decided_by"] == "周敏"
    assert dt.datetime.fromisoformat(detail(handler, case.pk)["resolve_due_at"]) == (
        dt.datetime.fromisoformat(new_due)
    )
    staff_view = detail(api_as(supervisor), case.pk)["handling"]["extensions"]
    assert [e["state"] for e in staff_view] == ["granted"]
    decided_again = api_as(supervisor).post(url, {"grant": True}, format="json")
    assert_error(decided_again, 409, "invalid_transition")


def test_an_outsider_cannot_reach_an_extension_or_a_note(
    api_as, report, property_handler, supervisor, outsider
):
    case = report()
    step(api_as(property_handler), case.pk, "accept")
    due = dt.datetime.fromisoformat(detail(api_as(property_handler), case.pk)["resolve_due_at"])
    extension = step(
        api_as(property_handler),
        case.pk,
        "extensions",
        reason="配件",
        new_due_at=(due + dt.timedelta(days=2)).isoformat(),
    ).json()
    step(api_as(supervisor), case.pk, "supervise", note="请说明进度")
    note = detail(api_as(supervisor), case.pk)["handling"]["supervision_notes"][0]
    client = api_as(outsider)

    decision = client.post(f"/api/v1/extensions/{extension['id']}/decision/", {"grant": True})
    answer = client.post(f"/api/v1/supervision-notes/{note['id']}/answer/", {"answer": "x"})

    assert_error(decision, 404, "not_found")
    assert_error(answer, 404, "not_found")
    assert_error(
        client.post("/api/v1/extensions/987654/decision/", {"grant": True}), 404, "not_found"
    )


def test_a_supervision_note_is_answered_by_the_unit(
    api_as, report, property_handler, supervisor, worker
):
    case = report()

    supervised = step(api_as(supervisor), case.pk, "supervise", note="为何两天未签收？")

    assert supervised.status_code == 200, supervised.content
    notes = supervised.json()["handling"]["supervision_notes"]
    assert [(n["note"], n["answer"], n["author"]) for n in notes] == [
        ("为何两天未签收？", "", "周敏")
    ]
    url = f"/api/v1/supervision-notes/{notes[0]['id']}/answer/"
    not_theirs = api_as(worker).post(url, {"answer": "社区代答"}, format="json")
    assert_error(not_theirs, 403, "permission_denied")
    blank = api_as(property_handler).post(url, {"answer": ""}, format="json")
    assert set(assert_error(blank, 400, "invalid")["fields"]) == {"answer"}

    answered = api_as(property_handler).post(url, {"answer": "配件今天到，明天修好"}, format="json")

    assert answered.status_code == 200, answered.content
    assert answered.json()["answered_by"] == "吴勇"
    twice = api_as(property_handler).post(url, {"answer": "再答"}, format="json")
    assert_error(twice, 409, "invalid_transition")
    assert_error(
        step(api_as(property_handler), case.pk, "supervise", note="x"), 403, "permission_denied"
    )


def test_the_steps_are_documented_with_their_errors(api):
    paths = api.get("/api/v1/schema/", {"format": "json"}).json()["paths"]

    for name in STEPS:
        operation = paths[f"/api/v1/cases/{{id}}/{name}/"]["post"]
        assert {"400", "401", "403", "404", "409", "413", "429"} <= set(operation["responses"])
    assert set(paths["/api/v1/cases/{id}/"]["get"]["responses"]) == {"200", "401", "404", "429"}
    report = paths["/api/v1/cases/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in report and "application/json" in report


def test_api_follow_up_merge_and_follow(report, property_handler, resident, worker, supervisor):
    from rest_framework.test import APIClient

    from gongzhi.cases import services as case_services
    from gongzhi.cases.models import CaseFollower

    case = case_services.case_accept(actor=property_handler, case=report())
    case_services.case_resolve(actor=property_handler, case=case, resolution="已修复")
    client = APIClient()
    client.force_authenticate(resident)
    response = client.post(
        f"/api/v1/cases/{case.pk}/follow-up/",
        {"solved": True, "rating": "satisfied"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["state"] == "closed"
    response = client.post(
        f"/api/v1/cases/{case.pk}/follow-up/",
        {"solved": True, "rating": "satisfied"},
        format="json",
    )
    assert response.status_code == 409

    survivor, duplicate = report(), report()
    client.force_authenticate(worker)
    response = client.post(
        f"/api/v1/cases/{duplicate.pk}/merge/", {"into": survivor.pk}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "closed"

    client.force_authenticate(supervisor)
    assert client.post(f"/api/v1/cases/{survivor.pk}/follow/").status_code == 200
    assert CaseFollower.objects.filter(case=survivor, user=supervisor).exists()
    assert client.delete(f"/api/v1/cases/{survivor.pk}/follow/").status_code == 200
    assert not CaseFollower.objects.filter(case=survivor, user=supervisor).exists()
