from django.urls import path

from gongzhi.cases import media_views

app_name = "media"

urlpatterns = [path("photos/<int:photo_id>/", media_views.photo, name="photo")]
