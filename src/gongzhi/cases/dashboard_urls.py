from django.urls import path

from gongzhi.cases import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.index, name="index"),
    path("units/<int:unit_id>/", dashboard_views.unit_page, name="unit"),
    path("places/<int:place_id>/", dashboard_views.place_page, name="place"),
]
