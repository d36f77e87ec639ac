from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "neuguong.notifications"
    label = "notifications"
    verbose_name = "Thông báo"

    def ready(self) -> None:
        from neuguong.core import registry, scheduler

        from .kinds import autodiscover
        from .panels import queue_panel
        from .tasks import send_notification_digests, send_notification_emails

        autodiscover()
        if queue_panel not in registry.HOME_PANELS:
            # First on the home page: what waits for the user.
            registry.HOME_PANELS.insert(0, queue_panel)
        # The e-mails also leave right after each commit that wrote them; this is the safety net.
        scheduler.register("notifications.emails", 300, send_notification_emails.enqueue)
        scheduler.register("notifications.digests", 3600, send_notification_digests.enqueue)
