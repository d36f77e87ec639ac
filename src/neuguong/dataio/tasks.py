"""Background steps of a web import (run by `manage.py db_worker`; immediately in tests)."""

from django.tasks import task

from .models import ImportRun


@task
def validate_import(run_id: int) -> None:
    from .services import import_validate

    run = ImportRun.objects.select_related("actor", "organization").filter(pk=run_id).first()
    if run is not None:
        import_validate(run=run)


@task
def apply_import(run_id: int) -> None:
    from .services import import_apply

    run = ImportRun.objects.select_related("actor", "organization").filter(pk=run_id).first()
    if run is not None:
        import_apply(run=run)


@task
def create_accounts(batch_id: int) -> None:
    from .accounts import account_batch_run
    from .models import AccountBatch, ImportStatus

    batch = AccountBatch.objects.select_related("actor", "organization").filter(pk=batch_id).first()
    if batch is None:
        return
    try:
        account_batch_run(batch=batch)
    except Exception:
        AccountBatch.objects.filter(pk=batch_id).update(status=ImportStatus.FAILED)
        raise


@task
def forget_account_passwords() -> dict:
    """Daily: one-time passwords of account batches not downloaded within ACCOUNT_PASSWORD_DAYS are forgotten."""
    from .accounts import account_passwords_forget

    return {"forgotten": account_passwords_forget()}


@task
def purge_import_files() -> dict:
    """Daily: remove uploaded files of finished imports older than IMPORT_FILE_RETENTION_DAYS."""
    from .retention import purge_import_files as purge

    result = purge()
    return {"removed": len(result.removed), "missing": len(result.missing), "failed": len(result.failed)}
