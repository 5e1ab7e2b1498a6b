"""on_duty_users: who is on duty now for a place (used to route questions and new cases)."""

from __future__ import annotations

import datetime as dt

from gongzhi.core import clock
from gongzhi.duty import services
from gongzhi.duty.selectors import on_duty_places, on_duty_users
from gongzhi.duty.tests.conftest import DAY, at, staffed_shift


def test_it_returns_the_people_on_the_shift_covering_the_moment(
    worker, roster, courtyard, volunteer, building_head
):
    staffed_shift(worker, roster, [volunteer])
    staffed_shift(worker, roster, [building_head], start=14, end=17)
    assert on_duty_users(place=courtyard, at=at(DAY, 9)) == [volunteer]
    assert on_duty_users(place=courtyard, at=at(DAY, 11, 59)) == [volunteer]
    assert on_duty_users(place=courtyard, at=at(DAY, 12)) == []  # the end is exclusive
    assert on_duty_users(place=courtyard, at=at(DAY, 15)) == [building_head]
    assert on_duty_users(place=courtyard, at=at(DAY + dt.timedelta(days=1), 10)) == []


def test_it_defaults_to_now_from_the_clock(worker, roster, courtyard, volunteer):
    staffed_shift(worker, roster, [volunteer])
    with clock.frozen(at(DAY, 10)):
        assert on_duty_users(place=courtyard) == [volunteer]


def test_a_building_is_served_by_its_courtyard_roster(worker, roster, building, volunteer):
    staffed_shift(worker, roster, [volunteer])
    assert on_duty_users(place=building, at=at(DAY, 10)) == [volunteer]


def test_the_nearest_staffed_roster_wins_and_a_gap_falls_through(
    worker, roster, courtyard, xinqiao, building_head, volunteer
):
    community_roster = services.roster_create(actor=worker, place=xinqiao, name="社区测试值班")
    services.roster_member_add(
        actor=worker, roster=community_roster, user=building_head, role="building_head"
    )
    staffed_shift(worker, community_roster, [building_head], start=8, end=18)
    staffed_shift(worker, roster, [volunteer], start=9, end=12)
    services.shift_create(
        actor=worker, roster=roster, date=DAY, start_time=dt.time(14), end_time=dt.time(17)
    )  # a gap: nobody assigned
    assert on_duty_users(place=courtyard, at=at(DAY, 10)) == [volunteer]
    assert on_duty_users(place=courtyard, at=at(DAY, 15)) == [building_head]
    assert on_duty_users(place=xinqiao, at=at(DAY, 10)) == [building_head]


def test_another_community_is_never_served_by_this_roster(worker, roster, zhiqiang, volunteer):
    staffed_shift(worker, roster, [volunteer])
    assert on_duty_users(place=zhiqiang, at=at(DAY, 10)) == []


def test_an_inactive_roster_or_user_is_not_on_duty(worker, roster, courtyard, volunteer):
    staffed_shift(worker, roster, [volunteer])
    roster.is_active = False
    roster.save(update_fields=["is_active"])
    assert on_duty_users(place=courtyard, at=at(DAY, 10)) == []
    roster.is_active = True
    roster.save(update_fields=["is_active"])
    volunteer.is_active = False
    volunteer.save(update_fields=["is_active"])
    assert on_duty_users(place=courtyard, at=at(DAY, 10)) == []


def test_an_overnight_shift_covers_the_next_morning(worker, roster, courtyard, volunteer):
    staffed_shift(worker, roster, [volunteer], start=20, end=8)
    assert on_duty_users(place=courtyard, at=at(DAY, 23)) == [volunteer]
    assert on_duty_users(place=courtyard, at=at(DAY + dt.timedelta(days=1), 7)) == [volunteer]
    assert on_duty_users(place=courtyard, at=at(DAY + dt.timedelta(days=1), 8)) == []


def test_it_takes_one_query(
    worker, roster, courtyard, volunteer, building_head, django_assert_num_queries
):
    staffed_shift(worker, roster, [volunteer, building_head])
    with django_assert_num_queries(1):
        users = on_duty_users(place=courtyard, at=at(DAY, 10))
    assert {u.username for u in users} == {"wangfang", "lina"}


def test_on_duty_places_lists_where_the_person_serves_now(worker, roster, courtyard, volunteer):
    staffed_shift(worker, roster, [volunteer])
    assert on_duty_places(user=volunteer, at=at(DAY, 10)) == [courtyard]
    assert on_duty_places(user=volunteer, at=at(DAY, 13)) == []
