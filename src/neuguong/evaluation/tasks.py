"""Background work (run by `manage.py db_worker`; enqueued hourly by `manage.py run_scheduler`)."""

from django.tasks import task


@task
def send_self_assessment_reminders() -> dict:
    """Remind members who have not self-assessed before and after the period's self-assessment deadline."""
    from .reminders import run

    return run()
