from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.accounts.models import User
from gongzhi.core.clock import SHANGHAI
from gongzhi.duty import services
from gongzhi.duty.models import Roster, Shift
from gongzhi.places.models import Place

# Far from the demo's rosters (which cover the current and next month): a Tuesday in 2030.
DAY = dt.date(2030, 3, 12)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def courtyard(demo) -> Place:
    return Place.objects.get(name="中加水岸小区")


@pytest.fixture
def building(demo) -> Place:
    return Place.objects.get(parent__name="中加水岸小区", name="1栋")


@pytest.fixture
def building_head(demo) -> User:
    return User.objects.get(username="lina")


@pytest.fixture
def volunteer(demo) -> User:
    return User.objects.get(username="wangfang")


@pytest.fixture
def roster(worker, courtyard, building_head, volunteer) -> Roster:
    roster = services.roster_create(actor=worker, place=courtyard, name="测试值班表")
    services.roster_member_add(actor=worker, roster=roster, user=volunteer, role="volunteer")
    services.roster_member_add(
        actor=worker, roster=roster, user=building_head, role="building_head"
    )
    return roster


def staffed_shift(
    worker: User,
    roster: Roster,
    people: list[User],
    day: dt.date = DAY,
    start: int = 9,
    end: int = 12,
) -> Shift:
    shift = services.shift_create(
        actor=worker,
        roster=roster,
        date=day,
        start_time=dt.time(start),
        end_time=dt.time(end),
        slots=max(len(people), 1),
    )
    for person in people:
        services.shift_assign(actor=worker, shift=shift, user=person)
    return shift
