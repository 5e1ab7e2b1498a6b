from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases import services
from gongzhi.cases.choices import CaseState
from gongzhi.cases.models import FollowUp
from gongzhi.core import clock
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import Notification

from .conftest import MONDAY_MORNING


@pytest.fixture
def resolved(report, property_handler):
    def make():
        case = services.case_accept(actor=property_handler, case=report())
        with clock.frozen(MONDAY_MORNING + dt.timedelta(hours=5)):
            return services.case_resolve(actor=property_handler, case=case, resolution="已修复")

    return make


def test_a_satisfied_resident_closes_the_case_with_the_rating(resolved, resident, property_handler):
    case = services.case_follow_up(
        actor=resident, case=resolved(), solved=True, rating="satisfied", comment="很快"
    )
    assert case.state == CaseState.CLOSED and case.close_reason == "rated"
    assert (case.solved, case.rating) == (True, "satisfied")
    assert FollowUp.objects.get(case=case).comment == "很快"
    assert Notification.objects.filter(recipient=property_handler, kind="case.rated").exists()


def test_dissatisfied_within_duty_reopens_to_the_same_unit_with_new_deadlines(resolved, resident):
    case = resolved()
    old_due = case.resolve_due_at
    with clock.frozen(MONDAY_MORNING + dt.timedelta(days=2)):
        case = services.case_follow_up(
            actor=resident, case=case, solved=False, rating="dissatisfied", reason="not_solved"
        )
    assert case.state == CaseState.DISPATCHED and case.unit.name == "中加水岸物业服务中心"
    assert (
        case.reopen_count == 1 and case.resolve_due_at > old_due and case.first_receiver is not None
    )
    assert case.events.filter(action="reopen", is_public=True).exists()


def test_dissatisfied_beyond_duty_closes_with_the_rating_kept(resolved, resident):
    case = services.case_follow_up(
        actor=resident, case=resolved(), solved=False, rating="dissatisfied", reason="beyond_duty"
    )
    assert case.state == CaseState.CLOSED and case.rating == "dissatisfied"


def test_an_agent_records_a_phone_follow_up(resolved, agent):
    case = services.case_follow_up(
        actor=agent, case=resolved(), solved=True, rating="mostly_satisfied", by_phone=True
    )
    assert case.state == CaseState.CLOSED and FollowUp.objects.get(case=case).by_phone


def test_only_the_reporter_or_an_agent_may_rate(resolved, property_handler, outsider):
    case = resolved()
    for actor in (property_handler, outsider):
        with pytest.raises(NotPermitted):
            services.case_follow_up(actor=actor, case=case, solved=True, rating="satisfied")


def test_dissatisfied_needs_a_reason(resolved, resident):
    with pytest.raises(InvalidInput) as error:
        services.case_follow_up(
            actor=resident, case=resolved(), solved=False, rating="dissatisfied"
        )
    assert "reason" in error.value.fields


def test_unrated_cases_close_as_no_response_after_the_configured_days(resolved, settings):
    settings.CASE_FOLLOW_UP_DAYS = 7
    case = resolved()
    with clock.frozen(case.resolved_at + dt.timedelta(days=6)):
        assert services.case_deadline_sweep()["closed"] == 0
    with clock.frozen(case.resolved_at + dt.timedelta(days=7, minutes=1)):
        assert services.case_deadline_sweep()["closed"] == 1
        assert services.case_deadline_sweep()["closed"] == 0
    case.refresh_from_db()
    assert (
        case.state == CaseState.CLOSED and case.close_reason == "no_response" and case.rating == ""
    )
