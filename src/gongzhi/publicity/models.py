"""Projects of the programmes, and the public notices (公示) that publish projects, decisions
and fund statements for a notice period during which residents may object."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.publicity.choices import NoticeState, PeriodUnit, ProgrammeKind, ProjectStatus


class Project(models.Model):
    """A piece of public work in a place: a renovation, greening, a facility, a fund expense."""

    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="projects", verbose_name=_("place")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("programme"), max_length=24, choices=ProgrammeKind.choices)
    # Money is counted in fen (分), as integers, never as floats.
    budget_fen = models.BigIntegerField(_("budget (fen)"), default=0)
    contractor = models.CharField(_("contractor"), max_length=200, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["kind", "status"], name="project_kind_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_fen__gte=0), name="project_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(progress_percent__lte=100), name="project_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectDocument(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="publicity/documents/%Y/%m/")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("project document")
        verbose_name_plural = _("project documents")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    at = models.DateTimeField()
    percent = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} {self.percent}%"


class ProgressPhoto(models.Model):
    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        upload_to="publicity/photos/%Y/%m/", width_field="width", height_field="height"
    )
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return str(self.image.name)


class Notice(models.Model):
    """公示: publishes a project, a decision or a fund statement for a notice period."""

    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="notices", verbose_name=_("place")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    # What is published: a project, a fund statement or expense, … or nothing (a decision).
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    state = models.CharField(
        _("state"), max_length=8, choices=NoticeState.choices, default=NoticeState.OPEN
    )
    period_days = models.PositiveSmallIntegerField(_("notice period"))
    period_unit = models.CharField(_("counted in"), max_length=16, choices=PeriodUnit.choices)
    starts_at = models.DateTimeField(_("period starts"))
    ends_at = models.DateTimeField(_("period ends"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"))
    ended_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            models.Index(fields=["state", "ends_at"], name="notice_state_ends"),
            models.Index(fields=["subject_type", "subject_id"], name="notice_subject"),
            models.Index(fields=["-published_at", "-id"], name="notice_published"),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeEvent(models.Model):
    """The public history of a notice: published, extended, restarted, ended, closed."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    action = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.action}"


class Objection(models.Model):
    """异议: a resident's objection, named to staff, masked to the public, always answered."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objections"
    )
    body = models.TextField(_("objection"))
    created_at = models.DateTimeField()
    response = models.TextField(_("response"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["notice"],
                condition=Q(responded_at__isnull=True),
                name="objection_unanswered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} #{self.pk}"
