"""Real concurrent transactions (each thread has its own connection): on PostgreSQL the fund
row lock serialises posting; on SQLite the IMMEDIATE write lock does. Either way the chain stays
intact, every entry balances, and a fund that may not go negative never does."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from gongzhi.accounts.models import User
from gongzhi.core.errors import InvalidInput
from gongzhi.fund import services
from gongzhi.fund.ledger import balance_of, fund_verify
from gongzhi.fund.models import Entry, Expense, Fund
from gongzhi.places.models import Place

THREADS = 4


def _run_at_once(work: list[Callable[[], None]]) -> None:
    barrier = threading.Barrier(len(work))
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=20)
            job()
        except BaseException as exc:  # reported by the test thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_posting_keeps_the_chain_and_the_balance(demo_committed):
    worker = User.objects.get(username="liuyang")
    approver = User.objects.get(username="wuqiang")
    place = Place.objects.get(name="中加水岸小区")
    fund = services.fund_create(actor=worker, place=place, name="并发测试基金")
    services.contribution_post(
        actor=worker, fund=fund, amount=100_000, source="grant", memo="启动资金"
    )
    # Six approved expenses of ¥300 against ¥1,000: only three can be paid.
    expenses = []
    for n in range(6):
        expense = services.expense_create(
            actor=worker, fund=fund, title=f"并发支出 {n}", items=[("材料", 30_000)]
        )
        services.expense_submit(actor=worker, expense=expense)
        expenses.append(services.expense_approve(actor=approver, expense=expense))
    paid: list[int] = []
    refused: list[int] = []

    def contribute(n: int) -> Callable[[], None]:
        def job() -> None:
            for i in range(5):
                services.contribution_post(
                    actor=worker,
                    fund=Fund.objects.get(pk=fund.pk),
                    amount=100 + n * 10 + i,
                    source="residents",
                    memo="认缴",
                    counterparty=f"住户{n}-{i}",
                )

        return job

    def pay(expense: Expense) -> Callable[[], None]:
        def job() -> None:
            try:
                services.expense_pay(actor=worker, expense=Expense.objects.get(pk=expense.pk))
                paid.append(expense.pk)
            except InvalidInput:
                refused.append(expense.pk)

        return job

    _run_at_once([contribute(n) for n in range(THREADS)] + [pay(e) for e in expenses])

    contributed = sum(100 + n * 10 + i for n in range(THREADS) for i in range(5))
    # ¥1,000 + the contributions (≈ ¥20) covers three payments of ¥300, never a fourth.
    assert len(paid) == 3 and len(refused) == 3, (paid, refused)
    assert balance_of(fund) == 100_000 + contributed - 3 * 30_000 >= 0
    assert Entry.objects.filter(fund=fund).count() == 1 + THREADS * 5 + 3
    report = fund_verify(funds=[fund])[0]
    assert report.ok, report.problems
    assert list(Entry.objects.filter(fund=fund).order_by("seq").values_list("seq", flat=True)) == (
        list(range(1, 1 + THREADS * 5 + 3 + 1))
    )
