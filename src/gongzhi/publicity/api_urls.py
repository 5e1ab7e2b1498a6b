"""The publicity API's URLs, spliced into gongzhi.api.urls (the "api" namespace)."""

from django.urls import path

from gongzhi.publicity import apis

urlpatterns = [
    path("notices/", apis.NoticeListCreate.as_view(), name="notice-list"),
    path("notices/<int:pk>/", apis.NoticeDetail.as_view(), name="notice-detail"),
    path("notices/<int:pk>/objections/", apis.NoticeObject.as_view(), name="notice-objections"),
    path("notices/<int:pk>/extend/", apis.NoticeExtend.as_view(), name="notice-extend"),
    path("notices/<int:pk>/restart/", apis.NoticeRestart.as_view(), name="notice-restart"),
    path("notices/<int:pk>/close/", apis.NoticeClose.as_view(), name="notice-close"),
    path("objections/", apis.ObjectionList.as_view(), name="objection-list"),
    path("objections/<int:pk>/", apis.ObjectionDetail.as_view(), name="objection-detail"),
    path(
        "objections/<int:pk>/response/",
        apis.ObjectionRespond.as_view(),
        name="objection-response",
    ),
    path("projects/", apis.ProjectListCreate.as_view(), name="project-list"),
    path("projects/<int:pk>/", apis.ProjectDetail.as_view(), name="project-detail"),
    path("projects/<int:pk>/progress/", apis.ProjectProgress.as_view(), name="project-progress"),
    path("projects/<int:pk>/documents/", apis.ProjectDocuments.as_view(), name="project-documents"),
    *[
        path(
            f"projects/<int:pk>/{step}/",
            apis.ProjectStep.as_view(step=step),
            name=f"project-{step}",
        )
        for step in ("approve", "start", "complete", "cancel")
    ],
    path("programme/", apis.Programme.as_view(), name="programme"),
]
