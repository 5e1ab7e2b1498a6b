"""Duty rosters (轮流值守), shifts, swaps; volunteers (党员下沉社区) and their service hours."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.duty.choices import DutyRole, ServiceState, SwapState, VolunteerKind


class Roster(models.Model):
    """The rota of one courtyard or community: its people and its shifts."""

    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="rosters", verbose_name=_("place")
    )
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("roster")
        verbose_name_plural = _("rosters")
        ordering = ["place_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["place", "name"], name="roster_name_unique_in_place")
        ]

    def __str__(self) -> str:
        return self.name


class RosterMember(models.Model):
    """A person in a roster's rotation, in the capacity they serve in."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roster_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("serves as"), max_length=24, choices=DutyRole.choices)
    position = models.PositiveSmallIntegerField(_("order in the rotation"), default=0)
    is_active = models.BooleanField(_("in the rotation"), default=True)

    class Meta:
        verbose_name = _("roster member")
        verbose_name_plural = _("roster members")
        ordering = ["roster_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["roster", "user"], name="rostermember_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.roster}"


class Shift(models.Model):
    """A time on a date when `slots` people are on duty for the roster's place.

    `starts_at`/`ends_at` are the same moments as date + times in Asia/Shanghai, kept so "who is
    on duty now" is one indexed range query (an overnight shift ends the next day).
    """

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="shifts")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    slots = models.PositiveSmallIntegerField(_("people needed"), default=1)
    note = models.CharField(_("note"), max_length=200, blank=True)
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ShiftAssignment", related_name="shifts"
    )

    class Meta:
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["roster", "date", "start_time"], name="shift_unique_start_in_roster"
            )
        ]
        indexes = [models.Index(fields=["roster", "starts_at"], name="shift_roster_start")]

    def __str__(self) -> str:
        return f"{self.date} {self.start_time:%H:%M}–{self.end_time:%H:%M}"


class ShiftAssignment(models.Model):
    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shift_assignments"
    )
    assigned_at = models.DateTimeField()
    # When the person was reminded of the shift (the periodic reminder claims rows by it).
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shift assignment")
        verbose_name_plural = _("shift assignments")
        constraints = [
            models.UniqueConstraint(fields=["shift", "user"], name="shiftassignment_unique")
        ]
        indexes = [models.Index(fields=["user", "shift"], name="shiftassignment_user")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.shift_id}"


class SwapRequest(models.Model):
    """One person asks another to take their shift (or to exchange it for one of theirs)."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="swap_requests")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    counterparty = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Given: an exchange (the requester takes this shift of the counterparty's in return).
    counter_shift = models.ForeignKey(
        Shift, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=16, choices=SwapState.choices, default=SwapState.REQUESTED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("swap request")
        verbose_name_plural = _("swap requests")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["counterparty", "state"], name="swap_counterparty_state")]

    def __str__(self) -> str:
        return f"swap {self.shift_id}: {self.requester_id} → {self.counterparty_id}"


class Volunteer(models.Model):
    """A person serving a community: volunteer, party member reporting there, social org."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="volunteering",
        verbose_name=_("person"),
    )
    community = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        related_name="volunteers",
        verbose_name=_("community"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=VolunteerKind.choices)
    organisation = models.CharField(
        _("organisation"),
        max_length=100,
        blank=True,
        help_text=_("Party branch or employer a party member reports from; a social org's name."),
    )
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    # ISO weekdays (1 = Monday … 7 = Sunday) the person is usually free.
    weekdays = models.JSONField(_("usual weekdays"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["community_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="volunteer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.community}"


class ServiceRecord(models.Model):
    """Hours of service: recorded by staff (confirmed at once) or self-reported, then confirmed."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="records")
    # The volunteer's community, copied so lists and totals filter without a join.
    community = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="+", verbose_name=_("community")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    activity = models.CharField(_("activity"), max_length=200)
    state = models.CharField(
        _("state"), max_length=16, choices=ServiceState.choices, default=ServiceState.REPORTED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["community", "date"], name="servicerecord_community_date")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="servicerecord_hours_positive")
        ]

    def __str__(self) -> str:
        return f"{self.volunteer_id} {self.date} {self.hours}h"
