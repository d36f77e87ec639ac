"""Background work (run by `manage.py db_worker`; enqueued hourly by `manage.py run_scheduler`)."""

from django.tasks import task


@task
def send_documents_reminders() -> int:
    """Remind secretaries whose meeting's documents are due within a day and not sent yet (once each)."""
    from .services import documents_reminders_send

    return documents_reminders_send()
