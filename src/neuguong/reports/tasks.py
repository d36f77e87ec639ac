"""Background report jobs (run by `manage.py db_worker`; immediately in tests). Queued by
`services.job_start`; the work itself is `rendering.job_run`."""

from django.tasks import task

from .models import ReportJob
from .rendering import job_run


@task
def make_report_job(job_id: int) -> None:
    job = ReportJob.objects.select_related("organization", "requested_by").filter(pk=job_id).first()
    if job is not None:
        job_run(job=job)
