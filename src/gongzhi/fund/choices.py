from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountKind(models.TextChoices):
    """Debits are positive amounts, credits negative; every entry's lines sum to zero."""

    ASSET = "asset", _("Cash and bank")
    INCOME = "income", _("Contributions")
    EXPENSE = "expense", _("Expenses")
    TRANSFER = "transfer", _("Transfers between funds")


class EntryKind(models.TextChoices):
    CONTRIBUTION = "contribution", _("Contribution")
    EXPENSE = "expense", _("Expense paid")
    TRANSFER = "transfer", _("Transfer")
    REVERSAL = "reversal", _("Reversal")


class ContributionSource(models.TextChoices):
    RESIDENTS = "residents", _("Residents")
    PROPERTY_COMPANY = "property_company", _("Property company")
    GRANT = "grant", _("Grant funding")
    OTHER = "other", _("Other income")


class ExpenseCategory(models.TextChoices):
    MAINTENANCE = "maintenance", _("Repairs and maintenance")
    GREENING = "greening", _("Greening")
    SANITATION = "sanitation", _("Sanitation")
    ACTIVITIES = "activities", _("Community activities")
    OTHER = "other", _("Other expenses")


class ExpenseState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PAID = "paid", _("Paid")
    PUBLISHED = "published", _("Paid and published")
    # The payment's ledger entry was reversed (entry_reverse): the money is back in the fund.
    REVERSED = "reversed", _("Payment reversed")


# The states in which an expense shows in a public statement (a reversed one is not spent).
PUBLIC_EXPENSE_STATES = frozenset(
    {ExpenseState.APPROVED, ExpenseState.PAID, ExpenseState.PUBLISHED}
)
