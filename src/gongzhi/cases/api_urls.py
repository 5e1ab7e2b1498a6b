"""The cases API's URLs. gongzhi.api.urls splices them into its own list (in the "api"
namespace, before its catch-all 404), so every pattern stays a plain URLPattern."""

from django.urls import path

from gongzhi.cases import apis
from gongzhi.cases.fast_intake import with_fast_intake

urlpatterns = [
    path(
        "public/places/<int:pk>/cases/", apis.PublicPlaceCases.as_view(), name="public-place-cases"
    ),
    path("categories/", apis.CategoryTree.as_view(), name="category-list"),
    path("cases/", with_fast_intake(apis.CaseListCreate.as_view()), name="case-list"),
    path("cases/<int:pk>/", apis.CaseDetail.as_view(), name="case-detail"),
    path("intake/<uuid:pk>/", apis.IntakeDetail.as_view(), name="intake-detail"),
    path("cases/<int:pk>/dispatch/", apis.CaseDispatch.as_view(), name="case-dispatch"),
    path("cases/<int:pk>/reroute/", apis.CaseReroute.as_view(), name="case-reroute"),
    path("cases/<int:pk>/accept/", apis.CaseAccept.as_view(), name="case-accept"),
    path("cases/<int:pk>/return/", apis.CaseReturn.as_view(), name="case-return"),
    path("cases/<int:pk>/start/", apis.CaseStart.as_view(), name="case-start"),
    path("cases/<int:pk>/escalate/", apis.CaseEscalate.as_view(), name="case-escalate"),
    path("cases/<int:pk>/resolve/", apis.CaseResolve.as_view(), name="case-resolve"),
    path("cases/<int:pk>/comment/", apis.CaseComment.as_view(), name="case-comment"),
    path("cases/<int:pk>/remind/", apis.CaseRemind.as_view(), name="case-remind"),
    path("cases/<int:pk>/supervise/", apis.CaseSupervise.as_view(), name="case-supervise"),
    path("cases/<int:pk>/follow-up/", apis.CaseFollowUp.as_view(), name="case-follow-up"),
    path("cases/<int:pk>/merge/", apis.CaseMerge.as_view(), name="case-merge"),
    path("cases/<int:pk>/follow/", apis.CaseFollow.as_view(), name="case-follow"),
    path("cases/<int:pk>/extensions/", apis.CaseExtensionAsk.as_view(), name="case-extensions"),
    path(
        "extensions/<int:pk>/decision/",
        apis.ExtensionDecision.as_view(),
        name="extension-decision",
    ),
    path(
        "supervision-notes/<int:pk>/answer/",
        apis.SupervisionAnswer.as_view(),
        name="supervision-note-answer",
    ),
    path("units/<int:pk>/queue/", apis.UnitQueue.as_view(), name="unit-queue"),
    path("dispatch/", apis.DispatchConsole.as_view(), name="dispatch-console"),
    path("supervision/overdue/", apis.OverdueBoard.as_view(), name="overdue-board"),
    path("routing/preview/", apis.RoutePreview.as_view(), name="routing-preview"),
]
