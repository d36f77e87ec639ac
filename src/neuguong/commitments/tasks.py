"""Background work (run by `manage.py db_worker`; enqueued hourly by `manage.py run_scheduler`)."""

from django.tasks import task


@task
def send_commitment_reminders() -> dict:
    from .reminders import run

    return run()
