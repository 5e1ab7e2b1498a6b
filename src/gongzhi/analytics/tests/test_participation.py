from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gongzhi.accounts.models import RoleGrant, User
from gongzhi.accounts.services import role_grant, user_create
from gongzhi.analytics import selectors
from gongzhi.analytics.participation import (
    Definitions,
    Source,
    active_sources,
    definitions,
    participation,
    participation_compared,
)
from gongzhi.cases.models import Case, CaseEvent, Category
from gongzhi.cases.services import case_report
from gongzhi.consultation.services import question_ask, question_reply
from gongzhi.core import clock
from gongzhi.core.errors import NotPermitted
from gongzhi.places.models import Place
from gongzhi.places.services import place_create
from gongzhi.publicity.services import notice_publish, objection_file

SHANGHAI = clock.SHANGHAI
THIS_QUARTER = dt.datetime(2026, 11, 17, 9, tzinfo=SHANGHAI)
LAST_YEAR = dt.datetime(2025, 11, 18, 9, tzinfo=SHANGHAI)


@pytest.fixture
def courtyards(xinqiao, admin_user):
    """Two new courtyards of 新桥社区: 东院 with four residents, 西院 with two."""
    east = place_create(actor=admin_user, parent=xinqiao, name="测试东院", level="courtyard")
    west = place_create(actor=admin_user, parent=xinqiao, name="测试西院", level="courtyard")
    people = {}
    for place, names in ((east, ["甲", "乙", "丙", "丁"]), (west, ["戊", "己"])):
        for name in names:
            user = user_create(
                actor=admin_user, username=f"p-{name}", password=None, name=f"居民{name}"
            )
            role_grant(actor=admin_user, user=user, role="resident", place=place)
            people[name] = user
    # Registered two years ago, so they count last year as well.
    RoleGrant.objects.filter(user__in=people.values()).update(
        granted_at=dt.datetime(2024, 11, 1, tzinfo=SHANGHAI)
    )
    return east, west, people


def _report(user: User, place: Place, at: dt.datetime) -> Case:
    with clock.frozen(at):
        return case_report(
            actor=user,
            channel="web",
            category=Category.objects.get(code="property"),
            nature="help",
            title="楼道灯坏了",
            description="三楼楼道灯坏了一周。",
            place=place,
        )


def _quarter(place: Place, rules: Definitions | None = None):
    return participation_compared(
        place=place, period="quarter", day=THIS_QUARTER.date(), rules=rules
    )


def test_it_counts_residents_who_took_part_once_each(courtyards, worker):
    east, west, people = courtyards
    _report(people["甲"], east, THIS_QUARTER)
    _report(people["甲"], east, THIS_QUARTER + dt.timedelta(days=1))  # the same person again
    _report(people["戊"], west, THIS_QUARTER)
    _report(worker, east, THIS_QUARTER)  # staff, not a registered resident here: not counted

    comparison = _quarter(east)
    assert (comparison.current.participants, comparison.current.residents) == (1, 4)
    assert comparison.current.rate == 0.25
    assert comparison.current.by_source["reported"] == 1


def test_it_breaks_a_place_down_into_the_places_under_it(courtyards, xinqiao):
    east, west, people = courtyards
    _report(people["甲"], east, THIS_QUARTER)
    _report(people["戊"], west, THIS_QUARTER)
    _report(people["己"], west, THIS_QUARTER)
    start, end = _quarter(east).start, _quarter(east).end

    rows = {
        r.key: r
        for r in participation(place=xinqiao, start=start, end=end, by_depth=xinqiao.depth + 1)
    }
    assert (rows[east.path].participants, rows[east.path].residents, rows[east.path].rate) == (
        1,
        4,
        0.25,
    )
    assert (rows[west.path].participants, rows[west.path].residents, rows[west.path].rate) == (
        2,
        2,
        1.0,
    )


def test_acting_in_another_place_does_not_count_here(courtyards):
    east, west, people = courtyards
    _report(people["甲"], west, THIS_QUARTER)  # 甲 lives in 东院 but reports in 西院
    assert _quarter(east).current.participants == 0
    assert _quarter(west).current.participants == 0  # 甲 is not registered in 西院


def test_year_on_year_change(courtyards):
    east, _west, people = courtyards
    _report(people["甲"], east, LAST_YEAR)
    _report(people["甲"], east, THIS_QUARTER)
    _report(people["乙"], east, THIS_QUARTER)
    comparison = _quarter(east)
    assert comparison.previous.rate == 0.25
    assert comparison.current.rate == 0.5
    assert comparison.points == 25.0
    assert comparison.relative == 1.0  # +100 %


def test_timeline_entries_count_as_commenting(courtyards):
    east, _west, people = courtyards
    case = _report(people["甲"], east, THIS_QUARTER)
    CaseEvent.objects.create(case=case, at=THIS_QUARTER, action="comment", actor=people["乙"])
    comparison = _quarter(east)
    assert comparison.current.participants == 2
    assert comparison.current.by_source == {"commented": 2, "reported": 1}


def test_asking_and_replying_count(courtyards):
    east, _west, people = courtyards
    with clock.frozen(THIS_QUARTER):
        question = question_ask(
            actor=people["丙"], place=east, title="垃圾清运时间", body="请问周末几点清运？"
        )
        question_reply(actor=people["丙"], question=question, body="补充：东院门口那个垃圾站。")
    comparison = _quarter(east)
    assert comparison.current.participants == 1
    assert comparison.current.by_source == {"asked": 1, "commented": 1}


def test_objecting_counts(courtyards, worker):
    east, _west, people = courtyards
    with clock.frozen(THIS_QUARTER):
        notice = notice_publish(
            actor=worker, place=east, title="东院绿化改造公示", body="拟于下月施工。"
        )
        objection_file(actor=people["丁"], notice=notice, body="施工时间太早，影响休息。")
    comparison = _quarter(east)
    assert (comparison.current.participants, comparison.current.by_source) == (1, {"objected": 1})


def test_the_sources_are_configuration(courtyards, settings):
    east, _west, people = courtyards
    case = _report(people["甲"], east, THIS_QUARTER)
    CaseEvent.objects.create(case=case, at=THIS_QUARTER, action="comment", actor=people["乙"])
    settings.PARTICIPATION = {
        "sources": [
            {
                "name": "reported",
                "model": "cases.Case",
                "user": "reporter_id",
                "path": "place_path",
                "at": "submitted_at",
            }
        ]
    }
    assert _quarter(east).current.participants == 1
    # A source of an app that is not installed is skipped, not an error.
    rules = Definitions(
        sources=(Source("voted", "councils.Vote", "voter_id", "place__path", "at"),)
    )
    assert _quarter(east, rules).current.participants == 0


def test_nobody_registered_gives_no_rate(admin_user, xinqiao):
    empty = place_create(actor=admin_user, parent=xinqiao, name="空院", level="courtyard")
    comparison = _quarter(empty)
    assert comparison.current.rate is None
    assert comparison.relative is None


def test_a_fixed_number_of_queries(courtyards, xinqiao, django_assert_max_num_queries):
    east, west, people = courtyards
    for name in "甲乙丙戊":
        _report(people[name], east if name in "甲乙丙" else west, THIS_QUARTER)
    start, end = _quarter(east).start, _quarter(east).end
    # The registered residents, one per source, the places' names: not one per place or person.
    with django_assert_max_num_queries(2 + len(active_sources(definitions()))):
        participation(place=xinqiao, start=start, end=end, by_depth=xinqiao.depth + 1)


def test_only_staff_of_the_place_may_see_it(courtyards, outsider, worker, resident, xinqiao):
    day = THIS_QUARTER.date()
    assert selectors.participation_report(viewer=worker, place=xinqiao, period="quarter", day=day)
    for viewer in (outsider, resident):
        with pytest.raises(NotPermitted):
            selectors.participation_report(viewer=viewer, place=xinqiao, period="quarter", day=day)


def test_the_page(client, courtyards, worker, outsider, xinqiao):
    east, _west, people = courtyards
    _report(people["甲"], east, THIS_QUARTER)
    client.force_login(worker)
    url = reverse("analytics:participation", args=[xinqiao.pk])
    response = client.get(
        url, {"period": "quarter", "day": "2026-11-17"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "测试东院" in body and "25.0%" in body
    response = client.get(url, {"period": "decade"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_api(client, courtyards, worker, outsider, xinqiao):
    east, _west, people = courtyards
    _report(people["甲"], east, THIS_QUARTER)
    _report(people["乙"], east, LAST_YEAR)
    client.force_login(worker)
    url = f"/api/v1/places/{east.pk}/participation/"
    data = client.get(url, {"period": "quarter", "day": "2026-11-17"}).json()
    assert data["current"]["participants"] == 1 and data["current"]["residents"] == 4
    assert data["previous"]["rate"] == 0.25 and data["relative"] == 0.0
    assert data["start"].startswith("2026-10-01T00:00:00+08:00")
    assert client.get(url, {"period": "decade"}).status_code == 400
    client.force_login(outsider)
    assert client.get(url).status_code == 404
