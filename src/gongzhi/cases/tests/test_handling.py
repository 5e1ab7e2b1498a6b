from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases import services
from gongzhi.cases.choices import CaseState, ExtensionState
from gongzhi.cases.models import CaseEvent
from gongzhi.cases.workflow import InvalidTransition
from gongzhi.core import clock
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry, Notification

from .conftest import MONDAY_MORNING, png_bytes, unit

LATER = MONDAY_MORNING + dt.timedelta(hours=2)


def test_accepting_makes_the_unit_first_receiver_and_tells_the_resident(
    report, property_handler, resident
):
    case = report()
    with clock.frozen(LATER):
        case = services.case_accept(actor=property_handler, case=case)
    assert case.state == CaseState.ACCEPTED and case.accepted_at == LATER
    assert case.first_receiver == unit("中加水岸物业服务中心")
    assert Notification.objects.filter(recipient=resident, kind="case.accepted").exists()
    with pytest.raises(InvalidTransition):
        services.case_accept(actor=property_handler, case=case)


def test_an_outsider_cannot_accept(report, handler):
    case = report()  # with the property company, not 住建局
    with pytest.raises(NotPermitted):
        services.case_accept(actor=handler, case=case)
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED


def test_a_return_needs_a_reason_and_repeated_returns_reach_the_supervisor(
    report, property_handler, worker, supervisor, settings
):
    settings.CASE_MAX_RETURNS = 1
    case = report()
    with pytest.raises(InvalidInput):
        services.case_return(actor=property_handler, case=case, reason="wrong_duty", note="")
    case = services.case_return(
        actor=property_handler, case=case, reason="wrong_duty", note="不属于物业职责"
    )
    assert case.state == CaseState.RETURNED and case.unit is None and case.return_count == 1
    assert not case.needs_supervision
    assert Notification.objects.filter(recipient=worker, kind="case.returned").exists()
    # The dispatcher sends it back (e.g. the rule still says so); returned again: supervisor's list.
    case = services.case_dispatch(
        actor=worker, case=case, unit=unit("中加水岸物业服务中心"), note="请物业先核实"
    )
    case = services.case_return(
        actor=property_handler, case=case, reason="wrong_area", note="不在本小区"
    )
    assert case.return_count == 2 and case.needs_supervision
    assert Notification.objects.filter(
        recipient=supervisor, kind="case.returned_repeatedly"
    ).exists()


def test_a_transfer_ends_first_receiver_accountability(report, property_handler, worker, handler):
    case = services.case_accept(actor=property_handler, case=report())
    case = services.case_reroute(
        actor=worker, case=case, unit=unit("金牛区住房和城乡建设局"), note="需住建部门处理"
    )
    assert case.state == CaseState.DISPATCHED and case.first_receiver is None
    case = services.case_accept(actor=handler, case=case)
    assert case.first_receiver == unit("金牛区住房和城乡建设局")


def test_escalation_climbs_the_place_tree_to_the_city_and_stops(
    report, property_handler, supervisor
):
    case = report()
    chain = []
    for _ in range(6):
        try:
            case = services.case_escalate(actor=supervisor, case=case, note="久拖未决")
        except InvalidInput:
            break
        chain.append(case.unit.name)
    assert chain == [
        "新桥社区居民委员会",
        "沙河源街道办事处",
        "金牛区住房和城乡建设局",
        "成都市住房和城乡建设局",
    ]
    assert case.escalation_level == 4 and case.state == CaseState.ESCALATED
    assert Notification.objects.filter(recipient=supervisor, kind="case.escalated").count() == 4


def test_a_category_without_a_district_rule_escalates_to_the_general_offices(report, supervisor):
    case = report(category=services.Category.objects.get(code="neighbours"))
    assert case.unit.name == "新桥社区居民委员会"
    names = []
    for _ in range(3):
        case = services.case_escalate(actor=supervisor, case=case, note="升级")
        names.append(case.unit.name)
    assert names == ["沙河源街道办事处", "金牛区社区发展治理委员会", "成都市网络理政服务中心"]


def test_escalation_needs_a_reason(report, property_handler):
    with pytest.raises(InvalidInput):
        services.case_escalate(actor=property_handler, case=report(), note="  ")


def test_resolve_records_the_resolution_with_photos(report, property_handler):
    case = services.case_accept(actor=property_handler, case=report())
    case = services.case_start(actor=property_handler, case=case)
    case = services.case_resolve(
        actor=property_handler, case=case, resolution="已更换电梯控制板。", photos=[png_bytes()]
    )
    assert case.state == CaseState.RESOLVED and case.resolution == "已更换电梯控制板。"
    event = case.events.get(action="resolve")
    assert (
        event.photos.count() == 1 and event.is_public and event.public_note == "已更换电梯控制板。"
    )


@clock.frozen(LATER)
def test_an_extension_is_asked_before_the_deadline_and_decided_by_a_supervisor(
    report, property_handler, supervisor, resident
):
    case = services.case_accept(actor=property_handler, case=report())
    new_due = case.resolve_due_at + dt.timedelta(days=5)
    with pytest.raises(NotPermitted):
        services.case_extension_request(actor=supervisor, case=case, reason="x", new_due_at=new_due)
    request = services.case_extension_request(
        actor=property_handler, case=case, reason="等待配件", new_due_at=new_due
    )
    with pytest.raises(InvalidInput):
        services.case_extension_request(
            actor=property_handler, case=case, reason="再等", new_due_at=new_due
        )
    with pytest.raises(NotPermitted):
        services.case_extension_decide(actor=property_handler, request=request, grant=True)
    with pytest.raises(InvalidInput):
        services.case_extension_decide(actor=supervisor, request=request, grant=False, note="")
    request = services.case_extension_decide(actor=supervisor, request=request, grant=True)
    case.refresh_from_db()
    assert request.state == ExtensionState.GRANTED and case.resolve_due_at == new_due
    assert Notification.objects.filter(recipient=resident, kind="case.extended").exists()
    with pytest.raises(InvalidTransition):
        services.case_extension_decide(actor=supervisor, request=request, grant=False, note="no")


def test_no_extension_after_the_deadline(report, property_handler):
    case = services.case_accept(actor=property_handler, case=report())
    with clock.frozen(case.resolve_due_at + dt.timedelta(minutes=1)), pytest.raises(InvalidInput):
        services.case_extension_request(
            actor=property_handler,
            case=case,
            reason="晚了",
            new_due_at=case.resolve_due_at + dt.timedelta(days=3),
        )


def test_a_supervision_note_must_be_answered_by_the_unit(
    report, property_handler, supervisor, handler
):
    case = report()
    note = services.case_supervise(actor=supervisor, case=case, note="请三日内答复进展")
    assert Notification.objects.filter(recipient=property_handler, kind="case.supervised").exists()
    with pytest.raises(NotPermitted):
        services.case_supervision_answer(actor=handler, supervision=note, answer="不是我们")
    note = services.case_supervision_answer(
        actor=property_handler, supervision=note, answer="已联系维保公司"
    )
    assert note.answered_at is not None and note.answered_by == property_handler
    with pytest.raises(InvalidTransition):
        services.case_supervision_answer(actor=property_handler, supervision=note, answer="again")


def test_the_resident_sees_only_the_public_timeline(report, property_handler, supervisor):
    case = report()
    services.case_supervise(actor=supervisor, case=case, note="内部督办意见")
    services.case_accept(actor=property_handler, case=case)
    public = list(case.events.filter(is_public=True).values_list("action", flat=True))
    assert public == ["submit", "dispatch", "accept"]
    assert not CaseEvent.objects.filter(case=case, is_public=True, note__contains="内部").exists()


def test_every_step_is_audited(report, property_handler):
    case = report()
    services.case_accept(actor=property_handler, case=case)
    actions = set(
        AuditEntry.objects.filter(object_id=str(case.pk)).values_list("action", flat=True)
    )
    assert {"case.reported", "case.dispatch", "case.accepted"} <= actions
