from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from gongzhi.places.choices import CodeSystem, PlaceLevel


class Place(MP_Node):
    """A division or a place below one: city → district → street → community → courtyard → building.

    The tree is a materialized path (django-treebeard): "everything under 金牛区" is one
    indexed `path LIKE '0001000B%'` query. `parent` is kept beside the path so names can be
    unique under a parent and children listed without path arithmetic.
    """

    steplen = 4

    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        editable=False,
    )
    name = models.CharField(_("name"), max_length=100)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=PlaceLevel.choices)
    code = models.CharField(_("code"), max_length=20, blank=True)
    code_system = models.CharField(
        _("code system"), max_length=8, choices=CodeSystem.choices, blank=True
    )
    code_year = models.PositiveSmallIntegerField(_("year of the code list"), null=True, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    # Bounding box of the boundary, so a point lookup only tests a few polygons.
    min_lat = models.FloatField(null=True, blank=True, editable=False)
    max_lat = models.FloatField(null=True, blank=True, editable=False)
    min_lng = models.FloatField(null=True, blank=True, editable=False)
    max_lng = models.FloatField(null=True, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="place_name_unique_under_parent"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="place_root_name_unique"
            ),
            models.UniqueConstraint(
                fields=["code_system", "code"],
                condition=~Q(code=""),
                name="place_code_unique_in_system",
            ),
        ]
        indexes = [
            models.Index(fields=["level", "path"], name="place_level_path"),
            models.Index(fields=["min_lat", "max_lat", "min_lng", "max_lng"], name="place_bbox"),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestor_paths(self) -> list[str]:
        """Paths of the ancestors, root first (no query)."""
        return [self.path[:i] for i in range(self.steplen, len(self.path), self.steplen)]

    def is_within(self, other: Place) -> bool:
        """True if this place is `other` or lies under it (no query)."""
        return self.path.startswith(other.path)
