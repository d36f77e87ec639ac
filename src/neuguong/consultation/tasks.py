"""Background work (run by `manage.py db_worker`; enqueued by `manage.py run_scheduler`)."""

from django.tasks import task


@task
def close_due_drafts() -> dict:
    """Record as closed the drafts whose window has passed (pages already show them closed)."""
    from .services import close_due

    return {"closed": close_due()}


@task
def remind_closing_drafts() -> dict:
    """Remind the audience that has not commented when a draft's window closes within two days (once)."""
    from .notices import remind_closing

    return {"reminded": remind_closing()}
