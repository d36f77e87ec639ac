"""Background report jobs (run by `manage.py db_worker`; immediately in tests)."""

from django.tasks import task

from .models import ReportJob


@task
def make_report_job(job_id: int) -> None:
    from .services import job_run

    job = ReportJob.objects.select_related("organization", "requested_by").filter(pk=job_id).first()
    if job is not None:
        job_run(job=job)
