"""The ledger's core: posting a balanced entry onto a fund's hash chain, and verifying chains.

`ledger_entry_post` is the only code that writes entries and lines. Callers (the services) hold
the fund row locked (`fund_lock`), which serialises posting to one fund on PostgreSQL and makes
the balance they check the balance the entry lands on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from gongzhi.core import clock
from gongzhi.core.errors import InvalidInput
from gongzhi.fund.choices import AccountKind
from gongzhi.fund.models import GENESIS, Account, Entry, Fund, Line


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(
    *,
    prev_hash: str,
    fund_id: int,
    seq: int,
    at: dt.datetime,
    kind: str,
    memo: str,
    counterparty: str,
    actor_id: int | None,
    reverses_id: int | None,
    expense_id: int | None,
    lines: Iterable[tuple[int, int]],
) -> str:
    """SHA-256 over the previous hash and the entry's canonical body, its lines included."""
    body = _canonical(
        [
            fund_id,
            seq,
            at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            kind,
            memo,
            counterparty,
            actor_id,
            reverses_id,
            expense_id,
            sorted([account_id, amount] for account_id, amount in lines),
        ]
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def fund_lock(fund: Fund) -> Fund:
    """The fund row, locked until the transaction ends (FOR UPDATE on PostgreSQL)."""
    return Fund.objects.select_for_update().get(pk=fund.pk)


def balance_of(fund: Fund) -> int:
    """The fund's balance in fen: the sum of the lines on its cash and bank accounts."""
    total = Line.objects.filter(account__fund=fund, account__kind=AccountKind.ASSET).aggregate(
        total=Sum("amount")
    )["total"]
    return int(total or 0)


def ledger_entry_post(
    *,
    fund: Fund,
    kind: str,
    memo: str,
    lines: Sequence[tuple[Account, int]],
    actor: Any,
    counterparty: str = "",
    reverses: Entry | None = None,
    expense: Any = None,
) -> Entry:
    """Append one balanced entry to `fund` (which the caller has locked with `fund_lock`)."""
    if len(lines) < 2 or any(amount == 0 for _account, amount in lines):
        raise InvalidInput(_("An entry needs at least two lines, none of them zero."))
    if sum(amount for _account, amount in lines) != 0:
        raise InvalidInput(_("The lines of an entry must sum to zero."))
    if any(account.fund_id != fund.pk for account, _amount in lines):
        raise InvalidInput(_("Every line must be on an account of the fund."))
    at = clock.now()
    seq = fund.chain_seq + 1
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    digest = entry_hash(
        prev_hash=fund.chain_hash,
        fund_id=fund.pk,
        seq=seq,
        at=at,
        kind=kind,
        memo=memo,
        counterparty=counterparty,
        actor_id=actor_id,
        reverses_id=reverses.pk if reverses else None,
        expense_id=expense.pk if expense is not None else None,
        lines=[(account.pk, amount) for account, amount in lines],
    )
    entry = Entry.objects.create(
        fund=fund,
        seq=seq,
        at=at,
        kind=kind,
        memo=memo,
        counterparty=counterparty,
        actor_id=actor_id,
        reverses=reverses,
        expense=expense,
        prev_hash=fund.chain_hash,
        hash=digest,
    )
    Line.objects.bulk_create(
        [Line(entry=entry, account=account, amount=amount) for account, amount in lines]
    )
    fund.chain_seq = seq
    fund.chain_hash = digest
    fund.save(update_fields=["chain_seq", "chain_hash"])
    return entry


@dataclass
class FundReport:
    fund_id: int
    name: str
    entries: int = 0
    balance: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _verify_one(fund: Fund) -> FundReport:
    report = FundReport(fund.pk, fund.name)
    lines_of: dict[int, list[tuple[int, int, int, str]]] = defaultdict(list)
    for entry_id, account_id, amount, account_fund_id, account_kind in Line.objects.filter(
        entry__fund=fund
    ).values_list("entry_id", "account_id", "amount", "account__fund_id", "account__kind"):
        lines_of[entry_id].append((account_id, amount, account_fund_id, account_kind))
    previous_hash, previous_seq, walked_balance = GENESIS, 0, 0
    for entry in Entry.objects.filter(fund=fund).order_by("seq").iterator(chunk_size=2000):
        lines = lines_of.pop(entry.pk, [])
        where = _("entry #%(seq)d") % {"seq": entry.seq}
        if entry.seq != previous_seq + 1:
            report.problems.append(_("%(where)s: entries before it are missing") % {"where": where})
        if entry.prev_hash != previous_hash:
            report.problems.append(
                _("%(where)s: its link does not match the previous entry's hash") % {"where": where}
            )
        if sum(amount for _a, amount, _f, _k in lines) != 0:
            report.problems.append(_("%(where)s: its lines do not sum to zero") % {"where": where})
        if any(account_fund != fund.pk for _a, _m, account_fund, _k in lines):
            report.problems.append(
                _("%(where)s: a line is on another fund's account") % {"where": where}
            )
        expected = entry_hash(
            prev_hash=entry.prev_hash,
            fund_id=entry.fund_id,
            seq=entry.seq,
            at=entry.at,
            kind=entry.kind,
            memo=entry.memo,
            counterparty=entry.counterparty,
            actor_id=entry.actor_id,
            reverses_id=entry.reverses_id,
            expense_id=entry.expense_id,
            lines=[(account, amount) for account, amount, _f, _k in lines],
        )
        if expected != entry.hash:
            report.problems.append(
                _("%(where)s: its content does not match its hash") % {"where": where}
            )
        walked_balance += sum(m for _a, m, _f, kind in lines if kind == AccountKind.ASSET)
        previous_hash, previous_seq = entry.hash, entry.seq
        report.entries += 1
    if lines_of:
        report.problems.append(_("lines belong to entries outside the chain"))
    if (previous_seq, previous_hash) != (fund.chain_seq, fund.chain_hash):
        report.problems.append(
            _("the chain should end at entry #%(seq)d") % {"seq": fund.chain_seq}
        )
    report.balance = balance_of(fund)
    if report.balance != walked_balance:
        report.problems.append(_("the balance does not equal the sum of the entries"))
    return report


def fund_verify(*, funds: Iterable[Fund] | None = None) -> list[FundReport]:
    """Check every fund: entries chained and unaltered, each entry balanced, balance = sum."""
    queryset = Fund.objects.order_by("pk")
    if funds is not None:
        # Read the chain heads afresh: the callers' copies may be older than the ledger.
        queryset = queryset.filter(pk__in=[fund.pk for fund in funds])
    return [_verify_one(fund) for fund in queryset.iterator()]
