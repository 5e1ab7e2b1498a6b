import datetime as dt

import pytest

from gongzhi.core import clock


def test_it_can_be_frozen_and_restores_itself():
    at = dt.datetime(2026, 10, 1, 1, 30, tzinfo=dt.UTC)
    with clock.frozen(at):
        assert clock.now() == at
        assert clock.today() == dt.date(2026, 10, 1)
    assert clock.now() != at


def test_today_is_the_date_in_shanghai():
    # 20:00 UTC on 30 September is already 1 October in Shanghai.
    with clock.frozen(dt.datetime(2026, 9, 30, 20, 0, tzinfo=dt.UTC)):
        assert clock.today() == dt.date(2026, 10, 1)


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError), clock.frozen(dt.datetime(2026, 1, 1)):  # noqa: DTZ001
        pass
