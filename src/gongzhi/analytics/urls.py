from django.urls import path

from gongzhi.analytics import views

app_name = "analytics"

urlpatterns = [
    path("participation/", views.participation_index, name="participation-index"),
    path("participation/places/<int:place_id>/", views.participation_page, name="participation"),
]
