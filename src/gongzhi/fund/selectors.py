"""Reads of courtyard funds, scoped by the permission check, in a fixed number of queries.

Statements are public by design (transparency): they carry amounts, expenses with their approval
and receipt counts, and contributions with the contributor masked (张*) unless the viewer may see
the fund's ledger with names (`fund.view`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from gongzhi.core import clock, permissions
from gongzhi.core.errors import NotFound
from gongzhi.core.masking import mask_name, mask_text
from gongzhi.fund.choices import (
    PUBLIC_EXPENSE_STATES,
    AccountKind,
    ContributionSource,
    EntryKind,
    ExpenseCategory,
    ExpenseState,
)
from gongzhi.fund.models import Approval, Entry, Expense, ExpenseItem, Fund, Line, Receipt

# Contributions from these sources name organisations, which a statement may show.
NAMED_SOURCES = {ContributionSource.PROPERTY_COMPANY, ContributionSource.GRANT}


def _sum_subquery(model: Any, value: str = "amount") -> Subquery:
    return Subquery(
        model.objects.filter(expense=OuterRef("pk"))
        .order_by()
        .values("expense")
        .annotate(total=Sum(value))
        .values("total"),
        output_field=IntegerField(),
    )


def _count_subquery(model: Any) -> Subquery:
    return Subquery(
        model.objects.filter(expense=OuterRef("pk"))
        .order_by()
        .values("expense")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def expenses_annotated(queryset: QuerySet[Expense]) -> QuerySet[Expense]:
    """Expenses with `total`, `approval_count`, `receipt_count` (subqueries: no row multiplying)."""
    return queryset.annotate(
        total=Coalesce(_sum_subquery(ExpenseItem), 0),
        approval_count=Coalesce(_count_subquery(Approval), 0),
        receipt_count=Coalesce(_count_subquery(Receipt), 0),
    )


def fund_balances(funds: Sequence[Fund]) -> dict[int, int]:
    """Balance of each fund in fen (one query)."""
    rows = (
        Line.objects.filter(account__fund__in=funds, account__kind=AccountKind.ASSET)
        .values("account__fund")
        .annotate(total=Sum("amount"))
        .values_list("account__fund", "total")
    )
    balances = {fund.pk: 0 for fund in funds}
    balances.update({fund_id: int(total or 0) for fund_id, total in rows})
    return balances


def fund_list(*, viewer: Any) -> list[Fund]:
    """Funds of the places where the viewer may see fund ledgers, each with `balance` and
    `pending` (expenses waiting for a decision). Three queries."""
    funds: list[Fund] = list(
        Fund.objects.filter(permissions.place_q(viewer, "fund.view"))
        .select_related("place")
        .annotate(pending=Count("expenses", filter=Q(expenses__state=ExpenseState.SUBMITTED)))
        .order_by("place__path", "name")
    )
    balances = fund_balances(funds)
    for fund in funds:
        fund.balance = balances[fund.pk]  # type: ignore[attr-defined]
    return funds


def fund_get(*, viewer: Any, fund_id: int) -> Fund:
    fund = (
        Fund.objects.filter(permissions.place_q(viewer, "fund.view"))
        .select_related("place")
        .filter(pk=fund_id)
        .first()
    )
    if fund is None:
        raise NotFound()
    return fund


def fund_get_public(*, fund_id: int) -> Fund:
    fund = Fund.objects.select_related("place").filter(pk=fund_id).first()
    if fund is None:
        raise NotFound()
    return fund


def fund_public_list() -> list[Fund]:
    return list(Fund.objects.select_related("place").order_by("place__path", "name"))


def expense_list(*, fund: Fund, state: str | None = None) -> list[Expense]:
    queryset = Expense.objects.filter(fund=fund).select_related("created_by")
    if state:
        queryset = queryset.filter(state=state)
    return list(expenses_annotated(queryset).order_by("-created_at", "-pk"))


def receipt_get(*, viewer: Any, receipt_id: int) -> Receipt:
    """A receipt, to those who may see its fund's ledger (receipts are not public files)."""
    receipt = (
        Receipt.objects.filter(
            permissions.place_q(viewer, "fund.view", "expense__fund__place"), pk=receipt_id
        )
        .select_related("expense")
        .first()
    )
    if receipt is None:
        raise NotFound()
    return receipt


def expense_get(*, viewer: Any, expense_id: int) -> Expense:
    expense = (
        expenses_annotated(
            Expense.objects.filter(permissions.place_q(viewer, "fund.view", "fund__place"))
        )
        .select_related("fund__place", "created_by")
        .prefetch_related(
            "items",
            "receipts",
            Prefetch("approvals", queryset=Approval.objects.select_related("approver")),
        )
        .filter(pk=expense_id)
        .first()
    )
    if expense is None:
        raise NotFound()
    return expense


def entry_list(*, fund: Fund, limit: int = 200) -> list[Entry]:
    """The newest entries with their lines (two queries)."""
    return list(
        Entry.objects.filter(fund=fund)
        .select_related("actor")
        .prefetch_related(Prefetch("lines", queryset=Line.objects.select_related("account")))
        .order_by("-seq")[:limit]
    )


# ------------------------------------------------------------------------------ statements


@dataclass
class StatementContribution:
    at: dt.datetime
    source: str
    source_label: str
    contributor: str
    memo: str
    amount: int


@dataclass
class StatementExpense:
    pk: int
    title: str
    category_label: str
    payee: str
    state: str
    state_label: str
    total: int
    paid_at: dt.datetime | None
    approvers: list[str]
    receipt_count: int


@dataclass
class Statement:
    fund: Fund
    start: dt.date
    end: dt.date  # inclusive
    opening: int
    closing: int
    income_by_source: dict[str, int] = field(default_factory=dict)
    expense_by_category: dict[str, int] = field(default_factory=dict)
    transfers_in: int = 0
    transfers_out: int = 0
    contributions: list[StatementContribution] = field(default_factory=list)
    expenses: list[StatementExpense] = field(default_factory=list)

    @property
    def income(self) -> int:
        return sum(self.income_by_source.values())

    @property
    def spent(self) -> int:
        return sum(self.expense_by_category.values())

    @property
    def income_rows(self) -> list[tuple[str, int]]:
        return [
            (str(label), self.income_by_source.get(v, 0)) for v, label in ContributionSource.choices
        ]

    @property
    def expense_rows(self) -> list[tuple[str, int]]:
        return [
            (str(label), self.expense_by_category.get(v, 0)) for v, label in ExpenseCategory.choices
        ]


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.SHANGHAI)


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1)


def statement_build(*, fund: Fund, start: dt.date, end: dt.date, named: bool = False) -> Statement:
    """Income, expenses and balance of `fund` between two dates (inclusive, Asia/Shanghai).

    `named`: the viewer may see contributors' names (fund.view); otherwise they are masked.
    Six queries whatever the number of entries and expenses.
    """
    since, until = _local_midnight(start), _local_midnight(end + dt.timedelta(days=1))
    asset_lines = Line.objects.filter(account__fund=fund, account__kind=AccountKind.ASSET)
    opening = asset_lines.filter(entry__at__lt=since).aggregate(t=Sum("amount"))["t"] or 0
    statement = Statement(fund=fund, start=start, end=end, opening=opening, closing=opening)
    sums = (
        Line.objects.filter(account__fund=fund, entry__at__gte=since, entry__at__lt=until)
        .values("account__kind", "account__code")
        .annotate(total=Sum("amount"))
        .values_list("account__kind", "account__code", "total")
    )
    for kind, code, total in sums:
        if kind == AccountKind.ASSET:
            statement.closing += total
        elif kind == AccountKind.INCOME:
            statement.income_by_source[code.removeprefix("income-")] = -total
        elif kind == AccountKind.EXPENSE:
            statement.expense_by_category[code.removeprefix("expense-")] = total
        elif code == "transfer-in":
            statement.transfers_in = -total
        else:
            statement.transfers_out = total
    source_labels = dict(ContributionSource.choices)
    for line in (
        Line.objects.filter(
            account__fund=fund,
            account__kind=AccountKind.INCOME,
            entry__kind=EntryKind.CONTRIBUTION,
            entry__at__gte=since,
            entry__at__lt=until,
        )
        .select_related("entry", "account")
        .order_by("entry__at", "entry__seq")
    ):
        source = line.account.code.removeprefix("income-")
        who = line.entry.counterparty
        if not named and source not in NAMED_SOURCES:
            who = mask_name(who)
        statement.contributions.append(
            StatementContribution(
                at=line.entry.at,
                source=source,
                source_label=str(source_labels.get(source, source)),
                contributor=who,
                memo=line.entry.memo if named else mask_text(line.entry.memo),
                amount=-line.amount,
            )
        )
    expenses = (
        expenses_annotated(Expense.objects.filter(fund=fund))
        .filter(
            Q(state__in=PUBLIC_EXPENSE_STATES, paid_at__gte=since, paid_at__lt=until)
            | Q(state=ExpenseState.APPROVED, decided_at__lt=until)
            # Paid in the period and reversed after it: the period's totals count it as spent,
            # so its list shows it too (as "payment reversed"); reversed within the period, the
            # payment and its reversal cancel out and it is left out.
            | Q(
                state=ExpenseState.REVERSED,
                paid_at__gte=since,
                paid_at__lt=until,
                reversed_at__gte=until,
            )
        )
        .prefetch_related(
            Prefetch("approvals", queryset=Approval.objects.select_related("approver"))
        )
        .order_by("paid_at", "decided_at", "pk")
    )
    for expense in expenses:
        approvers = [approval.approver.name for approval in expense.approvals.all()]
        statement.expenses.append(
            StatementExpense(
                pk=expense.pk,
                title=expense.title,
                category_label=expense.get_category_display(),
                payee=expense.payee,
                state=expense.state,
                state_label=expense.get_state_display(),
                total=expense.total,  # type: ignore[attr-defined]
                paid_at=expense.paid_at,
                approvers=approvers if named else [mask_name(name) for name in approvers],
                receipt_count=expense.receipt_count,  # type: ignore[attr-defined]
            )
        )
    return statement
