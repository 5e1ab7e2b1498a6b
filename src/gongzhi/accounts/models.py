from __future__ import annotations

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
