from __future__ import annotations

from django.contrib import admin

from gongzhi.cases.admin import CaseAdmin
from gongzhi.publicity.models import Notice, Objection, Project


class ReadOnlyAdmin(CaseAdmin):
    """Read-only like cases: projects, notices and objections change only through services."""

    list_filter = []


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "status", "place", "budget_fen", "progress_percent"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "contractor"]
    list_select_related = ["place"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["title", "state", "place", "published_at", "ends_at", "closed_at"]
    list_filter = ["state", "period_unit"]
    search_fields = ["title"]
    list_select_related = ["place"]


@admin.register(Objection)
class ObjectionAdmin(ReadOnlyAdmin):
    list_display = ["notice", "author", "created_at", "responded_at"]
    search_fields = ["notice__title", "body"]
    list_select_related = ["notice", "author"]
