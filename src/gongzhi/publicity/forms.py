"""Forms of the publicity pages: they parse and label input; the services decide what is valid
(their InvalidInput comes back onto the form next to the field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.forms import AccessibleForm, PhotosInput
from gongzhi.publicity.choices import PeriodUnit, ProgrammeKind

DATE = forms.DateInput(attrs={"type": "date"})


class ProjectForm(AccessibleForm):
    place = forms.TypedChoiceField(label=_("Place"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Programme"), choices=ProgrammeKind.choices)
    budget_yuan = forms.DecimalField(
        label=_("Budget (yuan)"), min_value=0, decimal_places=2, max_digits=14, initial=0
    )
    contractor = forms.CharField(label=_("Contractor"), max_length=200, required=False)
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=DATE)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, places: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["place"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = places

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("place")
        data["budget_fen"] = int(data.pop("budget_yuan") * 100)
        return data


class ProjectEditForm(ProjectForm):
    actual_start = forms.DateField(label=_("Actual start"), required=False, widget=DATE)
    actual_end = forms.DateField(label=_("Actual end"), required=False, widget=DATE)


class ProgressForm(AccessibleForm):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = forms.FileField(label=_("Photos"), required=False, widget=PhotosInput())


class DocumentForm(AccessibleForm):
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(
        label=_("File (PDF or image)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/*"}),
    )


class NoteForm(AccessibleForm):
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class NoticeForm(AccessibleForm):
    place = forms.TypedChoiceField(label=_("Place"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    period_days = forms.IntegerField(label=_("Notice period (days)"), min_value=1, max_value=90)
    period_unit = forms.ChoiceField(label=_("Counted in"), choices=PeriodUnit.choices)

    def __init__(self, *args: Any, places: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["place"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = places


class ObjectionForm(AccessibleForm):
    body = forms.CharField(
        label=_("Your objection"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ResponseForm(AccessibleForm):
    response = forms.CharField(
        label=_("Response"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendForm(AccessibleForm):
    days = forms.IntegerField(label=_("Extra days"), min_value=1, max_value=90)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ReasonForm(AccessibleForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ResultForm(AccessibleForm):
    result = forms.CharField(
        label=_("Result"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
