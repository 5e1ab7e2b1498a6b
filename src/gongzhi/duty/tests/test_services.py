"""Rosters: rotation generation, hand edits, swaps; permissions and audit."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from gongzhi.core import clock
from gongzhi.core.errors import Conflict, InvalidInput, NotPermitted
from gongzhi.core.models import AuditEntry, Notification, WorkdayOverride
from gongzhi.duty import selectors, services
from gongzhi.duty.choices import SwapState
from gongzhi.duty.models import ShiftAssignment
from gongzhi.duty.tests.conftest import DAY, at, staffed_shift

MORNING = (dt.time(9), dt.time(12))
AFTERNOON = (dt.time(14), dt.time(17))


def _people(shift) -> list[str]:
    return sorted(a.user.username for a in shift.assignments.select_related("user"))


def test_it_generates_a_fair_rotation_skipping_days_off(worker, roster):
    # 2030-03-11 is a Monday; two weeks have 10 working days (no statutory holidays then).
    shifts = services.rotation_generate(
        actor=worker,
        roster=roster,
        start=dt.date(2030, 3, 11),
        end=dt.date(2030, 3, 24),
        times=[MORNING, AFTERNOON],
    )
    assert len(shifts) == 20
    assert all(s.date.isoweekday() <= 5 for s in shifts)
    counts = Counter(
        ShiftAssignment.objects.filter(shift__roster=roster).values_list(
            "user__username", flat=True
        )
    )
    assert counts == {"wangfang": 10, "lina": 10}
    assert AuditEntry.objects.filter(action="duty.rotation_generated", object_id=roster.pk).exists()


def test_it_keeps_weekends_when_asked_and_honours_workday_overrides(worker, roster):
    WorkdayOverride.objects.create(date=dt.date(2030, 3, 12), is_workday=False, note="本地假日")
    skipping = services.rotation_generate(
        actor=worker, roster=roster, start=DAY, end=DAY + dt.timedelta(days=6), times=[MORNING]
    )
    assert DAY not in {s.date for s in skipping}
    assert len(skipping) == 4  # Wed–Fri, and Monday 2030-03-18 is outside the period
    every_day = services.rotation_generate(
        actor=worker,
        roster=roster,
        start=DAY,
        end=DAY + dt.timedelta(days=6),
        times=[MORNING],
        skip_days_off=False,
    )
    assert len(every_day) == 3  # the rest: the overridden Tuesday and the weekend


def test_the_next_period_continues_fairly_from_the_previous_one(worker, roster):
    services.rotation_generate(
        actor=worker, roster=roster, start=DAY, end=DAY, times=[MORNING]
    )  # one shift: someone is ahead by one
    first = ShiftAssignment.objects.get(shift__roster=roster).user.username
    nxt = services.rotation_generate(
        actor=worker,
        roster=roster,
        start=DAY + dt.timedelta(days=1),
        end=DAY + dt.timedelta(days=1),
        times=[MORNING],
    )
    assert _people(nxt[0]) != [first]


def test_hand_edits_assign_unassign_replace(worker, roster, volunteer, building_head, resident):
    shift = staffed_shift(worker, roster, [volunteer])
    with pytest.raises(Conflict):
        services.shift_assign(actor=worker, shift=shift, user=building_head)  # full
    with pytest.raises(InvalidInput):
        services.shift_replace(actor=worker, shift=shift, old=volunteer, new=resident)
    services.shift_replace(actor=worker, shift=shift, old=volunteer, new=building_head)
    assert _people(shift) == ["lina"]
    services.shift_unassign(actor=worker, shift=shift, user=building_head)
    assert _people(shift) == []
    with pytest.raises(Conflict):
        services.shift_unassign(actor=worker, shift=shift, user=building_head)
    gaps = selectors.gap_list(viewer=worker, start=DAY, end=DAY, roster=roster)
    assert [g.pk for g in gaps] == [shift.pk]
    actions = set(
        AuditEntry.objects.filter(object_id=shift.pk, action__startswith="duty.").values_list(
            "action", flat=True
        )
    )
    assert {"duty.shift_assigned", "duty.shift_replaced", "duty.shift_unassigned"} <= actions


def test_an_outsider_cannot_manage_another_communitys_roster(outsider, roster, volunteer):
    with pytest.raises(NotPermitted):
        services.roster_create(actor=outsider, place=roster.place, name="越权")
    with pytest.raises(NotPermitted):
        services.rotation_generate(
            actor=outsider, roster=roster, start=DAY, end=DAY, times=[MORNING]
        )
    with pytest.raises(NotPermitted):
        services.roster_member_add(actor=outsider, roster=roster, user=volunteer, role="volunteer")
    assert selectors.gap_list(viewer=outsider, start=DAY, end=DAY) == []
    assert not selectors.roster_list(viewer=outsider).filter(pk=roster.pk).exists()


def test_a_person_without_a_duty_role_cannot_join_a_roster(worker, roster, resident):
    with pytest.raises(InvalidInput):
        services.roster_member_add(actor=worker, roster=roster, user=resident, role="volunteer")


def test_a_swap_accepted_moves_the_shift(worker, roster, volunteer, building_head):
    shift = staffed_shift(worker, roster, [volunteer])
    with clock.frozen(at(DAY, 7)):
        swap = services.swap_request(actor=volunteer, shift=shift, counterparty=building_head)
        assert Notification.objects.filter(
            recipient=building_head, kind="duty.swap_requested"
        ).exists()
        with pytest.raises(NotPermitted):
            services.swap_accept(actor=volunteer, swap=swap)  # only the counterparty accepts
        services.swap_accept(actor=building_head, swap=swap)
        with pytest.raises(Conflict):
            services.swap_decline(actor=building_head, swap=swap)
    swap.refresh_from_db()
    assert swap.state == SwapState.ACCEPTED
    assert _people(shift) == ["lina"]
    assert Notification.objects.filter(recipient=volunteer, kind="duty.swap_accepted").exists()


def test_a_swap_can_exchange_two_shifts(worker, roster, volunteer, building_head):
    mine = staffed_shift(worker, roster, [volunteer])
    theirs = staffed_shift(worker, roster, [building_head], start=14, end=17)
    with clock.frozen(at(DAY, 7)):
        swap = services.swap_request(
            actor=volunteer, shift=mine, counterparty=building_head, counter_shift=theirs
        )
        services.swap_accept(actor=building_head, swap=swap)
    assert _people(mine) == ["lina"]
    assert _people(theirs) == ["wangfang"]


def test_a_declined_or_cancelled_swap_changes_nothing(worker, roster, volunteer, building_head):
    shift = staffed_shift(worker, roster, [volunteer])
    with clock.frozen(at(DAY, 7)):
        swap = services.swap_request(actor=volunteer, shift=shift, counterparty=building_head)
        services.swap_decline(actor=building_head, swap=swap)
        again = services.swap_request(actor=volunteer, shift=shift, counterparty=building_head)
        with pytest.raises(Conflict):
            services.swap_request(actor=volunteer, shift=shift, counterparty=building_head)
        services.swap_cancel(actor=volunteer, swap=again)
    assert _people(shift) == ["wangfang"]
    assert Notification.objects.filter(recipient=volunteer, kind="duty.swap_declined").exists()


def test_only_the_person_on_a_future_shift_may_offer_it(worker, roster, volunteer, building_head):
    shift = staffed_shift(worker, roster, [volunteer])
    with clock.frozen(at(DAY, 7)), pytest.raises(NotPermitted):
        services.swap_request(actor=building_head, shift=shift, counterparty=volunteer)
    with clock.frozen(at(DAY, 10)), pytest.raises(Conflict):
        services.swap_request(actor=volunteer, shift=shift, counterparty=building_head)


def test_a_swap_that_no_longer_applies_is_refused(worker, roster, volunteer, building_head):
    shift = staffed_shift(worker, roster, [volunteer])
    with clock.frozen(at(DAY, 7)):
        swap = services.swap_request(actor=volunteer, shift=shift, counterparty=building_head)
        services.shift_unassign(actor=worker, shift=shift, user=volunteer)
        with pytest.raises(Conflict):
            services.swap_accept(actor=building_head, swap=swap)
    swap.refresh_from_db()
    assert swap.state == SwapState.REQUESTED  # the refusal rolled back


def test_shift_reminders_go_once_to_whoever_is_on_the_shift(
    worker, roster, volunteer, building_head
):
    shift = staffed_shift(worker, roster, [volunteer])
    later = staffed_shift(worker, roster, [building_head], day=DAY + dt.timedelta(days=2))
    with clock.frozen(at(DAY - dt.timedelta(days=1), 18)):
        assert services.shift_reminders_send() == 1
        assert services.shift_reminders_send() == 0  # once
        swap = services.swap_request(actor=volunteer, shift=shift, counterparty=building_head)
        services.swap_accept(actor=building_head, swap=swap)
        assert services.shift_reminders_send() == 1  # the new person is reminded too
    reminded = Notification.objects.filter(kind="duty.shift_reminder")
    assert set(reminded.values_list("recipient__username", flat=True)) >= {"wangfang", "lina"}
    assert not later.assignments.filter(reminded_at__isnull=False).exists()


def test_the_reminder_job_is_declared():
    from gongzhi.core.schedule import PERIODIC

    assert "gongzhi.duty.tasks.shift_reminders" in {p.task for p in PERIODIC}
