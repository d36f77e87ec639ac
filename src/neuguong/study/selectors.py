"""Reads of the study module, always scoped to what the user may see; statistics are computed in SQL."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from neuguong.access.scope import scope_for
from neuguong.core.dates import local_today
from neuguong.core.text import search_key
from neuguong.organizations.models import Organization
from neuguong.people.models import THEORY_RANK, Person, Position

from .models import (
    Attendance,
    AttendanceStatus,
    Campaign,
    Course,
    Invitee,
    PlanItem,
    PositionRequirement,
    QuizAttempt,
    QuizRound,
    Reflection,
    ReflectionStatus,
    Session,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_NOT_FOUND = (ValueError, TypeError, OverflowError)


def _present(regular: bool):
    return Attendance.objects.filter(
        invitee=OuterRef("pk"), status=AttendanceStatus.PRESENT, session__is_makeup=not regular
    )


def _count_if(condition: Q) -> Count:
    return Count("pk", filter=condition)


CAMPAIGN_SORTS = {
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    "title": ("title", "id"),
    "invited": ("-invited_count", "-id"),
}


def campaign_list(*, user: "User", query: str = "", level: str = "", sort: str = "new"):
    """Campaigns the user may see, with invited, attended and reflection counts (one query)."""
    qs = Campaign.objects.visible_to(user).select_related("organizer")
    key = search_key(query)
    if key:
        qs = qs.filter(title__icontains=query.strip()[:100])
    if level:
        qs = qs.filter(level=level)
    return qs.annotate(**_campaign_count_annotations(user)).order_by(
        *CAMPAIGN_SORTS.get(sort, CAMPAIGN_SORTS["new"])
    )


def _campaign_count_annotations(user: "User") -> dict:
    """Counts restricted to the invitees the user may see (a secretary sees their own members' numbers)."""
    visible = Invitee.objects.visible_to(user).filter(campaign=OuterRef("pk"))

    def count(qs):
        return Coalesce(
            Subquery(qs.order_by().values("campaign").annotate(n=Count("pk")).values("n")[:1]),
            Value(0),
            output_field=IntegerField(),
        )

    present = Attendance.objects.filter(invitee=OuterRef("pk"), status=AttendanceStatus.PRESENT)
    return {
        "invited_count": count(visible),
        "attended_count": count(visible.filter(Exists(present))),
        "submitted_count": count(
            visible.filter(reflection__status__in=[ReflectionStatus.SUBMITTED, ReflectionStatus.GRADED])
        ),
        "graded_count": count(visible.filter(reflection__status=ReflectionStatus.GRADED)),
    }


def campaign_get(*, user: "User", campaign_id) -> Campaign:
    try:
        return (
            Campaign.objects.visible_to(user)
            .select_related("organizer", "audience_root", "document")
            .annotate(**_campaign_count_annotations(user))
            .get(pk=campaign_id)
        )
    except (Campaign.DoesNotExist, *_NOT_FOUND) as exc:
        raise Http404 from exc


def session_get(*, campaign: Campaign, session_id) -> Session:
    try:
        return Session.objects.select_related("campaign__organizer").get(campaign=campaign, pk=session_id)
    except (Session.DoesNotExist, *_NOT_FOUND) as exc:
        raise Http404 from exc


def checkin_session(*, campaign_id, session_id) -> Session | None:
    """The session a check-in link names, whoever opens it (the signed link decides, not the scope)."""
    try:
        return (
            Session.objects.select_related("campaign__organizer")
            .filter(campaign_id=campaign_id, pk=session_id)
            .first()
        )
    except _NOT_FOUND:
        return None


def invitee_list(*, user: "User", campaign: Campaign, query: str = "", writable_only: bool = False):
    """The invited people of a campaign that the user may see (or change)."""
    scope = scope_for(user)
    qs = Invitee.objects.visible_to(user).filter(campaign=campaign)
    if writable_only:
        qs = qs.filter(scope.write_q("organization__path"))
    if search_key(query):
        qs = qs.filter(person__in=Person.objects.search(query))
    return qs.select_related("person", "organization", "reflection")


def invitee_get(*, user: "User", campaign: Campaign, invitee_id) -> Invitee:
    try:
        return (
            Invitee.objects.visible_to(user)
            .select_related("person__organization", "organization", "campaign")
            .get(campaign=campaign, pk=invitee_id)
        )
    except (Invitee.DoesNotExist, *_NOT_FOUND) as exc:
        raise Http404 from exc


def own_invitee(*, user: "User", campaign: Campaign) -> Invitee | None:
    person_id = scope_for(user).person_id
    if person_id is None:
        return None
    return (
        Invitee.objects.select_related("person", "organization")
        .filter(campaign=campaign, person_id=person_id)
        .first()
    )


def can_manage(user: "User", campaign: Campaign) -> bool:
    return scope_for(user).can_write_path(campaign.organizer.path)


def can_mark_any(user: "User", campaign: Campaign) -> bool:
    """May mark attendance for at least some invitees (the organiser, or a secretary of invited members)."""
    scope = scope_for(user)
    if scope.can_write_path(campaign.organizer.path):
        return True
    if not scope.write_paths:
        return False
    return Invitee.objects.filter(scope.write_q("organization__path"), campaign=campaign).exists()


# --- attendance and campaign statistics -----------------------------------------------------------


@dataclass
class OrgRow:
    organization_id: int
    code: str
    name: str
    path: str = ""
    invited: int = 0
    expected: int = 0
    attended: int = 0
    made_up: int = 0
    excused: int = 0
    absent: int = 0
    reflections_submitted: int = 0
    reflections_graded: int = 0
    reflections_excused: int = 0
    plan_items: int = 0
    plan_commitments: int = 0
    plan_commitments_done: int = 0
    quiz_participants: int = 0
    quiz_average: float | None = None

    @property
    def attendance_rate(self) -> float | None:
        """Attended or made up, over those expected (people who joined after the session are not)."""
        if not self.expected:
            return None
        return round(100 * (self.attended + self.made_up) / self.expected, 1)


def first_regular_session_date(campaign: Campaign) -> dt.date | None:
    return Session.objects.filter(campaign=campaign, is_makeup=False).aggregate(d=Min("held_on"))["d"]


def _completed_commitment():
    """The commitment a plan item became, once completed (whatever its timeliness)."""
    from neuguong.commitments.models import Commitment

    return Commitment.objects.filter(pk=OuterRef("commitment_id"), completed_on__isnull=False)


# Per invitee, the best thing that happened across the campaign's sessions (one correlated subquery):
ATTENDED, MADE_UP, EXCUSED, NOTHING = 3, 2, 1, 0
_STAT_COLUMNS = (
    "invited",
    "expected",
    "attended",
    "made_up",
    "excused",
    "absent",
    "reflections_submitted",
    "reflections_graded",
    "reflections_excused",
)


def _attendance_state():
    return Coalesce(
        Subquery(
            Attendance.objects.filter(invitee=OuterRef("pk"))
            .annotate(
                code=Case(
                    When(status=AttendanceStatus.PRESENT, session__is_makeup=False, then=Value(ATTENDED)),
                    When(status=AttendanceStatus.PRESENT, session__is_makeup=True, then=Value(MADE_UP)),
                    When(status=AttendanceStatus.EXCUSED, session__is_makeup=False, then=Value(EXCUSED)),
                    default=Value(NOTHING),
                    output_field=IntegerField(),
                )
            )
            .order_by("-code")
            .values("code")[:1]
        ),
        Value(NOTHING),
        output_field=IntegerField(),
    )


def _attendance_rows(invitees, first_day: dt.date | None) -> list[dict]:
    """Counts per organisation, two levels of SQL: one row per invitee (state computed once), then GROUP BY.

    Written as an outer query around the ORM's inner one because the ORM would repeat the correlated
    subquery in every FILTER clause, which PostgreSQL's JIT then spends seconds compiling.
    """
    expected = Q(joined_on__isnull=True) | Q(joined_on__lte=first_day) if first_day else Q(pk__in=[])
    inner = invitees.annotate(
        org=F("organization_id"),
        st=_attendance_state(),
        exp=Case(When(expected, then=Value(1)), default=Value(0), output_field=IntegerField()),
        refl=Coalesce(F("reflection__status"), Value("")),
    ).values("org", "st", "exp", "refl")
    sql, params = inner.query.sql_with_params()
    outer = f"""
        SELECT t.org, COUNT(*), SUM(t.exp),
               SUM(CASE WHEN t.st = {ATTENDED} THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.st = {MADE_UP} THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.exp = 1 AND t.st = {EXCUSED} THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.exp = 1 AND t.st = {NOTHING} THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.refl IN ('submitted', 'graded') THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.refl = 'graded' THEN 1 ELSE 0 END),
               SUM(CASE WHEN t.refl = 'excused' THEN 1 ELSE 0 END)
        FROM ({sql}) t GROUP BY t.org
    """  # noqa: S608 (the inner SQL is the ORM's, with its parameters passed separately)
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return [
            {
                "organization_id": row[0],
                **{name: int(v or 0) for name, v in zip(_STAT_COLUMNS, row[1:], strict=True)},
            }
            for row in cursor.fetchall()
        ]


def campaign_org_stats(*, user: "User", campaign: Campaign) -> list[OrgRow]:
    """Per organisation: invited, expected, attended, made up, excused, absent, reflections, plans, quiz.

    Three grouped SQL queries whatever the number of people. A member who joined after the first regular
    session is not expected at it; the rate is (attended + made up) / expected.
    """
    first_day = first_regular_session_date(campaign)
    if first_day and first_day > local_today():
        first_day = None  # nobody has missed a session that has not been held yet
    invitees = Invitee.objects.visible_to(user).filter(campaign=campaign)
    by_org: dict[int, OrgRow] = {}
    for values in _attendance_rows(invitees, first_day):
        by_org[values["organization_id"]] = OrgRow(code="", name="", **values)
    for org in Organization.objects.filter(pk__in=list(by_org)).order_by("path").only("code", "name", "path"):
        by_org[org.pk].code, by_org[org.pk].name = org.code, org.name
        by_org[org.pk].path = org.path
    by_org = dict(sorted(by_org.items(), key=lambda item: item[1].path))
    plans = (
        PlanItem.objects.filter(reflection__invitee__in=invitees.values("pk"))
        .values("reflection__invitee__organization_id")
        .annotate(
            n=Count("pk"),
            committed=Count("pk", filter=Q(commitment_id__isnull=False)),
            done=Count("pk", filter=Q(Exists(_completed_commitment()))),
        )
    )
    for row in plans:
        org_row = by_org.get(row["reflection__invitee__organization_id"])
        if org_row:
            org_row.plan_items, org_row.plan_commitments = row["n"], row["committed"]
            org_row.plan_commitments_done = row["done"]
    best = (
        QuizAttempt.objects.filter(invitee=OuterRef("pk"), round__campaign=campaign, score__isnull=False)
        .order_by()
        .values("invitee")
        .annotate(best=Max("score"))
        .values("best")[:1]
    )
    quiz = (
        invitees.annotate(best=Subquery(best))
        .filter(best__isnull=False)
        .values("organization_id")
        .annotate(n=Count("pk"), avg=Avg("best"))
    )
    for row in quiz:
        org_row = by_org.get(row["organization_id"])
        if org_row:
            org_row.quiz_participants = row["n"]
            org_row.quiz_average = round(float(row["avg"]), 2) if row["avg"] is not None else None
    return list(by_org.values())


def totals_of(rows: list[OrgRow]) -> OrgRow:
    total = OrgRow(organization_id=0, code="", name="Tổng cộng")
    weighted = 0.0
    for row in rows:
        for name in (
            "invited",
            "expected",
            "attended",
            "made_up",
            "excused",
            "absent",
            "reflections_submitted",
            "reflections_graded",
            "reflections_excused",
            "plan_items",
            "plan_commitments",
            "plan_commitments_done",
            "quiz_participants",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        if row.quiz_average is not None:
            weighted += row.quiz_average * row.quiz_participants
    if total.quiz_participants:
        total.quiz_average = round(weighted / total.quiz_participants, 2)
    return total


def session_sheet(
    *,
    user: "User",
    session: Session,
    writable_only: bool = True,
    query: str = "",
    organization: Organization | None = None,
    unmarked_only: bool = False,
):
    """Invitees for the attendance sheet with their current mark for this session (one query)."""
    mark = Attendance.objects.filter(session=session, invitee=OuterRef("pk"))
    qs = invitee_list(user=user, campaign=session.campaign, writable_only=writable_only, query=query)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if unmarked_only:
        qs = qs.exclude(Exists(mark))
    qs = qs.annotate(
        mark_status=Subquery(mark.values("status")[:1]),
        mark_reason=Subquery(mark.values("reason")[:1]),
        mark_method=Subquery(mark.values("method")[:1]),
    )
    if session.is_makeup:
        # The make-up session is for those who missed the regular one.
        qs = qs.exclude(Exists(_present(regular=True)))
    return qs


def session_counts(*, user: "User", session: Session) -> dict:
    invitees = Invitee.objects.visible_to(user).filter(campaign=session.campaign)
    expected = invitees.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=session.held_on))
    marks = Attendance.objects.filter(session=session, invitee__in=invitees.values("pk"))
    by_status = dict(marks.values("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {
        "invited": invitees.count(),
        "expected": expected.count(),
        "present": by_status.get(AttendanceStatus.PRESENT, 0),
        "excused": by_status.get(AttendanceStatus.EXCUSED, 0),
        "absent": by_status.get(AttendanceStatus.ABSENT, 0),
    }


# --- reflections -------------------------------------------------------------------------------------


def reflection_list(*, user: "User", campaign: Campaign, status: str = ""):
    qs = invitee_list(user=user, campaign=campaign).order_by("organization__path", "person__name_folded")
    if status == "none":
        qs = qs.filter(reflection__isnull=True)
    elif status:
        qs = qs.filter(reflection__status=status)
    return qs


def reflection_of(invitee: Invitee) -> Reflection | None:
    return Reflection.objects.filter(invitee=invitee).prefetch_related("plan_items").first()


# --- quizzes -----------------------------------------------------------------------------------------


def quiz_round_get(*, campaign: Campaign, round_id) -> QuizRound:
    try:
        return QuizRound.objects.select_related("campaign").get(campaign=campaign, pk=round_id)
    except (QuizRound.DoesNotExist, *_NOT_FOUND) as exc:
        raise Http404 from exc


def quiz_results_by_org(*, user: "User", quiz_round: QuizRound) -> list[dict]:
    """Per organisation: invited, participants, average and best of the best score of each person (SQL)."""
    best = (
        QuizAttempt.objects.filter(invitee=OuterRef("pk"), round=quiz_round, score__isnull=False)
        .order_by()
        .values("invitee")
        .annotate(best=Max("score"))
        .values("best")[:1]
    )
    return list(
        Invitee.objects.visible_to(user)
        .filter(campaign=quiz_round.campaign)
        .annotate(best=Subquery(best))
        .values("organization__code", "organization__name")
        .annotate(
            invited=Count("pk"),
            participants=Count("pk", filter=Q(best__isnull=False)),
            average=Avg("best"),
            top=Max("best"),
        )
        .order_by("organization__path")
    )


def my_attempts(*, user: "User", quiz_round: QuizRound) -> list[QuizAttempt]:
    person_id = scope_for(user).person_id
    if person_id is None:
        return []
    return list(QuizAttempt.objects.filter(round=quiz_round, invitee__person_id=person_id).order_by("number"))


def attempt_get(*, user: "User", attempt_id) -> QuizAttempt:
    """Only the person taking it sees an attempt's page."""
    person_id = scope_for(user).person_id
    if person_id is None:  # not a member: no attempt is theirs
        raise Http404
    try:
        return QuizAttempt.objects.select_related("round__campaign", "invitee").get(
            pk=attempt_id, invitee__person_id=person_id
        )
    except (QuizAttempt.DoesNotExist, *_NOT_FOUND) as exc:
        raise Http404 from exc


# --- training ----------------------------------------------------------------------------------------


def course_list(*, user: "User"):
    return (
        Course.objects.visible_to(user)
        .select_related("organizer")
        .annotate(
            enrolled=Count("enrolments", distinct=True),
            completed=Count("enrolments", filter=Q(enrolments__status="completed"), distinct=True),
        )
        .order_by("-starts_on", "-id")
    )


def course_get(*, user: "User", course_id) -> Course:
    try:
        return Course.objects.visible_to(user).select_related("organizer").get(pk=course_id)
    except (Course.DoesNotExist, *_NOT_FOUND) as exc:
        raise Http404 from exc


def enrolment_list(*, user: "User", course: Course):
    scope = scope_for(user)
    q = scope.read_q("person__organization__path")
    if scope.person_id and not scope.is_global:
        q |= Q(person_id=scope.person_id)
    return course.enrolments.filter(q).select_related("person__organization")


def _rank_case(field: str) -> Case:
    return Case(
        *[When(**{field: level}, then=Value(rank)) for level, rank in THEORY_RANK.items()],
        default=Value(0),
        output_field=IntegerField(),
    )


def theory_gap_list(*, user: "User", on: dt.date | None = None):
    """Current holders of a post whose required theory level (PositionRequirement) is above their own."""
    day = on or local_today()
    requirements = PositionRequirement.objects.filter(title=OuterRef("title"))
    return (
        Position.objects.filter(
            scope_for(user).read_q("person__organization__path"),
            started_on__lte=day,
            person__status__in=["official", "probationary", "exempt", "non_member"],
        )
        .exclude(ended_on__lt=day)
        .annotate(
            required_level=Subquery(requirements.values("required_level")[:1]),
        )
        .filter(required_level__isnull=False)
        .annotate(required_rank=_rank_case("required_level"), own_rank=_rank_case("person__theory_level"))
        .filter(required_rank__gt=F("own_rank"))
        .select_related("person__organization", "organization")
        .order_by("person__organization__path", "person__name_folded", "title")
    )
