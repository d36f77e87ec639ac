from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "neuguong.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from neuguong.core import registry, scheduler

        from .kinds import autodiscover
        from .outbox import AROUND_EACH_CALL
        from .panels import queue_panel
        from .services import emails_sent_once
        from .tasks import prune_notifications, send_notification_digests, send_notification_emails

        autodiscover()
        if emails_sent_once not in AROUND_EACH_CALL:
            # Each outbox call (reminders of every module) enqueues the e-mail sender once.
            AROUND_EACH_CALL.append(emails_sent_once)
        if queue_panel not in registry.HOME_PANELS:
            # First on the home page: what waits for the user.
            registry.HOME_PANELS.insert(0, queue_panel)
        # The e-mails also leave right after each commit that wrote them; this is the safety net.
        scheduler.register("notifications.emails", 300, send_notification_emails.enqueue)
        scheduler.register("notifications.digests", 3600, send_notification_digests.enqueue)
        # Daily: notifications read more than RETENTION_DAYS ago go (the table would grow with the nation).
        scheduler.register("notifications.prune", 86_400, prune_notifications.enqueue)
