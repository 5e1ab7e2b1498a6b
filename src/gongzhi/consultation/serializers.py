"""API shapes of consultation. The asker is never named to other residents; responders see the
asker's name masked (张*)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from gongzhi.cases.choices import Nature
from gongzhi.cases.serializers import CategoryField, photos_field
from gongzhi.consultation.choices import AuthorRole, QuestionState
from gongzhi.consultation.models import Answer, FaqEntry, Question, QuestionPhoto
from gongzhi.core.masking import mask_name
from gongzhi.places.models import Place


class PhotoSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.SerializerMethodField()

    class Meta:
        model = QuestionPhoto
        fields = ["id", "url", "content_type", "width", "height"]

    def get_url(self, photo: QuestionPhoto) -> str:
        return reverse("consultation:photo", args=[photo.pk])


class AnswerSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    author = serializers.SerializerMethodField(
        help_text="The responder's name; 'asker' for the asker."
    )
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Answer
        fields = ["id", "author_role", "author", "body", "at", "photos"]

    def get_author(self, answer: Answer) -> str:
        if answer.author_role == AuthorRole.ASKER:
            return "asker"
        return answer.author.name or answer.author.get_username()


class QuestionBase(serializers.ModelSerializer):  # type: ignore[type-arg]
    """What every view of a question says about where and who."""

    place = serializers.IntegerField(source="place_id")
    place_name = serializers.CharField(source="place.name")
    asker = serializers.SerializerMethodField(help_text="The asker's name, masked (张*).")

    def get_asker(self, question: Question) -> str:
        return mask_name(question.asker.name)


class QuestionSummarySerializer(QuestionBase):
    answer_count = serializers.IntegerField(help_text="Replies by responders.")
    case = serializers.SerializerMethodField(help_text="The case's number, once converted.")

    class Meta:
        model = Question
        fields = [
            "id",
            "title",
            "state",
            "place",
            "place_name",
            "asker",
            "asked_at",
            "first_response_at",
            "escalated_at",
            "answer_count",
            "case",
        ]

    def get_case(self, question: Question) -> str | None:
        return question.case.number if question.case_id else None  # type: ignore[union-attr]


class QuestionDetailSerializer(QuestionBase):
    photos = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(help_text="The steps you may take now.")
    case = serializers.SerializerMethodField(help_text="The case's id and number, once converted.")
    faq_entry = serializers.SerializerMethodField(help_text="The FAQ entry's id, once published.")

    class Meta:
        model = Question
        fields = [
            "id",
            "title",
            "body",
            "state",
            "place",
            "place_name",
            "asker",
            "asked_at",
            "first_response_at",
            "escalate_due_at",
            "escalated_at",
            "answered_at",
            "closed_at",
            "photos",
            "answers",
            "actions",
            "case",
            "faq_entry",
        ]

    def get_photos(self, question: Question) -> Any:
        return PhotoSerializer(self.context["photos"], many=True).data

    def get_answers(self, question: Question) -> Any:
        return AnswerSerializer(self.context["thread"], many=True).data

    def get_actions(self, question: Question) -> list[str]:
        return list(self.context["actions"])

    def get_case(self, question: Question) -> dict[str, Any] | None:
        if question.case is None:
            return None
        return {"id": question.case.pk, "number": question.case.number}

    def get_faq_entry(self, question: Question) -> int | None:
        entry = getattr(question, "faq_entry", None)
        return entry.pk if entry is not None and entry.is_published else None


class QuestionPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    next = serializers.URLField(allow_null=True)
    results = QuestionSummarySerializer(many=True)


class QuestionFilterSerializer(serializers.Serializer):  # type: ignore[type-arg]
    state = serializers.ChoiceField(choices=QuestionState.choices, required=False)
    escalated = serializers.BooleanField(required=False, allow_null=True, default=None)
    unanswered = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(required=False, max_length=100, default="", allow_blank=True)
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only the questions you asked."
    )
    before = serializers.IntegerField(required=False, min_value=1, help_text="Paging cursor.")


class AskSerializer(serializers.Serializer):  # type: ignore[type-arg]
    place = serializers.PrimaryKeyRelatedField(
        queryset=Place.objects.all(), help_text="Your courtyard or community (a place's id)."
    )
    title = serializers.CharField(max_length=80)
    body = serializers.CharField(max_length=2000)
    photos = photos_field("JPEG, PNG or WebP files (multipart only).")


class ReplySerializer(serializers.Serializer):  # type: ignore[type-arg]
    body = serializers.CharField(max_length=2000)
    photos = photos_field("JPEG, PNG or WebP files (multipart only).")


class ConvertSerializer(serializers.Serializer):  # type: ignore[type-arg]
    category = CategoryField(help_text="The case's category (code or id).")
    nature = serializers.ChoiceField(choices=Nature.choices)
    note = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class PublishSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=80, required=False, default="", allow_blank=True)
    question_text = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True
    )
    answer_text = serializers.CharField(
        max_length=4000, required=False, default="", allow_blank=True
    )


class FaqEntrySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = FaqEntry
        fields = ["id", "title", "question_text", "answer_text", "published_at"]


class FaqQuerySerializer(serializers.Serializer):  # type: ignore[type-arg]
    q = serializers.CharField(
        required=False,
        default="",
        max_length=100,
        allow_blank=True,
        help_text="Words to find; simplified and traditional characters match alike.",
    )


class NoInputSerializer(serializers.Serializer):  # type: ignore[type-arg]
    pass
