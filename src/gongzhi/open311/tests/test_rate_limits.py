"""Rate limits per key and per IP on every Open311 endpoint: 429 with Retry-After."""

from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.api.ratelimit import Rate, parse_rate
from gongzhi.cases.tests.conftest import MONDAY_MORNING
from gongzhi.core import clock
from gongzhi.open311.tests.conftest import parsed, report_data


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_an_address_over_its_rate_gets_429_with_retry_after(o311, demo, settings, fmt):
    settings.GONGZHI_OPEN311_RATE_IP = "3/60"
    for _ in range(3):
        assert o311.get("services", fmt).status_code == 200
    refused = o311.get("services", fmt)
    assert refused.status_code == 429
    # 09:00:00 is 0 s into its minute: the window ends in 60 s.
    assert refused["Retry-After"] == "60"
    assert "429" in refused.content.decode()
    with clock.frozen(MONDAY_MORNING + dt.timedelta(seconds=45)):
        assert o311.get("services", fmt)["Retry-After"] == "15"
    with clock.frozen(MONDAY_MORNING + dt.timedelta(seconds=60)):
        assert o311.get("services", fmt).status_code == 200  # a new window


def test_another_address_has_its_own_count(o311, demo, settings):
    settings.GONGZHI_OPEN311_RATE_IP = "1/60"
    assert o311.get("services", "json").status_code == 200
    assert o311.get("services", "json").status_code == 429
    other = o311.client.get("/open311/v2/services.json", REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 200


def test_a_key_is_counted_apart_from_its_address(o311, key, bounded, settings):
    settings.GONGZHI_OPEN311_RATE_IP = "1/60"
    settings.GONGZHI_OPEN311_RATE_KEY = "2/60"
    assert o311.post("requests", "json", report_data(key)).status_code == 200
    assert o311.get("services", "json").status_code == 200  # the address's own request
    assert o311.post("requests", "json", report_data(key)).status_code == 200
    refused = o311.post("requests", "json", report_data(key))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert parsed(refused)[0]["code"] == 429


def test_writes_and_reads_are_counted_for_an_unknown_key_by_address(o311, demo, settings):
    settings.GONGZHI_OPEN311_RATE_IP = "2/60"
    for _ in range(2):
        assert o311.post("requests", "json", {"api_key": "gz_forged"}).status_code == 403
    assert o311.post("requests", "json", {"api_key": "gz_forged"}).status_code == 429


def test_rates_are_read_as_n_per_seconds():
    assert parse_rate("120/60") == Rate(120, 60)
    assert parse_rate("5") == Rate(5, 60)
    assert parse_rate("") is None and parse_rate("0") is None
    with pytest.raises(ValueError):
        parse_rate("many")
