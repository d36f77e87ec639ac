"""Audit events of the annual review: each action declared once with its Vietnamese label, one function per
business event writing old and new values (read on the pages' "Lịch sử thay đổi")."""

from typing import Any

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_create, audit_event, audit_record, audit_update

from .models import Discipline, Opinion, Period, Review, RuleSet


@register
class EvaluationEvent(models.TextChoices):
    RULE_SET_COPIED = "evaluation.rule_set_copied", "Sao bộ quy định đánh giá"
    RULE_SET_UPDATED = "evaluation.rule_set_updated", "Sửa quy tắc xếp loại"
    CRITERION_UPDATED = "evaluation.criterion_updated", "Sửa tiêu chí đánh giá"
    RULE_SET_PUBLISHED = "evaluation.rule_set_published", "Ban hành bộ quy định đánh giá"
    PERIOD_OPENED = "evaluation.period_opened", "Mở kỳ kiểm điểm, đánh giá"
    AUDIENCE_REFRESHED = "evaluation.audience_refreshed", "Cập nhật danh sách đối tượng"
    SELF_ASSESSED = "evaluation.self_assessed", "Tự kiểm điểm"
    MEETING_RECORDED = "evaluation.meeting_recorded", "Chi bộ kiểm điểm, biểu quyết"
    OPINION_ADDED = "evaluation.opinion_added", "Thêm ý kiến nhận xét"
    PROPOSED = "evaluation.proposed", "Đề xuất mức xếp loại"
    APPRAISED = "evaluation.appraised", "Thẩm định mức xếp loại"
    RETURNED = "evaluation.returned", "Trả lại để làm lại"
    EXCUSED = "evaluation.excused", "Miễn đánh giá"
    DECIDED = "evaluation.decided", "Quyết định xếp loại"
    PERIOD_DECIDED = "evaluation.period_decided", "Ra quyết định xếp loại"
    PERIOD_PUBLISHED = "evaluation.period_published", "Công bố kết quả xếp loại"
    DISCIPLINE_RECORDED = "evaluation.discipline_recorded", "Ghi nhận kỷ luật"


def rule_set_copied(*, actor, rule_set: RuleSet) -> AuditEvent:
    return audit_create(
        actor=actor,
        target=rule_set,
        action=EvaluationEvent.RULE_SET_COPIED,
        note=f"Sao từ {rule_set.copied_from}" if rule_set.copied_from_id else "",
    )


def rule_set_updated(*, actor, rule_set: RuleSet, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=rule_set, before=before, action=EvaluationEvent.RULE_SET_UPDATED)


def criterion_updated(*, actor, rule_set: RuleSet, code: str, old: dict, new: dict) -> AuditEvent:
    changes = {key: {"old": old[key], "new": new[key]} for key in new if old.get(key) != new[key]}
    return audit_record(
        actor=actor,
        target=rule_set,
        action=EvaluationEvent.CRITERION_UPDATED,
        changes=changes,
        note=f"Tiêu chí {code}",
    )


def rule_set_published(*, actor, rule_set: RuleSet, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(
        actor=actor, target=rule_set, before=before, action=EvaluationEvent.RULE_SET_PUBLISHED
    )


def period_opened(*, actor, period: Period, reviews: int) -> AuditEvent:
    event = audit_create(actor=actor, target=period, action=EvaluationEvent.PERIOD_OPENED)
    event.changes["reviews"] = {"old": None, "new": reviews}
    event.save(update_fields=["changes"])
    return event


def audience_refreshed(*, actor, period: Period, added: int, left: int) -> AuditEvent:
    return audit_record(
        actor=actor,
        target=period,
        action=EvaluationEvent.AUDIENCE_REFRESHED,
        changes={"added": {"old": None, "new": added}, "left": {"old": None, "new": left}},
    )


def _review_event(
    *,
    actor,
    review: Review,
    action: str,
    before: dict[str, Any],
    extra: dict | None = None,
    note: str = "",
    on_behalf_of: str = "",
) -> AuditEvent:
    from neuguong.audit.services import diff, snapshot

    changes = diff(before, snapshot(review, list(before)))
    for key, value in (extra or {}).items():
        changes[key] = {"old": None, "new": value}
    return audit_record(
        actor=actor, target=review, action=action, changes=changes, note=note[:500], on_behalf_of=on_behalf_of
    )


def self_assessed(
    *, actor, review: Review, before, scores: dict, grades: dict, on_behalf_of: str
) -> AuditEvent:
    return _review_event(
        actor=actor,
        review=review,
        action=EvaluationEvent.SELF_ASSESSED,
        before=before,
        extra={k: v for k, v in (("scores", _pairs(scores)), ("grades", _pairs(grades))) if v},
        on_behalf_of=on_behalf_of,
    )


def meeting_recorded(*, actor, review: Review, before, votes: str, opinion: str) -> AuditEvent:
    return _review_event(
        actor=actor,
        review=review,
        action=EvaluationEvent.MEETING_RECORDED,
        before=before,
        extra={"votes": votes, "opinion": opinion[:500]},
    )


def opinion_added(*, actor, opinion: Opinion) -> AuditEvent:
    return audit_record(
        actor=actor,
        target=opinion.review,
        action=EvaluationEvent.OPINION_ADDED,
        changes={"opinion": {"old": None, "new": f"{opinion.get_body_display()}: {opinion.text[:400]}"}},
    )


def proposed(*, actor, review: Review, before, scores: dict, grades: dict) -> AuditEvent:
    return _review_event(
        actor=actor,
        review=review,
        action=EvaluationEvent.PROPOSED,
        before=before,
        extra={k: v for k, v in (("scores", _pairs(scores)), ("grades", _pairs(grades))) if v},
        note=review.proposal_reason,
    )


def appraised(*, actor, review: Review, before, note: str) -> AuditEvent:
    return _review_event(
        actor=actor, review=review, action=EvaluationEvent.APPRAISED, before=before, note=note
    )


def returned(*, actor, review: Review, before, reason: str) -> AuditEvent:
    return _review_event(
        actor=actor, review=review, action=EvaluationEvent.RETURNED, before=before, note=reason
    )


def excused(*, actor, review: Review, before) -> AuditEvent:
    return _review_event(
        actor=actor, review=review, action=EvaluationEvent.EXCUSED, before=before, note=review.excuse_reason
    )


def decided_events(*, actor, decided: list[tuple[Review, str]], document) -> list[AuditEvent]:
    """One unsaved event per review decided, with the state it left (written in bulk by the decision)."""
    return [
        audit_event(
            actor=actor,
            action=EvaluationEvent.DECIDED,
            target=review,
            changes={
                "decided_level": {"old": None, "new": review.decided_level},
                "state": {"old": old_state, "new": review.state},
                "document": {"old": None, "new": document.number_text},
            },
            note=review.decision_reason[:500],
        )
        for review, old_state in decided
    ]


def period_decided(*, actor, period: Period, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(
        actor=actor,
        target=period,
        before=before,
        action=EvaluationEvent.PERIOD_DECIDED,
        note=period.decision_reason,
    )


def period_published(*, actor, period: Period, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=period, before=before, action=EvaluationEvent.PERIOD_PUBLISHED)


def discipline_recorded(*, actor, discipline: Discipline) -> AuditEvent:
    return audit_create(actor=actor, target=discipline, action=EvaluationEvent.DISCIPLINE_RECORDED)


def _pairs(values: dict) -> str:
    """{"1.1": "4.5"} → "1.1: 4,5; …" (read as text in the history)."""
    from .levels import Grade

    parts = []
    for code, value in values.items():
        shown = Grade(value).label if value in Grade.values else str(value).replace(".", ",")
        parts.append(f"{code}: {shown}")
    return "; ".join(parts)
