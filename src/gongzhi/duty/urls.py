from django.urls import path

from gongzhi.duty import views

app_name = "duty"

urlpatterns = [
    path("mine/", views.my_shifts, name="my_shifts"),
]
