"""The year's facts beside every review (issue 15, point 4), read from the modules that own them:

- commitments due in the period, each judged by the ONE status rule (`commitments.status.commitment_status`)
  and counted as domain notes section 13 says: on-time rate = done on time ÷ (done on time + done late +
  open overdue), where a returned report or a pending request whose deadline has passed is overdue;
  cancelled, suspended and open-in-time commitments are in neither part; which of them exceeded
  requirements (`Commitment.outcome`, recorded at completion);
- the annual pledge's items (commitments whose source is the pledge) kept and broken;
- concluded inspections of the subject and concluded breaches of exemplary responsibility
  (`inspections.Breach.objects.concluded()`, the rule `inspections.selectors.breaches_for` applies);
- discipline decisions in the period (this app's `Discipline`);
- study: attendance, reflections and their grades, application plans kept;
- for an organisation: its targets and CCHC score, its subordinate units' levels and discipline, its
  members' levels.

Everything is computed in a fixed number of queries for a whole list of subjects (`people_facts`,
`organization_facts`) and returned as plain JSON-able dicts: the review keeps them as its snapshot when
its level is proposed; `subject_facts` turns one into what `levels.assess` reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from neuguong.commitments import status as commitment_rules
from neuguong.commitments.models import Commitment, Outcome, Pledge
from neuguong.people.models import Position, PositionTitle

from .levels import Level, SubjectFacts, TaskFacts, percent
from .models import Discipline, Opinion, OpinionBody, Period, Review, ReviewState

MAX_ITEMS = 60  # rows kept per list in a snapshot (counts always cover everything)
LEADERSHIP_TITLES = (
    PositionTitle.SECRETARY,
    PositionTitle.DEPUTY_SECRETARY,
    PositionTitle.COMMITTEE_MEMBER,
    PositionTitle.STANDING_MEMBER,
)
# What a commitment's status means for the year's count (the four government statuses plus returned).
DONE_ON_TIME = "on_time"
DONE_LATE = "late"
OVERDUE = "overdue"
OPEN = "open"
LEFT_OUT = "left_out"


def task_bucket(status: str, deadline: dt.date, today: dt.date) -> str:
    """Where a commitment's status (by `commitment_status`) falls in the on-time rate: a returned report,
    a pending extension or a completion awaiting confirmation is not completed — overdue once its deadline
    has passed, else open; cancelled and suspended ones are left out."""
    if status == commitment_rules.DONE_ON_TIME:
        return DONE_ON_TIME
    if status == commitment_rules.DONE_LATE:
        return DONE_LATE
    if status in (commitment_rules.CANCELLED, commitment_rules.SUSPENDED):
        return LEFT_OUT
    if status == commitment_rules.OPEN_OVERDUE:
        return OVERDUE
    if status == commitment_rules.OPEN_ON_TIME:
        return OPEN
    return OVERDUE if deadline < today else OPEN


def _empty_tasks() -> dict[str, Any]:
    return {
        "on_time": 0,
        "late": 0,
        "overdue": 0,
        "returned": 0,
        "open": 0,
        "left_out": 0,
        "exceeded": 0,
        "met": 0,
        "not_met": 0,
        "items": [],
    }


def _finish_tasks(tasks: dict[str, Any]) -> dict[str, Any]:
    counted = tasks["on_time"] + tasks["late"] + tasks["overdue"]
    tasks["counted"] = counted
    rate = percent(tasks["on_time"], counted)
    exceeded_rate = percent(tasks["exceeded"], counted)
    tasks["on_time_rate"] = None if rate is None else str(rate)
    tasks["exceeded_rate"] = None if exceeded_rate is None else str(exceeded_rate)
    tasks["items"] = tasks["items"][:MAX_ITEMS]
    return tasks


def _add_commitment(tasks: dict[str, Any], commitment: Commitment, today: dt.date) -> str:
    status = commitment_rules.commitment_status(commitment, today)
    bucket = task_bucket(status, commitment.deadline, today)
    tasks[bucket] += 1
    if status == commitment_rules.RETURNED:
        tasks["returned"] += 1
    outcome = commitment.outcome if commitment.completed_on else ""
    if bucket in (DONE_ON_TIME, DONE_LATE) and outcome:
        tasks[outcome] += 1
    tasks["items"].append(
        {
            "id": commitment.pk,
            "title": commitment.title[:200],
            "deadline": commitment.deadline.isoformat(),
            "status": status,
            "status_label": commitment_rules.STATUS_LABELS.get(status, status),
            "outcome": outcome,
            "outcome_label": Outcome(outcome).label if outcome else "",
        }
    )
    return bucket


COMMITMENT_FIELDS = (
    "title",
    "deadline",
    "original_deadline",
    "completed_on",
    "halt",
    "extension_pending",
    "is_returned",
    "outcome",
    "responsible_person",
    "lead_unit",
    "organization",
    "source_type",
    "source_id",
)


def _live_fields(model) -> list[str]:
    """The fields the status rule reads, plus whatever facts of a commitment it may read that exist on
    this model (the rule grows with the project: e.g. a completion awaiting confirmation), so that no row
    loads a deferred field on its own."""
    names = {f.name for f in model._meta.concrete_fields}
    extra = [name for name in ("completion_pending",) if name in names]
    return [f for f in COMMITMENT_FIELDS if f in names] + extra


# ------------------------------------------------------------------------------------------------ people
def people_facts(period: Period, person_ids: Sequence[int], *, today: dt.date) -> dict[int, dict[str, Any]]:
    """The facts of each person for the period, in a fixed number of queries whatever their number."""
    ids = list(person_ids)
    facts: dict[int, dict[str, Any]] = {
        pid: {
            "as_of": today.isoformat(),
            "tasks": _empty_tasks(),
            "pledge": {"registered": False, "kept": 0, "broken": 0, "pending": 0, "items": []},
            "inspections": [],
            "breaches": [],
            "disciplines": [],
            "study": _empty_study(),
            "civil_servant_level": "",
        }
        for pid in ids
    }
    if not ids:
        return facts
    start, end = period.starts_on, period.ends_on
    pledges = {
        p.pk: p for p in Pledge.objects.filter(person_id__in=ids, year__gte=start.year, year__lte=end.year)
    }
    pledge_type = ContentType.objects.get_for_model(Pledge)
    for pledge in pledges.values():
        facts[pledge.person_id]["pledge"]["registered"] = True
        facts[pledge.person_id]["pledge"]["year"] = pledge.year
    commitments = (
        Commitment.objects.filter(responsible_person_id__in=ids, deadline__gte=start, deadline__lte=end)
        .only(*_live_fields(Commitment))
        .order_by("deadline", "id")
    )
    pledge_commitments = (
        Commitment.objects.filter(source_type=pledge_type, source_id__in=list(pledges))
        .exclude(deadline__gte=start, deadline__lte=end, responsible_person_id__in=ids)
        .only(*_live_fields(Commitment))
    )
    for commitment in list(commitments) + list(pledge_commitments):
        person = facts.get(commitment.responsible_person_id or 0)
        if person is None:
            continue
        in_period = start <= commitment.deadline <= end
        bucket = _add_commitment(person["tasks"], commitment, today) if in_period else None
        if commitment.source_type_id == pledge_type.pk and commitment.source_id in pledges:
            status = commitment_rules.commitment_status(commitment, today)
            bucket = bucket or task_bucket(status, commitment.deadline, today)
            pledge = person["pledge"]
            if bucket in (DONE_ON_TIME, DONE_LATE):
                kept = commitment.outcome != Outcome.NOT_MET
            elif bucket == OVERDUE:
                kept = False
            else:
                kept = None
            pledge["kept" if kept else "broken" if kept is False else "pending"] += 1
            pledge["items"].append(
                {
                    "title": commitment.title[:200],
                    "status_label": commitment_rules.STATUS_LABELS.get(status, status),
                    "kept": kept,
                }
            )
    for person in facts.values():
        _finish_tasks(person["tasks"])
    _inspections_of(facts, start, end, person_ids=ids)
    for discipline in Discipline.objects.counting().filter(
        person_id__in=ids, decided_on__gte=start, decided_on__lte=end
    ):
        facts[discipline.person_id]["disciplines"].append(_discipline_row(discipline))
    _study_of(facts, start, end, ids)
    for person_id, level in (
        Opinion.objects.filter(
            review__period=period, review__person_id__in=ids, body=OpinionBody.AGENCY_RATING
        )
        .exclude(level="")
        .order_by("received_on", "id")
        .values_list("review__person_id", "level")
    ):
        facts[person_id]["civil_servant_level"] = level  # the latest received wins
    return facts


def _discipline_row(discipline: Discipline) -> dict[str, Any]:
    return {
        "form": discipline.get_form_display(),
        "decided_on": discipline.decided_on.isoformat(),
        "number": discipline.decision_number,
        "reason": discipline.reason[:300],
        "self_remedied": discipline.self_remedied,
    }


def _inspections_of(
    facts: dict[int, dict[str, Any]], start: dt.date, end: dt.date, *, person_ids=(), organization_ids=()
) -> None:
    """Concluded inspections of the subjects and, for people, their concluded breaches (only a breach whose
    conclusion has been issued counts: `Breach.objects.concluded()`, as `breaches_for`)."""
    from neuguong.inspections.models import ISSUED_STATES, Breach, InspectionSubject

    subjects = InspectionSubject.objects.filter(
        inspection__state__in=ISSUED_STATES,
        inspection__concluded_on__gte=start,
        inspection__concluded_on__lte=end,
    ).select_related("inspection__program__organization")
    if person_ids:
        subjects = subjects.filter(person_id__in=person_ids)
    else:
        subjects = subjects.filter(organization_id__in=organization_ids)
    for subject in subjects.order_by("inspection__concluded_on", "id"):
        key = cast(int, subject.person_id or subject.organization_id)  # one of them (a constraint)
        inspection = subject.inspection
        assert inspection.concluded_on is not None  # filtered on it above
        facts[key]["inspections"].append(
            {
                "id": inspection.pk,
                "title": inspection.title[:200],
                "concluded_on": inspection.concluded_on.isoformat(),
                "committee": inspection.program.organization.name,
            }
        )
    if person_ids:
        breaches = (
            Breach.objects.concluded()
            .filter(
                person_id__in=person_ids,
                inspection__concluded_on__gte=start,
                inspection__concluded_on__lte=end,
            )
            .select_related("inspection")
            .order_by("inspection__concluded_on", "id")
        )
        for breach in breaches:
            facts[breach.person_id]["breaches"].append(
                {
                    "description": breach.description[:300],
                    "inspection": breach.inspection.title[:200],
                    "concluded_on": breach.inspection.concluded_on.isoformat(),
                }
            )


def _empty_study() -> dict[str, Any]:
    return {
        "campaigns": 0,
        "attended": 0,
        "made_up": 0,
        "excused": 0,
        "absent": 0,
        "reflections_submitted": 0,
        "reflections_graded": 0,
        "reflections_excused": 0,
        "grades": {},
        "plan_items": 0,
        "plan_items_kept": 0,
        "items": [],
    }


def _study_of(facts: dict[int, dict[str, Any]], start: dt.date, end: dt.date, ids: list[int]) -> None:
    """Per campaign with a session in the period: the best attendance (present, made up, excused, absent),
    the reflection and its grade, the application plan's items kept (their commitment completed)."""
    from neuguong.study.models import Attendance, AttendanceStatus, Invitee, PlanItem, Reflection, Session

    campaigns = Session.objects.filter(held_on__gte=start, held_on__lte=end).values("campaign_id")
    invitees = list(
        Invitee.objects.filter(person_id__in=ids, campaign_id__in=campaigns).select_related("campaign")
    )
    if not invitees:
        return
    invitee_ids = [i.pk for i in invitees]
    best: dict[int, str] = {}
    order = {"attended": 3, "made_up": 2, "excused": 1, "absent": 0}
    for invitee_id, status, makeup in Attendance.objects.filter(invitee_id__in=invitee_ids).values_list(
        "invitee_id", "status", "session__is_makeup"
    ):
        if status == AttendanceStatus.PRESENT:
            state = "made_up" if makeup else "attended"
        elif status == AttendanceStatus.EXCUSED:
            state = "excused"
        else:
            state = "absent"
        if invitee_id not in best or order[state] > order[best[invitee_id]]:
            best[invitee_id] = state
    reflections = {r.invitee_id: r for r in Reflection.objects.filter(invitee_id__in=invitee_ids)}
    plan_counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for reflection_id, completed in PlanItem.objects.filter(
        reflection__invitee_id__in=invitee_ids
    ).values_list("reflection__invitee_id", "commitment__completed_on"):
        plan_counts[reflection_id][0] += 1
        plan_counts[reflection_id][1] += completed is not None
    for invitee in invitees:
        study = facts[invitee.person_id]["study"]
        study["campaigns"] += 1
        attendance = best.get(invitee.pk, "absent")
        study[attendance] += 1
        reflection = reflections.get(invitee.pk)
        grade = ""
        if reflection is not None:
            if reflection.status in ("submitted", "graded"):
                study["reflections_submitted"] += 1
            if reflection.status == "graded":
                study["reflections_graded"] += 1
                grade = reflection.grade
                study["grades"][grade] = study["grades"].get(grade, 0) + 1
            if reflection.status == "excused":
                study["reflections_excused"] += 1
        items, kept = plan_counts.get(invitee.pk, [0, 0])
        study["plan_items"] += items
        study["plan_items_kept"] += kept
        study["items"].append(
            {
                "campaign": invitee.campaign.title[:200],
                "attendance": attendance,
                "reflection": reflection.get_status_display() if reflection else "Chưa nộp",
                "grade": reflection.get_grade_display() if reflection and grade else "",
                "plan_items": items,
                "plan_items_kept": kept,
            }
        )


# ------------------------------------------------------------------------------------------- organisations
def organization_facts(
    period: Period,
    organization_ids: Sequence[int],
    *,
    today: dt.date,
    member_levels: Mapping[int, Mapping[str, int]] | None = None,
) -> dict[int, dict[str, Any]]:
    """The facts of each organisation: its own tasks (those it leads, or tracked on its board without a
    responsible person: not its members' personal ones), targets and CCHC score of its agencies, the
    levels and discipline of its subordinate units, its leadership's discipline, its members' levels
    (decided, or `member_levels` when a decision is being taken). A fixed number of queries."""
    from neuguong.organizations.models import Organization

    ids = list(organization_ids)
    facts: dict[int, dict[str, Any]] = {
        oid: {
            "as_of": today.isoformat(),
            "tasks": _empty_tasks(),
            "targets": {"exceeded": 0, "met": 0, "not_met": 0, "not_reported": 0, "items": []},
            "cchc": [],
            "units": {"levels": {}, "disciplined": 0, "items": []},
            "members": {"levels": {}},
            "disciplined_leaders": 0,
            "disciplines": [],
            "inspections": [],
        }
        for oid in ids
    }
    if not ids:
        return facts
    start, end = period.starts_on, period.ends_on
    organizations = {o.pk: o for o in Organization.objects.filter(pk__in=ids)}
    commitments = (
        Commitment.objects.filter(deadline__gte=start, deadline__lte=end)
        .filter(Q(lead_unit_id__in=ids) | Q(organization_id__in=ids, responsible_person__isnull=True))
        .only(*_live_fields(Commitment))
        .order_by("deadline", "id")
    )
    for commitment in commitments:
        owner = commitment.lead_unit_id if commitment.lead_unit_id in facts else commitment.organization_id
        _add_commitment(facts[owner]["tasks"], commitment, today)
    for item in facts.values():
        _finish_tasks(item["tasks"])
    _targets_of(facts, period, today)
    _inspections_of(facts, start, end, organization_ids=ids)
    for discipline in Discipline.objects.counting().filter(
        organization_id__in=ids, decided_on__gte=start, decided_on__lte=end
    ):
        facts[discipline.organization_id]["disciplines"].append(_discipline_row(discipline))
    # Subordinate units: disciplined in the period, and their levels in reviews of the same year.
    children = list(Organization.objects.filter(parent_id__in=ids).values_list("pk", "parent_id", "name"))
    child_parent = {pk: parent for pk, parent, _ in children}
    for discipline in Discipline.objects.counting().filter(
        organization_id__in=list(child_parent), decided_on__gte=start, decided_on__lte=end
    ):
        facts[child_parent[discipline.organization_id]]["units"]["disciplined"] += 1
    unit_reviews = (
        Review.objects.filter(organization_id__in=list(child_parent), period__year=period.year)
        .exclude(state=ReviewState.LEFT)
        .select_related("organization")
    )
    for review in unit_reviews:
        level = review.decided_level or review.proposed_level
        assert review.organization is not None  # filtered on it above
        units = facts[child_parent[review.organization.pk]]["units"]
        if level:
            units["levels"][level] = units["levels"].get(level, 0) + 1
        units["items"].append(
            {
                "name": review.organization.name,
                "level": level,
                "decided": bool(review.decided_level),
            }
        )
    # Leadership members disciplined: people holding a committee post at the organisation in the period.
    leaders = defaultdict(set)
    for person_id, org_id in (
        Position.objects.filter(organization_id__in=ids, title__in=LEADERSHIP_TITLES, started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values_list("person_id", "organization_id")
    ):
        leaders[person_id].add(org_id)
    for discipline in Discipline.objects.counting().filter(
        person_id__in=list(leaders), decided_on__gte=start, decided_on__lte=end
    ):
        for org_id in leaders[discipline.person_id]:
            facts[org_id]["disciplined_leaders"] += 1
    # Members' levels: decided ones of the same year in the organisation's subtree, unless given.
    if member_levels is not None:
        for org_id, levels in member_levels.items():
            if org_id in facts:
                facts[org_id]["members"]["levels"] = dict(levels)
    else:
        for org_id, organization in organizations.items():
            counts: dict[str, int] = {}
            for level in (
                Review.objects.filter(
                    person__isnull=False,
                    period__year=period.year,
                    home_organization__path__startswith=organization.path,
                )
                .exclude(decided_level="")
                .values_list("decided_level", flat=True)
            ):
                counts[level] = counts.get(level, 0) + 1
            facts[org_id]["members"]["levels"] = counts
    return facts


def _targets_of(facts: dict[int, dict[str, Any]], period: Period, today: dt.date) -> None:
    """Annual targets of the organisations' agencies (status of the latest reported period, one rule:
    `targets.rules.target_status`) and finalised CCHC scores of the year."""
    from neuguong.targets import rules as target_rules
    from neuguong.targets import selectors as target_selectors
    from neuguong.targets.models import AgencyAssessment, AnnualTarget, AssessmentStatus

    targets = (
        AnnualTarget.objects.filter(agency__organization_id__in=list(facts), year=period.year)
        .select_related("indicator", "agency")
        .prefetch_related("actuals")
    )
    for target in targets:
        cell = target_selectors.latest_cell(target_selectors.target_periods(target, today))
        status = cell.status if cell else target_rules.NOT_REPORTED
        entry = facts[target.agency.organization_id]["targets"]
        entry[status] += 1
        if len(entry["items"]) < MAX_ITEMS:
            entry["items"].append(
                {
                    "indicator": target.indicator.name[:200],
                    "agency": target.agency.name,
                    "target": target_rules.format_number(target.target_value),
                    "value": cell.value_text if cell else "",
                    "status_label": target_rules.STATUS_LABELS[status],
                }
            )
    assessments = list(
        AgencyAssessment.objects.filter(
            agency__organization_id__in=list(facts),
            cycle__year=period.year,
            status=AssessmentStatus.FINALISED,
        ).select_related("agency", "cycle")
    )
    totals = target_selectors.assessment_totals([a.pk for a in assessments])
    for assessment in assessments:
        maximum = (
            target_selectors.set_maximum(assessment.cycle.scoring_set_id) + assessment.cycle.survey_max_points
        )
        total = totals.get(assessment.pk, {}).get("appraised_total", Decimal(0)) + (
            assessment.survey_score or Decimal(0)
        )
        facts[assessment.agency.organization_id]["cchc"].append(
            {
                "agency": assessment.agency.name,
                "cycle": assessment.cycle.name,
                "total": target_rules.format_number(total),
                "maximum": target_rules.format_number(maximum),
                "band": target_rules.band_for(total, maximum, assessment.cycle.bands),
            }
        )


# ------------------------------------------------------------------------------------------------ reading
def subject_facts(facts: Mapping[str, Any], *, collective: bool = False) -> SubjectFacts:
    """A snapshot (or live facts) as the rules read it."""
    tasks = facts.get("tasks") or {}
    disciplines = facts.get("disciplines") or []
    level = facts.get("civil_servant_level") or ""
    return SubjectFacts(
        tasks=TaskFacts(
            on_time=int(tasks.get("on_time", 0)),
            late=int(tasks.get("late", 0)),
            overdue=int(tasks.get("overdue", 0)),
            exceeded=int(tasks.get("exceeded", 0)),
        ),
        disciplines=sum(1 for d in disciplines if not d.get("self_remedied")),
        disciplines_self_remedied=sum(1 for d in disciplines if d.get("self_remedied")),
        breaches=len(facts.get("breaches") or []),
        civil_servant_level=Level(level) if level else None,
        disciplined_units=int((facts.get("units") or {}).get("disciplined", 0)) if collective else 0,
        disciplined_leaders=int(facts.get("disciplined_leaders", 0)) if collective else 0,
        member_levels=dict((facts.get("members") or {}).get("levels") or {}) if collective else {},
    )


def facts_for_reviews(
    period: Period, reviews: Iterable[Review], *, today: dt.date
) -> dict[int, dict[str, Any]]:
    """Live facts for a list of reviews of one period, by review id."""
    reviews = list(reviews)
    people = people_facts(period, [r.person_id for r in reviews if r.person_id], today=today)
    orgs = organization_facts(period, [r.organization_id for r in reviews if r.organization_id], today=today)
    return {
        r.pk: (people[r.person_id] if r.person_id else orgs[cast(int, r.organization_id)]) for r in reviews
    }
