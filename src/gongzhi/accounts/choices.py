from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are granted on a place and apply to everything under it."""

    RESIDENT = "resident", _("Resident")
    BUILDING_HEAD = "building_head", _("Building head")
    COURTYARD_MEMBER = "courtyard_member", _("Courtyard self-governance member")
    VOLUNTEER = "volunteer", _("Volunteer")
    SOCIAL_ORG_LEAD = "social_org_lead", _("Social organisation lead")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    AGENT = "agent", _("Agent (service centre)")
    OFFICIAL = "official", _("Street / district official")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


class UnitKind(models.TextChoices):
    COMMUNITY = "community", _("Community committee")
    STREET = "street", _("Street office")
    DISTRICT_OFFICE = "district_office", _("District coordination office")
    CITY_OFFICE = "city_office", _("City hotline / coordination office")
    DISTRICT_DEPARTMENT = "district_department", _("District department")
    CITY_DEPARTMENT = "city_department", _("City department")
    POLICE = "police", _("Public security")
    PROPERTY_COMPANY = "property_company", _("Property company")
    UTILITY = "utility", _("Utility company")
    OTHER = "other", _("Other")


# Offices that take any case escalated to their level (the general office of a division).
GENERAL_OFFICE_KINDS = frozenset(
    {UnitKind.COMMUNITY, UnitKind.STREET, UnitKind.DISTRICT_OFFICE, UnitKind.CITY_OFFICE}
)


class UnitRole(models.TextChoices):
    HANDLER = "handler", _("Handler")
    DISPATCHER = "dispatcher", _("Dispatcher")
    HEAD = "head", _("Head of unit")
