"""The site's URLs plus two that fail on purpose, to show the 403 and 500 pages."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from neuguong.urls import urlpatterns as site_urlpatterns


def _forbidden(request):
    raise PermissionDenied


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("_loi/403/", _forbidden), path("_loi/500/", _broken), *site_urlpatterns]
