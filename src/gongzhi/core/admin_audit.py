"""Configuration edited in the Django admin is audited like any other state change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest

from gongzhi.core.audit import audit_record


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Records `<app>.<model>.changed|added|deleted` with the changed fields."""

    def save_model(
        self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool
    ) -> None:  # type: ignore[type-arg]
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            # Secrets never enter the log: a password change is recorded as changed, not its value.
            after = {
                name: "***" if "password" in name else str(form.cleaned_data.get(name))
                for name in form.changed_data
            }
            audit_record(
                actor=request.user,
                action=f"{obj._meta.label_lower}.{'changed' if change else 'added'}",
                obj=obj,
                place=_place_of(obj),
                after=after,
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"{obj._meta.label_lower}.deleted",
                obj=obj,
                place=_place_of(obj),
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user,
                    action=f"{obj._meta.label_lower}.deleted",
                    obj=obj,
                    place=_place_of(obj),
                )
            super().delete_queryset(request, queryset)


def _place_of(obj: models.Model) -> Any:
    from gongzhi.places.models import Place

    place = getattr(obj, "place", None)
    return place if isinstance(place, Place) else None
