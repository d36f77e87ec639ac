from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "neuguong.targets"
    label = "targets"
    verbose_name = "Chỉ tiêu CCHC"

    def ready(self):
        from neuguong.core.registry import DEMO_SEEDERS, HOME_PANELS, add_nav

        from .demo import seed_targets
        from .panels import home_panel
        from .pickers import register as register_pickers

        register_pickers()

        # One entry: the targets page links to scoring; agency heads without a role reach their
        # assessment from the home panel.
        add_nav("Chỉ tiêu, CCHC", "targets:index", needs_org_role=True, order=60)
        if home_panel not in HOME_PANELS:
            HOME_PANELS.append(home_panel)
        if seed_targets not in DEMO_SEEDERS:
            DEMO_SEEDERS.append(seed_targets)

        from neuguong.notifications.queue import register_provider

        from .waiting import waiting_for

        register_provider(waiting_for)
