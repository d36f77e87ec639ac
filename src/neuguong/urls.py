from django.urls import include, path

from neuguong.api_urls import api
from neuguong.portal.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("tai-khoan/", include("neuguong.access.urls")),
    path("thong-bao/", include("neuguong.notifications.urls")),
    path("to-chuc/", include("neuguong.organizations.urls")),
    path("dang-vien/", include("neuguong.people.urls")),
    path("du-lieu/", include("neuguong.dataio.urls")),
    path("van-ban/", include("neuguong.documents.urls")),
    path("cam-ket/", include("neuguong.commitments.urls")),
    path("ke-hoach/", include("neuguong.plans.urls")),
    path("bao-cao/", include("neuguong.reports.urls")),
    path("kiem-tra/", include("neuguong.inspections.urls")),
    path("hoc-tap/", include("neuguong.study.urls")),
    path("sinh-hoat/", include("neuguong.meetings.urls")),
    path("chi-tieu/", include("neuguong.targets.urls")),
    path("du-thao/", include("neuguong.consultation.urls")),
    path("danh-gia/", include("neuguong.evaluation.urls")),
    path("", include("neuguong.core.urls")),
    path("", include("neuguong.portal.urls")),
]
