"""Forms of the case pages: they parse and label input; the services decide what is valid.

A service's InvalidInput comes back onto the form with `add_domain_errors`, so a rule lives in
one place (services.py) and its message still appears next to the right field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import (
    CaseState,
    Channel,
    DissatisfactionReason,
    Nature,
    QuestionType,
    Rating,
    ReturnReason,
    Urgency,
)
from gongzhi.cases.models import Category, CategoryQuestion
from gongzhi.core import clock
from gongzhi.core.errors import InvalidInput

PHOTO_TYPES = "image/jpeg,image/png,image/webp"


class PhotosInput(forms.FileInput):
    """Several photos at once; the phone offers its camera as well as its gallery."""

    allow_multiple_selected = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"accept": PHOTO_TYPES, **(attrs or {})})


def in_english() -> bool:
    return (get_language() or "").startswith("en")


def localized(obj: Any, attribute: str) -> str:
    """`obj.<attribute>` (Chinese), or its `<attribute>_en` when the page is in English."""
    if in_english():
        english = getattr(obj, f"{attribute}_en", "")
        if english:
            return str(english)
    return str(getattr(obj, attribute))


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    found = form.fields[name]
    assert isinstance(found, forms.ChoiceField)
    return found


class AccessibleForm(forms.Form):
    """Django marks fields with errors (aria-invalid, aria-describedby "<id>_error"); the
    templates give the messages those ids."""

    def add_domain_errors(self, exc: InvalidInput, aliases: dict[str, str] | None = None) -> None:
        """Put a service's field errors on the form's fields (unknown fields: the whole form)."""
        aliases = aliases or {}
        for key, messages in exc.fields.items():
            name = aliases.get(key, key)
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)
        if not exc.fields:
            self.add_error(None, exc.message)


# ---------------------------------------------------------------- categories and questions


@dataclass
class CategoryNode:
    category: Category
    name: str
    children: list[CategoryNode] = field(default_factory=list)


@dataclass
class QuestionGroup:
    """The extra questions shared by some categories, shown when one of them is chosen."""

    index: int
    category_ids: list[int]
    questions: list[CategoryQuestion]
    names: list[str]  # of its categories nearest the top of the tree

    def field_name(self, question: CategoryQuestion) -> str:
        return f"answer_{self.index}_{question.pk}"

    @property
    def categories_attr(self) -> str:
        return " ".join(str(pk) for pk in self.category_ids)


@dataclass
class Catalogue:
    """The active categories as a tree (top categories and their descendants) and the question
    groups, built from `selectors.categories_for_reporting()` without further queries."""

    tree: list[CategoryNode]
    by_id: dict[int, Category]
    groups: list[QuestionGroup]
    group_of: dict[int, QuestionGroup]

    @classmethod
    def build(cls, categories: Iterable[Category]) -> Catalogue:
        by_id = {c.pk: c for c in categories}
        nodes = {pk: CategoryNode(c, localized(c, "name")) for pk, c in by_id.items()}
        tree: list[CategoryNode] = []
        for pk, category in by_id.items():
            top = _top_ancestor(category, by_id)
            if top is None:
                continue  # under an inactive category
            if top.pk == pk:
                tree.append(nodes[pk])
            else:
                nodes[top.pk].children.append(nodes[pk])
        groups: dict[tuple[int, ...], QuestionGroup] = {}
        group_of: dict[int, QuestionGroup] = {}
        for pk, category in by_id.items():
            questions = _questions(category, by_id)
            if not questions:
                continue
            key = tuple(q.pk for q in questions)
            group = groups.get(key)
            if group is None:
                group = groups[key] = QuestionGroup(len(groups) + 1, [], questions, [])
            group.category_ids.append(pk)
            group_of[pk] = group
        for group in groups.values():
            members = set(group.category_ids)
            group.names = [
                nodes[pk].name for pk in group.category_ids if by_id[pk].parent_id not in members
            ]
        return cls(tree, by_id, list(groups.values()), group_of)

    def choices(self) -> list[tuple[str, str]]:
        return [
            (str(node.category.pk), node.name) for top in self.tree for node in [top, *top.children]
        ]

    def grouped_choices(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """For a <select>: each top category as an option group, itself first."""
        return [
            (top.name, [(str(n.category.pk), n.name) for n in [top, *top.children]])
            for top in self.tree
        ]


def _top_ancestor(category: Category, by_id: dict[int, Category]) -> Category | None:
    node = category
    for _depth in range(10):
        if node.parent_id is None:
            return node
        parent = by_id.get(node.parent_id)
        if parent is None:
            return None
        node = parent
    return None


def _questions(category: Category, by_id: dict[int, Category]) -> list[CategoryQuestion]:
    """As questions.questions_for, from prefetched rows: the ancestors' first, a child's own
    question with the same code wins."""
    lineage: list[Category] = []
    node: Category | None = category
    while node is not None and len(lineage) < 10:
        lineage.append(node)
        node = by_id.get(node.parent_id) if node.parent_id else None
    by_code: dict[str, CategoryQuestion] = {}
    for ancestor in reversed(lineage):
        for question in sorted(ancestor.questions.all(), key=lambda q: q.order):
            by_code[question.code] = question
    return list(by_code.values())


def question_field(question: CategoryQuestion) -> forms.Field:
    label = localized(question, "label")
    if question.required:
        label = _("%(question)s (required)") % {"question": label}
    common: dict[str, Any] = {"label": label, "required": False, "help_text": question.help_text}
    kind = question.datatype
    if kind in (QuestionType.SINGLEVALUELIST, QuestionType.MULTIVALUELIST):
        choices = [(str(c["key"]), choice_name(c)) for c in question.choices]
        if kind == QuestionType.MULTIVALUELIST:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        single = forms.ChoiceField(choices=[("", "—"), *choices], **common)
        _mark_required(single, question)
        return single
    if kind == QuestionType.NUMBER:
        widget: forms.Widget = forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
    elif kind == QuestionType.DATETIME:
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
    elif kind == QuestionType.TEXT:
        widget = forms.Textarea(attrs={"rows": 3, "maxlength": 2000})
    else:
        widget = forms.TextInput(attrs={"maxlength": 200})
    text = forms.CharField(widget=widget, strip=True, **common)
    _mark_required(text, question)
    return text


def _mark_required(form_field: forms.Field, question: CategoryQuestion) -> None:
    """Required only while its category is chosen: the page's script sets `required` then."""
    if question.required:
        form_field.widget.attrs["data-required"] = "true"


def choice_name(choice: dict[str, Any]) -> str:
    if in_english() and choice.get("name_en"):
        return str(choice["name_en"])
    return str(choice.get("name") or choice["key"])


def answer_value(question: CategoryQuestion, value: Any) -> Any:
    """A form value as the service takes it; a datetime-local value is read in Shanghai time."""
    if question.datatype == QuestionType.DATETIME and isinstance(value, str) and value:
        parsed = parse_datetime(value)
        if parsed is not None and timezone.is_naive(parsed):
            return timezone.make_aware(parsed, clock.SHANGHAI)
    return value


class WithQuestions(AccessibleForm):
    """A form with a category and the extra questions of every category, in groups."""

    def __init__(self, *args: Any, catalogue: Catalogue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.catalogue = catalogue
        _choice_field(self, "category").choices = [("", "—"), *catalogue.choices()]
        for group in catalogue.groups:
            for question in group.questions:
                self.fields[group.field_name(question)] = question_field(question)

    def chosen_category(self) -> Category | None:
        value = self.cleaned_data.get("category")
        return self.catalogue.by_id.get(int(value)) if value else None

    def answers(self) -> dict[str, Any]:
        category = self.chosen_category()
        group = self.catalogue.group_of.get(category.pk) if category else None
        if group is None:
            return {}
        answers = {}
        for question in group.questions:
            value = self.cleaned_data.get(group.field_name(question))
            if value not in (None, "", []):
                answers[question.code] = answer_value(question, value)
        return answers

    def answer_aliases(self) -> dict[str, str]:
        """Service error keys ("answers.<code>") → this form's field names."""
        category = self.chosen_category()
        group = self.catalogue.group_of.get(category.pk) if category else None
        if group is None:
            return {}
        return {f"answers.{q.code}": group.field_name(q) for q in group.questions}

    def question_groups(self) -> list[tuple[QuestionGroup, list[forms.BoundField]]]:
        return [
            (group, [self[group.field_name(q)] for q in group.questions])
            for group in self.catalogue.groups
        ]


class ReportForm(WithQuestions):
    """A resident's report: category, description (+ questions, photos), place."""

    category = forms.ChoiceField(label=_("What is it about?"))
    title = forms.CharField(
        label=_("Title"),
        max_length=80,
        help_text=_("A few words, e.g. “Lift out of order in building 1”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
        help_text=_("What happened, where exactly, since when. At most 4,000 characters."),
    )
    nature = forms.ChoiceField(label=_("Kind of request"), choices=Nature.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    photos = forms.Field(
        label=_("Photos (optional, up to 9)"),
        required=False,
        widget=PhotosInput,
        help_text=_("JPEG, PNG or WebP. Location data in the photos is removed."),
    )
    place = forms.ChoiceField(label=_("Place"))
    reporter_may_be_named = forms.BooleanField(
        label=_("The handling unit may see my name and phone number"),
        required=False,
        help_text=_("Otherwise they see them masked; your community can always call you back."),
    )

    def __init__(
        self, *args: Any, catalogue: Catalogue, places: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, catalogue=catalogue, **kwargs)
        _choice_field(self, "place").choices = places
        self.fields["nature"].initial = Nature.HELP


class RegisterForm(WithQuestions):
    """An agent registers a walk-in or phone case for a resident."""

    channel = forms.ChoiceField(
        label=_("How did the resident come?"),
        choices=[(Channel.AGENT, _("In person")), (Channel.PHONE, _("By phone"))],
        initial=Channel.AGENT,
        widget=forms.RadioSelect,
    )
    on_behalf_of = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Resident's name"), max_length=50, required=False)
    contact_phone = forms.CharField(
        label=_("Resident's phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    contact_detail = forms.CharField(
        label=_("Resident's situation in detail and how to reach them"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )
    category = forms.ChoiceField(label=_("Category"))
    nature = forms.ChoiceField(label=_("Kind of request"), choices=Nature.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("Title"), max_length=80)
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
    )
    photos = forms.Field(label=_("Photos (optional)"), required=False, widget=PhotosInput)
    place = forms.ChoiceField(label=_("Place"))
    reporter_may_be_named = forms.BooleanField(
        label=_("The resident agrees that the handling unit may see their name"),
        required=False,
    )

    def __init__(
        self, *args: Any, catalogue: Catalogue, places: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, catalogue=catalogue, **kwargs)
        _choice_field(self, "place").choices = [("", "—"), *places]
        self.fields["nature"].initial = Nature.HELP
        _choice_field(self, "category").choices = [("", "—"), *catalogue.grouped_choices()]


# ---------------------------------------------------------------- steps on a case


class NoteForm(AccessibleForm):
    note = forms.CharField(
        label=_("Note"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 4000}),
    )


class RequiredNoteForm(NoteForm):
    """The service insists on the note; the browser is told so too."""

    def __init__(self, *args: Any, note_label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].widget.attrs["required"] = True
        if note_label:
            self.fields["note"].label = note_label


class ReturnForm(AccessibleForm):
    reason = forms.ChoiceField(label=_("Reason"), choices=ReturnReason.choices)
    note = forms.CharField(
        label=_("Explain"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 4000, "required": True}),
    )


class ResolveForm(AccessibleForm):
    resolution = forms.CharField(
        label=_("What was done"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000, "required": True}),
        help_text=_("The resident reads this."),
    )
    photos = forms.Field(label=_("Photos (optional)"), required=False, widget=PhotosInput)


class ExtensionForm(AccessibleForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000, "required": True}),
    )
    new_due_on = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def new_due_at(self, current: dt.datetime | None) -> dt.datetime:
        """The chosen day, at the current deadline's time of day (Shanghai time)."""
        day: dt.date = self.cleaned_data["new_due_on"]
        at = current.astimezone(clock.SHANGHAI).time() if current else dt.time(18, 0)
        return dt.datetime.combine(day, at, tzinfo=clock.SHANGHAI)


class UnitForm(AccessibleForm):
    """Dispatch (unit optional: by the routing rules) or re-route (unit and reason needed)."""

    unit = forms.ChoiceField(label=_("Handling unit"), required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 4000}),
    )

    def __init__(
        self, *args: Any, units: list[tuple[str, str]], reroute: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if reroute:
            _choice_field(self, "unit").choices = [("", "—"), *units]
            self.fields["unit"].required = True
            self.fields["note"].label = _("Reason for the transfer")
            self.fields["note"].widget.attrs["required"] = True
        else:
            _choice_field(self, "unit").choices = [("", _("By the routing rules")), *units]


class DecideExtensionForm(AccessibleForm):
    note = forms.CharField(
        label=_("Note (needed to refuse)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )


class AnswerForm(AccessibleForm):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000, "required": True}),
    )


class RateForm(AccessibleForm):
    """回访 and 评价: solved or not, how satisfied, why not (the service decides what follows)."""

    solved = forms.TypedChoiceField(
        label=_("Was the problem solved?"),
        choices=[("yes", _("Solved")), ("no", _("Not solved"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the problem was solved.")},
    )
    rating = forms.ChoiceField(
        label=_("How satisfied are you with the handling?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose satisfied, mostly satisfied or dissatisfied.")},
    )
    reason = forms.ChoiceField(
        label=_("If dissatisfied: why?"),
        choices=DissatisfactionReason.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "If the problem was not solved or only partly solved, the same unit handles it "
            "again with a new deadline. Otherwise the case is closed with your rating."
        ),
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 1000}),
    )


class MergeForm(AccessibleForm):
    """Close this case as a duplicate of another (the survivor), after a confirmation."""

    into = forms.CharField(
        label=_("Number of the case that stays open"),
        max_length=40,
        help_text=_("An open case of the same community; search or pick one from the list below."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 4000}),
    )
    confirm = forms.BooleanField(
        label=_(
            "I checked that both cases are about the same problem. This case will be closed; "
            "its reporter and followers will follow the other one."
        ),
        error_messages={"required": _("Confirm that the two cases are about the same problem.")},
    )


# ---------------------------------------------------------------- lists


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"), required=False, choices=[("", _("Open")), *CaseState.choices]
    )
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int)
    place = forms.TypedChoiceField(label=_("Place"), required=False, coerce=int)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(
        self,
        *args: Any,
        catalogue: Catalogue,
        places: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "category").choices = [("", _("All")), *catalogue.grouped_choices()]
        _choice_field(self, "place").choices = [("", _("All")), *places]
