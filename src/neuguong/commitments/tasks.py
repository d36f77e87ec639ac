"""Background work (run by `manage.py db_worker`; enqueued hourly by `manage.py run_scheduler`)."""

from django.tasks import task

# How many sending chains the day's planning starts at most (setting COMMITMENT_REMINDER_SENDERS): each
# sends a batch and, while batches come back full, enqueues the next, so this many workers can drain the
# morning side by side. Set it to the number of task workers (a chain more than there are workers only
# waits in the queue, and ends at its first short batch).
SENDING_CHAINS = 4


@task
def plan_commitment_reminders() -> dict:
    """Once a day: plan today's reminders, then enqueue their sending. Enqueued hourly by the scheduler;
    once today is planned (by any scheduler or worker, before any restart) a run is one UPDATE."""
    import math

    from django.conf import settings

    from neuguong.core.dates import local_today
    from neuguong.notifications.outbox import BATCH

    from .reminders import plan_reminders_once

    today = local_today()
    planned = plan_reminders_once(today=today)
    if planned is None:
        return {"day": today.isoformat(), "planned": 0, "senders": 0, "already_planned": True}
    chains = getattr(settings, "COMMITMENT_REMINDER_SENDERS", SENDING_CHAINS)
    senders = max(1, min(chains, math.ceil(planned / BATCH)))
    for _ in range(senders):
        send_due_commitment_reminders.enqueue()
    return {"day": today.isoformat(), "planned": planned, "senders": senders, "already_planned": False}


@task
def send_due_commitment_reminders() -> dict:
    """Send a batch of due reminders (no planning: `plan_commitment_reminders` plans once a day); while
    batches come back full, the next is enqueued, so the morning's outbox drains through every worker
    instead of one batch an hour (docs/scaling.md). Hourly too, for retries and what came due later."""
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
