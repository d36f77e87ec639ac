from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "neuguong.study"
    label = "study"
    verbose_name = "Học tập nghị quyết"

    def ready(self):
        from neuguong.core import scheduler
        from neuguong.core.registry import DEMO_SEEDERS, HOME_PANELS, PERSON_PANELS, add_nav

        from .demo import seed_study
        from .panels import home_panel, person_panel
        from .tasks import send_reflection_reminders

        add_nav("Học tập nghị quyết", "study:campaign_list", order=60)
        add_nav("Lớp LLCT", "study:course_list", needs_org_role=True, order=61)
        for registry, hook in (
            (DEMO_SEEDERS, seed_study),
            (HOME_PANELS, home_panel),
            (PERSON_PANELS, person_panel),
        ):
            if hook not in registry:
                registry.append(hook)
        from neuguong.notifications.queue import register_provider

        from .waiting import waiting_for

        register_provider(waiting_for)
        # Hourly: planning is idempotent (unique outbox rows), so a missed or doubled run is harmless.
        scheduler.register("study.reflection_reminders", 3600, send_reflection_reminders.enqueue)
