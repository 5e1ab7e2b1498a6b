from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import Unit
from gongzhi.cases import routing
from gongzhi.cases.models import (
    Case,
    Category,
    CategoryQuestion,
    ExtensionRequest,
    Intake,
    RoutingRule,
    SupervisionNote,
    TimeLimit,
)
from gongzhi.core.admin_audit import AuditedAdmin
from gongzhi.places.models import Place


class CategoryQuestionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CategoryQuestion
    extra = 0


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["name", "code", "parent", "order", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "name_en", "code"]
    inlines = [CategoryQuestionInline]


class RoutePreviewForm(forms.Form):
    category = forms.ModelChoiceField(Category.objects.filter(is_active=True), label=_("Category"))
    place = forms.ModelChoiceField(
        Place.objects.all(),
        label=_("Place"),
        widget=forms.NumberInput,
        help_text=_("The place's id (see the place list)."),
    )


@admin.register(RoutingRule)
class RoutingRuleAdmin(AuditedAdmin):
    list_display = ["category", "place", "unit", "is_active", "note"]
    list_filter = ["is_active", "category"]
    search_fields = ["place__name", "unit__name", "category__name"]
    autocomplete_fields = ["place", "unit"]
    list_select_related = ["category", "place", "unit"]
    change_list_template = "admin/cases/routingrule/change_list.html"

    def get_urls(self) -> list[Any]:
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="cases_routingrule_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """ "Which unit would get this?" — the routing and escalation chain for a category and place."""
        form = RoutePreviewForm(request.GET or None)
        result: dict[str, Any] = {}
        if form.is_valid():
            category, place = form.cleaned_data["category"], form.cleaned_data["place"]
            found = routing.route(category=category, place=place)
            chain: list[Unit] = []
            current = found.unit
            while current is not None and len(chain) < 8:
                current = routing.escalation_target(category=category, place=place, current=current)
                if current is not None:
                    chain.append(current)
            result = {"route": found, "chain": chain}
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": _("Which unit would get this?"),
            "opts": self.model._meta,
            **result,
        }
        return TemplateResponse(request, "admin/cases/routingrule/preview.html", context)


@admin.register(TimeLimit)
class TimeLimitAdmin(AuditedAdmin):
    list_display = [
        "category",
        "nature",
        "urgency",
        "accept_amount",
        "accept_unit",
        "resolve_amount",
        "resolve_unit",
    ]
    list_filter = ["nature", "urgency", "resolve_unit"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: a case changes only through its services (the workbench and the API)."""

    list_display = [
        "number",
        "title",
        "state",
        "category",
        "unit",
        "submitted_at",
        "resolve_due_at",
    ]
    list_filter = ["state", "channel", "urgency", "nature"]
    search_fields = ["number", "title"]
    list_select_related = ["category", "unit"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(CaseAdmin):
    list_display = ["case", "unit", "state", "old_due_at", "new_due_at", "requested_at"]
    list_filter = ["state"]
    search_fields = ["case__number"]
    list_select_related = ["case", "unit"]


@admin.register(SupervisionNote)
class SupervisionNoteAdmin(CaseAdmin):
    list_display = ["case", "unit", "author", "at", "answered_at"]
    list_filter = []
    search_fields = ["case__number", "note"]
    list_select_related = ["case", "unit", "author"]


@admin.register(Intake)
class IntakeAdmin(CaseAdmin):
    """The intake queue, for operators: what waits, and what could not be registered and why."""

    list_display = ["id", "state", "actor", "received_at", "processed_at", "case"]
    list_filter = ["state"]
    search_fields = ["case__number"]
    list_select_related = ["actor", "case"]
