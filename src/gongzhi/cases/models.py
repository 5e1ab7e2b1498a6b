from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.choices import (
    OPEN_STATES,
    CaseState,
    Channel,
    CloseReason,
    DissatisfactionReason,
    ExtensionState,
    IntakeState,
    LimitUnit,
    Nature,
    QuestionType,
    Rating,
    Urgency,
)


class Category(models.Model):
    """A category of cases, in a shallow tree (物业与设施 → 电梯故障)."""

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    def lineage_ids(self) -> list[int]:
        """This category and its ancestors, nearest first (categories are at most a few deep)."""
        ids: list[int] = []
        node: Category | None = self
        while node is not None:
            ids.append(node.pk)
            node = node.parent
        return ids


class CategoryQuestion(models.Model):
    """An extra question asked when reporting in a category (an Open311 attribute)."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="questions")
    code = models.SlugField(_("code"), max_length=60)
    label = models.CharField(_("question"), max_length=120)
    label_en = models.CharField(_("English question"), max_length=160, blank=True)
    datatype = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"))
    # For list types: [{"key": "...", "name": "...", "name_en": "..."}]
    choices = models.JSONField(_("choices"), default=list, blank=True)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("extra question")
        verbose_name_plural = _("extra questions")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="question_code_unique"),
            models.UniqueConstraint(fields=["category", "order"], name="question_order_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class RoutingRule(models.Model):
    """Cases of `category` (or any, if empty) located under `place` go to `unit`.

    The most specific rule wins: the deepest place first, then the most specific category.
    """

    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("category"),
        help_text=_("Empty: any category."),
    )
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("place"),
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        on_delete=models.CASCADE,
        related_name="routing_rules",
        verbose_name=_("unit"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [
            models.UniqueConstraint(fields=["category", "place"], name="routingrule_unique"),
            models.UniqueConstraint(
                fields=["place"], condition=Q(category__isnull=True), name="routingrule_any_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} @ {self.place} → {self.unit}"


class TimeLimit(models.Model):
    """How long a unit has to accept and to resolve a case; empty fields match anything.

    The row that matches the most fields of a case wins.
    """

    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("category")
    )
    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices, blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, blank=True)
    accept_amount = models.PositiveSmallIntegerField(_("time to accept"))
    accept_unit = models.CharField(_("unit"), max_length=16, choices=LimitUnit.choices)
    resolve_amount = models.PositiveSmallIntegerField(_("time to resolve"))
    resolve_unit = models.CharField(_("unit"), max_length=16, choices=LimitUnit.choices)

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "nature", "urgency"], name="timelimit_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'}/{self.nature or '*'}/{self.urgency or '*'}: {self.resolve_amount} {self.resolve_unit}"


class Case(models.Model):
    """诉求: one resident's problem or question, from intake to resolution."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
        verbose_name=_("reporter"),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registered_cases",
        verbose_name=_("registered by"),
    )
    contact_name = models.CharField(_("contact name"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_detail = models.TextField(
        _("resident's situation and how to reach them"), max_length=1000, blank=True
    )
    reporter_may_be_named = models.BooleanField(
        _("the handling unit may see who reported"), default=False
    )

    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="cases", verbose_name=_("category")
    )
    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices)
    urgency = models.CharField(
        _("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.NORMAL
    )
    title = models.CharField(_("title"), max_length=80)
    description = models.TextField(_("description"), max_length=4000)
    answers = models.JSONField(_("answers to extra questions"), default=dict, blank=True)

    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="cases", verbose_name=_("place")
    )
    # The place's path, copied so queue and dashboard filters need no join (kept by services).
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("address"), max_length=200, blank=True)

    state = models.CharField(
        _("state"), max_length=16, choices=CaseState.choices, default=CaseState.SUBMITTED
    )
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("handling unit"),
    )
    first_receiver = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_received_cases",
        verbose_name=_("first receiver"),
        help_text=_(
            "The first unit to accept stays accountable until a dispatcher transfers the case."
        ),
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalations"), default=0)
    return_count = models.PositiveSmallIntegerField(_("returns"), default=0)
    needs_supervision = models.BooleanField(_("on the supervisor's list"), default=False)
    # Set when the sweep found no level above: it stops passing the case up until re-routed.
    escalation_exhausted = models.BooleanField(default=False, editable=False)

    submitted_at = models.DateTimeField(_("submitted at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    accept_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), max_length=4000, blank=True)
    # Follow-up (回访) and rating: the latest one, kept on the case for the three rates.
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed because"), max_length=16, choices=CloseReason.choices, blank=True
    )
    solved = models.BooleanField(_("solved"), null=True, blank=True)
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    # Facts for the three rates, recorded when they happen (see cases/rates.py).
    accepted_on_time = models.BooleanField(_("first accepted on time"), null=True, blank=True)
    handling_workdays = models.PositiveSmallIntegerField(
        _("working days to resolve"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # A unit's queue: open cases by deadline.
            models.Index(fields=["unit", "state", "resolve_due_at", "id"], name="case_unit_queue"),
            # The sweep and overdue boards: open cases by deadline.
            models.Index(
                fields=["resolve_due_at"],
                name="case_open_resolve_due",
                condition=Q(state__in=sorted(s.value for s in OPEN_STATES)),
            ),
            models.Index(
                fields=["accept_due_at"],
                name="case_open_accept_due",
                condition=Q(state__in=["dispatched", "escalated"]),
            ),
            models.Index(fields=["reporter", "id"], name="case_reporter"),
            models.Index(fields=["state", "id"], name="case_state"),
            models.Index(fields=["submitted_at"], name="case_submitted"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CaseEvent(models.Model):
    """One entry of a case's timeline: a transition, a note, a reminder, a supervisor's word."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    unit = models.ForeignKey(
        "accounts.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The unit the case went to, for dispatch and escalation."),
    )
    note = models.TextField(_("note"), max_length=4000, blank=True)
    # What the resident sees of this entry; empty means the entry is not shown to the resident.
    public_note = models.TextField(_("note for the resident"), max_length=4000, blank=True)
    is_public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class CasePhoto(models.Model):
    """A photo of a case (report or resolution), re-encoded without EXIF metadata."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="cases/%Y/%m/")
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


class ExtensionRequest(models.Model):
    """延期: a unit asks, before the deadline, for a later one; a supervisor decides."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="extensions")
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    reason = models.TextField(_("reason"), max_length=1000)
    old_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField(_("new deadline"))
    state = models.CharField(
        max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(state="pending"), name="one_pending_extension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.new_due_at:%Y-%m-%d}"


class SupervisionNote(models.Model):
    """督办: a supervisor's note on a case that the handling unit must answer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervision_notes")
    unit = models.ForeignKey(
        "accounts.Unit", on_delete=models.PROTECT, related_name="supervision_notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(_("note"), max_length=2000)
    answer = models.TextField(_("answer"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supervision note")
        verbose_name_plural = _("supervision notes")
        indexes = [models.Index(fields=["unit", "answered_at"], name="supervision_unit_open")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.note[:30]}"


class FollowUp(models.Model):
    """回访: the resident's (or an agent's, by phone) verdict on a resolved case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    at = models.DateTimeField(_("time"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    by_phone = models.BooleanField(_("by phone (agent)"), default=False)
    unit = models.ForeignKey(
        "accounts.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="follow_ups"
    )
    solved = models.BooleanField(_("solved"))
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    reason = models.CharField(
        _("reason"), max_length=20, choices=DissatisfactionReason.choices, blank=True
    )
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    reopened = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.rating}"


class CaseFollower(models.Model):
    """Someone who gets a case's public updates: its reporter, residents who follow it instead of
    reporting it again, staff who want to watch it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followed_cases"
    )
    since = models.DateTimeField()

    class Meta:
        verbose_name = _("follower")
        verbose_name_plural = _("followers")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="casefollower_unique")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"


class Intake(models.Model):
    """A report accepted into the intake queue: checked and stored in one INSERT when the client
    asks not to wait (`Prefer: respond-async`); the worker registers it as a case (cases/intake.py).

    `report` holds the checked fields (ids and text), exactly what `services.case_report` takes.
    Only the person who sent it sees it; its case is registered once, in the transaction that
    marks it registered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="intakes",
        verbose_name=_("sent by"),
    )
    received_at = models.DateTimeField(_("received at"))
    report = models.JSONField(_("report"))
    state = models.CharField(
        _("state"), max_length=12, choices=IntakeState.choices, default=IntakeState.QUEUED
    )
    case = models.OneToOneField(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="intake",
        verbose_name=_("case"),
    )
    # Why it could not be registered, by field (as a synchronous report would have answered).
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)
    # Rounds of the worker in which registering it failed unexpectedly (see intake.MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("queued report")
        verbose_name_plural = _("queued reports")
        indexes = [
            # The worker's claim: the oldest queued first; a small index, as rows leave it.
            models.Index(
                fields=["received_at"],
                condition=Q(state="queued"),
                name="cases_intake_queued",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.state})"


class RoutingModel(models.Model):
    """A trained routing-suggestion model (see cases/suggest.py), kept in the database so that
    every app server uses the same one. The newest row is the one in use; `gongzhi
    train-router` and the daily task add rows and keep the last few."""

    trained_at = models.DateTimeField(_("trained at"))
    samples = models.PositiveIntegerField(_("cases learnt from"))
    category_accuracy = models.FloatField(_("category accuracy (held-out)"))
    unit_accuracy = models.FloatField(_("unit accuracy (held-out)"), null=True, blank=True)
    # {"category": [category ids], "unit": [unit ids]}: the classes, in the model's order.
    labels = models.JSONField(_("labels"), default=dict)
    # Sizes, timings and the other held-out figures, for the operator.
    metrics = models.JSONField(_("figures"), default=dict)
    # NumPy arrays in one .npz archive (no pickle: loading it runs no code).
    data = models.BinaryField(_("model"))
    format = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("routing model")
        verbose_name_plural = _("routing models")
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"{self.trained_at:%Y-%m-%d %H:%M} ({self.samples})"
