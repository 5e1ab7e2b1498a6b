"""The consultation API's URLs, spliced into gongzhi.api.urls (the "api" namespace)."""

from django.urls import path

from gongzhi.consultation import apis

urlpatterns = [
    path("questions/", apis.QuestionListCreate.as_view(), name="question-list"),
    path("questions/<int:pk>/", apis.QuestionDetail.as_view(), name="question-detail"),
    path("questions/<int:pk>/reply/", apis.QuestionReply.as_view(), name="question-reply"),
    path(
        "questions/<int:pk>/mark-answered/",
        apis.QuestionMarkAnswered.as_view(),
        name="question-mark-answered",
    ),
    path("questions/<int:pk>/reopen/", apis.QuestionReopen.as_view(), name="question-reopen"),
    path("questions/<int:pk>/close/", apis.QuestionClose.as_view(), name="question-close"),
    path("questions/<int:pk>/convert/", apis.QuestionConvert.as_view(), name="question-convert"),
    path("questions/<int:pk>/publish/", apis.QuestionPublish.as_view(), name="question-publish"),
    path("public/places/<int:pk>/faq/", apis.PublicFaq.as_view(), name="public-place-faq"),
]
