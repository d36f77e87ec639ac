from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "neuguong.reports"
    label = "reports"
    verbose_name = "Báo cáo"

    def ready(self):
        from neuguong.core import registry

        from .demo import seed_reports
        from .panels import home_panel

        registry.add_nav("Báo cáo", "reports:index", needs_org_role=True, order=60)
        if ("Bảng số liệu, báo cáo", "reports:dashboard") not in registry.ORG_LINKS:
            registry.ORG_LINKS.append(("Bảng số liệu, báo cáo", "reports:dashboard"))
        if home_panel not in registry.HOME_PANELS:
            registry.HOME_PANELS.append(home_panel)
        if seed_reports not in registry.DEMO_SEEDERS:
            registry.DEMO_SEEDERS.append(seed_reports)

        from .plan_report import plan_report_action

        if plan_report_action not in registry.PLAN_ACTIONS:
            registry.PLAN_ACTIONS.append(plan_report_action)
