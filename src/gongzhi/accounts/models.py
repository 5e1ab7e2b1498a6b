from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.choices import Role, UnitKind, UnitRole
from gongzhi.core.validators import validate_mainland_mobile


class User(AbstractUser):
    """A person who logs in with a username or a mainland mobile number."""

    # Chinese names do not split into first and last for display; one field holds the name.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    name = models.CharField(_("name"), max_length=50, blank=True)
    phone = models.CharField(
        _("mobile number"),
        max_length=11,
        null=True,
        blank=True,
        validators=[validate_mainland_mobile],
    )

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=Q(phone__isnull=False), name="user_phone_unique"
            )
        ]

    def get_full_name(self) -> str:
        return self.name or self.username

    def get_short_name(self) -> str:
        return self.name or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class RoleGrant(models.Model):
    """A role held by a user on a place (and so on everything under it)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    place = models.ForeignKey(
        "places.Place", on_delete=models.PROTECT, related_name="grants", verbose_name=_("place")
    )
    verified = models.BooleanField(
        _("verified"),
        default=False,
        help_text=_("For residents: address checked by the community."),
    )
    granted_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "place"], name="rolegrant_unique"),
        ]
        indexes = [models.Index(fields=["place", "role"], name="rolegrant_place_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} @ {self.place}"


class Unit(models.Model):
    """A handling unit (承办单位): a department, an office, a property company…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=UnitKind.choices)
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("seat"),
        help_text=_("The division the unit belongs to (e.g. 金牛区 for a district department)."),
    )
    jurisdiction = models.ManyToManyField(
        "places.Place", related_name="serving_units", blank=True, verbose_name=_("jurisdiction")
    )
    phone = models.CharField(_("public phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(User, through="UnitMembership", related_name="units")

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UnitMembership(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="unit_memberships")
    role = models.CharField(
        _("role in unit"), max_length=16, choices=UnitRole.choices, default=UnitRole.HANDLER
    )

    class Meta:
        verbose_name = _("unit membership")
        verbose_name_plural = _("unit memberships")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="unitmembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit}"


def apikey_digest(raw: str) -> str:
    """What is stored of an API key: its SHA-256 (the key is 256 random bits, so no salt or
    slow hash is needed to make the digest useless to whoever reads the table)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class ApiKey(models.Model):
    """A key for an application (Open311 clients, a back-office system).

    The key itself is shown once, when created; only its digest and a short prefix (to name it
    in lists and on the command line) are kept. It acts through its own service user, which
    cannot log in: cases it files are reported by that user, and a back office can move cases
    only where that user is a member of the handling unit.
    """

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        related_name="api_key",
        editable=False,
        verbose_name=_("service user"),
    )
    places = models.ManyToManyField(
        "places.Place",
        blank=True,
        related_name="+",
        verbose_name=_("places"),
        help_text=_("Empty: anywhere. Otherwise the key may only report in these places."),
    )
    read_only = models.BooleanField(_("read-only"), default=False)
    created_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} (gz_{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
