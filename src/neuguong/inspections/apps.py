from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "neuguong.inspections"
    label = "inspections"
    verbose_name = "Kiểm tra, giám sát"

    def ready(self):
        from neuguong.core.registry import DEMO_SEEDERS, HOME_PANELS, add_nav

        from .demo import seed_inspections
        from .panels import subject_panel

        # Not limited to organisation roles: a member who is a subject finds their inspections here.
        add_nav("Kiểm tra, giám sát", "inspections:list", order=60)
        if subject_panel not in HOME_PANELS:
            HOME_PANELS.append(subject_panel)
        if seed_inspections not in DEMO_SEEDERS:
            DEMO_SEEDERS.append(seed_inspections)

        from neuguong.notifications.queue import register_provider

        from .waiting import waiting_for

        register_provider(waiting_for)
