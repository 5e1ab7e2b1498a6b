from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin

from gongzhi.core.errors import DomainError, NotPermitted
from gongzhi.places.models import Place
from gongzhi.places.services import place_update


class PlaceForm(forms.ModelForm):
    """The attributes of a place; never its position in the tree.

    Adding and moving go through the services (place_create, the import), which keep the
    `parent` link, the path and the audit log in step; the admin only edits what
    `place_update` may change.
    """

    class Meta:
        model = Place
        fields = [
            "name",
            "official_name",
            "code_year",
            "latitude",
            "longitude",
            "address",
            "is_active",
        ]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        siblings = Place.objects.filter(parent_id=self.instance.parent_id).exclude(
            pk=self.instance.pk
        )
        if siblings.filter(name=name).exists():
            raise forms.ValidationError(_("A place with this name exists under the same parent."))
        return name


@admin.register(Place)
class PlaceAdmin(TreeAdmin):
    form = PlaceForm
    list_display = ["name", "level", "code", "code_system", "code_year", "is_active"]
    list_filter = ["level", "code_system", "is_active"]
    search_fields = ["name", "official_name", "code"]
    readonly_fields = ["level", "code", "code_system", "parent"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Cases, grants and units point at places: retire a place with "active" instead.
        return False

    def move_node(self, request: HttpRequest) -> HttpResponse:
        messages.error(request, _("Places cannot be moved here: their codes fix their parent."))
        return HttpResponseBadRequest("Places cannot be moved.")

    def save_model(
        self, request: HttpRequest, obj: Place, form: forms.ModelForm, change: bool
    ) -> None:
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            place_update(actor=request.user, place=Place.objects.get(pk=obj.pk), **changes)
        except NotPermitted as exc:
            raise PermissionDenied(exc.message) from exc
        except DomainError as exc:
            messages.error(request, exc.message)
