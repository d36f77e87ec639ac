"""Reads for inspection and supervision, always scoped to what the user may see (else 404)."""

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q
from django.http import Http404

from neuguong.audit.models import AuditEvent
from neuguong.audit.selectors import history_rows
from neuguong.core.dates import local_today
from neuguong.core.text import search_key
from neuguong.organizations.models import Organization, Term
from neuguong.people.models import Person, Position, PositionTitle

from .access import access_level
from .facts import user_facts
from .models import (
    CARRIED_OUT_STATES,
    ISSUED_STATES,
    STEP_KINDS_BY_LEVEL,
    SUPERVISION_KINDS,
    Breach,
    Document,
    Finding,
    Inspection,
    InspectionSubject,
    Level,
    Program,
    Recommendation,
    Step,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

INSPECTION_SORTS = {
    "start": ("planned_start", "id"),
    "-start": ("-planned_start", "-id"),
    "state": ("state", "planned_start", "id"),
    "title": ("title", "id"),
}


BAD_ID = (ValueError, TypeError, OverflowError)
MSG_RECORD_NOT_FOUND = "Không tìm thấy bản ghi này trong phạm vi của bạn."
MSG_COMMITMENT_NOT_FOUND = "Không tìm thấy nhiệm vụ này trong phạm vi của cấp ủy."


def team_choices(*, committee: Organization):
    """Who may sit on an inspection team (leader or member): anyone of the committee's tree, from its own
    apparatus or from the bodies above it (an inspector of the bloc may lead a grassroots committee's
    inspection). The forms choose among these and the services accept only these."""
    return Person.objects.filter(organization__path__startswith=f"/{committee.ancestor_ids[0]}/")


# --- organisations a user works with here -----------------------------------------------------------


def committee_choices(*, user: "User"):
    """Committees the user may pick on the inspection pages (filters, coverage): those they may read
    and those on whose commission or standing committee they sit."""
    facts = user_facts(user)
    seats = Organization.objects.filter(pk__in=sorted(facts.committee_ids))
    return (Organization.objects.visible_to(user) | seats).active()


def plannable_organizations(*, user: "User"):
    """Committees whose program the user may plan (office staff over them, or a seat on their commission
    or standing committee): the same rule as `access.can_manage_committee`, in SQL."""
    facts = user_facts(user)
    qs = Organization.objects.active()
    if facts.is_global:
        return qs
    q = Q(pk__in=sorted(facts.committee_ids))
    for path in facts.scope.structure_paths:
        q |= Q(path__startswith=path)
    return qs.filter(q)


def coverage_committee(*, user: "User", code: str = "") -> Organization:
    """The committee whose coverage the user asks for (by code; else the highest they may pick), or 404."""
    facts = user_facts(user)
    if not facts.scope.has_org_role and not facts.committee_ids:
        raise Http404
    choices = committee_choices(user=user)
    committee = (
        choices.filter(code=code[:32]).first() if code else choices.order_by("depth", "name_folded").first()
    )
    if committee is None:
        raise Http404
    return committee


def program_list(*, user: "User", year: int | None = None, organization: Organization | None = None):
    qs = (
        Program.objects.visible_to(user)
        .select_related("organization")
        .annotate(item_count=Count("inspections"))
    )
    if year:
        qs = qs.filter(year=year)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    return qs.order_by("-year", "organization__path", "body")


def program_get(*, user: "User", program_id: int) -> Program:
    try:
        return Program.objects.visible_to(user).select_related("organization").get(pk=program_id)
    except (Program.DoesNotExist, *BAD_ID) as exc:
        raise Http404 from exc


def inspection_list(
    *,
    user: "User",
    query: str = "",
    year: int | None = None,
    state: str = "",
    kind: str = "",
    organization: Organization | None = None,
    program: Program | None = None,
    sort: str = "start",
):
    """Inspections the user may open, with program, committee, leader and subjects loaded in bulk."""
    qs = (
        Inspection.objects.visible_to(user)
        .select_related("program__organization", "leader")
        .prefetch_related(
            Prefetch(
                "subjects",
                queryset=InspectionSubject.objects.select_related("organization", "person"),
            )
        )
    )
    if program is not None:
        qs = qs.filter(program=program)
    if year:
        qs = qs.filter(program__year=year)
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if organization is not None:
        qs = qs.filter(
            Q(program__organization__path__startswith=organization.path)
            | Q(subjects__organization__path__startswith=organization.path)
        ).distinct()
    key = search_key(query)
    if key:
        qs = qs.filter(title__icontains=query.strip()[:100])
    return qs.order_by(*INSPECTION_SORTS.get(sort, INSPECTION_SORTS["start"]))


def inspection_get(*, user: "User", inspection_id: int) -> tuple[Inspection, str]:
    """The inspection and the level at which the user sees it; 404 if they may not see it at all."""
    try:
        inspection = (
            Inspection.objects.visible_to(user)
            .select_related("program__organization", "leader__organization")
            .prefetch_related(
                Prefetch(
                    "subjects",
                    queryset=InspectionSubject.objects.select_related("organization", "person__organization"),
                ),
                "team_members",
            )
            .get(pk=inspection_id)
        )
    except (Inspection.DoesNotExist, *BAD_ID) as exc:
        raise Http404 from exc
    level = access_level(user, inspection)
    if level is None:
        raise Http404
    return inspection, level


def inspection_history(inspection: Inspection, *, limit: int = 200) -> list[dict]:
    """The inspection's 'Lịch sử thay đổi', read in Vietnamese: its own events and those of its files,
    findings, breaches and recommendations, newest first (one query per kind of record)."""
    children = {
        Inspection: [inspection.pk],
        Document: list(inspection.documents.values_list("pk", flat=True)),
        Finding: list(inspection.findings.values_list("pk", flat=True)),
        Breach: list(inspection.breaches.values_list("pk", flat=True)),
        Recommendation: list(inspection.recommendations.values_list("pk", flat=True)),
    }
    types = ContentType.objects.get_for_models(*children)
    which = Q(pk__in=[])
    for model, ids in children.items():
        if ids:
            which |= Q(target_type=types[model], target_id__in=[str(pk) for pk in ids])
    events = list(AuditEvent.objects.filter(which).select_related("actor").order_by("-at", "-id")[:limit])
    models_by_type = {types[model].pk: model for model in children}
    rows_by_event: dict[int, dict] = {}
    for type_id, model in models_by_type.items():
        of_model = [e for e in events if e.target_type_id == type_id]
        for row in history_rows(model, of_model):
            rows_by_event[row["event"].pk] = row
    return [rows_by_event[event.pk] for event in events]


def steps_for(inspection: Inspection, level: str):
    """The steps (and their live documents) this level may see."""
    return (
        Step.objects.filter(inspection=inspection, kind__in=STEP_KINDS_BY_LEVEL[level])
        .select_related("author")
        .prefetch_related(Prefetch("documents", queryset=Document.objects.alive().order_by("id")))
        .order_by("happened_on", "id")
    )


def document_get(*, user: "User", inspection_id: int, document_id: int) -> tuple[Document, str]:
    """A live document of a step kind the user's level may see; anything else is a 404."""
    inspection, level = inspection_get(user=user, inspection_id=inspection_id)
    try:
        document = Document.objects.alive().get(
            pk=document_id, inspection=inspection, kind__in=STEP_KINDS_BY_LEVEL[level]
        )
    except (Document.DoesNotExist, *BAD_ID) as exc:
        raise Http404 from exc
    return document, level


def recommendations_visible(inspection: Inspection, level: str):
    """Insiders always; overseers once the conclusion is issued; the subject once notified of it."""
    from .models import InspectionState

    if level == Level.INSIDER:
        visible = True
    elif level == Level.OVERSEER:
        visible = inspection.state in ISSUED_STATES
    else:
        visible = inspection.state in (InspectionState.NOTICE_ISSUED, InspectionState.CLOSED)
    if not visible:
        return Recommendation.objects.none()
    return inspection.recommendations.select_related("responsible_person", "lead_unit").order_by(
        "deadline", "id"
    )


def breaches_for(person: Person, year: int):
    """Concluded breaches of exemplary responsibility by `person` in `year` (of the conclusion's date).

    For the year-end evaluation: a concluded breach forces the lowest level. Not scoped: callers decide
    who may see the person; a draft conclusion's breach does not count."""
    return (
        Breach.objects.concluded()
        .filter(person=person, inspection__concluded_on__year=year)
        .select_related("inspection__program__organization")
    )


# --- coverage ---------------------------------------------------------------------------------------


FORM_ORDER = ["Kiểm tra", "Giám sát"]


def _form_of(kind: str) -> str:
    return "Giám sát" if kind in SUPERVISION_KINDS else "Kiểm tra"


def current_term(committee: Organization, year: int) -> Term | None:
    """The term containing `year` of the committee or, failing that, of its nearest ancestor."""
    ids = list(reversed(committee.ancestor_ids))
    terms = {
        t.organization_id: t
        for t in Term.objects.filter(organization_id__in=ids, start_year__lte=year, end_year__gte=year)
    }
    for org_id in ids:
        if org_id in terms:
            return terms[org_id]
    return None


def coverage(*, committee: Organization, year: int, today: dt.date | None = None) -> dict:
    """Which of the committee's direct organisations and agency heads were inspected or supervised (as a
    subject of a decided, not cancelled item of any program in the committee's subtree) this year and
    this term, which never; recommendations overdue by organisation. A few grouped queries."""
    today = today or local_today()
    term = current_term(committee, year)
    term_start = term.start_year if term else year
    term_end = term.end_year if term else year
    carried = Inspection.objects.filter(
        state__in=CARRIED_OUT_STATES, program__organization__path__startswith=committee.path
    )
    units = list(
        Organization.objects.filter(parent=committee, dissolved_on__isnull=True).order_by("name_folded")
    )
    org_years: dict[int, set[int]] = {}
    org_forms: dict[int, set[str]] = {}
    for org_id, decided, kind in InspectionSubject.objects.filter(
        inspection__in=carried, organization__in=units
    ).values_list("organization_id", "inspection__decided_on", "inspection__kind"):
        if decided:
            org_years.setdefault(org_id, set()).add(decided.year)
            if decided.year == year:
                org_forms.setdefault(org_id, set()).add(_form_of(kind))
    heads = list(
        Position.objects.filter(
            title=PositionTitle.HEAD_OF_AGENCY,
            organization__path__startswith=committee.path,
            started_on__lte=today,
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        .select_related("person", "organization")
        .order_by("organization__name_folded", "person__name_folded")
    )
    person_years: dict[int, set[int]] = {}
    person_forms: dict[int, set[str]] = {}
    for person_id, decided, kind in InspectionSubject.objects.filter(
        inspection__in=carried, person_id__in=[h.person_id for h in heads]
    ).values_list("person_id", "inspection__decided_on", "inspection__kind"):
        if decided:
            person_years.setdefault(person_id, set()).add(decided.year)
            if decided.year == year:
                person_forms.setdefault(person_id, set()).add(_form_of(kind))

    def row(years: set[int], forms: set[str]) -> dict:
        return {
            "this_year": year in years,
            # "Kiểm tra", "Giám sát" or both: how it was covered this year.
            "forms_this_year": ", ".join(sorted(forms, key=FORM_ORDER.index)),
            "this_term": any(term_start <= y <= term_end for y in years),
            "ever": bool(years),
            "last_year": max(years) if years else None,
        }

    org_rows = [
        {"organization": org, **row(org_years.get(org.pk, set()), org_forms.get(org.pk, set()))}
        for org in units
    ]
    head_rows = [
        {
            "position": head,
            **row(person_years.get(head.person_id, set()), person_forms.get(head.person_id, set())),
        }
        for head in heads
    ]
    return {
        "committee": committee,
        "year": year,
        "term": term,
        "organizations": org_rows,
        "heads": head_rows,
        "never_organizations": [r for r in org_rows if not r["ever"]],
        "never_heads": [r for r in head_rows if not r["ever"]],
        "overdue": overdue_by_organization(committee=committee, today=today),
    }


def overdue_by_organization(*, committee: Organization, today: dt.date) -> list[dict]:
    """Recommendations of issued conclusions, not carried over, whose commitment is open past its
    deadline (commitments' own status rule), grouped by the organisation responsible."""
    from .followup import recommendation_progress

    recommendations = (
        Recommendation.objects.filter(
            inspection__state__in=ISSUED_STATES,
            inspection__program__organization__path__startswith=committee.path,
            carried_over_on__isnull=True,
            deadline__lt=today,
        )
        .select_related("inspection", "lead_unit", "responsible_person__organization")
        .order_by("deadline", "id")
    )
    groups: dict[int, dict] = {}
    for progress in recommendation_progress(recommendations, today=today):
        commitment = progress["commitment"]
        late_open = progress["status"] in ("returned", "extension_requested") and commitment.deadline < today
        if progress["status"] != "open_overdue" and not late_open:
            continue
        recommendation = progress["recommendation"]
        owner = recommendation.owner_organization
        group = groups.setdefault(owner.pk, {"organization": owner, "items": []})
        group["items"].append(progress)
    return sorted(groups.values(), key=lambda g: (-len(g["items"]), g["organization"].name_folded))
