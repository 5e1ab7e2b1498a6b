"""Notices: the period, objections and responses, extension and restart, the end and the
result, with their audit entries and notifications."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import translation

from gongzhi.core import clock
from gongzhi.core.errors import InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry, Notification
from gongzhi.publicity import periods, services, workflow
from gongzhi.publicity.choices import NoticeState, PeriodUnit, ProjectStatus
from gongzhi.publicity.tests.conftest import TUESDAY

SH = clock.SHANGHAI


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=SH)


def test_period_in_calendar_days_ends_at_the_close_of_the_nth_day():
    start = dt.datetime(2025, 9, 30, 10, 0, tzinfo=SH)
    assert periods.period_end(start, 3, PeriodUnit.CALENDAR_DAYS) == end_of(dt.date(2025, 10, 3))


def test_period_in_working_days_skips_national_day_and_counts_the_makeup_saturday(db):
    # 1–8 October 2025 are holidays; Saturday 11 October is a make-up workday.
    start = dt.datetime(2025, 9, 30, 10, 0, tzinfo=SH)
    assert periods.period_end(start, 3, PeriodUnit.WORKING_DAYS) == end_of(dt.date(2025, 10, 11))
    assert periods.period_end(start, 1, PeriodUnit.WORKING_DAYS) == end_of(dt.date(2025, 10, 9))


def test_it_publishes_for_the_default_period_and_puts_the_project_under_notice(notice, project):
    assert notice.period_days == 7 and notice.period_unit == PeriodUnit.CALENDAR_DAYS
    assert notice.ends_at == end_of(dt.date(2026, 11, 24))
    assert notice.subject == project
    project.refresh_from_db()
    assert project.status == ProjectStatus.IN_CONSULTATION
    assert AuditEntry.objects.filter(action="notice.published", object_id=str(notice.pk)).exists()


@override_settings(GONGZHI_NOTICE_PERIOD_DAYS=5, GONGZHI_NOTICE_PERIOD_UNIT="working_days")
def test_the_default_period_is_a_setting(worker, courtyard):
    with clock.frozen(TUESDAY):
        notice = services.notice_publish(actor=worker, place=courtyard, title="决定", body="内容")
    assert (notice.period_days, notice.period_unit) == (5, PeriodUnit.WORKING_DAYS)
    assert notice.ends_at == end_of(dt.date(2026, 11, 24))  # Tue + 5 working days


def test_it_refuses_to_publish_outside_ones_places_or_with_a_bad_period(
    outsider, worker, courtyard
):
    with pytest.raises(NotPermitted):
        services.notice_publish(actor=outsider, place=courtyard, title="t", body="b")
    with pytest.raises(InvalidInput) as error:
        services.notice_publish(
            actor=worker, place=courtyard, title="t", body="b", period_days=0, period_unit="x"
        )
    assert set(error.value.fields) == {"period_days", "period_unit"}


def test_a_resident_objects_staff_are_told_and_the_response_reaches_the_objector(
    notice, resident, worker
):
    with clock.frozen(TUESDAY + dt.timedelta(days=2)):
        objection = services.objection_file(actor=resident, notice=notice, body="施工噪音扰民")
    told = Notification.objects.filter(kind="notice.objection", recipient=worker)
    assert told.filter(url=f"/publicity/notices/{notice.pk}/").count() == 1
    services.objection_respond(actor=worker, objection=objection, response="夜间不施工")
    objection.refresh_from_db()
    assert objection.response == "夜间不施工" and objection.responded_by == worker
    url = f"/publicity/notices/{notice.pk}/"
    assert Notification.objects.filter(kind="notice.response", recipient=resident, url=url).exists()
    assert AuditEntry.objects.filter(
        action="notice.objection_answered", object_id=str(objection.pk)
    ).exists()


def test_an_objection_after_the_period_is_refused_with_a_clear_message(notice, resident):
    with (
        translation.override("en"),
        clock.frozen(end_of(dt.date(2026, 11, 24)) + dt.timedelta(seconds=1)),
        pytest.raises(workflow.InvalidTransition) as error,
    ):
        services.objection_file(actor=resident, notice=notice, body="太晚了")
    assert "The notice period ended on 2026-11-24 23:59" in error.value.message
    assert not notice.objections.exists()


def test_a_non_resident_cannot_object(notice, other_resident, worker):
    with translation.override("en"), pytest.raises(NotPermitted) as error:
        services.objection_file(actor=other_resident, notice=notice, body="我也有意见")
    assert "Only residents of 中加水岸小区 may object" in error.value.message
    with pytest.raises(NotPermitted):
        services.objection_file(actor=worker, notice=notice, body="staff are not residents here")


def test_a_resident_of_another_courtyard_of_the_community_cannot_object(worker, fuheyuan, resident):
    notice = services.notice_publish(actor=worker, place=fuheyuan, title="府河苑", body="b")
    with pytest.raises(NotPermitted):
        services.objection_file(actor=resident, notice=notice, body="不住这里")


def test_the_sweep_ends_the_period_and_staff_close_with_a_result(notice, resident, worker):
    with clock.frozen(TUESDAY + dt.timedelta(days=1)):
        objection = services.objection_file(actor=resident, notice=notice, body="意见")
    with clock.frozen(TUESDAY + dt.timedelta(days=3)):
        assert services.notice_sweep() == {"ended": 0}
    with clock.frozen(TUESDAY + dt.timedelta(days=8)):
        assert services.notice_sweep() == {"ended": 1}
        assert services.notice_sweep() == {"ended": 0}
    notice.refresh_from_db()
    assert notice.state == NoticeState.ENDED
    url = f"/publicity/notices/{notice.pk}/"
    assert Notification.objects.filter(kind="notice.ended", recipient=worker, url=url).exists()
    with pytest.raises(workflow.InvalidTransition):  # one objection is unanswered
        services.notice_close(actor=worker, notice=notice, result="无异议")
    services.objection_respond(actor=worker, objection=objection, response="已采纳")
    services.notice_close(actor=worker, notice=notice, result="公示期满，项目按计划实施。")
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED and notice.result.startswith("公示期满")
    assert Notification.objects.filter(kind="notice.closed", recipient=resident, url=url).exists()
    assert [e.action for e in notice.events.all()] == ["publish", "end", "close"]


def test_staff_extend_and_restart_with_a_reason_and_it_is_audited(notice, worker):
    with pytest.raises(InvalidInput):
        services.notice_extend(actor=worker, notice=notice, days=3, reason=" ")
    with clock.frozen(TUESDAY + dt.timedelta(days=1)):
        services.notice_extend(actor=worker, notice=notice, days=3, reason="居民要求延长")
    notice.refresh_from_db()
    assert notice.ends_at == end_of(dt.date(2026, 11, 27))
    with clock.frozen(TUESDAY + dt.timedelta(days=11)):
        services.notice_sweep()
        notice.refresh_from_db()
        assert notice.state == NoticeState.ENDED
        services.notice_restart(actor=worker, notice=notice, reason="方案修改后重新公示")
    notice.refresh_from_db()
    assert notice.state == NoticeState.OPEN
    assert notice.ends_at == end_of(dt.date(2026, 12, 5))  # restarted on 28 Nov: + 7 days
    assert set(
        AuditEntry.objects.filter(
            object_id=str(notice.pk), object_type="publicity.notice"
        ).values_list("action", flat=True)
    ) >= {"notice.extend", "notice.restart", "notice.ended"}
    assert [e.note for e in notice.events.filter(action__in=["extend", "restart"])] == [
        "居民要求延长",
        "方案修改后重新公示",
    ]


def test_a_resident_cannot_extend_or_close(notice, resident):
    with pytest.raises(NotPermitted):
        services.notice_extend(actor=resident, notice=notice, days=2, reason="想延长")
    with pytest.raises(NotPermitted):
        services.notice_restart(actor=resident, notice=notice, reason="重来")
