from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    CONVERTED = "converted", _("Turned into a case")


# Whose reply a reply is: the asker's own, or a responder's (on duty, volunteer, staff).
class AuthorRole(models.TextChoices):
    ASKER = "asker", _("Asker")
    RESPONDER = "responder", _("Responder")
