"""Background work (run by `manage.py db_worker`; enqueued hourly by `manage.py run_scheduler`)."""

from django.tasks import task


@task
def send_reflection_reminders() -> dict:
    """Remind members who have not handed in their reflection before and after its due date."""
    from .reminders import run

    return run()
