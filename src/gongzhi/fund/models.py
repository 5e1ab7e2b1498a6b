"""Courtyard funds as double-entry ledgers.

A fund's balance is never stored: it is the sum of the lines on its cash and bank accounts.
Entries and lines are append-only (database triggers, fund/db_guards.py); a correction is a
reversing entry. Each fund's entries form a hash chain whose head is kept on the fund row, and
locking that row serialises posting (and the "may not go negative" check).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.fund.choices import AccountKind, EntryKind, ExpenseCategory, ExpenseState

GENESIS = "0" * 64


def default_second_approval_from() -> int:
    return int(settings.FUND_SECOND_APPROVAL_FROM)


class Fund(models.Model):
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="funds", verbose_name=_("place")
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    may_go_negative = models.BooleanField(
        _("may go negative"),
        default=False,
        help_text=_("When off, paying an expense larger than the balance is refused."),
    )
    # Expenses of at least this amount need two distinct approvers (a council vote, once
    # councils exist, would be the other way).
    second_approval_from = models.BigIntegerField(
        _("two approvers from (fen)"), default=default_second_approval_from
    )
    created_at = models.DateTimeField(_("created"))
    # The chain head: the newest entry's sequence number and hash (only ledger_entry_post moves it).
    chain_seq = models.BigIntegerField(default=0, editable=False)
    chain_hash = models.CharField(max_length=64, default=GENESIS, editable=False)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="fund_name_unique_in_place")
        ]

    def __str__(self) -> str:
        return self.name


class Account(models.Model):
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("fund")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AccountKind.choices)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["fund", "code"], name="fund_account_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise RuntimeError("The ledger is append-only: post a reversing entry.")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise RuntimeError("The ledger is append-only: post a reversing entry.")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise RuntimeError("The ledger is append-only: post a reversing entry.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise RuntimeError("The ledger is append-only: post a reversing entry.")


class Entry(AppendOnly):
    """One journal entry: lines that sum to zero, chained to the fund's previous entry."""

    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="entries", verbose_name=_("fund")
    )
    seq = models.BigIntegerField(_("number"))
    at = models.DateTimeField(_("time"))
    kind = models.CharField(_("kind"), max_length=16, choices=EntryKind.choices)
    memo = models.CharField(_("memo"), max_length=200)
    # Who paid in or was paid (a resident's name is personal data: masked in public).
    counterparty = models.CharField(_("counterparty"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("posted by"),
    )
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )
    expense = models.ForeignKey(
        "fund.Expense",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("expense"),
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(fields=["fund", "seq"], name="fund_entry_seq_unique")
        ]
        indexes = [models.Index(fields=["fund", "at"], name="fund_entry_at")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.memo}"


class Line(AppendOnly):
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="lines", verbose_name=_("entry")
    )
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="lines", verbose_name=_("account")
    )
    # Fen; debit positive, credit negative.
    amount = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("ledger line")
        verbose_name_plural = _("ledger lines")

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount}"


class Expense(models.Model):
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("fund")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("category"), max_length=16, choices=ExpenseCategory.choices, default="other"
    )
    payee = models.CharField(_("payee"), max_length=100, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=ExpenseState.choices, default=ExpenseState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    created_at = models.DateTimeField(_("created"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    reversed_at = models.DateTimeField(_("payment reversed"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    notice_id = models.BigIntegerField(_("notice"), null=True, blank=True)

    class Meta:
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")
        indexes = [models.Index(fields=["fund", "state"], name="fund_expense_state")]

    def __str__(self) -> str:
        return self.title


class ExpenseItem(models.Model):
    expense = models.ForeignKey(
        Expense, on_delete=models.CASCADE, related_name="items", verbose_name=_("expense")
    )
    description = models.CharField(_("item"), max_length=120)
    amount = models.BigIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("expense item")
        verbose_name_plural = _("expense items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="fund_expense_item_positive"
            )
        ]

    def __str__(self) -> str:
        return self.description


class Receipt(models.Model):
    expense = models.ForeignKey(
        Expense, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("expense")
    )
    file = models.FileField(_("file"), upload_to="fund/receipts/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return self.file.name or ""


class Approval(models.Model):
    expense = models.ForeignKey(
        Expense, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("expense")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approver"),
    )
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["expense", "approver"], name="fund_approval_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.expense_id} {self.approver_id}"
