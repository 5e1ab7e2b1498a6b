from django.urls import path

from gongzhi.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("report/", views.report, name="report"),
    path("report/hints/", views.report_hints, name="report_hints"),
    path("follow/", views.follow, name="follow"),
    path("register/", views.register, name="register"),
    path("register/people/", views.register_lookup, name="register_lookup"),
    path("workbench/", views.workbench, name="workbench"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("supervision/", views.supervision, name="supervision"),
    path("<int:case_id>/", views.detail, name="detail"),
    path("<int:case_id>/merge/candidates/", views.merge_candidates, name="merge_candidates"),
    path(
        "<int:case_id>/extensions/<int:extension_id>/decide/",
        views.extension_decide,
        name="extension_decide",
    ),
    path(
        "<int:case_id>/supervision/<int:note_id>/answer/",
        views.supervision_answer,
        name="supervision_answer",
    ),
    path("<int:case_id>/<slug:name>/", views.step, name="step"),
]
