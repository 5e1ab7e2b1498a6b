from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.analytics.selectors import PERIODS
from gongzhi.core import clock

PERIOD_LABELS = {"month": _("Month"), "quarter": _("Quarter"), "year": _("Year")}


class PeriodForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"), choices=[(p, PERIOD_LABELS[p]) for p in PERIODS], required=False
    )
    day = forms.DateField(
        label=_("A day in the period"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def period_and_day(self) -> tuple[str, dt.date]:
        """The chosen period, or this quarter when nothing (or nothing valid) was chosen."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("period") or "quarter", data.get("day") or clock.today()
