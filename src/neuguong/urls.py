from django.urls import include, path

from neuguong.api_urls import api
from neuguong.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("tai-khoan/", include("neuguong.access.urls")),
    path("to-chuc/", include("neuguong.organizations.urls")),
    path("dang-vien/", include("neuguong.people.urls")),
    path("", include("neuguong.core.urls")),
]
