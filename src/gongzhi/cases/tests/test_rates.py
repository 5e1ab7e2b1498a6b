from __future__ import annotations

import datetime as dt

import pytest

from gongzhi.cases import rates, services
from gongzhi.cases.models import Case
from gongzhi.core import clock

from .conftest import MONDAY_MORNING, category


@pytest.fixture
def history(report, property_handler, resident, agent):
    """Five cases of the property company: satisfied, mostly, dissatisfied (closed), no response,
    one accepted late and still open."""

    def resolve(case, hours):
        with clock.frozen(MONDAY_MORNING + dt.timedelta(hours=1)):
            case = services.case_accept(actor=property_handler, case=case)
        with clock.frozen(MONDAY_MORNING + dt.timedelta(hours=hours)):
            return services.case_resolve(actor=property_handler, case=case, resolution="已处理")

    made = [resolve(report(), 3) for _ in range(4)]
    services.case_follow_up(actor=resident, case=made[0], solved=True, rating="satisfied")
    services.case_follow_up(
        actor=agent, case=made[1], solved=True, rating="mostly_satisfied", by_phone=True
    )
    services.case_follow_up(
        actor=resident, case=made[2], solved=False, rating="dissatisfied", reason="beyond_duty"
    )
    with clock.frozen(made[3].resolved_at + dt.timedelta(days=8)):
        services.case_close_unanswered()
    late = report()
    with clock.frozen(late.accept_due_at + dt.timedelta(hours=1)):
        services.case_accept(actor=property_handler, case=late)
    return Case.objects.filter(pk__in=[c.pk for c in [*made, late]])


def test_the_default_definitions(history):
    (row,) = rates.three_rates(history)
    assert (row.cases, row.dispatched, row.responded) == (5, 5, 4)
    assert row.response_rate == 0.8
    # No-response cases are left out: 2 solved of 3 rated-and-closed.
    assert (row.closed, row.solved, row.resolution_rate) == (3, 2, round(2 / 3, 4))
    # Mostly satisfied counts as satisfied by default.
    assert (row.rated, row.satisfaction_rate) == (3, round(2 / 3, 4))
    assert row.average_workdays == 0.0  # resolved the same day


def test_the_definitions_are_configuration(history, settings):
    settings.THREE_RATES = {"mostly_satisfied_weight": 0.5, "no_response": "solved"}
    (row,) = rates.three_rates(history)
    assert row.satisfaction_rate == round(1.5 / 3, 4)
    assert (row.closed, row.solved, row.resolution_rate) == (4, 3, 0.75)


def test_rates_per_unit_are_one_aggregate_and_one_query_for_names(
    history, django_assert_num_queries
):
    with django_assert_num_queries(2):
        rows = rates.three_rates(Case.objects.all(), by="unit")
    assert [r.label for r in rows] == ["中加水岸物业服务中心"]


def test_a_merged_duplicate_counts_once(report, worker):
    first, second = report(), report()
    services.case_merge(actor=worker, case=second, into=first, note="同一部电梯")
    (row,) = rates.three_rates(Case.objects.filter(pk__in=[first.pk, second.pk]))
    assert row.cases == 1


def test_period_bounds_in_shanghai():
    start, end = rates.period_bounds("quarter", dt.date(2026, 11, 26))
    assert (start.date(), end.date()) == (dt.date(2026, 10, 1), dt.date(2027, 1, 1))
    assert start.utcoffset() == dt.timedelta(hours=8)
    start, end = rates.period_bounds("month", dt.date(2026, 12, 31))
    assert (start.date(), end.date()) == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))


@pytest.mark.parametrize("by", ["unit", "category", "place"])
def test_each_group_has_the_rates_of_its_own_cases_and_its_name(history, report, courtyard, by):
    """A grouped row equals the rates computed over that group's cases alone, its label is the
    unit's, category's or place's name, and rows come by name."""
    from django.db.models import Q

    from gongzhi.accounts.models import Unit
    from gongzhi.cases.models import Category
    from gongzhi.places.models import Place

    report(category=category("neighbours"), place=courtyard)
    report(category=category("household"))
    cases = Case.objects.all()
    now = MONDAY_MORNING + dt.timedelta(days=30)
    rows = rates.three_rates(cases, by=by, now=now)
    assert len(rows) >= 2
    assert sum(r.cases for r in rows) == rates.three_rates(cases, now=now)[0].cases
    assert [r.label for r in rows] == sorted(r.label for r in rows)
    model, only = {
        "unit": (Unit, lambda k: Q(first_receiver_id=k) | Q(first_receiver=None, unit_id=k)),
        "category": (Category, lambda k: Q(category_id=k)),
        "place": (Place, lambda k: Q(place_id=k)),
    }[by]
    for row in rows[:6]:
        assert row.label == model.objects.get(pk=row.key).name
        (alone,) = rates.three_rates(cases.filter(only(row.key)), now=now)
        assert row == rates.Rates(**{**alone.__dict__, "key": row.key, "label": row.label})
