from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.fund.choices import ContributionSource, ExpenseCategory

ITEM_ROWS = 5


def fen(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


class YuanField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(max_digits=12, decimal_places=2, **kwargs)


class ContributionForm(forms.Form):
    amount = YuanField(label=_("Amount (¥)"))
    source = forms.ChoiceField(label=_("Source"), choices=ContributionSource.choices)
    counterparty = forms.CharField(label=_("From (name)"), max_length=100, required=False)
    memo = forms.CharField(label=_("Memo"), max_length=200)
    into = forms.ChoiceField(label=_("Into"), choices=[("cash", _("Cash")), ("bank", _("Bank"))])


class ExpenseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=ExpenseCategory.choices)
    payee = forms.CharField(label=_("Payee"), max_length=100, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, ITEM_ROWS + 1):
            self.fields[f"item_{n}"] = forms.CharField(
                label=_("Item %(n)d") % {"n": n}, max_length=120, required=n == 1
            )
            self.fields[f"amount_{n}"] = YuanField(
                label=_("Amount of item %(n)d (¥)") % {"n": n}, required=n == 1
            )

    def item_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"item_{n}"], self[f"amount_{n}"]) for n in range(1, ITEM_ROWS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(2, ITEM_ROWS + 1):
            if bool(data.get(f"item_{n}")) != bool(data.get(f"amount_{n}")):
                self.add_error(f"amount_{n}", _("Give both the item and its amount."))
        return data

    def items(self) -> list[tuple[str, int]]:
        data = self.cleaned_data
        return [
            (data[f"item_{n}"], fen(data[f"amount_{n}"]))
            for n in range(1, ITEM_ROWS + 1)
            if data.get(f"item_{n}") and data.get(f"amount_{n}")
        ]


class StepForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-\d{2}$", required=False)

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        from gongzhi.fund.selectors import month_bounds

        data = self.cleaned_data if self.is_valid() else {}
        if data.get("month"):
            year, month = (int(part) for part in data["month"].split("-"))
            if 1 <= month <= 12:
                return month_bounds(year, month)
        if data.get("start") and data.get("end") and data["start"] <= data["end"]:
            return data["start"], data["end"]
        return month_bounds(today.year, today.month)
