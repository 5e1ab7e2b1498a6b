"""Forms of the duty pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.duty.choices import DutyRole, VolunteerKind

_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~至]\s*(\d{1,2}):(\d{2})\s*$")


def parse_times(text: str) -> list[tuple[dt.time, dt.time]]:
    """ "09:00-12:00, 14:00-17:30" → [(9:00, 12:00), (14:00, 17:30)]."""
    ranges = []
    for part in re.split(r"[,，;；\n]+", text.strip()):
        if not part.strip():
            continue
        match = _RANGE.match(part)
        if not match:
            raise forms.ValidationError(_("Write time ranges like 09:00-12:00, 14:00-17:30."))
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            ranges.append((dt.time(h1, m1), dt.time(h2, m2)))
        except ValueError:
            raise forms.ValidationError(_("A time is not valid.")) from None
    if not ranges:
        raise forms.ValidationError(_("Give at least one time range."))
    return ranges


def _choices(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class RosterForm(forms.Form):
    place = forms.TypedChoiceField(label=_("Courtyard or community"), coerce=int)
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args: Any, places: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "place").choices = places


class MemberForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Person"), coerce=int)
    role = forms.ChoiceField(label=_("Serves as"), choices=DutyRole.choices)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "user").choices = people


class GenerateForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("Until"), widget=DateInput)
    times = forms.CharField(
        label=_("Shifts each day"),
        initial="09:00-12:00, 14:00-17:30",
        help_text=_("Time ranges separated by commas; an end before the start runs overnight."),
    )
    slots = forms.IntegerField(label=_("People per shift"), min_value=1, max_value=20, initial=1)
    skip_days_off = forms.BooleanField(
        label=_("Skip weekends and statutory holidays (make-up workdays are kept)"),
        required=False,
        initial=True,
    )

    def clean_times(self) -> list[tuple[dt.time, dt.time]]:
        return parse_times(self.cleaned_data["times"])


class ShiftForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput)
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput)
    slots = forms.IntegerField(label=_("People per shift"), min_value=1, max_value=20, initial=1)


class SwapForm(forms.Form):
    counterparty = forms.TypedChoiceField(label=_("Ask"), coerce=int)
    counter_shift = forms.TypedChoiceField(
        label=_("In exchange for their shift (optional)"),
        coerce=int,
        required=False,
        empty_value=None,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(
        self,
        *args: Any,
        people: list[tuple[int, str]],
        shifts: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        _choices(self, "counterparty").choices = people
        _choices(self, "counter_shift").choices = [("", "—"), *shifts]


class VolunteerForm(forms.Form):
    username = forms.CharField(label=_("Username or mobile number"), max_length=150)
    community = forms.TypedChoiceField(label=_("Community"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=VolunteerKind.choices)
    organisation = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    availability = forms.CharField(label=_("Availability"), max_length=200, required=False)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Usual weekdays"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            (1, _("Mon")),
            (2, _("Tue")),
            (3, _("Wed")),
            (4, _("Thu")),
            (5, _("Fri")),
            (6, _("Sat")),
            (7, _("Sun")),
        ],
    )

    def __init__(self, *args: Any, communities: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choices(self, "community").choices = communities


class HoursForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0.1, max_value=24, max_digits=4, decimal_places=1
    )
    activity = forms.CharField(label=_("Activity"), max_length=200)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput, required=False)
    end = forms.DateField(label=_("Until"), widget=DateInput, required=False)
