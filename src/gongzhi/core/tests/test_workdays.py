from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.core import workdays
from gongzhi.core.clock import SHANGHAI
from gongzhi.core.models import WorkdayOverride

D = dt.date


def test_national_day_2026_is_off_and_its_make_up_saturday_is_on(db):
    assert not any(workdays.is_workday(D(2026, 10, d)) for d in range(1, 8))
    assert workdays.is_workday(D(2026, 10, 10))  # Saturday, make-up workday
    assert workdays.is_workday(D(2026, 9, 20))  # Sunday, make-up workday
    # Reported on 30 September (Wednesday) with 3 working days: 8, 9 and 10 October.
    assert workdays.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)


def test_spring_festival_2026_with_its_make_up_saturdays(db):
    assert workdays.is_workday(D(2026, 2, 14))  # Saturday before the festival
    assert workdays.is_workday(D(2026, 2, 28))  # Saturday after it
    assert not workdays.is_workday(D(2026, 2, 17))  # 初一
    # Friday 13 February + 1 working day is the make-up Saturday 14 February.
    assert workdays.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    # Saturday 14 February + 1: the festival runs to the 23rd, so Tuesday 24 February.
    assert workdays.add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)


def test_a_deadline_ends_with_the_last_working_day_in_shanghai(db):
    # 23:30 UTC on Thursday 24 September is 07:30 on Friday the 25th in Shanghai: the
    # Friday counts as the start day, so 1 working day ends on Monday the 28th.
    start = dt.datetime(2026, 9, 24, 23, 30, tzinfo=dt.UTC)
    due = workdays.workday_deadline(start, 1)
    assert due.astimezone(SHANGHAI).date() == D(2026, 9, 28)
    assert due.astimezone(SHANGHAI).time() == dt.time.max


def test_a_year_without_statutory_data_falls_back_to_monday_to_friday(db):
    assert workdays.is_workday(D(2027, 1, 1))  # a Friday; the package has no 2027 yet
    assert not workdays.is_workday(D(2027, 1, 2))
    assert workdays.years_missing([2026, 2027]) == [2027]


def test_overrides_win_and_fill_missing_years(db):
    WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
    WorkdayOverride.objects.create(date=D(2026, 10, 3), is_workday=True, note="local make-up day")
    assert not workdays.is_workday(D(2027, 1, 1))
    assert workdays.is_workday(D(2026, 10, 3))
    assert workdays.years_missing([2027]) == []


def test_workdays_between_counts_the_days_a_case_took(db):
    assert workdays.workdays_between(D(2026, 9, 30), D(2026, 10, 10)) == 3
    assert workdays.workdays_between(D(2026, 10, 10), D(2026, 9, 30)) == 0


# The database is only read here, so sharing one transaction between examples is safe.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(min_value=D(2025, 1, 1), max_value=D(2027, 12, 31)),
    n=st.integers(min_value=1, max_value=25),
)
def test_adding_n_working_days_lands_on_a_working_day_n_working_days_later(db, day, n):
    due = workdays.add_workdays(day, n)
    assert due > day
    assert workdays.is_workday(due)
    assert workdays.workdays_between(day, due) == n
    assert workdays.add_workdays(day, n + 1) > due


def test_the_administrator_is_warned_about_a_year_without_data(db, admin_client):
    from gongzhi.core import clock
    from gongzhi.core.checks import check_workday_calendar

    with clock.frozen(dt.datetime(2026, 11, 26, tzinfo=dt.UTC)):
        assert [m.id for m in check_workday_calendar()] == ["gongzhi.W001"]
        assert "2027" in check_workday_calendar()[0].msg
        page = admin_client.get("/admin/core/workdayoverride/").content.decode()
        assert "2027" in page
        WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
        assert check_workday_calendar() == []


def test_several_deadlines_come_from_one_calendar(db, django_assert_num_queries):
    start = dt.datetime(2026, 9, 29, 10, 0, tzinfo=SHANGHAI)  # before National Day
    with django_assert_num_queries(1):
        both = workdays.workday_deadlines(start, [1, 13])
    assert both == [workdays.workday_deadline(start, 1), workdays.workday_deadline(start, 13)]
    assert both[1].date() == D(2026, 10, 22)  # the holiday week skipped, 10 October worked
