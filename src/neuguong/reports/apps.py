from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "neuguong.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from neuguong.core import registry

        from .panels import home_panel

        registry.add_nav("Báo cáo", "reports:index", needs_org_role=True, order=60)
        registry.HOME_PANELS.append(home_panel)
        registry.ORG_LINKS.append(("Bảng số liệu, báo cáo", "reports:dashboard"))
