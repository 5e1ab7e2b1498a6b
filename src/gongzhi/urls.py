from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # First: machine clients send the most requests (a report being queued), and the resolver
    # tries the patterns in order. No other prefix overlaps these two.
    path("api/v1/", include("gongzhi.api.urls")),
    path("open311/v2/", include("gongzhi.open311.urls")),
    path("", include("gongzhi.web.urls")),
    path("cases/", include("gongzhi.cases.urls")),
    path("consultation/", include("gongzhi.consultation.urls")),
    path("duty/", include("gongzhi.duty.urls")),
    path("public/", include("gongzhi.cases.public_urls")),
    path("dashboard/", include("gongzhi.cases.dashboard_urls")),
    path("analytics/", include("gongzhi.analytics.urls")),
    path("funds/", include("gongzhi.fund.urls")),
    path("publicity/", include("gongzhi.publicity.urls")),
    path("media/cases/", include("gongzhi.cases.media_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
handler500 = "gongzhi.api.errors.server_error"
