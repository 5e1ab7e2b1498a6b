from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from gongzhi.analytics.apis import PlaceParticipation
from gongzhi.api import auth, views
from gongzhi.api import notifications as notification_views
from gongzhi.cases import api_urls as cases_api_urls
from gongzhi.consultation import api_urls as consultation_api_urls
from gongzhi.duty import api_urls as duty_api_urls
from gongzhi.fund import api_urls as fund_api_urls
from gongzhi.publicity import api_urls as publicity_api_urls

app_name = "api"

urlpatterns = [
    # Spliced rather than include()d: one flat list of plain patterns in the "api" namespace.
    # Cases first: reports are most of the API's requests (patterns are tried in order).
    *cases_api_urls.urlpatterns,
    path("", views.ApiRoot.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path(
        "redoc/",
        SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html"),
        name="redoc",
    ),
    path("auth/token/", auth.TokenView.as_view(), name="token"),
    path("me/", views.Me.as_view(), name="me"),
    path("places/", views.PlaceList.as_view(), name="place-list"),
    path("places/<int:pk>/", views.PlaceDetail.as_view(), name="place-detail"),
    path(
        "places/<int:pk>/participation/",
        PlaceParticipation.as_view(),
        name="place-participation",
    ),
    path("units/", views.UnitList.as_view(), name="unit-list"),
    path("units/<int:pk>/", views.UnitDetail.as_view(), name="unit-detail"),
    path("people/", views.PersonList.as_view(), name="person-list"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person-detail"),
    path("notifications/", notification_views.NotificationList.as_view(), name="notifications"),
    path(
        "notifications/read/",
        notification_views.NotificationsMarkRead.as_view(),
        name="notifications-read",
    ),
    path(
        "notifications/preferences/",
        notification_views.NotificationPreferences.as_view(),
        name="notification-preferences",
    ),
    *consultation_api_urls.urlpatterns,
    *duty_api_urls.urlpatterns,
    *fund_api_urls.urlpatterns,
    *publicity_api_urls.urlpatterns,
    # Last: anything else under /api/v1/ is a 404 in the API's error format (newlines too).
    re_path(r"^[\s\S]*$", views.NoEndpoint.as_view(), name="no-endpoint"),
]
