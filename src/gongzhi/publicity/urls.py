from django.urls import path

from gongzhi.publicity import views

app_name = "publicity"

urlpatterns = [
    path("", views.archive, name="archive"),
    path("mine/", views.mine, name="mine"),
    path("manage/", views.manage, name="manage"),
    path("programme/", views.programme, name="programme"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice"),
    path("notices/<int:notice_id>/<slug:name>/", views.notice_step, name="notice_step"),
    path(
        "objections/<int:objection_id>/respond/",
        views.objection_respond,
        name="objection_respond",
    ),
    path("projects/new/", views.project_form, name="project_new"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("projects/<int:project_id>/edit/", views.project_form, name="project_edit"),
    path("projects/<int:project_id>/progress/", views.project_progress, name="project_progress"),
    path("projects/<int:project_id>/documents/", views.project_document, name="project_document"),
    path("projects/<int:project_id>/<slug:name>/", views.project_step, name="project_step"),
    path("files/documents/<int:document_id>/", views.document, name="document"),
    path("files/photos/<int:photo_id>/", views.photo, name="photo"),
]
