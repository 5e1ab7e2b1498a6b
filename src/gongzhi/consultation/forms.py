from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import Nature
from gongzhi.cases.forms import AccessibleForm, PhotosInput
from gongzhi.consultation.choices import QuestionState

PHOTO_HELP = _("JPEG, PNG or WebP. Location data in the photos is removed.")


class AskForm(AccessibleForm):
    place = forms.ChoiceField(label=_("About"))
    title = forms.CharField(label=_("Your question in a few words"), max_length=80)
    body = forms.CharField(
        label=_("Details"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
    )
    photos = forms.Field(
        label=_("Photos (optional, up to 6)"),
        required=False,
        widget=PhotosInput,
        help_text=PHOTO_HELP,
    )


class ReplyForm(AccessibleForm):
    body = forms.CharField(
        label=_("Your reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = forms.Field(
        label=_("Photos (optional)"), required=False, widget=PhotosInput, help_text=PHOTO_HELP
    )


class ConvertForm(AccessibleForm):
    category = forms.ChoiceField(label=_("Category"))
    nature = forms.ChoiceField(label=_("Kind of request"), choices=Nature.choices)
    note = forms.CharField(label=_("Note for the case (optional)"), required=False, max_length=500)


class PublishForm(AccessibleForm):
    title = forms.CharField(label=_("FAQ title"), max_length=80)
    question_text = forms.CharField(
        label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer_text = forms.CharField(
        label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class StaffFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Any")), *QuestionState.choices]
    )
    escalated = forms.ChoiceField(
        label=_("Escalated"),
        required=False,
        choices=[("", _("Any")), ("yes", _("Escalated")), ("no", _("Not escalated"))],
    )
    unanswered = forms.BooleanField(label=_("Unanswered only"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class FaqSearchForm(forms.Form):
    q = forms.CharField(label=_("Search the questions"), required=False, max_length=100)
