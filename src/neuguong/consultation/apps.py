from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "neuguong.consultation"
    label = "consultation"
    verbose_name = "Lấy ý kiến dự thảo"

    def ready(self):
        from neuguong.core import registry, scheduler

        from .demo import seed_consultation
        from .panels import adopted_draft_panel, consultation_home_panel
        from .tasks import close_due_drafts, remind_closing_drafts

        # Not limited to organisation roles: members find here the drafts put to them.
        registry.add_nav("Dự thảo", "consultation:list", order=55)
        if consultation_home_panel not in registry.HOME_PANELS:
            registry.HOME_PANELS.append(consultation_home_panel)
        if adopted_draft_panel not in registry.DOCUMENT_PANELS:
            registry.DOCUMENT_PANELS.append(adopted_draft_panel)
        if seed_consultation not in registry.DEMO_SEEDERS:
            registry.DEMO_SEEDERS.append(seed_consultation)
        # Every 5 minutes: drafts whose window has passed are recorded as closed (idempotent).
        scheduler.register("consultation.close_due", 300, close_due_drafts.enqueue)
        # Every hour: the audience that has not commented is reminded two days before the window closes.
        scheduler.register("consultation.remind_closing", 3600, remind_closing_drafts.enqueue)

        from neuguong.notifications.queue import register_provider

        from .waiting import waiting_for

        register_provider(waiting_for)
