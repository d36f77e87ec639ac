from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CommitmentsConfig(AppConfig):
    name = "neuguong.commitments"
    label = "commitments"
    verbose_name = "Cam kết, nhiệm vụ"

    def ready(self):
        from neuguong.core import registry, scheduler

        from .demo import seed_commitments
        from .panels import document_commitments_panel, my_commitments_panel
        from .pickers import register as register_pickers
        from .tasks import (
            plan_commitment_reminders,
            prune_reminders,
            refresh_status_tallies,
            send_due_commitment_reminders,
        )

        register_pickers()
        if my_commitments_panel not in registry.HOME_PANELS:
            registry.HOME_PANELS.append(my_commitments_panel)
        if document_commitments_panel not in registry.DOCUMENT_PANELS:
            registry.DOCUMENT_PANELS.append(document_commitments_panel)
        if seed_commitments not in registry.DEMO_SEEDERS:
            registry.DEMO_SEEDERS.append(seed_commitments)

        from neuguong.notifications.queue import register_provider

        from .waiting import waiting_for

        register_provider(waiting_for)

        if ("Xác nhận hoàn thành nhiệm vụ", "commitments:completion_policy") not in registry.ORG_LINKS:
            registry.ORG_LINKS.append(("Xác nhận hoàn thành nhiệm vụ", "commitments:completion_policy"))

        registry.add_nav("Việc của tôi", "commitments:mine", order=20)
        registry.add_nav("Nhiệm vụ", "commitments:board", needs_org_role=True, order=21)
        # Planning reads every open commitment, so it runs once a day: enqueued hourly, it plans the first
        # time it runs on a new local day (a row in the database says which day is planned, so restarts and
        # several schedulers change nothing) and is one UPDATE otherwise; a missed day is caught up.
        scheduler.register("commitments.plan_reminders", 3600, plan_commitment_reminders.enqueue)
        # Hourly: send what is due (retries, rows that came due since) without planning.
        scheduler.register("commitments.send_reminders", 3600, send_due_commitment_reminders.enqueue)
        # Every 5 minutes: re-date the status tallies after midnight and fold their +1/−1 rows.
        scheduler.register("commitments.tallies", 300, refresh_status_tallies.enqueue)
        # Daily: old sent reminders go (the outbox would grow with the nation).
        scheduler.register("commitments.prune_reminders", 86_400, prune_reminders.enqueue)

        from neuguong.organizations.signals import organization_moved

        organization_moved.connect(_move_tallies, dispatch_uid="commitments.tally.move")
        post_migrate.connect(_install_tallies, sender=self, dispatch_uid="commitments.tally.install")
        tally_models = {"commitments.tallystate", "commitments.statustally", "commitments.leadunittally"}
        tally_models |= {"commitments.orgtally", "commitments.planitemtally", "commitments.plantally"}
        if all(labels != tally_models for labels, _ in registry.DERIVED_DATA):
            registry.DERIVED_DATA.append((tally_models, _rebuild_tallies))


def _rebuild_tallies() -> None:
    from neuguong.core.dates import local_today

    from .tally import rebuild

    rebuild(local_today())


def _install_tallies(sender, **kwargs) -> None:
    from .tally import ensure_installed

    ensure_installed()


def _move_tallies(sender, organization_id: int, old_path: str, new_path: str, **kwargs) -> None:
    from .tally import move_subtree

    move_subtree(organization_id, old_path, new_path)
