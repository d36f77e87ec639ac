"""Background work (run by `manage.py db_worker`; enqueued hourly by `manage.py run_scheduler`)."""

from django.tasks import task


@task
def send_commitment_reminders() -> dict:
    """Plan the reminders due today and send a batch; a full batch enqueues the sending of the next."""
    from neuguong.notifications.outbox import full_batch

    from .reminders import run

    result = run()
    if full_batch(result):
        send_due_commitment_reminders.enqueue()
    return result


@task
def send_due_commitment_reminders() -> dict:
    """Send a batch of due reminders (no planning); while batches come back full, the next is enqueued, so
    the morning's outbox drains through every worker instead of one batch an hour (docs/scaling.md)."""
    from django.utils import timezone

    from neuguong.core.dates import LOCAL_ZONE
    from neuguong.notifications.outbox import full_batch

    from .reminders import send_due_reminders

    now = timezone.now()
    result = send_due_reminders(now=now, today=now.astimezone(LOCAL_ZONE).date())
    if full_batch(result):
        send_due_commitment_reminders.enqueue()
    return result


@task
def refresh_status_tallies() -> dict:
    """Re-date the status tallies to today (after midnight) and compact them."""
    from neuguong.core.dates import local_today

    from .tally import advance, compact

    advanced = advance(local_today())
    compact()
    return {"advanced": advanced}


@task
def prune_reminders() -> dict:
    """Delete old sent reminders (reminders.prune_reminders)."""
    from neuguong.core.dates import local_today

    from .reminders import prune_reminders as prune

    return prune(today=local_today())
