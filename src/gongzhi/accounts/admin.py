from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import RoleGrant, Unit, UnitMembership, User
from gongzhi.core.admin_audit import AuditedAdmin
from gongzhi.core.audit import audit_record


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["place"]
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["username", "name", "phone", "is_active", "is_staff"]
    search_fields = ["username", "name", "phone"]
    ordering = ["username"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("name", "phone", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "phone", "password1", "password2"),
            },
        ),
    )
    inlines = [RoleGrantInline]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            audit_record(actor=request.user, action="accounts.user.password_changed", obj=user)
        return response

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Role grants added inline record who granted them, and are audited."""
        instances = formset.save(commit=False)
        for grant in instances:
            if grant.pk is None:
                grant.granted_by = request.user
            grant.save()
            audit_record(
                actor=request.user,
                action="role.granted",
                obj=grant,
                place=grant.place,
                after={"user": grant.user_id, "role": grant.role, "verified": grant.verified},
            )
        for grant in formset.deleted_objects:
            audit_record(
                actor=request.user,
                action="role.revoked",
                obj=grant,
                place=grant.place,
                before={"user": grant.user_id, "role": grant.role},
            )
            grant.delete()
        formset.save_m2m()


@admin.register(RoleGrant)
class RoleGrantAdmin(AuditedAdmin):
    list_display = ["user", "role", "place", "verified", "granted_at"]
    list_filter = ["role", "verified"]
    search_fields = ["user__username", "user__name", "place__name"]
    autocomplete_fields = ["user", "place"]
    readonly_fields = ["granted_by", "granted_at"]
    list_select_related = ["user", "place"]


class UnitMembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ["name", "kind", "place", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["place", "jurisdiction"]
    inlines = [UnitMembershipInline]
    list_select_related = ["place"]
