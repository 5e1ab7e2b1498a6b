from django.contrib.auth import views as auth_views
from django.urls import path

from gongzhi.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("places/<int:place_id>/", views.place_detail, name="place_detail"),
    path("people/", views.people, name="people"),
    path("people/<int:user_id>/", views.person_detail, name="person_detail"),
    path("audit/", views.audit_log, name="audit_log"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
]
