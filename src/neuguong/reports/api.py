"""/api/v1/reports: the figures of a report, from the same selector as the dashboard, DOCX and XLSX."""

from ninja import Router

from neuguong.core.dates import local_today

from .periods import period_from_params
from .selectors import report_figures, report_organization

router = Router(tags=["reports"])


@router.get("/reports/figures")
def figures(
    request, org: str, start: str = "", end: str = "", kind: str = "", year: str = "", part: str = ""
):
    """Counts by status, category, child organisation, lead unit and month for `org`'s subtree and the period
    (start/end dates, or kind=year|half|quarter with year and part); 404 outside the caller's scope."""
    today = local_today()
    params = {"start": start, "end": end, "kind": kind, "year": year, "part": part}
    period = period_from_params({k: v for k, v in params.items() if v}, today)
    organization = report_organization(user=request.user, code=org)
    return report_figures(user=request.user, organization=organization, period=period, today=today).as_dict()
