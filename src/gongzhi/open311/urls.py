from django.urls import re_path

from gongzhi.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(r"^$", views.discovery, name="root"),
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/]+){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.requests, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+){FMT}", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+){FMT}", views.token, name="token"),
    re_path(rf"^servicerequestupdates{FMT}", views.updates, name="updates"),
    # Anything else under /open311/v2/ is a 404 in the spec's format (JSON if it asks for it).
    # ([\s\S]: a path may hold an encoded newline.)
    re_path(r"^[\s\S]*\.json$", views.no_resource, {"fmt": "json"}, name="no-resource-json"),
    re_path(r"^[\s\S]*$", views.no_resource, name="no-resource"),
]
