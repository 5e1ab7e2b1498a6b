"""GET Service Requests, GET a Service Request, GET a token: filters, window, limits, privacy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongzhi.accounts.models import User
from gongzhi.cases import services as cases
from gongzhi.cases.models import Case
from gongzhi.cases.tests.conftest import MONDAY_MORNING
from gongzhi.core import clock
from gongzhi.open311.tests.conftest import parsed

FORMATS = ["xml", "json"]
FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def rows(response):
    """Requests as dicts of strings (XML) or JSON values."""
    body = parsed(response)
    if isinstance(body, list):
        return body
    assert body.tag == "service_requests"
    return [{child.tag: child.text for child in request} for request in body.findall("request")]


@pytest.fixture
def handled(file_case, property_company):
    """One case resolved by the property company, one open."""
    handler = User.objects.get(username="wuyong")
    done = file_case(title="楼道灯坏了", code="property.lighting")
    cases.case_accept(actor=handler, case=done)
    cases.case_start(actor=handler, case=done)
    cases.case_resolve(actor=handler, case=done, resolution="已更换灯泡。")
    still = file_case()
    return Case.objects.get(pk=done.pk), Case.objects.get(pk=still.pk)


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_lists_requests_with_the_specs_fields(o311, handled, fmt):
    done, still = handled
    response = o311.get("requests", fmt)
    assert response.status_code == 200
    listed = rows(response)
    assert [r["service_request_id"] for r in listed] == [still.number, done.number]  # newest first
    for row in listed:
        assert list(row) == FIELDS
    by_id = {r["service_request_id"]: r for r in listed}
    closed, open_ = by_id[done.number], by_id[still.number]
    assert closed["status"] == "closed" and closed["status_notes"] == "已办结"
    assert open_["status"] == "open" and open_["status_notes"] == "已派单"
    assert open_["service_code"] == "property.elevator" and open_["service_name"] == "电梯故障"
    assert open_["agency_responsible"] == "中加水岸物业服务中心"
    assert open_["requested_datetime"] == "2026-11-17T09:00:00+08:00"
    expected = still.resolve_due_at.astimezone(clock.SHANGHAI).isoformat(timespec="seconds")
    assert open_["expected_datetime"] == expected and expected.endswith("+08:00")
    # Not given: empty, never made up.
    assert open_["lat"] in (None, "") and open_["media_url"] in (None, "")


def test_ids_are_strings_in_json(o311, handled):
    for row in rows(o311.get("requests", "json")):
        assert isinstance(row["service_request_id"], str)
        assert isinstance(row["address_id"], str)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_address_stops_at_the_courtyard(o311, handled, courtyard, fmt):
    row = rows(o311.get("requests", fmt))[0]
    assert row["address"] == "成都市 金牛区 沙河源街道 新桥社区 中加水岸小区"
    assert row["address_id"] == str(courtyard.pk)
    assert "1栋" not in row["address"]


def test_status_filters(o311, handled):
    done, still = handled
    ids = lambda **q: [r["service_request_id"] for r in rows(o311.get("requests", "json", **q))]  # noqa: E731
    assert ids(status="open") == [still.number]
    assert ids(status="closed") == [done.number]
    assert ids(status="open,closed") == [still.number, done.number]
    assert ids(status="") == [still.number, done.number]  # empty: absent
    response = o311.get("requests", "json", status="pending")
    assert response.status_code == 400 and parsed(response)[0]["code"] == 400


def test_service_code_filter_takes_a_list(o311, handled):
    done, still = handled
    ids = lambda **q: [r["service_request_id"] for r in rows(o311.get("requests", "json", **q))]  # noqa: E731
    assert ids(service_code="property.lighting") == [done.number]
    assert ids(service_code="property.lighting,property.elevator") == [still.number, done.number]
    assert ids(service_code="roads") == []


def test_service_request_id_overrides_every_other_filter(o311, file_case):
    old = file_case(at=MONDAY_MORNING - dt.timedelta(days=200))
    new = file_case()
    listed = rows(
        o311.get(
            "requests", "json", service_request_id=f"{old.number},{new.number}", status="closed"
        )
    )
    assert {r["service_request_id"] for r in listed} == {old.number, new.number}


def test_the_default_window_is_the_last_90_days(o311, file_case):
    old = file_case(at=MONDAY_MORNING - dt.timedelta(days=91))
    recent = file_case(at=MONDAY_MORNING - dt.timedelta(days=89))
    listed = [r["service_request_id"] for r in rows(o311.get("requests", "json"))]
    assert listed == [recent.number]
    since = o311.get("requests", "json", start_date="2026-08-01T00:00:00+08:00")
    assert [r["service_request_id"] for r in rows(since)] == [recent.number, old.number]


def test_start_and_end_date(o311, file_case):
    a = file_case(at=dt.datetime(2026, 10, 1, 1, tzinfo=dt.UTC))
    b = file_case(at=dt.datetime(2026, 10, 10, 1, tzinfo=dt.UTC))
    ids = lambda **q: [r["service_request_id"] for r in rows(o311.get("requests", "json", **q))]  # noqa: E731
    assert ids(start_date="2026-09-30T00:00:00Z", end_date="2026-10-05T00:00:00Z") == [a.number]
    assert ids(start_date="2026-10-05T00:00:00+08:00", end_date="2026-11-01T00:00:00+08:00") == [
        b.number
    ]
    assert ids(end_date="2026-10-05T00:00:00Z") == [a.number]  # 90 days up to it
    # Without a zone: China Standard Time; a date alone: its midnight.
    assert ids(start_date="2026-10-01", end_date="2026-10-02") == [a.number]
    # "+" in an unencoded query string arrives as a space.
    response = o311.client.get(
        "/open311/v2/requests.json?start_date=2026-09-30T00:00:00+08:00&end_date=2026-10-05T00:00:00+08:00"
    )
    assert [r["service_request_id"] for r in rows(response)] == [a.number]


@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # > 90 days
        {"start_date": "2026-10-05T00:00:00Z", "end_date": "2026-10-01T00:00:00Z"},  # backwards
        {"start_date": "yesterday"},
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_bad_window_is_400(o311, demo, query, fmt):
    response = o311.get("requests", fmt, **query)
    assert response.status_code == 400
    assert "400" in response.content.decode()


@pytest.fixture
def many(file_case):
    """1,005 cases in the window (inserted in bulk: the services are tested elsewhere)."""
    first = file_case()
    template = {
        f.attname: getattr(first, f.attname)
        for f in Case._meta.concrete_fields
        if f.attname not in {"id", "number"}
    }
    Case.objects.bulk_create(
        [
            Case(
                **{
                    **template,
                    "number": f"X{index:06d}",
                    "submitted_at": first.submitted_at - dt.timedelta(minutes=index),
                }
            )
            for index in range(1, 1005)
        ]
    )
    return first


def test_at_most_1000_requests_and_page_size(o311, many):
    assert len(rows(o311.get("requests", "json"))) == 1000
    assert len(rows(o311.get("requests", "json", page_size="5000"))) == 1000
    page1 = rows(o311.get("requests", "json", page_size="400"))
    page3 = rows(o311.get("requests", "json", page_size="400", page="3"))
    assert len(page1) == 400 and len(page3) == 205
    assert page1[0]["service_request_id"] == many.number
    assert page3[-1]["service_request_id"] == "X001004"
    assert rows(o311.get("requests", "json", page="99")) == []
    assert o311.get("requests", "json", page="0").status_code == 400
    assert o311.get("requests", "json", page_size="many").status_code == 400


def test_a_list_takes_the_same_few_queries_whatever_its_length(o311, many, settings):
    settings.GONGZHI_OPEN311_RATE_IP = ""  # counted apart (test_rate_limits)

    def count(**query):
        with CaptureQueriesContext(connection) as queries:
            assert o311.get("requests", "json", **query).status_code == 200
        return len(queries)

    assert count(page_size="3") == count(page_size="1000")
    assert count(page_size="3", extensions="true") == count(page_size="1000", extensions="true")
    assert count(page_size="1000", extensions="true") <= 10


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_and_its_token(o311, handled, fmt):
    done, _still = handled
    response = o311.get(f"requests/{done.number}", fmt)
    assert response.status_code == 200
    assert [r["service_request_id"] for r in rows(response)] == [done.number]
    assert o311.get("requests/nope", fmt).status_code == 404
    token = o311.get(f"tokens/{done.number}", fmt)
    assert token.status_code == 200
    body = parsed(token)
    if fmt == "json":
        assert body == [{"service_request_id": done.number, "token": done.number}]
    else:
        assert body.findtext("request/service_request_id") == done.number
        assert body.findtext("request/token") == done.number
    missing = o311.get("tokens/unknown", fmt)
    assert missing.status_code == 404 and "404" in missing.content.decode()


def test_no_get_ever_shows_the_reporter_or_the_contact(o311, key, file_case, agent):
    seeded = file_case(
        actor=agent,
        channel="phone",
        on_behalf_of=User.objects.get(username="zhangwei"),
        contact_name="欧阳娜娜",
        contact_phone="13712345678",
        contact_detail="住3单元七〇二室，白天不在家，电话13812348765",
        description="楼下噪音，欧阳娜娜联系我13812348765，身份证510106199001011234",
        reporter_may_be_named=True,
    )
    secrets_ = [
        "欧阳娜娜",
        "13712345678",
        "13812348765",
        "七〇二室",  # the flat: a plain "502" could be part of a case number
        "510106199001011234",
        "张伟",
        "13900001001",  # the reporter's own phone
        "zhangwei",
        "杨帆",
    ]
    responses = [
        o311.get(resource, fmt, **query)
        for fmt in FORMATS
        for resource, query in [
            ("requests", {}),
            ("requests", {"extensions": "true"}),
            (f"requests/{seeded.number}", {"extensions": "true"}),
            (f"tokens/{seeded.number}", {}),
            ("servicerequestupdates", {}),
            ("requests", {"api_key": key.raw, "extensions": "true"}),
        ]
    ]
    for response in responses:
        assert response.status_code == 200
        text = response.content.decode("utf-8")
        for secret in secrets_:
            assert secret not in text, (secret, response.request["PATH_INFO"])
    description = rows(o311.get(f"requests/{seeded.number}", "json"))[0]["description"]
    assert "138****8765" in description and "510106********1234" in description
    assert "欧***" in description  # the contact's name, masked where the text mentions it


@pytest.fixture
def agent(demo):
    return User.objects.get(username="yangfan")


def test_natures_kept_off_the_public_lists(o311, file_case, settings):
    settings.GONGZHI_PUBLIC_HIDDEN_NATURES = ["tip_off"]
    tip = file_case(nature="tip_off", description="有人违章搭建")
    shown = file_case()
    assert [r["service_request_id"] for r in rows(o311.get("requests", "json"))] == [shown.number]
    assert o311.get(f"requests/{tip.number}", "json").status_code == 404
    assert rows(o311.get("requests", "json", service_request_id=tip.number)) == []


def _notes(response, fmt):
    if fmt == "json":
        return rows(response)[0]["notes"]
    return [
        {child.tag: child.text for child in note}
        for note in parsed(response).findall("request/notes/note")
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_add_the_public_timeline(o311, handled, fmt):
    done, still = handled
    handler = User.objects.get(username="wuyong")
    cases.case_comment(actor=handler, case=still, note="内部备注：费用待核")
    assert "notes" not in rows(o311.get(f"requests/{done.number}", fmt))[0]
    notes = _notes(o311.get(f"requests/{done.number}", fmt, extensions="true"), fmt)
    assert [n["type"] for n in notes] == ["submit", "dispatch", "accept", "start", "resolve"]
    assert notes[-1]["description"] == "已更换灯泡。" and notes[-1]["status"] == "closed"
    assert all(n["datetime"].endswith("+08:00") for n in notes)
    response = o311.get(f"requests/{still.number}", fmt, extensions="true")
    assert [n["type"] for n in _notes(response, fmt)] == ["submit", "dispatch"]
    assert "费用待核" not in response.content.decode()
