from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gongzhi.core.admin_audit import AuditedAdmin
from gongzhi.core.checks import calendar_years_missing
from gongzhi.core.models import AuditEntry, WorkdayOverride


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["seq", "at", "actor", "action", "object_repr", "place", "channel", "ip"]
    list_filter = ["action", "channel"]
    search_fields = ["action", "object_repr", "object_id"]
    list_select_related = ["actor", "place"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AuditedAdmin):
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        for year in calendar_years_missing():
            messages.warning(
                request,
                _(
                    "The statutory holiday calendar has no data for %(year)d: until you add that year's "
                    "holidays and make-up workdays here, deadlines count Monday to Friday."
                )
                % {"year": year},
            )
        return super().changelist_view(request, extra_context)
