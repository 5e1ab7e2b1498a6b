from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from gongzhi.cases import services
from gongzhi.cases.choices import CaseState
from gongzhi.cases.models import Case
from gongzhi.cases.workflow import InvalidTransition
from gongzhi.core import clock, schedule
from gongzhi.core.models import Notification, PeriodicJob

from .conftest import MONDAY_MORNING


def _sweep_at(moment: dt.datetime) -> dict[str, int]:
    with clock.frozen(moment):
        return services.case_deadline_sweep()


def test_an_unaccepted_case_escalates_once_its_accept_deadline_passes(report, supervisor):
    case = report()
    assert _sweep_at(case.accept_due_at - dt.timedelta(minutes=1))["escalated"] == 0
    after = case.accept_due_at + dt.timedelta(minutes=1)
    assert _sweep_at(after)["escalated"] == 1
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATED and case.unit.name == "新桥社区居民委员会"
    event = case.events.get(action="escalate")
    assert event.actor is None and event.data["automatic"] is True
    # Idempotent: the same moment again escalates nothing twice.
    assert _sweep_at(after)["escalated"] == 0
    assert Notification.objects.filter(recipient=supervisor, kind="case.escalated").count() == 1


def test_it_climbs_again_after_each_levels_deadline_and_stops_at_the_top(report, supervisor):
    case = report()
    moment = case.accept_due_at
    units = []
    for _ in range(8):
        moment = Case.objects.get(pk=case.pk).accept_due_at or moment
        _sweep_at(moment + dt.timedelta(minutes=1))
        units.append(Case.objects.get(pk=case.pk).unit.name)
    assert units[:4] == [
        "新桥社区居民委员会",
        "沙河源街道办事处",
        "金牛区住房和城乡建设局",
        "成都市住房和城乡建设局",
    ]
    assert set(units[4:]) == {"成都市住房和城乡建设局"}
    case.refresh_from_db()
    assert case.needs_supervision and case.escalation_exhausted
    assert (
        Notification.objects.filter(recipient=supervisor, kind="case.overdue_at_top").count() == 1
    )


def test_an_accepted_case_escalates_after_its_resolve_deadline(report, property_handler):
    case = services.case_accept(actor=property_handler, case=report())
    _sweep_at(case.resolve_due_at + dt.timedelta(seconds=1))
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATED
    assert case.first_receiver.name == "中加水岸物业服务中心"  # still accountable


def test_reminders_go_out_once_when_the_deadline_nears(report, property_handler):
    with clock.frozen(MONDAY_MORNING):
        case = services.case_accept(actor=property_handler, case=report(nature="complaint"))
    near = case.resolve_due_at - dt.timedelta(hours=12)
    assert _sweep_at(near)["reminded"] == 1
    assert _sweep_at(near)["reminded"] == 0
    assert (
        Notification.objects.filter(recipient=property_handler, kind="case.reminder").count() == 1
    )


def test_the_scheduler_enqueues_the_sweep_once_per_interval(db):
    now = dt.datetime(2026, 11, 17, 2, 0, tzinfo=dt.UTC)
    assert schedule.claim_due(now) and schedule.claim_due(now) == []
    assert schedule.claim_due(now + dt.timedelta(seconds=30)) == []
    names = [j.name for j in schedule.claim_due(now + dt.timedelta(minutes=1))]
    assert names == ["cases.deadline_sweep", "notifications.send"]
    assert PeriodicJob.objects.get(name="cases.deadline_sweep").last_run_at == now + dt.timedelta(
        minutes=1
    )


def test_the_worker_runs_the_sweep(report, call_command_capture, monkeypatch):
    # The worker drops stale connections between polls; inside this test's transaction that
    # would close the connection the test runs in.
    import django_tasks_db.management.commands.db_worker as db_worker

    from gongzhi.core.management.commands import worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    case = report()
    with clock.frozen(case.accept_due_at + dt.timedelta(minutes=5)):
        call_command_capture("worker", "--once")
    case.refresh_from_db()
    assert case.state == CaseState.ESCALATED


@pytest.fixture
def call_command_capture():
    from django.core.management import call_command

    def run(*args):
        return call_command(*args)

    return run


@pytest.mark.django_db(transaction=True)
def test_two_handlers_accepting_at_once_exactly_one_wins(demo_committed, resident):
    """Real concurrent transactions: each thread has its own database connection."""
    from gongzhi.accounts.models import Unit, User
    from gongzhi.accounts.services import unit_member_add

    from .conftest import category

    with clock.frozen(MONDAY_MORNING):
        case = services.case_report(
            actor=resident,
            channel="web",
            category=category("property"),
            nature="help",
            title="并发签收",
            description="两人同时签收",
            place=resident.grants.get().place,
        )
    unit = Unit.objects.get(name="中加水岸物业服务中心")
    second = User.objects.create(username="wuyong2", name="吴二")
    unit_member_add(
        actor=User.objects.get(username="admin"), unit=unit, user=second, role="handler"
    )
    handlers = [User.objects.get(username="wuyong"), second]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(handler: User) -> None:
        try:
            barrier.wait(timeout=10)
            services.case_accept(actor=handler, case=Case.objects.get(pk=case.pk))
            outcomes.append("won")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept, args=(h,)) for h in handlers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused", "won"], outcomes
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    assert case.events.filter(action="accept").count() == 1
    assert connection.vendor in {"postgresql", "sqlite"}


@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_at_once_escalate_each_case_once(demo_committed, resident):
    from .conftest import category

    with clock.frozen(MONDAY_MORNING):
        cases = [
            services.case_report(
                actor=resident,
                channel="web",
                category=category("neighbours"),
                nature="help",
                title=f"并发巡检 {i}",
                description="两个工作进程同时扫描",
                place=resident.grants.get().place,
            )
            for i in range(6)
        ]
    after = max(c.accept_due_at for c in cases) + dt.timedelta(minutes=1)
    barrier = threading.Barrier(2)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            barrier.wait(timeout=10)
            with clock.frozen(after):
                results.append(services.case_deadline_sweep())
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(r["escalated"] for r in results) == 6
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        assert case.escalation_level == 1 and case.events.filter(action="escalate").count() == 1
