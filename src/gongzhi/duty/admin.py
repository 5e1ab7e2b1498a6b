"""Read-only admin: rosters, swaps and hours change only through their services (the duty pages
and the API), which check permissions and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongzhi.duty.models import Roster, ServiceRecord, Shift, SwapRequest, Volunteer


def _refused(self: Any, request: HttpRequest, obj: Any = None) -> bool:
    return False


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    show_full_result_count = False
    has_add_permission = has_change_permission = has_delete_permission = _refused


@admin.register(Roster)
class RosterAdmin(ReadOnlyAdmin):
    list_display = ["name", "place", "is_active", "created_at"]
    list_select_related = ["place"]
    search_fields = ["name", "place__name"]


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["roster", "date", "start_time", "end_time", "slots"]
    list_select_related = ["roster"]
    date_hierarchy = "date"


@admin.register(SwapRequest)
class SwapRequestAdmin(ReadOnlyAdmin):
    list_display = ["shift", "requester", "counterparty", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["shift", "requester", "counterparty"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    list_display = ["user", "community", "kind", "organisation", "is_active"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["user", "community"]
    search_fields = ["user__name", "organisation", "skills"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = ["volunteer", "date", "hours", "activity", "state"]
    list_filter = ["state"]
    list_select_related = ["volunteer__user"]
    date_hierarchy = "date"
