"""Writes to courtyard funds: one transaction each, permission-checked and audited.

Money moves only through `ledger.ledger_entry_post`, with the fund row locked; expenses move
only through their state machine (workflow.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from gongzhi.core import clock, permissions
from gongzhi.core.audit import audit_record, snapshot
from gongzhi.core.errors import InvalidInput
from gongzhi.fund import workflow
from gongzhi.fund.choices import (
    AccountKind,
    ContributionSource,
    EntryKind,
    ExpenseCategory,
    ExpenseState,
)
from gongzhi.fund.ledger import balance_of, fund_lock, ledger_entry_post
from gongzhi.fund.models import Account, Approval, Entry, Expense, ExpenseItem, Fund, Receipt
from gongzhi.fund.receipts import clean_receipt
from gongzhi.places.models import Place

ASSET_ACCOUNTS = {"cash": "现金", "bank": "银行存款"}
TRANSFER_ACCOUNTS = {"transfer-in": "基金转入", "transfer-out": "基金转出"}
EXPENSE_FIELDS = [
    "state",
    "title",
    "category",
    "payee",
    "submitted_at",
    "decided_at",
    "paid_at",
    "reversed_at",
]


def _fen(amount: int, field: str = "amount") -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidInput(fields={field: [_("Enter a positive amount in fen.")]})
    return amount


def fund_create(
    *,
    actor: Any,
    place: Place,
    name: str,
    description: str = "",
    may_go_negative: bool = False,
    second_approval_from: int | None = None,
) -> Fund:
    """Open a fund with its standard accounts (cash, bank, one per source and category)."""
    with transaction.atomic():
        permissions.require(actor, "fund.manage", place)
        name = name.strip()
        if not name:
            raise InvalidInput(fields={"name": [_("A fund needs a name.")]})
        if Fund.objects.filter(place=place, name=name).exists():
            raise InvalidInput(fields={"name": [_("This place already has a fund of that name.")]})
        fund = Fund(
            place=place,
            name=name,
            description=description,
            may_go_negative=may_go_negative,
            created_at=clock.now(),
        )
        if second_approval_from is not None:
            fund.second_approval_from = _fen(second_approval_from, "second_approval_from")
        fund.save()
        accounts = [
            *[(AccountKind.ASSET, code, label) for code, label in ASSET_ACCOUNTS.items()],
            *[(AccountKind.INCOME, f"income-{v}", str(n)) for v, n in ContributionSource.choices],
            *[(AccountKind.EXPENSE, f"expense-{v}", str(n)) for v, n in ExpenseCategory.choices],
            *[(AccountKind.TRANSFER, code, label) for code, label in TRANSFER_ACCOUNTS.items()],
        ]
        Account.objects.bulk_create(
            [Account(fund=fund, kind=kind, code=code, name=label) for kind, code, label in accounts]
        )
        audit_record(
            actor=actor,
            action="fund.created",
            obj=fund,
            place=place,
            after=snapshot(fund, ["name", "may_go_negative", "second_approval_from"]),
        )
    return fund


def _account(fund: Fund, code: str) -> Account:
    return Account.objects.get(fund=fund, code=code)


def _refuse_negative(fund: Fund, outflow: int) -> None:
    if fund.may_go_negative:
        return
    balance = balance_of(fund)
    if balance - outflow < 0:
        raise InvalidInput(
            _(
                "The fund may not go negative: paying ¥%(amount)s would leave "
                "¥%(after)s (balance ¥%(balance)s)."
            )
            % {
                "amount": yuan(outflow),
                "after": yuan(balance - outflow),
                "balance": yuan(balance),
            }
        )


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def contribution_post(
    *,
    actor: Any,
    fund: Fund,
    amount: int,
    source: str,
    memo: str,
    counterparty: str = "",
    into: str = "cash",
) -> Entry:
    """Money in: debit cash (or bank), credit the source's income account."""
    _fen(amount)
    if source not in ContributionSource.values:
        raise InvalidInput(fields={"source": [_("Choose a source.")]})
    if into not in ASSET_ACCOUNTS:
        raise InvalidInput(fields={"into": [_("Choose cash or bank.")]})
    if not memo.strip():
        raise InvalidInput(fields={"memo": [_("Say what the money is for.")]})
    with transaction.atomic():
        permissions.require(actor, "fund.treasurer", fund.place)
        locked = fund_lock(fund)
        entry = ledger_entry_post(
            fund=locked,
            kind=EntryKind.CONTRIBUTION,
            memo=memo.strip(),
            counterparty=counterparty.strip(),
            lines=[
                (_account(locked, into), amount),
                (_account(locked, f"income-{source}"), -amount),
            ],
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="fund.contribution_posted",
            obj=entry,
            place=fund.place,
            after={"fund": fund.pk, "amount": amount, "source": source, "seq": entry.seq},
        )
    return entry


def transfer_post(*, actor: Any, source: Fund, target: Fund, amount: int, memo: str) -> Entry:
    """Move money between two funds: an entry in each, both funds locked (in id order)."""
    _fen(amount)
    if source.pk == target.pk:
        raise InvalidInput(fields={"target": [_("Choose another fund.")]})
    with transaction.atomic():
        permissions.require(actor, "fund.treasurer", source.place)
        permissions.require(actor, "fund.treasurer", target.place)
        # Always lock in the same order, so two opposite transfers cannot deadlock.
        first, second = sorted([source, target], key=lambda fund: fund.pk)
        locked = {fund.pk: fund_lock(fund) for fund in (first, second)}
        out_of, into = locked[source.pk], locked[target.pk]
        _refuse_negative(out_of, amount)
        entry = ledger_entry_post(
            fund=out_of,
            kind=EntryKind.TRANSFER,
            memo=memo,
            counterparty=into.name,
            lines=[(_account(out_of, "transfer-out"), amount), (_account(out_of, "cash"), -amount)],
            actor=actor,
        )
        ledger_entry_post(
            fund=into,
            kind=EntryKind.TRANSFER,
            memo=memo,
            counterparty=out_of.name,
            lines=[(_account(into, "cash"), amount), (_account(into, "transfer-in"), -amount)],
            actor=actor,
        )
        audit_record(
            actor=actor,
            action="fund.transfer_posted",
            obj=entry,
            place=source.place,
            after={"from": source.pk, "to": target.pk, "amount": amount},
        )
    return entry


def entry_reverse(*, actor: Any, entry: Entry, reason: str) -> Entry:
    """The only correction: a new entry with every line negated, pointing at the original.

    Reversing the payment of an expense also moves the expense to `reversed` (its state
    machine's `reverse` step), in the same transaction: the money is back, so it is no longer
    spent, and it cannot be paid or published again."""
    if not reason.strip():
        raise InvalidInput(fields={"reason": [_("Give a reason for the reversal.")]})
    with transaction.atomic():
        fund = entry.fund
        permissions.require(actor, "fund.treasurer", fund.place)
        locked = fund_lock(fund)
        if entry.kind == EntryKind.REVERSAL or Entry.objects.filter(reverses=entry).exists():
            raise InvalidInput(_("This entry is a reversal or has already been reversed."))
        paid = entry.expense if entry.kind == EntryKind.EXPENSE else None
        if paid is not None:
            # Refuse before posting anything (same lock order as expense_pay: fund, expense).
            workflow.check(_locked_expense(paid), "reverse", actor)
        lines = [(line.account, -line.amount) for line in entry.lines.select_related("account")]
        outflow = sum(-amount for account, amount in lines if account.kind == AccountKind.ASSET)
        if outflow > 0:
            _refuse_negative(locked, outflow)
        reversal = ledger_entry_post(
            fund=locked,
            kind=EntryKind.REVERSAL,
            memo=_("Reversal of #%(seq)d: %(reason)s") % {"seq": entry.seq, "reason": reason},
            counterparty=entry.counterparty,
            lines=lines,
            actor=actor,
            reverses=entry,
            expense=entry.expense,
        )
        audit_record(
            actor=actor,
            action="fund.entry_reversed",
            obj=reversal,
            place=fund.place,
            after={"reverses": entry.pk, "reason": reason},
        )
        if paid is not None:
            _move(actor=actor, expense=paid, name="reverse", note=reason.strip())
    return reversal


# ------------------------------------------------------------------------------ expenses


def expense_total(expense: Expense) -> int:
    return sum(item.amount for item in expense.items.all())


def expense_create(
    *,
    actor: Any,
    fund: Fund,
    title: str,
    items: Sequence[tuple[str, int]],
    category: str = ExpenseCategory.OTHER,
    payee: str = "",
    description: str = "",
    receipts: Sequence[IO[bytes]] = (),
) -> Expense:
    """A draft expense with its items (amounts in fen) and receipts."""
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = [_("An expense needs a title.")]
    if category not in ExpenseCategory.values:
        errors["category"] = [_("Choose a category.")]
    if not items or any(not text.strip() for text, _amount in items):
        errors["items"] = [_("List what the money is for, item by item.")]
    elif any(isinstance(a, bool) or not isinstance(a, int) or a <= 0 for _t, a in items):
        errors["items"] = [_("Every item needs a positive amount in fen.")]
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        permissions.require(actor, "fund.expense_submit", fund.place)
        expense = Expense.objects.create(
            fund=fund,
            title=title.strip(),
            category=category,
            payee=payee.strip(),
            description=description,
            created_by=actor,
            created_at=clock.now(),
        )
        ExpenseItem.objects.bulk_create(
            [ExpenseItem(expense=expense, description=t.strip(), amount=a) for t, a in items]
        )
        for upload in receipts:
            _receipt_save(actor=actor, expense=expense, upload=upload)
        audit_record(
            actor=actor,
            action="fund.expense_created",
            obj=expense,
            place=fund.place,
            after={**snapshot(expense, EXPENSE_FIELDS), "total": expense_total(expense)},
        )
    return expense


def _receipt_save(*, actor: Any, expense: Expense, upload: IO[bytes]) -> Receipt:
    clean = clean_receipt(upload, name=getattr(upload, "name", "") or _("receipt"))
    receipt = Receipt(
        expense=expense,
        content_type=clean.content_type,
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    receipt.file.save(clean.content.name or "receipt", clean.content, save=False)
    receipt.save()
    return receipt


def expense_receipt_add(*, actor: Any, expense: Expense, upload: IO[bytes]) -> Receipt:
    """Attach a receipt while the expense is a draft or waits for approval, or once it is paid."""
    with transaction.atomic():
        if not ({"submitter", "treasurer"} & workflow.capacities(actor, expense)):
            permissions.require(actor, "fund.treasurer", expense.fund.place)
        if expense.state in {ExpenseState.APPROVED, ExpenseState.REJECTED}:
            raise workflow.InvalidTransition(
                _("Receipts cannot be added to an expense that is %(state)s.")
                % {"state": expense.get_state_display()}
            )
        receipt = _receipt_save(actor=actor, expense=expense, upload=upload)
        audit_record(
            actor=actor,
            action="fund.receipt_added",
            obj=expense,
            place=expense.fund.place,
            after={"receipt": receipt.pk, "content_type": receipt.content_type},
        )
    return receipt


def _locked_expense(expense: Expense) -> Expense:
    return Expense.objects.select_for_update().select_related("fund__place").get(pk=expense.pk)


def _move(
    *, actor: Any, expense: Expense, name: str, note: str = "", target: str | None = None
) -> Expense:
    """Take transition `name` on a locked copy; stamp what it records; audit it."""
    locked = _locked_expense(expense)
    transition = workflow.check(locked, name, actor)
    before = snapshot(locked, EXPENSE_FIELDS)
    locked.state = target or transition.target
    fields = ["state"]
    if transition.records and locked.state == transition.target:
        setattr(locked, transition.records, clock.now())
        fields.append(transition.records)
    if name == "reject":
        locked.rejection_reason = note
        fields.append("rejection_reason")
    locked.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"fund.expense_{name}",
        obj=locked,
        place=locked.fund.place,
        before=before,
        after={**snapshot(locked, EXPENSE_FIELDS), **({"note": note} if note else {})},
    )
    return locked


def expense_submit(*, actor: Any, expense: Expense) -> Expense:
    with transaction.atomic():
        if not expense.items.exists():
            raise InvalidInput(fields={"items": [_("An expense needs at least one item.")]})
        return _move(actor=actor, expense=expense, name="submit")


def expense_approve(*, actor: Any, expense: Expense, note: str = "") -> Expense:
    """Four eyes: never the submitter. From the fund's threshold on, two distinct approvers."""
    with transaction.atomic():
        locked = _locked_expense(expense)
        workflow.check(locked, "approve", actor)
        if locked.approvals.filter(approver=actor).exists():
            raise workflow.InvalidTransition(_("You have already approved this expense."))
        Approval.objects.create(expense=locked, approver=actor, at=clock.now(), note=note)
        needed = 2 if expense_total(locked) >= locked.fund.second_approval_from else 1
        done = locked.approvals.count() >= needed
        return _move(
            actor=actor,
            expense=locked,
            name="approve",
            note=note,
            target=None if done else ExpenseState.SUBMITTED,
        )


def expense_reject(*, actor: Any, expense: Expense, reason: str) -> Expense:
    if not reason.strip():
        raise InvalidInput(fields={"reason": [_("A rejection needs a reason.")]})
    with transaction.atomic():
        return _move(actor=actor, expense=expense, name="reject", note=reason.strip())


def expense_revise(*, actor: Any, expense: Expense) -> Expense:
    """A rejected expense goes back to draft; its approvals start again."""
    with transaction.atomic():
        locked = _move(actor=actor, expense=expense, name="revise")
        locked.approvals.all().delete()
        return locked


def expense_pay(*, actor: Any, expense: Expense, out_of: str = "cash") -> Expense:
    """Pay: post the ledger entry (expense category debited, cash or bank credited).

    The fund row is locked before the balance is read, so two payments cannot both pass the
    "may not go negative" check on PostgreSQL.
    """
    if out_of not in ASSET_ACCOUNTS:
        raise InvalidInput(fields={"out_of": [_("Choose cash or bank.")]})
    with transaction.atomic():
        fund = fund_lock(expense.fund)
        locked = _locked_expense(expense)
        workflow.check(locked, "pay", actor)
        total = expense_total(locked)
        _refuse_negative(fund, total)
        ledger_entry_post(
            fund=fund,
            kind=EntryKind.EXPENSE,
            memo=locked.title,
            counterparty=locked.payee,
            lines=[
                (_account(fund, f"expense-{locked.category}"), total),
                (_account(fund, out_of), -total),
            ],
            actor=actor,
            expense=locked,
        )
        return _move(actor=actor, expense=locked, name="pay")


def fund_update(*, actor: Any, fund: Fund, may_go_negative: bool) -> Fund:
    with transaction.atomic():
        permissions.require(actor, "fund.manage", fund.place)
        before = snapshot(fund, ["may_go_negative"])
        fund.may_go_negative = may_go_negative
        fund.save(update_fields=["may_go_negative"])
        audit_record(
            actor=actor,
            action="fund.updated",
            obj=fund,
            place=fund.place,
            before=before,
            after=snapshot(fund, ["may_go_negative"]),
        )
    return fund


# ------------------------------------------------------------------------------ publishing


def _expense_notice_body(expense: Expense) -> str:
    lines = [
        _("Fund: %(fund)s") % {"fund": expense.fund.name},
        _("Category: %(category)s") % {"category": expense.get_category_display()},
        _("Payee: %(payee)s") % {"payee": expense.payee or "—"},
        "",
        *[f"· {item.description}：¥{yuan(item.amount)}" for item in expense.items.all()],
        _("Total: ¥%(total)s") % {"total": yuan(expense_total(expense))},
        _("Approvals: %(count)d; receipts: %(receipts)d")
        % {"count": expense.approvals.count(), "receipts": expense.receipts.count()},
    ]
    return "\n".join(lines)


def expense_publish(*, actor: Any, expense: Expense, period_days: int | None = None) -> Expense:
    """Publish a paid expense as a notice (publicity app); the expense records the notice."""
    from gongzhi.publicity.services import notice_publish

    with transaction.atomic():
        locked = _locked_expense(expense)
        workflow.check(locked, "publish", actor)
        notice = notice_publish(
            actor=actor,
            place=locked.fund.place,
            title=_("Fund expense: %(title)s") % {"title": locked.title},
            body=_expense_notice_body(locked),
            subject=locked,
            period_days=period_days,
        )
        locked.notice_id = notice.pk
        locked.save(update_fields=["notice_id"])
        return _move(actor=actor, expense=locked, name="publish")


def statement_publish(
    *, actor: Any, fund: Fund, start: Any, end: Any, period_days: int | None = None
) -> Any:
    """Publish a fund's statement for a period as a notice (income, expenses, balance)."""
    from gongzhi.fund.selectors import statement_build
    from gongzhi.publicity.services import notice_publish

    with transaction.atomic():
        permissions.require(actor, "fund.treasurer", fund.place)
        statement = statement_build(fund=fund, start=start, end=end)
        body = "\n".join(
            [
                _("Opening balance: ¥%(amount)s") % {"amount": yuan(statement.opening)},
                _("Income: ¥%(amount)s") % {"amount": yuan(statement.income)},
                _("Expenses: ¥%(amount)s") % {"amount": yuan(statement.spent)},
                _("Closing balance: ¥%(amount)s") % {"amount": yuan(statement.closing)},
                "",
                *[
                    f"· {e.title}：¥{yuan(e.total)}（{e.state_label}，"
                    + _("%(approvals)d approvals, %(receipts)d receipts")
                    % {"approvals": len(e.approvers), "receipts": e.receipt_count}
                    + "）"
                    for e in statement.expenses
                ],
            ]
        )
        notice = notice_publish(
            actor=actor,
            place=fund.place,
            title=_("%(fund)s statement %(start)s to %(end)s")
            % {"fund": fund.name, "start": start.isoformat(), "end": end.isoformat()},
            body=body,
            subject=fund,
            period_days=period_days,
        )
        audit_record(
            actor=actor,
            action="fund.statement_published",
            obj=fund,
            place=fund.place,
            after={"notice": notice.pk, "start": start.isoformat(), "end": end.isoformat()},
        )
    return notice
