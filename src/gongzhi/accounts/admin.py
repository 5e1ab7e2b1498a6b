from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from gongzhi.accounts.models import RoleGrant, Unit, UnitMembership, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["place"]
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
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
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "place", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["place", "jurisdiction"]
    inlines = [UnitMembershipInline]
    list_select_related = ["place"]
