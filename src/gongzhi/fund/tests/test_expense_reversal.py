"""Reversing the ledger entry that paid an expense moves the expense to `reversed` in the same
transaction (audited): the balance is restored, statements stop counting it, it can be neither
paid nor published again; reversing any other entry leaves expenses alone; chains verify."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from gongzhi.core import clock
from gongzhi.core.errors import NotPermitted
from gongzhi.core.models import AuditEntry
from gongzhi.fund import selectors, services, workflow
from gongzhi.fund.choices import EntryKind, ExpenseState
from gongzhi.fund.ledger import balance_of, fund_verify
from gongzhi.fund.models import Entry, Expense
from gongzhi.fund.workflow import InvalidTransition

from .conftest import submitted

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def paid(fund, building_head, worker) -> Expense:
    expense = submitted(fund, building_head)
    expense = services.expense_approve(actor=worker, expense=expense)
    return services.expense_pay(actor=worker, expense=expense)


def payment_of(expense: Expense) -> Entry:
    return Entry.objects.get(expense=expense, kind=EntryKind.EXPENSE)


def statement_of(fund):
    today = clock.today()
    return selectors.statement_build(fund=fund, start=today, end=today)


def test_it_reverses_the_payment_and_the_expense_follows(fund, paid, worker):
    assert balance_of(fund) == 70_000
    before = statement_of(fund)
    assert [e.pk for e in before.expenses] == [paid.pk] and before.spent == 30_000

    reversal = services.entry_reverse(actor=worker, entry=payment_of(paid), reason="商家退款")

    assert reversal.expense_id == paid.pk
    paid.refresh_from_db()
    assert paid.state == ExpenseState.REVERSED and paid.reversed_at is not None
    assert paid.paid_at is not None  # the payment stays on record
    assert balance_of(fund) == 100_000
    after = statement_of(fund)
    assert after.expenses == [] and after.spent == 0 and after.closing == 100_000
    audit = AuditEntry.objects.get(
        object_type="fund.expense", object_id=str(paid.pk), action="fund.expense_reverse"
    )
    assert audit.before["state"] == "paid" and audit.after["state"] == "reversed"
    assert audit.after["note"] == "商家退款" and audit.actor_id == worker.pk
    assert AuditEntry.objects.filter(action="fund.entry_reversed", object_id=str(reversal.pk))
    assert fund_verify(funds=[fund])[0].ok


def test_a_reversed_expense_can_be_neither_paid_nor_published_again(fund, paid, worker):
    services.entry_reverse(actor=worker, entry=payment_of(paid), reason="商家退款")
    paid.refresh_from_db()
    for step in (services.expense_pay, services.expense_publish):
        with pytest.raises(InvalidTransition):
            step(actor=worker, expense=paid)
    assert workflow.allowed(paid, worker) == []
    assert Entry.objects.filter(expense=paid).count() == 2  # the payment and its reversal
    assert balance_of(fund) == 100_000


def test_a_published_expense_is_reversed_too(fund, paid, worker):
    published = services.expense_publish(actor=worker, expense=paid)
    assert published.state == ExpenseState.PUBLISHED
    services.entry_reverse(actor=worker, entry=payment_of(paid), reason="重复付款")
    paid.refresh_from_db()
    assert paid.state == ExpenseState.REVERSED


def test_reversing_another_entry_leaves_expenses_untouched(fund, paid, worker):
    contribution = services.contribution_post(
        actor=worker, fund=fund, amount=5_000, source="residents", memo="认缴", counterparty="张伟"
    )
    services.entry_reverse(actor=worker, entry=contribution, reason="录错")
    assert balance_of(fund) == 70_000
    paid.refresh_from_db()
    assert paid.state == ExpenseState.PAID and paid.reversed_at is None
    assert not AuditEntry.objects.filter(action="fund.expense_reverse").exists()
    assert [e.pk for e in statement_of(fund).expenses] == [paid.pk]


def test_a_refused_reversal_changes_nothing(fund, paid, building_head):
    fund.refresh_from_db()
    chain = (fund.chain_seq, fund.chain_hash)
    with pytest.raises(NotPermitted):
        services.entry_reverse(actor=building_head, entry=payment_of(paid), reason="x")
    paid.refresh_from_db()
    fund.refresh_from_db()
    assert paid.state == ExpenseState.PAID
    assert (fund.chain_seq, fund.chain_hash) == chain


def test_the_state_machine_never_offers_reverse_as_a_step(fund, paid, worker):
    assert "reverse" in workflow.TRANSITIONS
    assert workflow.check(paid, "reverse", worker).target == ExpenseState.REVERSED
    assert "reverse" not in {t.name for t in workflow.allowed(paid, worker)}


def test_gongzhi_fund_verify_passes_after_a_reversed_payment(fund, paid, worker, capsys):
    services.entry_reverse(actor=worker, entry=payment_of(paid), reason="商家退款")
    call_command("fund", "verify")
    out = capsys.readouterr().out
    assert "测试基金" in out and "BROKEN" not in out


def test_the_pages_and_the_api_show_the_reversed_expense(client, api_as, fund, paid, worker):
    client.force_login(worker)
    response = client.post(
        reverse("fund:entry_reverse", args=[fund.pk, payment_of(paid).pk]),
        {"reason": "商家退款"},
        **EN,
    )
    assert response.status_code == 302
    page = client.get(reverse("fund:expense", args=[paid.pk]), **EN).content.decode()
    assert '<strong data-testid="state">Payment reversed</strong>' in page
    assert "The payment was reversed on" in page
    assert "Next steps" not in page
    assert "Payment reversed" in client.get(reverse("fund:detail", args=[fund.pk]), **EN).text
    statement = client.get(reverse("fund:statement", args=[fund.pk]), **EN).text
    assert "楼道灯更换" not in statement

    api = api_as(worker)
    body = api.get(f"/api/v1/expenses/{paid.pk}/").json()
    assert body["state"] == "reversed" and body["reversed_at"]
    listed = api.get(f"/api/v1/funds/{fund.pk}/expenses/", {"state": "reversed"}).json()
    assert [e["id"] for e in listed] == [paid.pk]
    assert api.get(f"/api/v1/funds/{fund.pk}/expenses/", {"state": "paid"}).json() == []
    assert api.get(f"/api/v1/funds/{fund.pk}/expenses/", {"state": "nope"}).status_code == 400
    assert api.post(f"/api/v1/expenses/{paid.pk}/pay/", {}, format="json").status_code == 409


def test_a_period_before_the_reversal_still_lists_what_it_counts_as_spent(fund, paid, worker):
    """Paid today, reversed tomorrow: today's statement counts it as spent and lists it (marked
    reversed), so its list adds up to its totals; tomorrow's shows the money back."""
    today = clock.today()
    with clock.frozen(clock.now() + dt.timedelta(days=1)):
        services.entry_reverse(actor=worker, entry=payment_of(paid), reason="商家退款")
    paid.refresh_from_db()

    that_day = selectors.statement_build(fund=fund, start=today, end=today)
    assert [(e.pk, e.state) for e in that_day.expenses] == [(paid.pk, ExpenseState.REVERSED)]
    assert that_day.spent == sum(e.total for e in that_day.expenses) == 30_000
    tomorrow = today + dt.timedelta(days=1)
    next_day = selectors.statement_build(fund=fund, start=tomorrow, end=tomorrow)
    assert next_day.expenses == [] and next_day.spent == -30_000
