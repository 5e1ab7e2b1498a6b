from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gongzhi.accounts.models import ApiKey, RoleGrant, Unit, UnitMembership, User
from gongzhi.accounts.services import apikey_create, apikey_revoke
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


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Keys are created here or with `gongzhi apikey create`; the key is shown once, after
    creating it. A key is never edited or deleted (its cases and audit entries name its service
    user): revoke it and create another."""

    list_display = [
        "name",
        "display_prefix",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["read_only", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = [
        "display_prefix",
        "user",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    autocomplete_fields = ["places"]
    actions = ["revoke"]

    @admin.display(description=_("prefix"))
    def display_prefix(self, key: ApiKey) -> str:
        return f"gz_{key.prefix}…" if key.prefix else ""

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        if obj is None:
            return ["name", "places", "read_only"]
        return ["name", "display_prefix", "places", "read_only", *self.readonly_fields[1:]]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> Any:
        if obj is None:
            return []
        return ["name", "places", "read_only", *self.readonly_fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:  # every field is read-only once created
            return
        created = apikey_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            places=list(form.cleaned_data["places"]),
            read_only=form.cleaned_data["read_only"],
        )
        # The admin goes on with the object it was given (places, log entry, redirect).
        obj.pk = created.key.pk
        obj._state.adding = False
        for field in ("prefix", "key_hash", "user_id", "created_by_id", "created_at"):
            setattr(obj, field, getattr(created.key, field))
        request._gongzhi_new_key = created.raw  # type: ignore[attr-defined]

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        """The new key, on this page only: never in a message (a cookie), never again."""
        raw = getattr(request, "_gongzhi_new_key", None)
        if raw is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("API key created"),
            "opts": self.opts,
            "key": obj,
            "raw": raw,
        }
        response = TemplateResponse(request, "admin/accounts/apikey/created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        count = 0
        for key in queryset.filter(revoked_at__isnull=True):
            apikey_revoke(actor=request.user, key=key)
            count += 1
        messages.success(
            request, ngettext("%(n)d key revoked.", "%(n)d keys revoked.", count) % {"n": count}
        )
