"""The review of one subject: self-assessment → the chi bộ's meeting with its vote → proposal (facts
snapshotted, the rules applied) → appraisal → (decision: decisions.py). A return sends it back a step and
keeps every earlier version; a secretary may enter for a member (recorded as such); an exempt member may
be excused with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope

from .. import events, facts, levels, notices
from ..levels import Level
from ..models import EntryStep, Opinion, OpinionBody, Review, ReviewEntry, ReviewState
from .common import (
    MAX_REASON,
    MSG_NO_RIGHT,
    MSG_PERIOD_CLOSED,
    Scored,
    assessment_dict,
    assessment_from,
    can_write,
    check_level,
    clean_text,
    key_codes,
    parse_entry,
    parse_level,
    review_criteria,
    state_error,
)

MSG_VOTES = "Số phiếu phải là số nguyên không âm."
MSG_VOTES_SUM = (
    "Số phiếu tán thành ({agree}) cộng không tán thành ({disagree}) vượt số đảng viên dự họp ({present})."
)
MSG_VOTES_PRESENT = "Số đảng viên dự họp phải lớn hơn 0."
MSG_OPINION_BODY = "Chọn cơ quan, tổ chức cho ý kiến."
MSG_RECEIVED_FUTURE = "Ngày nhận không được sau ngày hôm nay."
MSG_NO_SELF = (
    "Đảng viên chưa tự kiểm điểm: chỉ đề xuất khi đảng viên không tham gia kiểm điểm, và phải ghi rõ lý do."
)
MSG_PREVIOUS_OPINION = (
    "Đảng viên chuyển sinh hoạt đến trong kỳ: cần ý kiến nhận xét của {organization} (nơi sinh hoạt trước) "
    "trước khi đề xuất."
)
MSG_TASK_RESULTS_REASON = (
    "Điểm nhóm kết quả thực hiện nhiệm vụ ({given}) khác điểm đề xuất từ số liệu trong năm ({proposed}): "
    "ghi rõ lý do điều chỉnh."
)
MSG_TOTAL_ABOVE_FACTS = (
    "Tổng điểm {given} cao hơn điểm tối đa nhóm tiêu chí chung ({general}) cộng điểm nhóm kết quả đề xuất từ số "
    "liệu ({proposed}): ghi rõ lý do điều chỉnh."
)
MSG_EXCUSE_EXEMPT_ONLY = "Chỉ đảng viên được miễn sinh hoạt mới được miễn đánh giá."
MSG_EXCUSE_NOT_ALLOWED = "Bộ quy định {code} không cho miễn đánh giá đảng viên miễn sinh hoạt."
MSG_NOTHING_TO_RETURN = "Kiểm điểm chưa có bước nào để trả lại."

SELF_STATES = (ReviewState.NOT_STARTED, ReviewState.SELF_ASSESSED)
MEETING_STATES = (ReviewState.SELF_ASSESSED, ReviewState.REVIEWED)
PROPOSE_STATES = (ReviewState.NOT_STARTED, ReviewState.SELF_ASSESSED, ReviewState.REVIEWED)


def _locked(review: Review) -> Review:
    """The review locked for this transaction (with what every step reads)."""
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related(
            "period__organization", "period__rule_set", "home_organization", "person", "organization"
        )
        .get(pk=review.pk)
    )


def _open(review: Review) -> None:
    if not review.period.is_open:
        raise BusinessError(MSG_PERIOD_CLOSED.format(period=review.period.name))


def is_subject(actor, review: Review) -> bool:
    return bool(review.person_id) and scope_for(actor).person_id == review.person_id


def can_self_assess(actor, review: Review) -> bool:
    return is_subject(actor, review) or can_write(actor, review.home_organization.path)


def can_review(actor, review: Review) -> bool:
    """The chi bộ (the member's organisation) reviews and proposes for a member; the deciding committee for
    an organisation (and may act for its members' chi bộ)."""
    if review.is_collective:
        return can_write(actor, review.period.organization.path)
    return can_write(actor, review.home_organization.path) or can_write(
        actor, review.period.organization.path
    )


def can_decide(actor, review_or_period) -> bool:
    period = getattr(review_or_period, "period", review_or_period)
    return can_write(actor, period.organization.path)


def _entry(review: Review, actor, step: str, **values) -> ReviewEntry:
    return ReviewEntry.objects.create(
        review=review, version=review.version, step=step, entered_by=actor, **values
    )


def _plain(values: dict[str, Decimal]) -> dict[str, str]:
    return {code: str(value) for code, value in values.items()}


# ------------------------------------------------------------------------------------------------ self
@transaction.atomic
def review_self_assess(
    *,
    actor,
    review: Review,
    text: str,
    level: str = "",
    score: Any = None,
    scores: dict | None = None,
    grades: dict | None = None,
    today: dt.date | None = None,
) -> Review:
    """The member's (or organisation's) self-assessment: the written report and self scores or grades; a
    secretary entering it for the member is recorded as such. Redone freely until the chi bộ's meeting."""
    today = today or local_today()
    review = _locked(review)
    if not can_self_assess(actor, review):
        raise OutOfScope(MSG_NO_RIGHT)
    _open(review)
    if review.state not in SELF_STATES:
        raise state_error("tự kiểm điểm", review.get_state_display())
    text = clean_text(text, "Nội dung tự kiểm điểm", "text")
    rule_set = review.period.rule_set
    rules = rule_set.rules()
    criteria = review_criteria(review)
    entered = parse_entry(rule_set, rules, criteria, level=level, score=score, scores=scores, grades=grades)
    self_level = entered.level
    if rules.is_points:
        assert entered.total is not None  # a points entry always has its total
        self_level = self_level or levels.level_for_points(entered.total, rules.points_levels)
    elif entered.grades and self_level is None:
        self_level = levels.level_for_grades(entered.grades, key_codes(rules, criteria), rules.grade_levels)
    proxy = None if is_subject(actor, review) else review.person
    before = snapshot(review, ["state", "self_level", "self_score"])
    if review.state == ReviewState.SELF_ASSESSED:
        review.entries.filter(version=review.version, step=EntryStep.SELF, superseded=False).update(
            superseded=True
        )
    _entry(
        review,
        actor,
        EntryStep.SELF,
        level=self_level or "",
        score=entered.total,
        scores=_plain(entered.scores),
        grades=entered.grades,
        text=text,
        is_late=today > review.period.self_assessment_due,
        on_behalf_of=proxy,
    )
    review.state = ReviewState.SELF_ASSESSED
    review.self_level = self_level or ""
    review.self_score = entered.total
    review.save(update_fields=["state", "self_level", "self_score", "updated_at"])
    events.self_assessed(
        actor=actor,
        review=review,
        before=before,
        scores=_plain(entered.scores),
        grades=entered.grades,
        on_behalf_of=proxy.full_name if proxy else "",
    )
    notices.self_assessed(actor=actor, review=review)
    return review


# ------------------------------------------------------------------------------------------------ meeting
def _count(value: Any) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise BusinessError(MSG_VOTES, field="votes_for") from exc
    if number < 0 or number > 100_000:
        raise BusinessError(MSG_VOTES, field="votes_for")
    return number


def check_votes(present: Any, agree: Any, disagree: Any) -> tuple[int, int, int]:
    present, agree, disagree = _count(present), _count(agree), _count(disagree)
    if present <= 0:
        raise BusinessError(MSG_VOTES_PRESENT, field="votes_present")
    if agree + disagree > present:
        raise BusinessError(
            MSG_VOTES_SUM.format(agree=agree, disagree=disagree, present=present), field="votes_for"
        )
    return present, agree, disagree


@transaction.atomic
def review_meeting(
    *,
    actor,
    review: Review,
    opinion: str,
    votes_present: Any,
    votes_for: Any,
    votes_against: Any,
    level: str = "",
    today: dt.date | None = None,
) -> Review:
    """The chi bộ's meeting: its opinion of the member and the vote on the level it suggests."""
    today = today or local_today()
    review = _locked(review)
    if not can_review(actor, review):
        raise OutOfScope(MSG_NO_RIGHT)
    _open(review)
    if review.state not in MEETING_STATES:
        raise state_error("ghi kết quả họp chi bộ", review.get_state_display())
    opinion = clean_text(opinion, "Ý kiến của chi bộ", "opinion")
    present, agree, disagree = check_votes(votes_present, votes_for, votes_against)
    suggested = parse_level(level, required=False)
    before = snapshot(review, ["state"])
    review.entries.filter(version=review.version, step=EntryStep.MEETING, superseded=False).update(
        superseded=True
    )
    _entry(
        review,
        actor,
        EntryStep.MEETING,
        level=suggested or "",
        text=opinion,
        votes_present=present,
        votes_for=agree,
        votes_against=disagree,
        is_late=today > review.period.meeting_due,
    )
    review.state = ReviewState.REVIEWED
    review.save(update_fields=["state", "updated_at"])
    events.meeting_recorded(
        actor=actor,
        review=review,
        before=before,
        votes=f"{present} dự họp, {agree} tán thành, {disagree} không tán thành",
        opinion=opinion,
    )
    return review


# ------------------------------------------------------------------------------------------------ opinions
@transaction.atomic
def opinion_add(
    *,
    actor,
    review: Review,
    body: str,
    text: str,
    received_on: dt.date,
    level: str = "",
    body_name: str = "",
    today: dt.date | None = None,
) -> Opinion:
    """An evaluating body's opinion (chi ủy, the agency's civil-servant rating, residence, mass
    organisation, the previous organisation of a member who moved), entered by the secretary."""
    today = today or local_today()
    review = _locked(review)
    if not can_review(actor, review):
        raise OutOfScope(MSG_NO_RIGHT)
    _open(review)
    if review.is_final or review.state in (ReviewState.EXCUSED, ReviewState.LEFT):
        raise state_error("thêm ý kiến nhận xét", review.get_state_display())
    if body not in OpinionBody.values:
        raise BusinessError(MSG_OPINION_BODY, field="body")
    if received_on is None or received_on > today:
        raise BusinessError(MSG_RECEIVED_FUTURE, field="received_on")
    late_after = (
        review.period.civil_servant_rating_due
        if body == OpinionBody.AGENCY_RATING
        else review.period.proposal_due
    )
    opinion = Opinion.objects.create(
        review=review,
        body=body,
        body_name=clean_text(body_name, "Tên cơ quan", "body_name", required=False, limit=255, lines=False)
        or (
            review.transferred_from.name
            if body == OpinionBody.PREVIOUS_ORGANIZATION and review.transferred_from is not None
            else ""
        ),
        level=parse_level(level, required=False) or "",
        text=clean_text(text, "Nội dung nhận xét", "text"),
        received_on=received_on,
        is_late=received_on > late_after,
        entered_by=actor,
    )
    events.opinion_added(actor=actor, opinion=opinion)
    return opinion


# ------------------------------------------------------------------------------------------------ proposal
def task_results(review: Review, criteria, rules, tasks_rate: Decimal | None) -> dict[str, Decimal] | None:
    """The task-results criteria's points the facts propose (the on-time rate scales their maxima), or
    None when the rule set does not scale them or no task fell due."""
    if not (rules.is_points and rules.task_results_scale and rules.task_results_area):
        return None
    maxima = {leaf.code: leaf.maximum for leaf in criteria.leaves if leaf.area == rules.task_results_area}
    return levels.task_results_proposal(maxima, tasks_rate)


def live_facts(review: Review, *, today: dt.date) -> dict:
    return facts.facts_for_reviews(review.period, [review], today=today)[review.pk]


def _check_adjustment(review, criteria, rules, entered: Scored, proposal, reason: str) -> None:
    """Task results differing from what the facts propose need a written reason."""
    if proposal is None or reason:
        return
    proposed_total = sum(proposal.values(), Decimal(0))
    if entered.scores:
        given = {code: entered.scores[code] for code in proposal}
        if given != proposal:
            raise BusinessError(
                MSG_TASK_RESULTS_REASON.format(
                    given=levels.fmt(sum(given.values(), Decimal(0))), proposed=levels.fmt(proposed_total)
                ),
                field="reason",
            )
        return
    general = sum(
        (leaf.maximum for leaf in criteria.leaves if leaf.area != rules.task_results_area), Decimal(0)
    )
    if entered.total is not None and entered.total > general + proposed_total:
        raise BusinessError(
            MSG_TOTAL_ABOVE_FACTS.format(
                given=levels.fmt(entered.total),
                general=levels.fmt(general),
                proposed=levels.fmt(proposed_total),
            ),
            field="reason",
        )


@transaction.atomic
def review_propose(
    *,
    actor,
    review: Review,
    level: str = "",
    score: Any = None,
    scores: dict | None = None,
    grades: dict | None = None,
    reason: str = "",
    no_self_reason: str = "",
    votes_present: Any = None,
    votes_for: Any = None,
    votes_against: Any = None,
    opinion: str = "",
    today: dt.date | None = None,
) -> Review:
    """Propose the level (for a points set, the level the score and facts allow unless a lower one is
    chosen). The year's facts are snapshotted now; the rules' caps are applied; a level above a cap the
    rule set lets be set aside needs a reason. The chi bộ's vote may be recorded in the same step."""
    today = today or local_today()
    review = _locked(review)
    if not can_review(actor, review):
        raise OutOfScope(MSG_NO_RIGHT)
    _open(review)
    if review.state not in PROPOSE_STATES:
        raise state_error("đề xuất mức xếp loại", review.get_state_display())
    reason = clean_text(reason, "Lý do", "reason", required=False, limit=MAX_REASON)
    no_self_reason = clean_text(
        no_self_reason, "Lý do không tự kiểm điểm", "no_self_reason", required=False, limit=MAX_REASON
    )
    if review.state == ReviewState.NOT_STARTED and not no_self_reason:
        raise BusinessError(MSG_NO_SELF, field="no_self_reason")
    if (
        review.transferred_from is not None
        and not review.opinions.filter(body=OpinionBody.PREVIOUS_ORGANIZATION).exists()
    ):
        raise BusinessError(MSG_PREVIOUS_OPINION.format(organization=review.transferred_from.name))
    votes = None
    if votes_present not in (None, ""):
        votes = check_votes(votes_present, votes_for, votes_against)
    rule_set = review.period.rule_set
    rules = rule_set.rules()
    criteria = review_criteria(review)
    entered = parse_entry(rule_set, rules, criteria, level=level, score=score, scores=scores, grades=grades)
    snapshot_facts = live_facts(review, today=today)
    subject = facts.subject_facts(snapshot_facts, collective=review.is_collective)
    proposal = task_results(review, criteria, rules, subject.tasks.on_time_rate)
    _check_adjustment(review, criteria, rules, entered, proposal, reason)
    assessment = levels.assess(
        rules,
        subject,
        total=entered.total,
        grades=entered.grades or None,
        key_codes=key_codes(rules, criteria),
        is_collective=review.is_collective,
    )
    chosen = entered.level or assessment.allowed
    check_level(rules, assessment, chosen, reason)
    if votes is not None:
        review.entries.filter(version=review.version, step=EntryStep.MEETING, superseded=False).update(
            superseded=True
        )
        _entry(
            review,
            actor,
            EntryStep.MEETING,
            level=chosen,
            text=clean_text(opinion, "Ý kiến của chi bộ", "opinion", required=False),
            votes_present=votes[0],
            votes_for=votes[1],
            votes_against=votes[2],
            is_late=today > review.period.meeting_due,
        )
    before = snapshot(
        review, ["state", "proposed_level", "proposed_score", "allowed_level", "proposal_reason"]
    )
    stored_facts = dict(snapshot_facts)
    if proposal is not None:
        stored_facts["task_results_proposal"] = _plain(proposal)
    _entry(
        review,
        actor,
        EntryStep.PROPOSAL,
        level=chosen,
        score=entered.total,
        scores=_plain(entered.scores),
        grades=entered.grades,
        reason="\n".join(
            part for part in (no_self_reason and f"Không tự kiểm điểm: {no_self_reason}", reason) if part
        ),
        is_late=today > review.period.proposal_due,
    )
    review.state = ReviewState.PROPOSED
    review.proposed_level = chosen
    review.proposed_score = entered.total
    review.allowed_level = assessment.allowed
    review.assessment = assessment_dict(assessment)
    review.proposal_reason = "\n".join(
        part for part in (no_self_reason and f"Không tự kiểm điểm: {no_self_reason}", reason) if part
    )
    review.facts = stored_facts
    review.facts_as_of = today
    review.save(
        update_fields=[
            "state",
            "proposed_level",
            "proposed_score",
            "allowed_level",
            "assessment",
            "proposal_reason",
            "facts",
            "facts_as_of",
            "updated_at",
        ]
    )
    events.proposed(
        actor=actor, review=review, before=before, scores=_plain(entered.scores), grades=entered.grades
    )
    notices.proposed(actor=actor, review=review)
    review.assessment_result = assessment  # for the API's answer
    return review


# ------------------------------------------------------------------------------------------------ appraisal
@transaction.atomic
def review_appraise(*, actor, review: Review, level: str, note: str = "", reason: str = "") -> Review:
    """The deciding committee's advisers appraise a proposal: the level they recommend, within the rules
    applied at proposal (a cap set aside needs a reason)."""
    review = _locked(review)
    if not can_decide(actor, review):
        raise OutOfScope(MSG_NO_RIGHT)
    _open(review)
    if review.state != ReviewState.PROPOSED:
        raise state_error("thẩm định", review.get_state_display())
    chosen = parse_level(level)
    reason = clean_text(reason, "Lý do", "reason", required=False, limit=MAX_REASON)
    rules = review.period.rule_set.rules()
    check_level(rules, assessment_from(review.assessment), chosen, reason or review.proposal_reason)
    note = clean_text(note, "Nhận xét thẩm định", "note", required=False)
    before = snapshot(review, ["state", "appraised_level"])
    _entry(review, actor, EntryStep.APPRAISAL, level=chosen, text=note, reason=reason)
    review.state = ReviewState.APPRAISED
    review.appraised_level = chosen
    review.save(update_fields=["state", "appraised_level", "updated_at"])
    events.appraised(actor=actor, review=review, before=before, note=note)
    return review


# ------------------------------------------------------------------------------------------------ return
@transaction.atomic
def review_return(*, actor, review: Review, reason: str) -> Review:
    """Send a review back: a self-assessment (or the chi bộ's review of it) to the member; a proposal or
    appraisal to the chi bộ. The round returned stays on record (superseded); the next is a new version."""
    review = _locked(review)
    _open(review)
    reason = clean_text(reason, "Lý do trả lại", "reason", limit=MAX_REASON)
    if review.state in (ReviewState.PROPOSED, ReviewState.APPRAISED):
        if not can_review(actor, review):
            raise OutOfScope(MSG_NO_RIGHT)
        back_to = (
            ReviewState.SELF_ASSESSED
            if review.entries.filter(version=review.version, step=EntryStep.SELF).exists()
            else ReviewState.NOT_STARTED
        )
        keep_self = True
    elif review.state in (ReviewState.SELF_ASSESSED, ReviewState.REVIEWED):
        if not can_review(actor, review):
            raise OutOfScope(MSG_NO_RIGHT)
        back_to = ReviewState.NOT_STARTED
        keep_self = False
    else:
        raise state_error("trả lại", review.get_state_display())
    before = snapshot(review, ["state", "proposed_level", "appraised_level", "version"])
    redone = review.entries.filter(version=review.version, superseded=False)
    if keep_self:
        self_entries = list(redone.filter(step=EntryStep.SELF).order_by("-created_at", "-id")[:1])
        redone = redone.exclude(pk__in=[e.pk for e in self_entries])
    redone.update(superseded=True)
    _entry(review, actor, EntryStep.RETURN, reason=reason)
    old_version = review.version
    review.version += 1
    if keep_self:
        # The member's self-assessment stands: carried into the new round.
        for entry in self_entries:
            ReviewEntry.objects.create(
                review=review,
                version=review.version,
                step=EntryStep.SELF,
                level=entry.level,
                score=entry.score,
                scores=entry.scores,
                grades=entry.grades,
                text=entry.text,
                is_late=entry.is_late,
                entered_by=entry.entered_by,
                on_behalf_of=entry.on_behalf_of,
            )
        ReviewEntry.objects.filter(pk__in=[e.pk for e in self_entries]).update(superseded=True)
    else:
        review.self_level, review.self_score = "", None
    review.state = back_to
    review.proposed_level = review.appraised_level = review.allowed_level = ""
    review.proposed_score = None
    review.assessment, review.facts, review.facts_as_of, review.proposal_reason = {}, {}, None, ""
    review.save()
    events.returned(actor=actor, review=review, before=before, reason=f"Lần {old_version}: {reason}")
    notices.returned(actor=actor, review=review, reason=reason)
    return review


# ------------------------------------------------------------------------------------------------ excuse
@transaction.atomic
def review_excuse(*, actor, review: Review, reason: str) -> Review:
    """An exempt member (miễn sinh hoạt) left out of the classification, with the reason (rule set's
    setting); counted apart in the figures."""
    review = _locked(review)
    if not can_review(actor, review):
        raise OutOfScope(MSG_NO_RIGHT)
    _open(review)
    rules = review.period.rule_set.rules()
    if not rules.exempt_excusable:
        raise BusinessError(MSG_EXCUSE_NOT_ALLOWED.format(code=review.period.rule_set.code))
    if not review.is_exempt:
        raise BusinessError(MSG_EXCUSE_EXEMPT_ONLY)
    if review.is_final or review.state in (ReviewState.EXCUSED, ReviewState.LEFT):
        raise state_error("miễn đánh giá", review.get_state_display())
    reason = clean_text(reason, "Lý do miễn đánh giá", "reason", limit=500, lines=False)
    before = snapshot(review, ["state", "excuse_reason"])
    _entry(review, actor, EntryStep.EXCUSE, reason=reason)
    review.state = ReviewState.EXCUSED
    review.excuse_reason = reason
    review.save(update_fields=["state", "excuse_reason", "updated_at"])
    events.excused(actor=actor, review=review, before=before)
    return review


__all__ = [
    "Level",
    "review_appraise",
    "review_excuse",
    "review_meeting",
    "review_propose",
    "review_return",
    "review_self_assess",
]
