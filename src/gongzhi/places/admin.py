from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from gongzhi.places.models import Place


@admin.register(Place)
class PlaceAdmin(TreeAdmin):
    form = movenodeform_factory(Place, exclude=["min_lat", "max_lat", "min_lng", "max_lng"])
    list_display = ["name", "level", "code", "code_system", "code_year", "is_active"]
    list_filter = ["level", "code_system", "is_active"]
    search_fields = ["name", "official_name", "code"]
