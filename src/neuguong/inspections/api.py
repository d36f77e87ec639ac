"""/api/v1/inspections: list, get, recommendations — scoped exactly as the pages (404 when not visible)."""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema

from neuguong.core.api import FIRST_PAGE, Id, PageParams, Year, paginate_queryset
from neuguong.core.dates import local_today
from neuguong.organizations.models import Organization

from .followup import recommendation_progress
from .models import ISSUED_STATES, Level
from .selectors import inspection_get, inspection_list, recommendations_visible

router = Router(tags=["inspections"])


class SubjectOut(Schema):
    organization: str | None
    person: str | None


class InspectionOut(Schema):
    id: int
    title: str
    kind: str
    state: str
    committee: str
    year: int
    planned_start: dt.date
    planned_end: dt.date
    decided_on: dt.date | None
    concluded_on: dt.date | None
    subjects: list[SubjectOut]


class InspectionDetailOut(InspectionOut):
    level: str
    conclusion: str | None


class InspectionPage(Schema):
    items: list[InspectionOut]
    count: int


class RecommendationOut(Schema):
    id: int
    text: str
    deadline: dt.date
    responsible_person: str | None
    lead_unit: str | None
    status: str
    status_label: str
    commitment_id: int | None
    carried_over_on: dt.date | None


def inspection_out(inspection) -> dict:
    return {
        "id": inspection.pk,
        "title": inspection.title,
        "kind": inspection.kind,
        "state": inspection.state,
        "committee": inspection.program.organization.code,
        "year": inspection.program.year,
        "planned_start": inspection.planned_start,
        "planned_end": inspection.planned_end,
        "decided_on": inspection.decided_on,
        "concluded_on": inspection.concluded_on,
        "subjects": [
            {
                "organization": s.organization.code if s.organization_id else None,
                "person": s.person.full_name if s.person_id else None,
            }
            for s in inspection.subjects.all()
        ],
    }


@router.get("/inspections", response=InspectionPage)
def list_inspections(
    request,
    q: str = "",
    year: Year | None = None,
    state: str = "",
    kind: str = "",
    org: str = "",
    paging: Query[PageParams] = FIRST_PAGE,
):
    organization = None
    if org:
        organization = Organization.objects.visible_to(request.user).filter(code=org[:32]).first()
        if organization is None:
            raise Http404
    qs = inspection_list(
        user=request.user,
        query=q[:100],
        year=year,
        state=state[:24],
        kind=kind[:32],
        organization=organization,
    )
    items, count = paginate_queryset(qs, paging)
    return {"items": [inspection_out(i) for i in items], "count": count}


@router.get("/inspections/{inspection_id}", response=InspectionDetailOut)
def get_inspection(request, inspection_id: Id):
    inspection, level = inspection_get(user=request.user, inspection_id=inspection_id)
    shows_conclusion = level == Level.INSIDER or (
        level == Level.OVERSEER and inspection.state in ISSUED_STATES
    )
    return {
        **inspection_out(inspection),
        "level": level,
        "conclusion": inspection.conclusion_text if shows_conclusion else None,
    }


@router.get("/inspections/{inspection_id}/recommendations", response=list[RecommendationOut])
def list_recommendations(request, inspection_id: Id):
    inspection, level = inspection_get(user=request.user, inspection_id=inspection_id)
    rows = recommendation_progress(recommendations_visible(inspection, level), today=local_today())
    return [
        {
            "id": row["recommendation"].pk,
            "text": row["recommendation"].text,
            "deadline": row["recommendation"].deadline,
            "responsible_person": getattr(row["recommendation"].responsible_person, "full_name", None),
            "lead_unit": getattr(row["recommendation"].lead_unit, "code", None),
            "status": row["status"],
            "status_label": row["status_label"],
            "commitment_id": row["commitment"].pk if row["commitment"] else None,
            "carried_over_on": row["recommendation"].carried_over_on,
        }
        for row in rows
    ]
