"""Hypothesis on the ledger: whatever sequence of contributions, payments and reversals, every
entry sums to zero, the chain verifies, and the balance equals the running sum of what went in
and out (and never drops below zero for a fund that may not go negative)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.core.errors import InvalidInput
from gongzhi.fund import services
from gongzhi.fund.ledger import balance_of, fund_verify
from gongzhi.fund.models import Entry

pytestmark = pytest.mark.django_db

operation = st.one_of(
    st.tuples(st.just("contribute"), st.integers(1, 500_000)),
    st.tuples(st.just("pay"), st.integers(1, 400_000)),
    st.tuples(st.just("reverse"), st.integers(0, 50)),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_the_ledger_always_balances(courtyard, worker, building_head, operations):
    from django.db import transaction

    with transaction.atomic():
        fund = services.fund_create(actor=worker, place=courtyard, name="不变量基金")
        expected = 0
        for kind, value in operations:
            if kind == "contribute":
                services.contribution_post(
                    actor=worker, fund=fund, amount=value, source="residents", memo="认缴"
                )
                expected += value
            elif kind == "pay":
                expense = services.expense_create(
                    actor=building_head, fund=fund, title="维修", items=[("材料", value)]
                )
                services.expense_submit(actor=building_head, expense=expense)
                expense = services.expense_approve(actor=worker, expense=expense)
                if expense.state != "approved":
                    continue  # above the threshold: a second approver would be needed
                fund.refresh_from_db()
                try:
                    services.expense_pay(actor=worker, expense=expense)
                    expected -= value
                except InvalidInput:
                    assert expected - value < 0
            else:
                entries = list(
                    Entry.objects.filter(
                        fund=fund, reverses__isnull=True, reversed_by__isnull=True
                    ).exclude(kind="reversal")
                )
                if not entries:
                    continue
                entry = entries[value % len(entries)]
                cash = sum(
                    line.amount for line in entry.lines.all() if line.account.kind == "asset"
                )
                try:
                    services.entry_reverse(actor=worker, entry=entry, reason="更正")
                    expected -= cash
                except InvalidInput:
                    assert expected - cash < 0
            assert balance_of(fund) == expected >= 0
        for entry in Entry.objects.filter(fund=fund).prefetch_related("lines"):
            assert sum(line.amount for line in entry.lines.all()) == 0
        report = fund_verify(funds=[fund])[0]
        assert report.ok, report.problems
        transaction.set_rollback(True)
