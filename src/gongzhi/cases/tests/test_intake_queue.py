"""The intake queue: `Prefer: respond-async` reports are checked, stored and answered 202; the
worker registers them as cases, once each, or rejects them with the reasons."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.models import Q

from gongzhi.accounts.models import User
from gongzhi.api.tests import conftest as api_fixtures
from gongzhi.api.tests.conftest import assert_error
from gongzhi.cases import intake
from gongzhi.cases.choices import IntakeState
from gongzhi.cases.models import Case, Intake
from gongzhi.core import clock
from gongzhi.core.models import AuditEntry, Notification

from .conftest import MONDAY_MORNING, category, png_bytes, report_json

pytestmark = pytest.mark.django_db
api, api_as = api_fixtures.api, api_fixtures.api_as

URL = "/api/v1/cases/"
ASYNC = {"HTTP_PREFER": "respond-async"}


def _report(building, **overrides):
    return report_json(building, **{"answers": {"unit_no": "2单元", "since": "week"}, **overrides})


def _queue(client, building, **overrides):
    response = client.post(URL, _report(building, **overrides), format="json", **ASYNC)
    assert response.status_code == 202, response.content
    return response


def test_a_queued_report_is_answered_at_once_and_registered_by_the_worker(
    api_as, resident, building
):
    client = api_as(resident)
    cases = Case.objects.count()

    with clock.frozen(MONDAY_MORNING):
        response = _queue(client, building)

    assert response["Preference-Applied"] == "respond-async"
    body = response.json()
    assert response["Location"] == body["url"] == f"http://testserver/api/v1/intake/{body['id']}/"
    assert body["state"] == "queued" and body["case"] is None and body["errors"] == {}
    assert body["received_at"] == "2026-11-17T09:00:00+08:00"
    assert Case.objects.count() == cases  # nothing registered yet
    assert client.get(body["url"]).json()["state"] == "queued"

    with clock.frozen(MONDAY_MORNING.replace(minute=1)):
        assert intake.intake_register_queued() == {"registered": 1, "rejected": 0, "failed": 0}

    status = client.get(body["url"]).json()
    assert status["state"] == "registered"
    case = Case.objects.get(pk=status["case"]["id"])
    assert status["case"]["number"] == case.number
    assert status["case"]["url"] == f"http://testserver{URL}{case.pk}/"
    # Registered as the resident's own report, routed, its clock started when it came in.
    assert case.reporter == resident and case.channel == "web"
    assert case.submitted_at == MONDAY_MORNING
    assert case.state == "dispatched" and case.unit.name == "中加水岸物业服务中心"
    assert case.answers == {"unit_no": "2单元", "since": "week"}
    assert case.title == "电梯停了三天"
    actions = set(
        AuditEntry.objects.filter(
            Q(object_type="cases.case", object_id=str(case.pk))
            | Q(object_type="cases.intake", object_id=body["id"])
        ).values_list("action", flat=True)
    )
    assert actions == {"case.reported", "case.dispatch", "case.intake_registered"}
    told = Notification.objects.get(recipient=resident, url=f"/cases/{case.pk}/")
    assert case.number in told.title


def test_the_queue_checks_what_a_report_at_once_checks_and_keeps_nothing_wrong(
    api_as, resident, building
):
    client = api_as(resident)
    queued = Intake.objects.count()

    response = client.post(
        URL,
        {
            "category": "no-such-category",
            "nature": "rant",
            "title": "",
            "place": 987654321,
            "latitude": 123,
        },
        format="json",
        **ASYNC,
    )
    fields = assert_error(response, 400, "invalid")["fields"]
    assert set(fields) == {"category", "nature", "title", "description", "place", "latitude"}

    # The services' rules: a required question unanswered and an unknown one.
    response = client.post(
        URL,
        _report(building, category="security", nature="tip_off", answers={"weapon": "knife"}),
        format="json",
        **ASYNC,
    )
    fields = assert_error(response, 400, "invalid")["fields"]
    assert set(fields) == {"answers.ongoing", "answers.weapon"}
    assert Intake.objects.count() == queued


def test_a_retired_category_is_refused_at_once(api_as, resident, building):
    elevator = category("property.elevator")
    elevator.is_active = False
    elevator.save()  # clears the per-process catalog

    response = api_as(resident).post(
        URL, _report(building, category="property.elevator", answers={}), format="json", **ASYNC
    )

    assert set(assert_error(response, 400, "invalid")["fields"]) == {"category"}


def test_what_cannot_wait_is_registered_at_once(api_as, resident, agent, building):
    """Photos, and staff registering for a resident, are not queued: the preference is not
    applied and the answer is the case (201)."""
    with_photo = api_as(resident).post(
        URL,
        {**_report(building, answers='{"since": "today"}'), "photos": [png_bytes()]},
        format="multipart",
        **ASYNC,
    )
    assert with_photo.status_code == 201, with_photo.content
    assert "Preference-Applied" not in with_photo

    by_agent = api_as(agent).post(
        URL,
        _report(building, channel="phone", on_behalf_of=resident.pk, contact_phone="13800000001"),
        format="json",
        **ASYNC,
    )
    assert by_agent.status_code == 201, by_agent.content
    assert "Preference-Applied" not in by_agent


def test_the_prefer_header_is_read_as_rfc_7240_says(api_as, resident, building):
    client = api_as(resident)
    for header in ("respond-async, wait=10", "return=minimal; x=1, RESPOND-ASYNC"):
        response = client.post(URL, _report(building), format="json", HTTP_PREFER=header)
        assert response.status_code == 202, header
    response = client.post(URL, _report(building), format="json", HTTP_PREFER="respond-sync")
    assert response.status_code == 201


def test_queueing_costs_two_queries(api_as, resident, building, django_assert_num_queries):
    """The token, and the one INSERT (categories and the place are remembered)."""
    client = api_as(resident)
    _queue(client, building)  # the catalog and the place are read once per process

    with django_assert_num_queries(2):
        _queue(client, building, title="电梯又停了")


def test_only_the_sender_sees_a_queued_report(api, api_as, resident, worker, building):
    url = _queue(api_as(resident), building).json()["url"]

    assert_error(api_as(worker).get(url), 404, "not_found")
    assert_error(api.get(url), 401, "not_authenticated")
    assert_error(api_as(resident).get("/api/v1/intake/not-a-uuid/"), 404, "not_found")


def test_a_report_that_can_no_longer_be_registered_is_rejected_with_its_reasons(
    api_as, resident, building
):
    client = api_as(resident)
    body = _queue(client, building, category="property.elevator", answers={}).json()
    elevator = category("property.elevator")
    elevator.is_active = False  # retired while the report waited
    elevator.save()
    cases = Case.objects.count()

    assert intake.intake_register_queued() == {"registered": 0, "rejected": 1, "failed": 0}

    status = client.get(body["url"]).json()
    assert status["state"] == "rejected" and status["case"] is None
    assert set(status["errors"]) == {"category"}
    assert Case.objects.count() == cases
    assert AuditEntry.objects.filter(action="case.intake_rejected", object_id=body["id"]).exists()
    told = Notification.objects.filter(recipient=resident).order_by("-id").first()
    assert told is not None and "电梯停了三天" in told.title and "category" in told.body


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_registers_the_queue(demo_committed, api_as):
    resident = User.objects.get(username="zhangwei")
    building = resident.grants.get().place
    _queue(api_as(resident), building, answers={})
    _queue(api_as(resident), building, answers={}, title="电梯又停了")

    call_command("worker", "--once")

    assert not Intake.objects.filter(state=IntakeState.QUEUED).exists()
    assert Intake.objects.filter(state=IntakeState.REGISTERED).count() >= 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_register_each_queued_report_once(demo_committed):
    resident = User.objects.get(username="zhangwei")
    building = resident.grants.get().place
    queued = [
        intake.intake_accept(
            actor=resident,
            category=intake.catalog().by_code["neighbours"],
            nature="help",
            title=f"并发受理 {i}",
            description="两个工作进程同时登记",
            place_id=building.pk,
        )
        for i in range(8)
    ]
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(intake.intake_register_queued())
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(r["registered"] for r in results) == 8
    rows = Intake.objects.filter(pk__in=[q.pk for q in queued])
    assert {r.state for r in rows} == {IntakeState.REGISTERED}
    cases = Case.objects.filter(intake__in=rows)
    assert cases.count() == 8 and len({c.title for c in cases}) == 8


def test_operators_see_the_queue_in_the_admin_read_only(admin_client, resident, building):
    queued = intake.intake_accept(
        actor=resident,
        category=intake.catalog().by_code["neighbours"],
        nature="help",
        title="楼上噪音",
        description="每晚十一点后仍有噪音",
        place_id=building.pk,
    )

    listing = admin_client.get("/admin/cases/intake/")
    assert listing.status_code == 200 and str(queued.pk) in listing.content.decode()
    page = admin_client.get(f"/admin/cases/intake/{queued.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()


def test_an_unexpected_failure_is_tried_again_then_rejected(
    api_as, resident, building, monkeypatch
):
    client = api_as(resident)
    body = _queue(client, building).json()

    def broken(**kwargs):
        raise RuntimeError("the routing table is broken")

    monkeypatch.setattr(intake.services, "case_report", broken)
    cases = Case.objects.count()

    # Each round tries once and stops there; the third round gives up.
    for attempt in (1, 2):
        assert intake.intake_register_queued() == {"registered": 0, "rejected": 0, "failed": 1}
        row = Intake.objects.get(pk=body["id"])
        assert (row.state, row.attempts) == (IntakeState.QUEUED, attempt)
    assert intake.intake_register_queued() == {"registered": 0, "rejected": 1, "failed": 0}

    status = client.get(body["url"]).json()
    assert status["state"] == "rejected" and set(status["errors"]) == {"report"}
    assert Case.objects.count() == cases


def test_old_rows_are_purged_and_the_queue_and_cases_kept(api_as, resident, building):
    client = api_as(resident)
    with clock.frozen(MONDAY_MORNING):
        old = _queue(client, building).json()["id"]
        intake.intake_register_queued()
    waiting = _queue(client, building, title="电梯又停了").json()["id"]  # still queued
    case = Case.objects.get(intake__pk=old)

    with clock.frozen(MONDAY_MORNING + dt.timedelta(days=31)):
        assert intake.intake_purge(keep_days=30) == 1

    assert not Intake.objects.filter(pk=old).exists()
    assert Intake.objects.filter(pk=waiting).exists()
    assert Case.objects.filter(pk=case.pk).exists()
    assert AuditEntry.objects.filter(action="case.intake_purged", after__deleted=1).exists()
