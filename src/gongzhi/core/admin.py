from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongzhi.core.models import AuditEntry


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
