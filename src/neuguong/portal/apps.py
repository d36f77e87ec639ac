from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The site shell: home page, search, demo data, the API root and cross-module commands. The top layer:
    it may use every module; no module uses it."""

    name = "neuguong.portal"
    label = "portal"
    verbose_name = "Trang chung"
