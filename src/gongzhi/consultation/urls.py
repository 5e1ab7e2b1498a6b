from django.urls import path

from gongzhi.consultation import views

app_name = "consultation"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("ask/", views.ask, name="ask"),
    path("staff/", views.staff, name="staff"),
    path("faq/", views.faq_index, name="faq_index"),
    path("faq/<int:place_id>/", views.faq, name="faq"),
    path("photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:question_id>/", views.detail, name="detail"),
    path("<int:question_id>/<slug:name>/", views.step, name="step"),
]
