from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    DISPATCHED = "dispatched", _("Dispatched")
    RETURNED = "returned", _("Returned")
    ESCALATED = "escalated", _("Escalated")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATES = frozenset(
    {
        CaseState.SUBMITTED,
        CaseState.DISPATCHED,
        CaseState.RETURNED,
        CaseState.ESCALATED,
        CaseState.ACCEPTED,
        CaseState.IN_PROGRESS,
    }
)
# States waiting for a unit to accept (签收); the accept deadline runs.
AWAITING_ACCEPT = frozenset({CaseState.DISPATCHED, CaseState.ESCALATED})
# States in which the handling unit works on the case; the resolve deadline runs.
HANDLING = frozenset({CaseState.ACCEPTED, CaseState.IN_PROGRESS})


class Nature(models.TextChoices):
    INQUIRY = "inquiry", _("Inquiry")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    TIP_OFF = "tip_off", _("Tip-off")
    SUGGESTION = "suggestion", _("Suggestion")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    EMERGENCY = "emergency", _("Emergency")


class Channel(models.TextChoices):
    WEB = "web", _("Web (resident)")
    API = "api", _("API")
    AGENT = "agent", _("Service centre agent")
    PHONE = "phone", _("Phone (registered by an agent)")
    PATROL = "patrol", _("Found on patrol")
    OPEN311 = "open311", _("Open311")


class ReturnReason(models.TextChoices):
    WRONG_AREA = "wrong_area", _("Wrong area (属地不符)")
    WRONG_DUTY = "wrong_duty", _("Wrong duty (职能不符)")
    OTHER = "other", _("Other")


class LimitUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    WORKDAYS = "workdays", _("working days")


class ExtensionState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("extension request", "Pending")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class QuestionType(models.TextChoices):
    """The six datatypes of Open311 GeoReport v2 attributes."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("One choice")
    MULTIVALUELIST = "multivaluelist", _("Several choices")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    MOSTLY_SATISFIED = "mostly_satisfied", _("Mostly satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class DissatisfactionReason(models.TextChoices):
    """Why a resident is dissatisfied. Reasons within the unit's duty reopen the case (重办)."""

    NOT_SOLVED = "not_solved", _("The problem was not solved")
    PARTLY_SOLVED = "partly_solved", _("The problem was only partly solved")
    SLOW = "slow", _("It took too long")
    ATTITUDE = "attitude", _("The staff's attitude")
    BEYOND_DUTY = "beyond_duty", _("The request is beyond what the unit can do")
    OTHER = "other", _("Other")


REOPENING_REASONS = frozenset(
    {DissatisfactionReason.NOT_SOLVED, DissatisfactionReason.PARTLY_SOLVED}
)


class CloseReason(models.TextChoices):
    RATED = "rated", _("Rated by the resident")
    NO_RESPONSE = "no_response", _("No response to the follow-up")
    MERGED = "merged", _("Merged into another case as a duplicate")


class IntakeState(models.TextChoices):
    """A report accepted into the intake queue (cases/intake.py), until the worker registers it."""

    QUEUED = "queued", _("Queued")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
