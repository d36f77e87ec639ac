"""Background work (run by `manage.py db_worker`; enqueued hourly by `manage.py run_scheduler`)."""

from django.tasks import task


@task
def send_commitment_reminders() -> dict:
    from .reminders import run

    return run()


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
