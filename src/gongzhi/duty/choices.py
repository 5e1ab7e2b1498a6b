from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.choices import Role

# Who may staff a shift: the self-governance roles of a courtyard or community.
DUTY_ROLES = (Role.COURTYARD_MEMBER, Role.BUILDING_HEAD, Role.VOLUNTEER, Role.SOCIAL_ORG_LEAD)


class DutyRole(models.TextChoices):
    COURTYARD_MEMBER = Role.COURTYARD_MEMBER.value, Role.COURTYARD_MEMBER.label
    BUILDING_HEAD = Role.BUILDING_HEAD.value, Role.BUILDING_HEAD.label
    VOLUNTEER = Role.VOLUNTEER.value, Role.VOLUNTEER.label
    SOCIAL_ORG_LEAD = Role.SOCIAL_ORG_LEAD.value, Role.SOCIAL_ORG_LEAD.label


class SwapState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class VolunteerKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    # 党员下沉社区: a party member reporting to the community where they live or serve.
    PARTY_MEMBER = "party_member", _("Party member reporting to the community")
    SOCIAL_ORG = "social_org", _("Social organisation")


class ServiceState(models.TextChoices):
    REPORTED = "reported", _("Reported, awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
