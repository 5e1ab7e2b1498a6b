from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    """The city's programmes (五大行动 and others) a project belongs to."""

    OLD_AREA_RENOVATION = "old_area_renovation", _("Old urban area renovation")
    DEMOLITION_GREENING = "demolition_greening", _("Two demolitions, one addition")
    BACK_STREETS = "back_streets", _("Back streets and alleys")
    FEATURE_STREETS = "feature_streets", _("Feature streets")
    COMMUNITY_SERVICES = "community_services", _("Community services upgrade")
    SAFE_COMMUNITY = "safe_community", _("Safe community")
    PARK_CITY = "park_city", _("Park city demonstration block")
    OTHER = "other", _("Other")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_CONSULTATION = "in_consultation", _("Under public notice")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class NoticeState(models.TextChoices):
    OPEN = "open", _("Open for objections")
    ENDED = "ended", _("Period ended, awaiting result")
    CLOSED = "closed", _("Closed")


class PeriodUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
