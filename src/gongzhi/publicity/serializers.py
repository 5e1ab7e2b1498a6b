"""Serializers of the publicity API: what goes out (public, no personal data unless the viewer
is staff of the place) and what comes in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gongzhi.cases.serializers import PlaceRefSerializer, photos_field
from gongzhi.places.models import Place
from gongzhi.publicity.choices import NoticeState, PeriodUnit, ProgrammeKind, ProjectStatus
from gongzhi.publicity.models import (
    Notice,
    NoticeEvent,
    ProgressPhoto,
    ProgressUpdate,
    Project,
    ProjectDocument,
)
from gongzhi.publicity.selectors import ObjectionRow


def _absolute(context: Mapping[str, Any], url: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


# ---------------------------------------------------------------- projects out


class DocumentSerializer(serializers.ModelSerializer[ProjectDocument]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProjectDocument
        fields = ["id", "title", "content_type", "size", "uploaded_at", "url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, document: ProjectDocument) -> str:
        return _absolute(self.context, reverse("publicity:document", args=[document.pk]))


class ProgressPhotoSerializer(serializers.ModelSerializer[ProgressPhoto]):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ProgressPhoto
        fields = ["id", "url", "content_type", "width", "height"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, photo: ProgressPhoto) -> str:
        return _absolute(self.context, reverse("publicity:photo", args=[photo.pk]))


class ProgressUpdateSerializer(serializers.ModelSerializer[ProgressUpdate]):
    photos = ProgressPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = ["id", "at", "percent", "note", "photos"]


class ProjectSerializer(serializers.ModelSerializer[Project]):
    place = PlaceRefSerializer()
    kind_label = serializers.CharField(source="get_kind_display")
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "description",
            "place",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "budget_fen",
            "contractor",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "progress_percent",
            "updated_at",
        ]


class ProjectDetailSerializer(ProjectSerializer):
    documents = DocumentSerializer(many=True, read_only=True)
    updates = ProgressUpdateSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "documents", "updates"]


# ---------------------------------------------------------------- projects in


class ProjectFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    under = serializers.IntegerField(required=False, help_text="A place's id: its subtree.")
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices, required=False)
    status = serializers.ChoiceField(choices=ProjectStatus.choices, required=False)


class ProjectWriteSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=ProgrammeKind.choices)
    budget_fen = serializers.IntegerField(min_value=0, default=0, help_text="In fen (分).")
    contractor = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    planned_start = serializers.DateField(required=False, allow_null=True, default=None)
    planned_end = serializers.DateField(required=False, allow_null=True, default=None)


class ProjectCreateSerializer(ProjectWriteSerializer):
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all())


class ProjectEditSerializer(ProjectWriteSerializer):
    actual_start = serializers.DateField(required=False, allow_null=True)
    actual_end = serializers.DateField(required=False, allow_null=True)


class ProjectStepSerializer(serializers.Serializer):  # type: ignore[type-arg]
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="A reason (required to cancel)."
    )


class ProgressInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    percent = serializers.IntegerField(min_value=0, max_value=100)
    note = serializers.CharField(max_length=4000)
    photos = photos_field("JPEG, PNG or WebP files (multipart only).")


class DocumentInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=200)
    file = serializers.FileField(help_text="A PDF or an image (multipart).")


# ---------------------------------------------------------------- notices out


class NoticeEventSerializer(serializers.ModelSerializer[NoticeEvent]):
    class Meta:
        model = NoticeEvent
        fields = ["at", "action", "note", "ends_at"]


class ObjectionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField(source="objection.pk")
    author = serializers.CharField(help_text="Masked (张*) unless you are staff or the author.")
    body = serializers.CharField()
    mine = serializers.BooleanField()
    created_at = serializers.DateTimeField(source="objection.created_at")
    response = serializers.CharField(source="objection.response")
    responded_at = serializers.DateTimeField(source="objection.responded_at", allow_null=True)


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    place = PlaceRefSerializer()
    state_label = serializers.CharField(source="get_state_display")
    subject = serializers.SerializerMethodField()
    objection_count = serializers.IntegerField()
    unanswered_count = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "url",
            "title",
            "place",
            "state",
            "state_label",
            "period_days",
            "period_unit",
            "starts_at",
            "ends_at",
            "published_at",
            "closed_at",
            "result",
            "subject",
            "objection_count",
            "unanswered_count",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"type": {"type": "string"}, "id": {"type": "integer"}},
        }
    )
    def get_subject(self, notice: Notice) -> dict[str, Any] | None:
        if notice.subject_type is None:
            return None
        return {"type": notice.subject_type.model, "id": notice.subject_id}

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, notice: Notice) -> str:
        return _absolute(self.context, reverse("api:notice-detail", args=[notice.pk]))


class NoticeDetailSerializer(NoticeSerializer):
    body = serializers.CharField()
    events = serializers.SerializerMethodField()
    objections = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta(NoticeSerializer.Meta):
        fields = [*NoticeSerializer.Meta.fields, "body", "events", "objections", "actions"]

    @extend_schema_field(NoticeEventSerializer(many=True))
    def get_events(self, notice: Notice) -> Any:
        return NoticeEventSerializer(self.context["events"], many=True).data

    @extend_schema_field(ObjectionSerializer(many=True))
    def get_objections(self, notice: Notice) -> Any:
        rows: list[ObjectionRow] = self.context["objections"]
        return ObjectionSerializer(rows, many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, notice: Notice) -> list[str]:
        return [t.name for t in self.context["actions"]]


class NoticePageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    next = serializers.URLField(allow_null=True)
    results = NoticeSerializer(many=True)


class StaffObjectionSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    notice = serializers.IntegerField(source="notice_id")
    notice_title = serializers.CharField(source="notice.title")
    author = serializers.CharField(source="author.get_full_name", help_text="Named: staff only.")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    response = serializers.CharField()
    responded_at = serializers.DateTimeField(allow_null=True)


# ---------------------------------------------------------------- notices in


class NoticeFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    under = serializers.IntegerField(required=False, help_text="A place's id: its subtree.")
    state = serializers.ChoiceField(choices=NoticeState.choices, required=False)
    after = serializers.CharField(required=False, help_text="The cursor from `next`.")
    page_size = serializers.IntegerField(min_value=1, max_value=100, default=30)


class NoticePublishSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place = serializers.PrimaryKeyRelatedField(queryset=Place.objects.all())
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="The project the notice publishes, if any.",
    )
    period_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: GONGZHI_NOTICE_PERIOD_DAYS.",
    )
    period_unit = serializers.ChoiceField(
        choices=PeriodUnit.choices, required=False, allow_null=True, default=None
    )


class ObjectionInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    body = serializers.CharField(max_length=4000)


class ResponseInSerializer(serializers.Serializer):  # type: ignore[type-arg]
    response = serializers.CharField(max_length=4000)


class ExtendSerializer(serializers.Serializer):  # type: ignore[type-arg]
    days = serializers.IntegerField(help_text="In the notice's unit (calendar or working days).")
    reason = serializers.CharField(max_length=2000)


class ReasonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    reason = serializers.CharField(max_length=2000)


class ResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    result = serializers.CharField(max_length=4000)


# ---------------------------------------------------------------- programme


class ProgrammeFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place = serializers.IntegerField(help_text="A place's id: totals of its subtree.")
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)


class KindTotalsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    projects = serializers.IntegerField()
    completed = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    budget_fen = serializers.IntegerField()


class AreaTotalsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place = PlaceRefSerializer()
    projects = serializers.IntegerField()
    completed = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    budget_fen = serializers.IntegerField()


class ProgrammeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place = PlaceRefSerializer()
    projects = serializers.IntegerField(help_text="Not counting cancelled projects.")
    completed = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    budget_fen = serializers.IntegerField()
    by_status = serializers.DictField(child=serializers.IntegerField())
    kinds = KindTotalsSerializer(many=True)
    areas = AreaTotalsSerializer(many=True)
