"""The bridge to the commitments machinery: a recommendation of an issued conclusion is tracked as a
commitment (source_kind "inspection", source = the recommendation), with its status, reminders and
escalation; a finding can return a commitment's report as unsupported."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope

from .models import Recommendation

SOURCE_KIND = "inspection"


def _recommendation_type() -> ContentType:
    return ContentType.objects.get_for_model(Recommendation)


def commitments_by_recommendation(recommendations) -> dict[int, object]:
    """{recommendation id: its commitment} in one query."""
    from neuguong.commitments.models import Commitment

    ids = [r.pk for r in recommendations]
    if not ids:
        return {}
    rows = Commitment.objects.filter(source_type=_recommendation_type(), source_id__in=ids)
    return {c.source_id: c for c in rows if c.source_id is not None}


def commitment_for(recommendation: Recommendation):
    return commitments_by_recommendation([recommendation]).get(recommendation.pk)


MSG_TRACK_NO_RIGHT = (
    "Kiến nghị được theo dõi thành nhiệm vụ trên bảng của «{org}»: người ban hành kết luận cần quyền "
    "cán bộ văn phòng hoặc bí thư đối với tổ chức này."
)
MSG_RETURN_NO_RIGHT = (
    "Trả lại báo cáo của nhiệm vụ cần quyền cán bộ văn phòng hoặc bí thư đối với tổ chức có nhiệm vụ."
)


def board_for(recommendation: Recommendation):
    """The organisation on whose commitments board the recommendation is tracked: the lead unit (when the
    responsible person, if any, belongs to it), else the person's organisation, else the committee."""
    person, unit = recommendation.responsible_person, recommendation.lead_unit
    if unit is not None and (person is None or person.organization.path.startswith(unit.path)):
        return unit
    if unit is None and person is not None:
        return person.organization
    return recommendation.inspection.program.organization


def track_recommendation(*, actor, recommendation: Recommendation):
    """Create the commitment that tracks `recommendation` (once), through the commitments service."""
    from neuguong.commitments.services import commitment_create

    existing = commitment_for(recommendation)
    if existing is not None:
        return existing
    inspection = recommendation.inspection
    board = board_for(recommendation)
    text = recommendation.text
    today = local_today()
    try:
        return commitment_create(
            actor=actor,
            organization=board,
            title=text if len(text) <= 255 else text[:254] + "…",
            deadline=recommendation.deadline,
            responsible_person=recommendation.responsible_person,
            lead_unit=recommendation.lead_unit,
            expected_result=text,
            category="other",
            source_kind=SOURCE_KIND,
            source_object=recommendation,
            source_note=f"Kiến nghị tại kết luận: {inspection.title}"[:255],
            start_on=min(inspection.concluded_on or today, recommendation.deadline),
            reason=""
            if recommendation.deadline >= today
            else "Thời hạn do kết luận kiểm tra, giám sát ấn định.",
        )
    except OutOfScope as exc:
        raise BusinessError(MSG_TRACK_NO_RIGHT.format(org=board.name)) from exc


def status_of(commitment, today: dt.date) -> str:
    from neuguong.commitments.status import commitment_status

    return commitment_status(commitment, today)


def recommendation_is_done(recommendation: Recommendation, *, today: dt.date) -> bool:
    from neuguong.commitments.status import DONE_STATUSES

    commitment = commitment_for(recommendation)
    return commitment is not None and status_of(commitment, today) in DONE_STATUSES


def return_commitment(*, actor, finding, commitment, reason: str) -> None:
    """A finding marks the commitment's report (or completion) as unsupported: the commitments service
    returns it, so its status becomes `returned`."""
    from neuguong.commitments.services import commitment_return

    try:
        commitment_return(
            actor=actor, commitment=commitment, note=f"Kết quả kiểm tra, giám sát: {reason}"[:500]
        )
    except OutOfScope as exc:
        raise BusinessError(MSG_RETURN_NO_RIGHT, field="returned_commitment") from exc


CARRIED_OVER = "carried_over"
NOT_TRACKED = "not_tracked"


def recommendation_progress(recommendations, *, today: dt.date) -> list[dict]:
    """Each recommendation with its commitment and status code (one query for all commitments).

    Status is the commitment's (`commitments.status.commitment_status`), or `carried_over`, or
    `not_tracked` while the conclusion is not issued yet."""
    from neuguong.commitments.status import DONE_STATUSES, STATUS_LABELS

    recommendations = list(recommendations)
    commitments = commitments_by_recommendation(recommendations)
    rows = []
    for recommendation in recommendations:
        commitment = commitments.get(recommendation.pk)
        if recommendation.carried_over_on is not None:
            code, label = CARRIED_OVER, "Chuyển tiếp"
        elif commitment is None:
            code, label = NOT_TRACKED, "Chưa theo dõi (kết luận chưa ban hành)"
        else:
            code = status_of(commitment, today)
            label = STATUS_LABELS.get(code, code)
        rows.append(
            {
                "recommendation": recommendation,
                "commitment": commitment,
                "status": code,
                "status_label": label,
                "settled": code == CARRIED_OVER or code in DONE_STATUSES,
            }
        )
    return rows
