from django.db import models
from django.utils.translation import gettext_lazy as _


class PlaceLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / town")
    COMMUNITY = "community", _("Community / village")
    COURTYARD = "courtyard", _("Courtyard / compound")
    BUILDING = "building", _("Building")
    GRID = "grid", _("Grid")
    OTHER = "other", _("Other")


# The order of the administrative levels, top down; escalation follows it upwards.
LEVEL_ORDER = [
    PlaceLevel.PROVINCE,
    PlaceLevel.CITY,
    PlaceLevel.DISTRICT,
    PlaceLevel.STREET,
    PlaceLevel.COMMUNITY,
    PlaceLevel.COURTYARD,
    PlaceLevel.BUILDING,
]


class CodeSystem(models.TextChoices):
    NBS = "nbs", _("NBS statistical division code (12 digits)")
    MCA = "mca", _("MCA administrative division code")
    LOCAL = "local", _("Local code")
