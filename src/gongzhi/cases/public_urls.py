from django.urls import path

from gongzhi.cases import public_views

app_name = "public"

urlpatterns = [
    path("places/<int:place_id>/", public_views.place_page, name="place"),
    path("cases/<str:number>/", public_views.case_page, name="case"),
]
