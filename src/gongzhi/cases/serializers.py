"""The cases API's shapes: what comes in (parsed and typed, never judged) and what goes out.

The rules (who may, in which state, what a field must say) live in the services; these only
turn a request into arguments and a case into JSON. Names are shown in the request's language.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.validators import ProhibitNullCharactersValidator
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import CursorPagination

from gongzhi.accounts.models import Unit, User
from gongzhi.api.reuse import identity_url
from gongzhi.api.serializers import MAX_ID, place_id_field
from gongzhi.cases import workflow
from gongzhi.cases.choices import (
    CaseState,
    Channel,
    DissatisfactionReason,
    ExtensionState,
    IntakeState,
    Nature,
    Rating,
    ReturnReason,
    Urgency,
)
from gongzhi.cases.models import (
    Case,
    CaseEvent,
    CasePhoto,
    Category,
    CategoryQuestion,
    ExtensionRequest,
    Intake,
    SupervisionNote,
)
from gongzhi.cases.services import STAFF_CHANNELS
from gongzhi.core.validators import is_digits
from gongzhi.places.models import Place

# ---------------------------------------------------------------- helpers


def localized(zh: str, en: str) -> str:
    """The English name for English requests (when there is one), else the Chinese."""
    language = translation.get_language() or ""
    return en if en and language.startswith("en") else zh


@extend_schema_field(OpenApiTypes.STR)
class LocalizedField(serializers.Field):  # type: ignore[type-arg]
    """A name in the request's language, from a Chinese attribute and an English one."""

    def __init__(self, zh: str, en: str, **kwargs: Any) -> None:
        self.zh, self.en = zh, en
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return localized(getattr(value, self.zh), getattr(value, self.en))


def _name(user: User | None) -> str | None:
    if user is None:
        return None
    return user.name or user.username


@extend_schema_field(
    {"type": "string", "description": "A category's code (e.g. property.elevator) or its id."}
)
class CategoryField(serializers.Field):  # type: ignore[type-arg]
    """A category named by its code ("property.elevator") or its id."""

    default_error_messages = serializers.SlugRelatedField.default_error_messages

    def to_internal_value(self, data: Any) -> Category:
        value = str(data).strip()
        if "\x00" in value:  # no code holds one, and PostgreSQL refuses it in a query
            self.fail("does_not_exist", slug_name="code", value=value.replace("\x00", "")[:60])
        if is_digits(value) and len(value) <= 19 and int(value) <= MAX_ID:
            category = self.by_id(int(value))
        else:
            category = self.by_code(value)
        if category is None:
            self.fail("does_not_exist", slug_name="code", value=value[:60])
        return category

    def by_id(self, pk: int) -> Category | None:
        return Category.objects.filter(pk=pk).first()

    def by_code(self, code: str) -> Category | None:
        return Category.objects.filter(code=code).first()

    def to_representation(self, value: Any) -> str:
        return str(value.code)


class UnitChoiceField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """An active handling unit, by id."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Unit.objects.filter(is_active=True), **kwargs)


@extend_schema_field({"type": "object", "additionalProperties": {}})
class AnswersField(serializers.JSONField):
    """Answers to the category's extra questions, keyed by question code.

    A JSON object; in a multipart form, the same object as a JSON string.
    """

    default_error_messages = {
        **serializers.JSONField.default_error_messages,
        "not_a_dict": serializers.DictField.default_error_messages["not_a_dict"],
        "null_characters": ProhibitNullCharactersValidator.message,
    }

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        value = super().to_internal_value(data)
        if not isinstance(value, dict):
            self.fail("not_a_dict", input_type=type(value).__name__)
        if _holds_nul(value):  # PostgreSQL's jsonb refuses NUL characters
            self.fail("null_characters")
        return value


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def coordinate(limit: int) -> serializers.DecimalField:
    # Any precision in (phones send 15 digits); rounded to the 6 places the case keeps.
    return serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        min_value=Decimal(-limit),
        max_value=Decimal(limit),
        required=False,
        allow_null=True,
        coerce_to_string=False,
    )


def _round6(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.000001"))


def note_field(transition: str, *, max_length: int = 4000, **kwargs: Any) -> serializers.CharField:
    """A note, required when the state machine says the step needs one (the service checks it
    is not blank)."""
    needs_note = workflow.TRANSITIONS[transition].needs_note
    if not needs_note:
        kwargs.setdefault("default", "")
    return serializers.CharField(
        required=needs_note, allow_blank=True, max_length=max_length, **kwargs
    )


def photos_field(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.FileField(allow_empty_file=False),
        required=False,
        default=list,
        help_text=help_text,
    )


# ---------------------------------------------------------------- categories


class QuestionChoiceSerializer(serializers.Serializer):  # type: ignore[type-arg]
    key = serializers.CharField()
    name = serializers.CharField()


class CategoryQuestionSerializer(serializers.ModelSerializer[CategoryQuestion]):
    # Fields named like attributes of Field/Serializer on purpose (the JSON keys); DRF pops
    # declared fields off the class, so they shadow nothing.
    label = LocalizedField("label", "label_en")  # type: ignore[assignment]
    choices = serializers.SerializerMethodField()

    class Meta:
        model = CategoryQuestion
        fields = ["code", "label", "datatype", "required", "order", "choices", "help_text"]

    @extend_schema_field(QuestionChoiceSerializer(many=True))
    def get_choices(self, question: CategoryQuestion) -> list[dict[str, str]]:
        return [
            {
                "key": str(choice["key"]),
                "name": localized(str(choice.get("name", "")), str(choice.get("name_en", ""))),
            }
            for choice in question.choices
        ]


class CategoryNodeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A category with its extra questions and its sub-categories (a CategoryNode)."""

    id = serializers.IntegerField(source="category.pk")
    code = serializers.CharField(source="category.code")
    name = serializers.SerializerMethodField()
    description = serializers.CharField(source="category.description")
    questions = CategoryQuestionSerializer(many=True)

    def get_fields(self) -> dict[str, serializers.Field]:  # type: ignore[type-arg]
        fields = super().get_fields()
        fields["children"] = CategoryNodeSerializer(many=True, read_only=True)
        return fields

    @extend_schema_field(str)
    def get_name(self, node: Any) -> str:
        return localized(node.category.name, node.category.name_en)


# ---------------------------------------------------------------- small references


class CategoryRefSerializer(serializers.ModelSerializer[Category]):
    name = LocalizedField("name", "name_en")

    class Meta:
        model = Category
        fields = ["id", "code", "name"]


class PlaceRefSerializer(serializers.ModelSerializer[Place]):
    class Meta:
        model = Place
        fields = ["id", "name"]


class UnitRefSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = ["id", "name"]


class PhotoSerializer(serializers.ModelSerializer[CasePhoto]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = CasePhoto
        fields = ["id", "url", "content_type", "width", "height"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo: CasePhoto) -> str:
        # The permission-checked view, never the file's own address (photos are not public).
        request = self.context.get("request")
        url = reverse("media:photo", args=[photo.pk])
        return request.build_absolute_uri(url) if request is not None else url


# ---------------------------------------------------------------- cases out


class CaseSummarySerializer(serializers.ModelSerializer[Case]):
    """A case in a list: what a queue row shows. Needs `is_overdue` (the selectors annotate it)."""

    state_label = serializers.CharField(source="get_state_display", read_only=True)
    category = CategoryRefSerializer(read_only=True)
    place = PlaceRefSerializer(read_only=True)
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "url",
            "number",
            "title",
            "state",
            "state_label",
            "nature",
            "urgency",
            "channel",
            "category",
            "place",
            "unit",
            "submitted_at",
            "accept_due_at",
            "resolve_due_at",
            "resolved_at",
            "is_overdue",
        ]


class CasePageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    next = serializers.URLField(
        allow_null=True, help_text="The next page (carries the `after` cursor); null at the end."
    )
    results = CaseSummarySerializer(many=True)


class ContactSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    phone = serializers.CharField()
    detail = serializers.CharField()


class ActionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(
        help_text="A transition of the case's state machine, mostly POST /cases/{id}/<name>/ "
        "(dispatch, reroute, accept, return, start, escalate, resolve, comment, remind, "
        "supervise); request_extension is POST /cases/{id}/extensions/, decide_extension "
        "POST /extensions/{id}/decision/, answer_supervision "
        "POST /supervision-notes/{id}/answer/."
    )
    label = serializers.CharField()  # type: ignore[assignment]


class TimelineEntrySerializer(serializers.ModelSerializer[CaseEvent]):
    """One timeline entry. Staff see it in full; the resident sees the resident-safe form: the
    note written for them, no names of staff, no internal data.

    Context: `staff` (bool), `case` and `contact` (the reporter as this viewer may see them).
    """

    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    actor = serializers.SerializerMethodField()
    actor_unit = UnitRefSerializer(read_only=True, allow_null=True)
    unit = UnitRefSerializer(read_only=True, allow_null=True)
    note = serializers.SerializerMethodField()
    public_note = serializers.CharField(read_only=True)
    is_public = serializers.BooleanField(read_only=True)
    data = serializers.SerializerMethodField()  # type: ignore[assignment]
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "at",
            "action",
            "label",
            "from_state",
            "to_state",
            "actor",
            "actor_unit",
            "unit",
            "note",
            "public_note",
            "is_public",
            "data",
            "photos",
        ]

    @extend_schema_field(str)
    def get_label(self, event: CaseEvent) -> str:
        transition = workflow.TRANSITIONS.get(event.action)
        return str(transition.label if transition else CaseState.SUBMITTED.label)

    @extend_schema_field({"type": ["string", "null"]})
    def get_actor(self, event: CaseEvent) -> str | None:
        """Staff see who acted; the reporter only as the contact rules allow."""
        if not self.context["staff"] or event.actor_id is None:
            return None
        if event.actor_id == self.context["case"].reporter_id:
            return str(self.context["contact"]["name"])
        return _name(event.actor)

    @extend_schema_field(str)
    def get_note(self, event: CaseEvent) -> str:
        return event.note if self.context["staff"] else event.public_note

    @extend_schema_field({"type": "object", "additionalProperties": {}})
    def get_data(self, event: CaseEvent) -> dict[str, Any]:
        return dict(event.data) if self.context["staff"] else {}


class ExtensionRequestSerializer(serializers.ModelSerializer[ExtensionRequest]):
    unit = UnitRefSerializer(read_only=True)
    state = serializers.SerializerMethodField()
    requested_by = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "case",
            "unit",
            "state",
            "reason",
            "requested_by",
            "requested_at",
            "old_due_at",
            "new_due_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]

    # Not an enum in the document: one named after "state" would collide with the case's.
    @extend_schema_field({"type": "string", "description": " | ".join(ExtensionState.values)})
    def get_state(self, request: ExtensionRequest) -> str:
        return str(request.state)

    @extend_schema_field(str)
    def get_requested_by(self, request: ExtensionRequest) -> str | None:
        return _name(request.requested_by)

    @extend_schema_field({"type": ["string", "null"]})
    def get_decided_by(self, request: ExtensionRequest) -> str | None:
        return _name(request.decided_by)


class SupervisionNoteSerializer(serializers.ModelSerializer[SupervisionNote]):
    unit = UnitRefSerializer(read_only=True)
    author = serializers.SerializerMethodField()
    answered_by = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionNote
        fields = [
            "id",
            "case",
            "unit",
            "author",
            "at",
            "note",
            "answer",
            "answered_by",
            "answered_at",
        ]

    @extend_schema_field(str)
    def get_author(self, note: SupervisionNote) -> str | None:
        return _name(note.author)

    @extend_schema_field({"type": ["string", "null"]})
    def get_answered_by(self, note: SupervisionNote) -> str | None:
        return _name(note.answered_by)


class HandlingSerializer(serializers.ModelSerializer[Case]):
    """What only staff see of a case. Context: `extensions` and `supervision_notes`."""

    first_receiver = UnitRefSerializer(read_only=True, allow_null=True)
    registered_by = serializers.SerializerMethodField()
    extensions = serializers.SerializerMethodField()
    supervision_notes = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "first_receiver",
            "escalation_level",
            "return_count",
            "needs_supervision",
            "registered_by",
            "dispatched_at",
            "accepted_at",
            "extensions",
            "supervision_notes",
        ]

    @extend_schema_field({"type": ["string", "null"]})
    def get_registered_by(self, case: Case) -> str | None:
        return _name(case.registered_by)

    @extend_schema_field(ExtensionRequestSerializer(many=True))
    def get_extensions(self, case: Case) -> Any:
        return ExtensionRequestSerializer(self.context["extensions"], many=True).data

    @extend_schema_field(SupervisionNoteSerializer(many=True))
    def get_supervision_notes(self, case: Case) -> Any:
        return SupervisionNoteSerializer(self.context["supervision_notes"], many=True).data


class CaseDetailSerializer(CaseSummarySerializer):
    """A case as the viewer may see it.

    Context (prepared by the endpoint from the selectors): `staff`, `contact`, `timeline`,
    `actions`, and for staff `extensions` and `supervision_notes`.
    """

    answers = serializers.JSONField(read_only=True)
    latitude = serializers.FloatField(read_only=True, allow_null=True)
    longitude = serializers.FloatField(read_only=True, allow_null=True)
    contact = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    handling = serializers.SerializerMethodField()

    class Meta(CaseSummarySerializer.Meta):
        fields = [
            *CaseSummarySerializer.Meta.fields,
            "description",
            "answers",
            "latitude",
            "longitude",
            "address",
            "reporter_may_be_named",
            "contact",
            "resolution",
            "timeline",
            "actions",
            "handling",
        ]

    @extend_schema_field(ContactSerializer)
    def get_contact(self, case: Case) -> dict[str, str]:
        return dict(self.context["contact"])

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, case: Case) -> Any:
        context = {**self.context, "case": case}
        return TimelineEntrySerializer(self.context["timeline"], many=True, context=context).data

    @extend_schema_field(ActionSerializer(many=True))
    def get_actions(self, case: Case) -> list[dict[str, str]]:
        return [{"name": t.name, "label": str(t.label)} for t in self.context["actions"]]

    @extend_schema_field(HandlingSerializer(allow_null=True))
    def get_handling(self, case: Case) -> Any:
        if not self.context["staff"]:
            return None
        return HandlingSerializer(case, context=self.context).data


class DispatchConsoleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unrouted = CaseSummarySerializer(many=True, help_text="No rule and no community unit.")
    returned = CaseSummarySerializer(many=True, help_text="Handed back by a unit (退单).")


class UnitOverdueSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit_id = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField(source="unit__name", allow_null=True)
    count = serializers.IntegerField()


class OverdueBoardSerializer(serializers.Serializer):  # type: ignore[type-arg]
    cases = CaseSummarySerializer(many=True, help_text="Overdue cases, by deadline.")
    per_unit = UnitOverdueSerializer(many=True, help_text="Overdue cases per unit, most first.")
    flagged = CaseSummarySerializer(
        many=True, help_text="Open cases put on the supervisor's list (returned too often, …)."
    )


class RoutePreviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit = UnitRefSerializer(allow_null=True, help_text="The unit that would get the case.")
    reason = serializers.CharField(
        help_text="rule (a routing rule matched), community (no rule: the community that owns "
        "the place) or none (nobody: a dispatcher must choose)."
    )
    rule = serializers.SerializerMethodField()

    @extend_schema_field(
        {
            "type": ["object", "null"],
            "properties": {
                "id": {"type": "integer"},
                "category": {"type": ["string", "null"]},
                "place": {"type": "integer"},
            },
        }
    )
    def get_rule(self, route: Any) -> dict[str, Any] | None:
        rule = route.rule
        if rule is None:
            return None
        return {
            "id": rule.pk,
            "category": rule.category.code if rule.category else None,
            "place": rule.place_id,
        }


# ---------------------------------------------------------------- input


class CaseFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """Query parameters of case lists and queues."""

    state = serializers.ChoiceField(
        choices=CaseState.choices, required=False, help_text="Only cases in this state."
    )
    category = CategoryField(
        required=False, help_text="Only this category and its sub-categories (code or id)."
    )
    under = place_id_field(_("Only those at this place or under it (its id)."))
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only cases past a deadline."
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text="A case number, or words of the title."
    )
    after = serializers.CharField(
        required=False,
        max_length=80,
        help_text="The cursor: take it from the `next` link of the previous page.",
    )
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=100, default=30)

    def validate_after(self, value: str) -> str:
        stamp, separator, last_id = value.partition("|")
        valid = bool(separator) and is_digits(last_id) and len(last_id) <= 19
        valid = valid and int(last_id) <= MAX_ID
        if valid and stamp:
            try:
                valid = dt.datetime.fromisoformat(stamp).tzinfo is not None
            except ValueError:
                valid = False
        if not valid:
            raise serializers.ValidationError(CursorPagination.invalid_cursor_message)
        return value


class ReportFieldsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """What every report says, however it comes in."""

    nature = serializers.ChoiceField(choices=Nature.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    title = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=4000)
    answers = AnswersField(required=False, default=dict)
    latitude = coordinate(90)
    longitude = coordinate(180)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )
    contact_detail = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="The resident's situation and how to reach them (agents).",
    )
    reporter_may_be_named = serializers.BooleanField(
        default=False, help_text="Whether the handling unit may see who reported."
    )

    def validate_latitude(self, value: Decimal | None) -> Decimal | None:
        return _round6(value)

    def validate_longitude(self, value: Decimal | None) -> Decimal | None:
        return _round6(value)


class CaseReportSerializer(ReportFieldsSerializer):
    """A report (受理). JSON, or a multipart form when photos come along."""

    category = CategoryField(help_text="The category's code (e.g. property.elevator) or id.")
    place = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), help_text="Where: a place's id (building, courtyard, …)."
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.WEB,
        help_text="web or api for one's own report; agent, phone or patrol for staff "
        "registering a case (permission case.register at the place).",
    )
    on_behalf_of = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="The resident (a user id) an agent registers the case for.",
    )
    photos = photos_field("JPEG, PNG or WebP files (multipart only).")

    def validate_channel(self, value: str) -> str:
        if value == Channel.OPEN311:  # Open311 reports come through /open311/
            raise serializers.ValidationError(_("Unknown channel."))
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("on_behalf_of") is not None and attrs["channel"] not in STAFF_CHANNELS:
            raise serializers.ValidationError(
                {
                    "on_behalf_of": [
                        _("Only for cases registered by staff (channel agent, phone or patrol).")
                    ]
                }
            )
        return attrs


class CatalogCategoryField(CategoryField):
    """A category by code or id, from the intake's per-process catalog (no query)."""

    def by_id(self, pk: int) -> Category | None:
        from gongzhi.cases.intake import catalog

        return catalog().by_id.get(pk)

    def by_code(self, code: str) -> Category | None:
        from gongzhi.cases.intake import catalog

        return catalog().by_code.get(code)


class KnownPlaceField(serializers.IntegerField):
    """A place's id that exists, checked against the places this process has seen (a query the
    first time only; see intake.place_exists), with PrimaryKeyRelatedField's message."""

    default_error_messages = {
        **serializers.IntegerField.default_error_messages,
        "does_not_exist": serializers.PrimaryKeyRelatedField.default_error_messages[
            "does_not_exist"
        ],
    }

    def to_internal_value(self, data: Any) -> int:
        from gongzhi.cases.intake import place_exists

        value = int(super().to_internal_value(data))
        if 1 <= value <= MAX_ID and not place_exists(value):
            self.fail("does_not_exist", pk_value=value)
        return value


class IntakeReportSerializer(ReportFieldsSerializer):
    """A resident's own report for the intake queue, read without queries: the category from
    the per-process catalog, the place from the places seen to exist."""

    category = CatalogCategoryField(help_text="The category's code (e.g. property.elevator) or id.")
    place = KnownPlaceField(
        min_value=1, max_value=MAX_ID, help_text="Where: a place's id (building, courtyard, …)."
    )
    channel = serializers.ChoiceField(
        choices=[(c, Channel(c).label) for c in (Channel.WEB, Channel.API)], default=Channel.WEB
    )


class IntakeCaseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(read_only=True)
    number = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", read_only=True)


class IntakeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A queued report: `queued` until the worker registers it, then `registered` with its
    case, or `rejected` with the reasons by field. It documents the answer, which
    `intake_data` builds (cases/tests/test_intake_answer.py holds the two equal)."""

    id = serializers.UUIDField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:intake-detail", read_only=True)
    state = serializers.ChoiceField(choices=IntakeState.choices, read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
    processed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    case = IntakeCaseSerializer(read_only=True, allow_null=True)
    # DRF pops declared fields off the class, so this does not shadow Serializer.errors.
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        read_only=True,
        help_text="Why it could not be registered, by field (rejected only).",
    )


_DATETIME = serializers.DateTimeField()


def intake_data(queued: Intake, request: Any) -> dict[str, Any]:
    """A queued report as IntakeSerializer has it, built directly: every report sent to wait
    is answered with it, hundreds a second, and DRF's walk over the fields was nearly a tenth
    of that request. `queued.case` should be selected with it (intake.intake_get)."""
    case = queued.case
    return {
        "id": str(queued.pk),
        "url": identity_url(request, "api:intake-detail", queued.pk),
        "state": queued.state,
        "received_at": _DATETIME.to_representation(queued.received_at),
        "processed_at": _DATETIME.to_representation(queued.processed_at)
        if queued.processed_at is not None
        else None,
        "case": None
        if case is None
        else {
            "id": case.pk,
            "number": case.number,
            "url": request.build_absolute_uri(reverse("api:case-detail", kwargs={"pk": case.pk})),
        },
        "errors": {field: [str(m) for m in messages] for field, messages in queued.errors.items()},
    }


class DispatchSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit = UnitChoiceField(
        required=False, allow_null=True, help_text="Empty: the unit the routing rules give."
    )
    note = note_field("dispatch")


class RerouteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    unit = UnitChoiceField()
    note = note_field("reroute", help_text="Why the case goes to another unit.")


class NoteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A step with an optional note (accept, start, remind)."""

    note = note_field("accept")


class ReasonedNoteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A step that needs a note (escalate, comment)."""

    note = note_field("escalate")


class SuperviseSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = note_field("supervise", max_length=2000, help_text="What the unit must answer.")


class ReturnSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    note = note_field("return")


class ResolveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    resolution = serializers.CharField(
        max_length=4000, allow_blank=True, help_text="What was done; the resident reads it."
    )
    photos = photos_field("Photos of the result: JPEG, PNG or WebP files (multipart only).")


class ExtensionAskSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=1000, allow_blank=True)
    new_due_at = serializers.DateTimeField(
        help_text="The deadline asked for (ISO 8601; without an offset, Beijing time)."
    )


class ExtensionDecisionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    grant = serializers.BooleanField()
    note = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="Needed when refusing.",
    )


class SupervisionAnswerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    answer = serializers.CharField(max_length=2000, allow_blank=True)


class RoutePreviewQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    category = CategoryField(help_text="A category's code or id.")
    place = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), help_text="A place's id."
    )


class FollowUpSerializer(serializers.Serializer):  # type: ignore[type-arg]
    solved = serializers.BooleanField(help_text="Did the unit solve the problem?")
    rating = serializers.ChoiceField(choices=Rating.choices)
    reason = serializers.ChoiceField(
        choices=DissatisfactionReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when dissatisfied; reasons within the unit's duty reopen the case.",
    )
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    by_phone = serializers.BooleanField(
        required=False, default=False, help_text="An agent's phone follow-up (回访)."
    )


class MergeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    into = serializers.IntegerField(help_text="The id of the case that handles the same problem.")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
