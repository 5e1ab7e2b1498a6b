from django.urls import path

from gongzhi.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.on_duty, name="now"),
    path("inbox/", views.inbox_page, name="inbox"),
    path("mine/", views.my_shifts, name="my_shifts"),
    path("shifts/<int:shift_id>/swap/", views.swap_request, name="swap_request"),
    path("swaps/<int:swap_id>/", views.swap_decide, name="swap_decide"),
    path("rosters/", views.roster_list, name="rosters"),
    path("rosters/new/", views.roster_create, name="roster_create"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster"),
    path("rosters/<int:pk>/members/", views.member_add, name="member_add"),
    path(
        "rosters/<int:pk>/members/<int:member_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("rosters/<int:pk>/generate/", views.rotation_generate, name="generate"),
    path("rosters/<int:pk>/shifts/", views.shift_create, name="shift_create"),
    path("rosters/<int:pk>/shifts/<int:shift_id>/", views.shift_edit, name="shift_edit"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/new/", views.volunteer_register, name="volunteer_register"),
    path("volunteers/<int:volunteer_id>/hours/", views.hours_report, name="hours_report"),
    path("hours/<int:record_id>/", views.service_decide, name="service_decide"),
]
