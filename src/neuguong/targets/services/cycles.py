"""Scoring cycles and agencies' assessments: self-scoring, submission, reopening, appraisal, response,
finalisation and the survey scores."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.core.dates import check_date, format_vn, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text
from neuguong.organizations.models import Agency, Organization
from neuguong.people.selectors import account_choices

from .. import events, importers, notices, rules
from ..models import (
    AgencyAssessment,
    AssessmentStatus,
    Component,
    ComponentScore,
    ScoreEvidence,
    ScoringCycle,
    ScoringSet,
    SetPurpose,
)
from .common import (
    MSG_AGENCY_OUTSIDE,
    MSG_NO_RIGHT,
    TWO_PLACES,
    check_files,
    require_write,
    required_text,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_SET_NOT_PUBLISHED = "Chỉ dùng được bộ chỉ số đã ban hành."
MSG_NO_AGENCIES = "Không có cơ quan, đơn vị nào thuộc cấp ủy này để đánh giá."
MSG_SURVEY_MAX = "Điểm điều tra xã hội học tối đa không được âm."
MSG_SCORE_NEGATIVE = "Điểm không được âm."
MSG_SCORE_ABOVE_MAX = "Điểm {score} vượt quá điểm tối đa {maximum} của tiêu chí thành phần {code}."
MSG_LOCKED = "Đã hết hạn tự chấm điểm ({deadline}): bản tự chấm đã khóa, chỉ tổ thẩm định mới mở lại được."
MSG_NOT_DRAFT = "Bản tự chấm đã nộp, không sửa được nữa."
MSG_EVIDENCE_REQUIRED = "Cần tài liệu kiểm chứng hoặc thuyết minh bằng văn bản cho điểm tự chấm."
MSG_INCOMPLETE = (
    "Còn {n} tiêu chí thành phần chưa tự chấm hoặc thiếu tài liệu kiểm chứng/thuyết minh: {codes}."
)
MSG_NOT_IN_TEAM = "Chỉ thành viên tổ thẩm định của đợt đánh giá này mới được thực hiện thao tác này."
MSG_REOPEN_NOT_LOCKED = "Bản tự chấm chưa bị khóa, không cần mở lại."
MSG_REOPEN_STATE = "Chỉ mở lại được bản tự chấm chưa nộp."
MSG_REOPEN_UNTIL = "Ngày mở lại đến phải từ hôm nay trở đi."
MSG_REOPEN_REASON = "Cần ghi lý do mở lại."
MSG_APPRAISAL_STATE = "Chưa thẩm định được: cơ quan chưa nộp bản tự chấm và chưa hết hạn."
MSG_FINALISED = "Kết quả đã công bố, không sửa được nữa."
MSG_SEND_STATE = "Chỉ gửi lấy giải trình được khi cơ quan đã nộp (hoặc đã hết hạn tự chấm)."
MSG_APPRAISAL_INCOMPLETE = "Còn {n} tiêu chí thành phần chưa có điểm thẩm định: {codes}."
MSG_NOT_AWAITING_RESPONSE = "Tổ thẩm định chưa gửi kết quả để cơ quan giải trình."
MSG_ALREADY_RESPONDED = "Cơ quan đã giải trình; mỗi cơ quan chỉ được giải trình một lần."
MSG_RESPONSE_EMPTY = "Nội dung giải trình không được để trống."
MSG_FINALISE_STATE = "Chỉ công bố được kết quả sau khi đã gửi cơ quan giải trình."
MSG_UNKNOWN_ACCOUNTS = "Không tìm thấy tài khoản này: gõ họ tên rồi chọn trong danh sách."
MSG_SURVEY_FINALISED = (
    "Dòng {row}: kết quả của cơ quan «{code}» đã công bố, không nhập lại điểm điều tra được."
)


# --------------------------------------------------------------------------------------------- cycles
@transaction.atomic
def cycle_create(
    *,
    actor: "User",
    organization: Organization,
    scoring_set: ScoringSet,
    name: str,
    year: int,
    self_deadline: dt.date,
    survey_max_points=0,
    bands: list[dict] | None = None,
    team: Sequence = (),
    agencies: Sequence[Agency] | None = None,
) -> ScoringCycle:
    """Open a year's assessment for every agency under `organization` (or the given ones)."""
    require_write(actor, organization.path)
    check_date(self_deadline, field="self_deadline", label="Hạn tự chấm", required=True)
    if not scoring_set.is_published or scoring_set.purpose != SetPurpose.CCHC:
        raise BusinessError(MSG_SET_NOT_PUBLISHED, field="scoring_set")
    survey_max = rules.parse_number(survey_max_points, field="survey_max_points", **rules.POINTS)
    if survey_max < 0:
        raise BusinessError(MSG_SURVEY_MAX, field="survey_max_points")
    if agencies is None:
        agencies = list(
            Agency.objects.filter(
                organization__path__startswith=organization.path, organization__dissolved_on__isnull=True
            )
        )
    else:
        for agency in agencies:
            if not agency.organization.path.startswith(organization.path):
                raise BusinessError(MSG_AGENCY_OUTSIDE.format(agency=agency.name), field="agencies")
    if not agencies:
        raise BusinessError(MSG_NO_AGENCIES)
    team = _checked_team(actor, team)
    cycle = ScoringCycle.objects.create(
        organization=organization,
        scoring_set=scoring_set,
        name=required_text(name, "Tên đợt đánh giá", "name")[:255],
        year=year,
        self_deadline=self_deadline,
        survey_max_points=survey_max,
        bands=bands or rules.DEFAULT_BANDS,
    )
    cycle.team.set(team)
    assessments = AgencyAssessment.objects.bulk_create(
        [AgencyAssessment(cycle=cycle, agency=agency) for agency in agencies]
    )
    component_ids = list(
        Component.objects.filter(criterion__area__scoring_set=scoring_set).values_list("pk", flat=True)
    )
    ComponentScore.objects.bulk_create(
        [ComponentScore(assessment=a, component_id=cid) for a in assessments for cid in component_ids],
        batch_size=5000,
    )
    events.cycle_opened(actor=actor, cycle=cycle, team=team, agencies=len(assessments))
    return cycle


@transaction.atomic
def cycle_team_set(*, actor: "User", cycle: ScoringCycle, users: Sequence) -> None:
    """Name the appraisal team (tổ thẩm định)."""
    cycle = ScoringCycle.objects.select_for_update().select_related("organization").get(pk=cycle.pk)
    require_write(actor, cycle.organization.path)
    old = list(cycle.team.all())
    users = _checked_team(actor, users, keep=old)
    cycle.team.set(users)
    events.cycle_team_set(actor=actor, cycle=cycle, old=old, new=users)


def _checked_team(actor: "User", users: Sequence, *, keep: Sequence = ()) -> list:
    """The team as a list, each account one the account picker offers the actor (`account_choices`) or
    already on the team (an organiser above may have named someone the actor does not see): anything
    else is refused like a missing account, so a hand-made POST cannot seat any active account."""
    users = list(users)
    kept = {u.pk for u in keep}
    wanted = {u.pk for u in users} - kept
    if wanted:
        allowed = set(account_choices(user=actor).filter(pk__in=wanted).values_list("pk", flat=True))
        if wanted - allowed:
            raise BusinessError(MSG_UNKNOWN_ACCOUNTS, field="team")
    return users


def is_team_member(user: "User", cycle: ScoringCycle) -> bool:
    return bool(user and user.pk) and cycle.team.filter(pk=user.pk).exists()


def can_self_score(user: "User", assessment: AgencyAssessment) -> bool:
    """The agency's committee (write scope) or the agency's head."""
    scope = scope_for(user)
    head_id = assessment.agency.head_id
    return scope.can_write_path(assessment.agency.organization.path) or (
        head_id is not None and head_id == scope.person_id
    )


def can_see_appraisal(user: "User", assessment: AgencyAssessment) -> bool:
    """Appraisal scores are hidden from the agency until the result is finalised; the team and the
    organising committee see them all along."""
    if assessment.is_finalised:
        return True
    scope = scope_for(user)
    return scope.can_read_path(assessment.cycle.organization.path) or is_team_member(user, assessment.cycle)


def assessment_is_locked(assessment: AgencyAssessment, today: dt.date | None = None) -> bool:
    return rules.is_locked(assessment.cycle.self_deadline, assessment.reopened_until, today or local_today())


def _lock_assessment(assessment: AgencyAssessment) -> AgencyAssessment:
    return (
        AgencyAssessment.objects.select_for_update()
        .select_related("cycle__organization", "agency__organization")
        .get(pk=assessment.pk)
    )


def _check_self_scoring_open(assessment: AgencyAssessment, today: dt.date) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise BusinessError(MSG_NOT_DRAFT)
    if rules.is_locked(assessment.cycle.self_deadline, assessment.reopened_until, today):
        raise BusinessError(MSG_LOCKED.format(deadline=format_vn(assessment.cycle.self_deadline)))


def _check_score_range(value: Decimal, component: Component, field: str) -> None:
    if value < 0:
        raise BusinessError(MSG_SCORE_NEGATIVE, field=field)
    if value > component.max_points:
        raise BusinessError(
            MSG_SCORE_ABOVE_MAX.format(
                score=rules.format_number(value),
                maximum=rules.format_number(component.max_points),
                code=component.code,
            ),
            field=field,
        )


@transaction.atomic
def self_score_save(
    *,
    actor: "User",
    assessment: AgencyAssessment,
    component: Component,
    score,
    explanation: str = "",
    files: Sequence = (),
    today: dt.date | None = None,
) -> ComponentScore:
    """The agency's own score of one component, with evidence files or a written explanation."""
    assessment = _lock_assessment(assessment)
    if not can_self_score(actor, assessment):
        raise OutOfScope(MSG_NO_RIGHT)
    _check_self_scoring_open(assessment, today or local_today())
    row = ComponentScore.objects.select_related("component").get(assessment=assessment, component=component)
    value = rules.parse_number(score, field="score", **rules.POINTS)
    _check_score_range(value, row.component, "score")
    explanation = (explanation or "").strip()[:5000]
    has_evidence = bool(files) or row.evidence.alive().exists()
    if not has_evidence and not explanation:
        raise BusinessError(MSG_EVIDENCE_REQUIRED, field="explanation")
    check_files(files)
    before = snapshot(row, ["self_score", "explanation"])
    row.self_score = value.quantize(TWO_PLACES)
    row.explanation = explanation
    row.save(update_fields=["self_score", "explanation"])
    events.self_scored(actor=actor, score=row, before=before)
    for upload in files:
        evidence = ScoreEvidence(
            score=row, original_name=(upload.name or "")[:255], size=upload.size, uploaded_by=actor
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        events.score_evidence_added(actor=actor, score=row, file_name=evidence.original_name)
    return row


def incomplete_components(assessment: AgencyAssessment) -> list[str]:
    """Codes of components without a self-score, or without evidence and explanation (two queries)."""
    rows = list(
        assessment.scores.select_related("component").order_by(
            "component__criterion__area__order", "component__criterion__order", "component__order"
        )
    )
    with_evidence = set(
        ScoreEvidence.objects.alive().filter(score__assessment=assessment).values_list("score_id", flat=True)
    )
    return [
        r.component.code
        for r in rows
        if r.self_score is None or (r.pk not in with_evidence and not r.explanation.strip())
    ]


@transaction.atomic
def assessment_submit(
    *,
    actor: "User",
    assessment: AgencyAssessment,
    difficulties: str = "",
    recommendations: str = "",
    today: dt.date | None = None,
) -> AgencyAssessment:
    """The agency's leader submits the self-assessment; it can no longer be changed by the agency.
    The leader is the agency's head, or its Party committee acting for it (write scope over its organisation)."""
    assessment = _lock_assessment(assessment)
    if not can_self_score(actor, assessment):
        raise OutOfScope(MSG_NO_RIGHT)
    today = today or local_today()
    _check_self_scoring_open(assessment, today)
    missing = incomplete_components(assessment)
    if missing:
        shown = ", ".join(missing[:15]) + ("…" if len(missing) > 15 else "")
        raise BusinessError(MSG_INCOMPLETE.format(n=len(missing), codes=shown))
    before = snapshot(assessment, ["status", "difficulties", "recommendations"])
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.submitted_late = today > assessment.cycle.self_deadline
    assessment.difficulties = (difficulties or "").strip()[:10000]
    assessment.recommendations = (recommendations or "").strip()[:10000]
    assessment.save()
    events.assessment_submitted(actor=actor, assessment=assessment, before=before)
    notices.assessment_submitted(actor=actor, assessment=assessment)
    return assessment


def _require_team(actor: "User", assessment: AgencyAssessment) -> None:
    if not is_team_member(actor, assessment.cycle):
        raise BusinessError(MSG_NOT_IN_TEAM)


@transaction.atomic
def assessment_reopen(
    *, actor: "User", assessment: AgencyAssessment, until: dt.date, reason: str, today: dt.date | None = None
) -> AgencyAssessment:
    """The appraisal team lets a locked, unsubmitted agency score and submit late, until a date (recorded)."""
    assessment = _lock_assessment(assessment)
    _require_team(actor, assessment)
    today = today or local_today()
    if assessment.status != AssessmentStatus.DRAFT:
        raise BusinessError(MSG_REOPEN_STATE)
    if not rules.is_locked(assessment.cycle.self_deadline, assessment.reopened_until, today):
        raise BusinessError(MSG_REOPEN_NOT_LOCKED)
    check_date(until, field="until", label="Hạn mở lại", required=True)
    if until < today:
        raise BusinessError(MSG_REOPEN_UNTIL, field="until")
    reason = normalize_text(reason or "")[:500]
    if not reason:
        raise BusinessError(MSG_REOPEN_REASON, field="reason")
    before = snapshot(assessment, ["reopened_until"])
    assessment.reopened_until = until
    assessment.save(update_fields=["reopened_until", "updated_at"])
    events.assessment_reopened(actor=actor, assessment=assessment, before=before, reason=reason)
    notices.reopened(actor=actor, assessment=assessment, reason=reason)
    return assessment


def _check_appraisal_open(assessment: AgencyAssessment, today: dt.date) -> None:
    if assessment.status == AssessmentStatus.FINALISED:
        raise BusinessError(MSG_FINALISED)
    if assessment.status == AssessmentStatus.DRAFT and not rules.is_locked(
        assessment.cycle.self_deadline, assessment.reopened_until, today
    ):
        raise BusinessError(MSG_APPRAISAL_STATE)


@transaction.atomic
def appraisal_save(
    *,
    actor: "User",
    assessment: AgencyAssessment,
    component: Component,
    score,
    comment: str = "",
    today: dt.date | None = None,
) -> ComponentScore:
    """A team member's score and comment for one component."""
    assessment = _lock_assessment(assessment)
    _require_team(actor, assessment)
    _check_appraisal_open(assessment, today or local_today())
    row = ComponentScore.objects.select_related("component").get(assessment=assessment, component=component)
    value = rules.parse_number(score, field="score", **rules.POINTS)
    _check_score_range(value, row.component, "score")
    before = snapshot(row, ["appraised_score", "appraisal_comment"])
    row.appraised_score = value.quantize(TWO_PLACES)
    row.appraisal_comment = (comment or "").strip()[:5000]
    row.appraised_by = actor
    row.save(update_fields=["appraised_score", "appraisal_comment", "appraised_by"])
    events.appraised(actor=actor, assessment=assessment, score=row, before=before)
    return row


def appraisal_missing(assessment: AgencyAssessment) -> list[str]:
    return list(
        assessment.scores.filter(appraised_score__isnull=True)
        .order_by("component__criterion__area__order", "component__criterion__order", "component__order")
        .values_list("component__code", flat=True)
    )


@transaction.atomic
def appraisal_send_for_response(
    *, actor: "User", assessment: AgencyAssessment, today: dt.date | None = None
) -> AgencyAssessment:
    """The team sends its comments to the agency, which may then respond once (giải trình)."""
    assessment = _lock_assessment(assessment)
    _require_team(actor, assessment)
    today = today or local_today()
    locked_draft = assessment.status == AssessmentStatus.DRAFT and rules.is_locked(
        assessment.cycle.self_deadline, assessment.reopened_until, today
    )
    if assessment.status != AssessmentStatus.SUBMITTED and not locked_draft:
        raise BusinessError(MSG_SEND_STATE)
    missing = appraisal_missing(assessment)
    if missing:
        raise BusinessError(MSG_APPRAISAL_INCOMPLETE.format(n=len(missing), codes=", ".join(missing[:15])))
    before = snapshot(assessment, ["status"])
    assessment.status = AssessmentStatus.AWAITING_RESPONSE
    assessment.save(update_fields=["status", "updated_at"])
    events.sent_for_response(actor=actor, assessment=assessment, before=before)
    notices.sent_for_response(actor=actor, assessment=assessment)
    return assessment


@transaction.atomic
def assessment_respond(
    *,
    actor: "User",
    assessment: AgencyAssessment,
    response_text: str,
    responses: dict[int, str] | None = None,
) -> AgencyAssessment:
    """The agency's one response to the team's comments: a general text and, optionally, per component."""
    assessment = _lock_assessment(assessment)
    if not can_self_score(actor, assessment):
        raise OutOfScope(MSG_NO_RIGHT)
    if assessment.responded_at is not None:
        raise BusinessError(MSG_ALREADY_RESPONDED)
    if assessment.status != AssessmentStatus.AWAITING_RESPONSE:
        raise BusinessError(MSG_NOT_AWAITING_RESPONSE)
    text = (response_text or "").strip()[:10000]
    responses = {int(k): (v or "").strip()[:5000] for k, v in (responses or {}).items() if (v or "").strip()}
    if not text and not responses:
        raise BusinessError(MSG_RESPONSE_EMPTY, field="response_text")
    rows = list(assessment.scores.filter(component_id__in=responses))
    for row in rows:
        row.response = responses[row.component_id]
    ComponentScore.objects.bulk_update(rows, ["response"])
    before = snapshot(assessment, ["status", "response_text"])
    assessment.status = AssessmentStatus.RESPONDED
    assessment.response_text = text
    assessment.responded_at = timezone.now()
    assessment.save(update_fields=["status", "response_text", "responded_at", "updated_at"])
    events.assessment_responded(actor=actor, assessment=assessment, before=before)
    notices.responded(actor=actor, assessment=assessment)
    return assessment


@transaction.atomic
def assessment_finalise(*, actor: "User", assessment: AgencyAssessment) -> AgencyAssessment:
    """The team closes the assessment: scores become final and visible to the agency."""
    assessment = _lock_assessment(assessment)
    _require_team(actor, assessment)
    if assessment.status not in (AssessmentStatus.AWAITING_RESPONSE, AssessmentStatus.RESPONDED):
        raise BusinessError(MSG_FINALISE_STATE)
    missing = appraisal_missing(assessment)
    if missing:
        raise BusinessError(MSG_APPRAISAL_INCOMPLETE.format(n=len(missing), codes=", ".join(missing[:15])))
    before = snapshot(assessment, ["status"])
    assessment.status = AssessmentStatus.FINALISED
    assessment.finalised_at = timezone.now()
    assessment.save(update_fields=["status", "finalised_at", "updated_at"])
    events.assessment_finalised(actor=actor, assessment=assessment, before=before)
    notices.finalised(actor=actor, assessment=assessment)
    return assessment


@transaction.atomic
def survey_scores_import(*, actor: "User", cycle: ScoringCycle, upload) -> int:
    """Survey (điều tra xã hội học) scores per agency from XLSX (Mã cơ quan | Điểm): all rows or none."""
    if not (is_team_member(actor, cycle) or scope_for(actor).can_write_path(cycle.organization.path)):
        raise BusinessError(MSG_NOT_IN_TEAM)
    rows, problems = importers.parse_survey_rows(importers.read_rows(upload))
    assessments = {
        a.agency.code: a
        for a in cycle.assessments.select_related("agency").filter(
            agency__code__in=[code for _, code, _ in rows]
        )
    }
    for row, code, score in rows:
        assessment = assessments.get(code)
        if assessment is None:
            problems.append(importers.MSG_ROW_UNKNOWN_AGENCY.format(row=row, code=code))
        elif assessment.is_finalised:
            problems.append(MSG_SURVEY_FINALISED.format(row=row, code=code))
        if not 0 <= score <= cycle.survey_max_points:
            problems.append(
                importers.MSG_ROW_SURVEY_RANGE.format(
                    row=row,
                    value=rules.format_number(score),
                    maximum=rules.format_number(cycle.survey_max_points),
                )
            )
    if problems:
        raise importers.ImportProblems(sorted(problems, key=importers._row_of))
    changes = []
    for _, code, score in rows:
        assessment = assessments[code]
        changes.append((assessment, assessment.survey_score))
        assessment.survey_score = score.quantize(TWO_PLACES)
    events.survey_scores_imported(actor=actor, cycle=cycle, changes=changes)
    AgencyAssessment.objects.bulk_update([assessments[code] for _, code, _ in rows], ["survey_score"])
    return len(rows)
