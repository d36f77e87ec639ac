"""Audit events of targets and scoring: each action declared once with its Vietnamese label, and one function
per business event that writes old and new values (read on the pages' "Lịch sử thay đổi")."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_create, audit_event, audit_record, audit_update

from . import rules
from .models import (
    Actual,
    AgencyAssessment,
    AnnualTarget,
    Component,
    ComponentScore,
    Indicator,
    ScoringCycle,
    ScoringSet,
)


@register
class TargetEvent(models.TextChoices):
    INDICATOR_CREATED = "targets.indicator_created", "Thêm chỉ tiêu"
    INDICATOR_UPDATED = "targets.indicator_updated", "Sửa chỉ tiêu"
    ANNUAL_TARGET_SET = "targets.annual_target_set", "Giao chỉ tiêu năm"
    ANNUAL_TARGET_CHANGED = "targets.annual_target_changed", "Sửa chỉ tiêu năm"
    ANNUAL_TARGET_IMPORTED = "targets.annual_target_imported", "Nhập chỉ tiêu năm từ Excel"
    ACTUAL_REPORTED = "targets.actual_reported", "Báo cáo kết quả thực hiện"
    ACTUAL_CORRECTED = "targets.actual_corrected", "Sửa kết quả thực hiện"
    ACTUAL_EVIDENCE_ADDED = "targets.actual_evidence_added", "Thêm tài liệu kiểm chứng kết quả"
    SCORING_SET_IMPORTED = "targets.scoring_set_imported", "Nhập bộ chỉ số từ Excel"
    SCORING_SET_COPIED = "targets.scoring_set_copied", "Sao bộ chỉ số"
    SCORING_SET_PUBLISHED = "targets.scoring_set_published", "Ban hành bộ chỉ số"
    COMPONENT_UPDATED = "targets.component_updated", "Sửa tiêu chí thành phần"
    CYCLE_OPENED = "targets.cycle_opened", "Mở đợt chấm điểm"
    CYCLE_TEAM_SET = "targets.cycle_team_set", "Cập nhật tổ thẩm định"
    SELF_SCORED = "targets.self_scored", "Tự chấm điểm"
    SCORE_EVIDENCE_ADDED = "targets.score_evidence_added", "Thêm tài liệu kiểm chứng điểm tự chấm"
    ASSESSMENT_SUBMITTED = "targets.assessment_submitted", "Nộp bản tự chấm điểm"
    ASSESSMENT_REOPENED = "targets.assessment_reopened", "Mở lại cho tự chấm, nộp muộn"
    APPRAISED = "targets.appraised", "Chấm điểm thẩm định"
    SENT_FOR_RESPONSE = "targets.sent_for_response", "Gửi cơ quan giải trình"
    ASSESSMENT_RESPONDED = "targets.assessment_responded", "Cơ quan giải trình"
    ASSESSMENT_FINALISED = "targets.assessment_finalised", "Công bố kết quả"
    SURVEY_SCORE_IMPORTED = "targets.survey_score_imported", "Nhập điểm điều tra xã hội học"


# Events whose values belong to the appraisal side: kept from the agency until the result is finalised.
APPRAISAL_SIDE_EVENTS = frozenset({TargetEvent.APPRAISED, TargetEvent.SURVEY_SCORE_IMPORTED})


def _change(old: Any, new: Any) -> dict[str, Any]:
    return {"old": old, "new": new}


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------------------------------- indicators
def indicator_created(*, actor, indicator: Indicator) -> AuditEvent:
    return audit_create(actor=actor, target=indicator, action=TargetEvent.INDICATOR_CREATED)


def indicator_updated(*, actor, indicator: Indicator, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=indicator, before=before, action=TargetEvent.INDICATOR_UPDATED)


def annual_target_set(*, actor, target: AnnualTarget) -> AuditEvent:
    return audit_create(actor=actor, target=target, action=TargetEvent.ANNUAL_TARGET_SET)


def annual_target_changed(*, actor, target: AnnualTarget, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=target, before=before, action=TargetEvent.ANNUAL_TARGET_CHANGED)


def annual_targets_imported(
    *, actor, changes: Iterable[tuple[AnnualTarget, Decimal | None, str, Decimal, str]]
) -> None:
    """One event per imported row that created or changed a target: (target, old value, old note, new
    value, new note). Written in one INSERT."""
    events = []
    for target, old_value, old_note, new_value, new_note in changes:
        values = {"target_value": _change(_number(old_value), _number(new_value))}
        if old_note != new_note:
            values["note"] = _change(old_note or None, new_note or None)
        events.append(
            audit_event(
                actor=actor,
                action=TargetEvent.ANNUAL_TARGET_IMPORTED,
                target=target,
                changes=values,
                org_path=target.agency.organization.path,
            )
        )
    AuditEvent.objects.bulk_create(events)


def actual_reported(*, actor, actual: Actual) -> AuditEvent:
    return audit_create(actor=actor, target=actual, action=TargetEvent.ACTUAL_REPORTED)


def actual_corrected(*, actor, actual: Actual, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=actual, before=before, action=TargetEvent.ACTUAL_CORRECTED)


def actual_evidence_added(*, actor, actual: Actual, file_name: str) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=TargetEvent.ACTUAL_EVIDENCE_ADDED,
        target=actual,
        changes={"evidence": _change(None, file_name)},
    )


# ---------------------------------------------------------------------------------------- scoring sets
def scoring_set_imported(*, actor, scoring_set: ScoringSet, components: int) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=TargetEvent.SCORING_SET_IMPORTED,
        target=scoring_set,
        changes={
            "name": _change(None, scoring_set.name),
            "year": _change(None, scoring_set.year),
            "version": _change(None, scoring_set.version),
            "components": _change(None, components),
        },
    )


def scoring_set_copied(*, actor, copy: ScoringSet) -> AuditEvent:
    return audit_create(
        actor=actor, target=copy, action=TargetEvent.SCORING_SET_COPIED, note=f"Sao từ {copy.copied_from}"
    )


def scoring_set_published(*, actor, scoring_set: ScoringSet, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(
        actor=actor, target=scoring_set, before=before, action=TargetEvent.SCORING_SET_PUBLISHED
    )


def component_updated(*, actor, component: Component, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=component, before=before, action=TargetEvent.COMPONENT_UPDATED)


# ---------------------------------------------------------------------------------------- cycles
def _names(users: Sequence) -> str:
    return ", ".join(sorted((u.get_full_name() or u.username) for u in users))


def cycle_opened(*, actor, cycle: ScoringCycle, team: Sequence, agencies: int) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=TargetEvent.CYCLE_OPENED,
        target=cycle,
        changes={
            "name": _change(None, cycle.name),
            "scoring_set": _change(None, cycle.scoring_set_id),
            "year": _change(None, cycle.year),
            "self_deadline": _change(None, cycle.self_deadline),
            "survey_max_points": _change(None, _number(cycle.survey_max_points)),
            "bands": _change(None, rules.bands_text(cycle.bands)),
            "team": _change(None, _names(team) or None),
            "agencies": _change(None, agencies),
        },
    )


def cycle_team_set(*, actor, cycle: ScoringCycle, old: Sequence, new: Sequence) -> AuditEvent | None:
    old_names, new_names = _names(old), _names(new)
    if old_names == new_names:
        return None
    return audit_record(
        actor=actor,
        action=TargetEvent.CYCLE_TEAM_SET,
        target=cycle,
        changes={"team": _change(old_names or None, new_names or None)},
    )


# ---------------------------------------------------------------------------------------- assessments
def self_scored(*, actor, score: ComponentScore, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=score, before=before, action=TargetEvent.SELF_SCORED)


def score_evidence_added(*, actor, score: ComponentScore, file_name: str) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=TargetEvent.SCORE_EVIDENCE_ADDED,
        target=score,
        changes={"evidence": _change(None, file_name)},
    )


def assessment_submitted(*, actor, assessment: AgencyAssessment, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(
        actor=actor,
        target=assessment,
        before=before,
        action=TargetEvent.ASSESSMENT_SUBMITTED,
        note="Nộp muộn (đã được mở lại)" if assessment.submitted_late else "",
    )


def assessment_reopened(
    *, actor, assessment: AgencyAssessment, before: dict[str, Any], reason: str
) -> AuditEvent | None:
    return audit_update(
        actor=actor, target=assessment, before=before, action=TargetEvent.ASSESSMENT_REOPENED, note=reason
    )


def appraised(
    *, actor, assessment: AgencyAssessment, score: ComponentScore, before: dict[str, Any]
) -> AuditEvent:
    """Scoped to the organising committee, so the agency cannot read appraisal scores early."""
    return audit_record(
        actor=actor,
        action=TargetEvent.APPRAISED,
        target=score,
        changes={
            "appraised_score": _change(before["appraised_score"], _number(score.appraised_score)),
            "appraisal_comment": _change(
                before["appraisal_comment"] or None, score.appraisal_comment or None
            ),
        },
        org_path=assessment.cycle.organization.path,
    )


def sent_for_response(*, actor, assessment: AgencyAssessment, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=assessment, before=before, action=TargetEvent.SENT_FOR_RESPONSE)


def assessment_responded(*, actor, assessment: AgencyAssessment, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(
        actor=actor, target=assessment, before=before, action=TargetEvent.ASSESSMENT_RESPONDED
    )


def assessment_finalised(*, actor, assessment: AgencyAssessment, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(
        actor=actor, target=assessment, before=before, action=TargetEvent.ASSESSMENT_FINALISED
    )


def survey_scores_imported(
    *, actor, cycle: ScoringCycle, changes: Iterable[tuple[AgencyAssessment, Decimal | None]]
) -> None:
    """One event per agency whose survey score was imported: (assessment with its new score, old score).
    Scoped to the organising committee like the appraisal; written in one INSERT."""
    AuditEvent.objects.bulk_create(
        [
            audit_event(
                actor=actor,
                action=TargetEvent.SURVEY_SCORE_IMPORTED,
                target=assessment,
                changes={"survey_score": _change(_number(old), _number(assessment.survey_score))},
                org_path=cycle.organization.path,
            )
            for assessment, old in changes
        ]
    )
