"""社区咨询: a resident's question about their courtyard or community, its threaded answers, its
photos, and the community's FAQ built from answered questions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.consultation.choices import AuthorRole, QuestionState


class Question(models.Model):
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("place")
    )
    # A copy of the place's path: scoped lists filter by range on it without a join.
    place_path = models.CharField(max_length=255, db_index=True)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="questions_asked",
        verbose_name=_("asker"),
    )
    title = models.CharField(_("title"), max_length=80)
    body = models.TextField(_("question"), max_length=2000)
    state = models.CharField(
        _("state"), max_length=16, choices=QuestionState.choices, default=QuestionState.OPEN
    )
    asked_at = models.DateTimeField(_("asked at"))
    updated_at = models.DateTimeField(_("updated at"))
    # The first reply by someone other than the asker; until then the question is unanswered.
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    # When an unanswered question goes to the community workers (set when it is asked).
    escalate_due_at = models.DateTimeField(_("escalate at"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("marked answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_questions",
        verbose_name=_("case"),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["-asked_at", "-id"]
        indexes = [
            models.Index(fields=["place_path", "state", "-asked_at"], name="question_scope"),
            models.Index(fields=["asker", "-asked_at"], name="question_asker"),
            models.Index(
                fields=["escalate_due_at"],
                condition=models.Q(
                    state="open", first_response_at__isnull=True, escalated_at__isnull=True
                ),
                name="question_escalation_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Answer(models.Model):
    """One reply in a question's thread (a responder's answer, or the asker's follow-up)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=16, choices=AuthorRole.choices)
    body = models.TextField(_("answer"), max_length=2000)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class QuestionPhoto(models.Model):
    """A photo of a question or of a reply, re-encoded without EXIF (core/uploads.py)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="photos")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="consultation/%Y/%m/")
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


class FaqEntry(models.Model):
    """A question and its answer published to the community's public FAQ, without personal data."""

    community = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    question = models.OneToOneField(
        Question,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="faq_entry",
        verbose_name=_("question"),
    )
    title = models.CharField(_("title"), max_length=80)
    question_text = models.TextField(_("question"), max_length=2000)
    answer_text = models.TextField(_("answer"), max_length=4000)
    # Normalised (simplified, half-width, lower-case) title, question and answer: what search
    # matches against (consultation/search.py).
    search_text = models.TextField(editable=False)
    is_published = models.BooleanField(_("published"), default=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["community", "is_published", "-published_at"], name="faq_list")
        ]

    def __str__(self) -> str:
        return self.title
