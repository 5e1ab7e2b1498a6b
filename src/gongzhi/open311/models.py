from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PushedUpdate(models.Model):
    """A service request update a back office pushed (POST servicerequestupdates) with its own
    `update_id`: the same update sent again is recognised, not applied twice."""

    api_key = models.ForeignKey(
        "accounts.ApiKey", on_delete=models.PROTECT, related_name="+", verbose_name=_("API key")
    )
    update_id = models.CharField(_("update id"), max_length=100)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="+", verbose_name=_("case")
    )
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=40)
    updated_datetime = models.DateTimeField(_("updated at (as sent)"), null=True)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("pushed update")
        verbose_name_plural = _("pushed updates")
        constraints = [
            models.UniqueConstraint(
                fields=["api_key", "update_id"],
                condition=~Q(update_id=""),
                name="pushedupdate_unique_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.update_id} → {self.case_id}"
