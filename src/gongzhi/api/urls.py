from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from gongzhi.api import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("auth/token/", obtain_auth_token, name="token"),
    path("me/", views.Me.as_view(), name="me"),
    path("places/", views.PlaceList.as_view(), name="place-list"),
    path("places/<int:pk>/", views.PlaceDetail.as_view(), name="place-detail"),
    path("units/", views.UnitList.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit-detail"),
    path("people/", views.PersonList.as_view(), name="person-list"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person-detail"),
]
