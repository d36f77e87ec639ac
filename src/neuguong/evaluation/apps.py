from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "neuguong.evaluation"
    label = "evaluation"
    verbose_name = "Đánh giá, xếp loại chất lượng"

    def ready(self):
        from django.db.models.signals import post_migrate

        from neuguong.core import scheduler
        from neuguong.core.registry import DEMO_SEEDERS, HOME_PANELS, PERSON_PANELS, add_nav
        from neuguong.notifications.queue import register_provider

        from .demo import seed_evaluation
        from .panels import home_panel, person_panel
        from .tasks import send_self_assessment_reminders
        from .waiting import waiting_for

        add_nav("Đánh giá, xếp loại", "evaluation:index", order=70)
        if home_panel not in HOME_PANELS:
            HOME_PANELS.append(home_panel)
        if person_panel not in PERSON_PANELS:
            PERSON_PANELS.append(person_panel)
        if seed_evaluation not in DEMO_SEEDERS:
            DEMO_SEEDERS.append(seed_evaluation)
        register_provider(waiting_for)
        # Hourly: planning is idempotent (unique outbox rows), so a missed or doubled run is harmless.
        scheduler.register(
            "evaluation.self_assessment_reminders", 3600, send_self_assessment_reminders.enqueue
        )
        post_migrate.connect(_ship_rule_sets, sender=self, dispatch_uid="evaluation_ship_rule_sets")


def _ship_rule_sets(sender, **kwargs):
    """The shipped rule sets (124, 366) exist once a root organisation does."""
    from .shipped import ensure_shipped

    ensure_shipped()
