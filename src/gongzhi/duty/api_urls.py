"""The duty API's URLs, spliced into gongzhi.api.urls (in the "api" namespace)."""

from django.urls import path

from gongzhi.duty import apis

urlpatterns = [
    path("duty/on-duty/", apis.OnDuty.as_view(), name="duty-on-duty"),
    path("duty/rosters/", apis.RosterListCreate.as_view(), name="duty-roster-list"),
    path("duty/rosters/<int:pk>/", apis.RosterDetail.as_view(), name="duty-roster-detail"),
    path(
        "duty/rosters/<int:pk>/members/", apis.RosterMemberAdd.as_view(), name="duty-roster-members"
    ),
    path(
        "duty/rosters/<int:pk>/generate/",
        apis.RotationGenerate.as_view(),
        name="duty-roster-generate",
    ),
    path("duty/rosters/<int:pk>/shifts/", apis.ShiftListCreate.as_view(), name="duty-shift-list"),
    path("duty/gaps/", apis.GapList.as_view(), name="duty-gap-list"),
    path("duty/shifts/<int:pk>/assign/", apis.ShiftAssign.as_view(), name="duty-shift-assign"),
    path(
        "duty/shifts/<int:pk>/unassign/", apis.ShiftUnassign.as_view(), name="duty-shift-unassign"
    ),
    path("duty/shifts/<int:pk>/replace/", apis.ShiftReplace.as_view(), name="duty-shift-replace"),
    path("duty/swaps/", apis.SwapListCreate.as_view(), name="duty-swap-list"),
    path("duty/swaps/<int:pk>/accept/", apis.SwapAccept.as_view(), name="duty-swap-accept"),
    path("duty/swaps/<int:pk>/decline/", apis.SwapDecline.as_view(), name="duty-swap-decline"),
    path("duty/swaps/<int:pk>/cancel/", apis.SwapCancel.as_view(), name="duty-swap-cancel"),
    path("duty/volunteers/", apis.VolunteerListCreate.as_view(), name="duty-volunteer-list"),
    path("duty/volunteers/<int:pk>/", apis.VolunteerDetail.as_view(), name="duty-volunteer-detail"),
    path(
        "duty/service-records/",
        apis.ServiceRecordListCreate.as_view(),
        name="duty-service-record-list",
    ),
    path(
        "duty/service-records/<int:pk>/confirm/",
        apis.ServiceConfirm.as_view(),
        name="duty-service-record-confirm",
    ),
    path(
        "duty/service-records/<int:pk>/reject/",
        apis.ServiceReject.as_view(),
        name="duty-service-record-reject",
    ),
    path("duty/service-totals/", apis.ServiceTotals.as_view(), name="duty-service-totals"),
]
