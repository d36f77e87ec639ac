"""Background work (run by `manage.py db_worker`): enqueued after each commit that wrote notification
e-mails, and by `manage.py run_scheduler` as a safety net (every 5 minutes; digests hourly)."""

from django.tasks import task


def _clock():
    from django.utils import timezone

    from neuguong.core.dates import LOCAL_ZONE

    now = timezone.now()
    return now, now.astimezone(LOCAL_ZONE).date()


@task
def send_notification_emails() -> dict:
    """Send the notification e-mails waiting in the outbox."""
    from .mail import send_emails

    now, _ = _clock()
    return send_emails(now=now)


@task
def send_notification_digests() -> dict:
    """Plan yesterday's digests (and any missed ones) and send those due."""
    from .mail import plan_digests, send_digests

    now, today = _clock()
    planned = plan_digests(today=today)
    return {"planned": planned, **send_digests(now=now, today=today)}
