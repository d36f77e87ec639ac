"""The decision of a period: every proposed review decided at once by the deciding committee, as a
registered QĐ document; then publication. The checks at the decision — the quota per organisation or
group, the rules applied at proposal (triggers, facts), the collective's conditions with its members'
levels as now decided, and that every subject is decided or excused — refuse with a message naming the
rule, unless the rule set lets that rule be set aside and the decider writes the reason."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from neuguong.audit.models import AuditEvent
from neuguong.audit.services import snapshot
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.documents.numbers import DocumentType

from .. import events, facts, levels, notices
from ..levels import Level, RuleCode
from ..models import AWAITING_DECISION, EntryStep, Period, PeriodState, Review, ReviewEntry, ReviewState
from .common import MAX_REASON, assessment_from, clean_text, parse_level, require_write

MSG_ALREADY_DECIDED = "Kỳ «{period}» đã có quyết định xếp loại ({document})."
MSG_NOT_DECIDED = "Kỳ «{period}» chưa có quyết định xếp loại: chưa công bố được."
MSG_ALREADY_PUBLISHED = "Kết quả kỳ «{period}» đã được công bố."
MSG_DECIDED_FUTURE = "Ngày quyết định không được sau ngày hôm nay."
MSG_DECIDED_BEFORE = "Ngày quyết định không được trước ngày bắt đầu kỳ ({start})."
MSG_INCOMPLETE = (
    "Chưa quyết định được: còn {count} đối tượng chưa được đề xuất mức xếp loại hoặc miễn đánh giá ({names}) — "
    "mọi đối tượng của kỳ phải được xếp loại hoặc miễn."
)
MSG_NOTHING = "Chưa có đề xuất nào để quyết định."
MSG_REFUSED = "Không thể quyết định: {problems}"
MSG_REFUSED_REASON = "Quyết định vượt quy tắc: {problems} Bộ quy định cho phép cấp quyết định làm khác nhưng phải ghi rõ lý do."
MSG_LEVEL_ABOVE = "{name}: mức {level} cao hơn mức theo {what} ({base})."
MSG_UNKNOWN_REVIEW = "Không có đối tượng mã {id} trong kỳ này."


def _member_levels(
    period: Period, chosen: dict[int, Level], reviews: list[Review]
) -> dict[int, dict[str, int]]:
    """For each collective under review: its members' levels — as decided now in this period, and as
    decided already in other periods of the year (a grassroots organisation's own period)."""
    collectives = [r for r in reviews if r.is_collective]
    if not collectives:
        return {}
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    members = [r for r in reviews if not r.is_collective]
    paths = {r.organization.pk: r.organization.path for r in collectives if r.organization is not None}
    for review in members:
        chosen_level = chosen.get(review.pk)
        if not chosen_level:
            continue
        for org_id, path in paths.items():
            if review.home_organization.path.startswith(path):
                counts[org_id][chosen_level] = counts[org_id].get(chosen_level, 0) + 1
    decided = (
        Review.objects.filter(period__year=period.year, person__isnull=False)
        .exclude(period=period)
        .exclude(decided_level="")
        .values_list("home_organization__path", "decided_level")
    )
    for path, level in decided:
        for org_id, org_path in paths.items():
            if path.startswith(org_path):
                counts[org_id][level] = counts[org_id].get(level, 0) + 1
    return counts


@transaction.atomic
def period_decide(
    *,
    actor,
    period: Period,
    decided_on: dt.date | None = None,
    number_text: str = "",
    signer: str = "",
    override_reason: str = "",
    levels_by_review: dict[int, str] | None = None,
    today: dt.date | None = None,
) -> Period:
    """Decide every proposed (or appraised) review of the period at once and register the decision (QĐ)
    with its list. The period row is locked first: a second decider waits, then finds it decided."""
    today = today or local_today()
    period = Period.objects.select_for_update().select_related("organization", "rule_set").get(pk=period.pk)
    require_write(actor, period.organization.path)
    if period.state != PeriodState.OPEN:
        raise BusinessError(
            MSG_ALREADY_DECIDED.format(
                period=period.name,
                document=period.decision_document.number_text if period.decision_document is not None else "",
            )
        )
    decided_on = decided_on or today
    if decided_on > today:
        raise BusinessError(MSG_DECIDED_FUTURE, field="decided_on")
    if decided_on < period.starts_on:
        raise BusinessError(
            MSG_DECIDED_BEFORE.format(start=f"{period.starts_on:%d/%m/%Y}"), field="decided_on"
        )
    override_reason = clean_text(
        override_reason, "Lý do", "override_reason", required=False, limit=MAX_REASON
    )
    reviews = list(
        Review.objects.select_for_update(of=("self",))
        .filter(period=period)
        .exclude(state=ReviewState.LEFT)
        .select_related("person", "organization", "home_organization")
        .order_by("home_organization__path", "person__name_folded", "organization__name_folded", "id")
    )
    waiting = [r for r in reviews if r.state not in (*AWAITING_DECISION, ReviewState.EXCUSED)]
    if waiting:
        raise BusinessError(
            MSG_INCOMPLETE.format(
                count=len(waiting),
                names=", ".join(r.subject_name for r in waiting[:5]) + (", …" if len(waiting) > 5 else ""),
            )
        )
    awaiting = [r for r in reviews if r.state in AWAITING_DECISION]
    if not awaiting:
        raise BusinessError(MSG_NOTHING)
    by_pk = {r.pk: r for r in awaiting}
    chosen: dict[int, Level] = {}
    for pk, value in (levels_by_review or {}).items():
        if int(pk) not in by_pk:
            raise BusinessError(MSG_UNKNOWN_REVIEW.format(id=pk), field="levels")
        chosen[int(pk)] = parse_level(value, field="levels")
    for review in awaiting:
        chosen.setdefault(review.pk, Level(review.appraised_level or review.proposed_level))
    rules = period.rule_set.rules()
    hard: list[str] = []
    soft: list[str] = []
    overridden: set[int] = set()
    member_levels = _member_levels(period, chosen, awaiting)
    for review in awaiting:
        level = chosen[review.pk]
        assessment = assessment_from(review.assessment)
        if levels.rank(level) > levels.rank(assessment.base):
            what = "số điểm" if rules.is_points else "xếp loại các tiêu chí"
            hard.append(
                MSG_LEVEL_ABOVE.format(
                    name=review.subject_name, level=level.label, what=what, base=assessment.base.label
                )
            )
            continue
        caps = [cap for cap in assessment.caps if cap.rule != RuleCode.ORG_MEMBERS]
        if review.is_collective:
            subject = facts.subject_facts(
                {**review.facts, "members": {"levels": member_levels.get(review.organization_id or 0, {})}},
                collective=True,
            )
            caps += [
                cap for cap in levels.org_condition_caps(rules, subject) if cap.rule == RuleCode.ORG_MEMBERS
            ]
        blocking = [cap for cap in caps if levels.rank(level) > levels.rank(cap.level)]
        for cap in blocking:
            (soft if cap.overridable else hard).append(f"{review.subject_name}: {cap.message}")
        if blocking:
            overridden.add(review.pk)
    if rules.quota.applies:
        groups: dict[tuple[bool, str], dict[str, int]] = defaultdict(dict)
        for review in awaiting:
            key = (review.is_collective, review.quota_group)
            groups[key][chosen[review.pk]] = groups[key].get(chosen[review.pk], 0) + 1
        for (_collective, group), counts in sorted(groups.items()):
            check = levels.quota_check(group, counts, rules.quota)
            if not check.ok:
                message = levels.quota_message(rules, check)
                (soft if rules.can_override(RuleCode.QUOTA) else hard).append(message)
                if rules.can_override(RuleCode.QUOTA):
                    overridden.update(
                        r.pk for r in awaiting if r.quota_group == group and chosen[r.pk] == Level.HTXS
                    )
    if hard:
        raise BusinessError(MSG_REFUSED.format(problems=" ".join(_dedupe(hard + soft))))
    if soft and not override_reason:
        raise BusinessError(
            MSG_REFUSED_REASON.format(problems=" ".join(_dedupe(soft))), field="override_reason"
        )
    for review in awaiting:
        review.decided_level = chosen[review.pk]
        review.decision_reason = override_reason if review.pk in overridden else ""
    document = _register_decision(
        actor=actor,
        period=period,
        reviews=[r for r in reviews if r.state != ReviewState.EXCUSED],
        decided_on=decided_on,
        number_text=number_text,
        signer=signer,
        today=today,
    )
    decided = [(review, review.state) for review in awaiting]
    for review in awaiting:
        review.state = ReviewState.DECIDED
    Review.objects.bulk_update(
        awaiting, ["decided_level", "decision_reason", "state", "updated_at"], batch_size=500
    )
    ReviewEntry.objects.bulk_create(
        [
            ReviewEntry(
                review=review,
                version=review.version,
                step=EntryStep.DECISION,
                level=review.decided_level,
                reason=review.decision_reason,
                text=f"Quyết định số {document.number_text} ngày {decided_on:%d/%m/%Y}",
                entered_by=actor,
            )
            for review in awaiting
        ],
        batch_size=500,
    )
    AuditEvent.objects.bulk_create(
        events.decided_events(actor=actor, decided=decided, document=document), batch_size=500
    )
    before = snapshot(period, ["state", "decision_document", "decided_on", "decided_by", "decision_reason"])
    period.state = PeriodState.DECIDED
    period.decision_document = document
    period.decided_on = decided_on
    period.decided_by = actor
    period.decision_reason = override_reason if overridden else ""
    period.save(
        update_fields=[
            "state",
            "decision_document",
            "decided_on",
            "decided_by",
            "decision_reason",
            "updated_at",
        ]
    )
    events.period_decided(actor=actor, period=period, before=before)
    notices.decided(period=period, reviews=awaiting)
    return period


def _dedupe(messages: list[str]) -> list[str]:
    seen: list[str] = []
    for message in messages:
        if message not in seen:
            seen.append(message)
    return seen


def _register_decision(*, actor, period, reviews, decided_on, number_text, signer, today):
    """The QĐ in the deciding committee's register, its DOCX (with the list) attached."""
    from neuguong.documents.services import document_register, propose_number

    from ..reports import decision_docx, decision_summary

    organization = period.organization
    number_text = (number_text or "").strip() or propose_number(
        organization=organization, doc_type=DocumentType.DECISION, issued_on=decided_on
    )
    data = decision_docx(
        period=period, reviews=reviews, number=number_text, issued_on=decided_on, signer=signer
    )
    return document_register(
        actor=actor,
        organization=organization,
        doc_type=DocumentType.DECISION,
        issued_on=decided_on,
        summary=decision_summary(period),
        number_text=number_text,
        signer=signer,
        recipients="Như Điều 3\nLưu",
        file=ContentFile(data, name=f"quyet-dinh-xep-loai-{period.year}.docx"),
        today=today,
    )


@transaction.atomic
def period_publish(*, actor, period: Period) -> Period:
    """Make the decided results known: each member sees their level, and is told."""
    period = Period.objects.select_for_update().select_related("organization").get(pk=period.pk)
    require_write(actor, period.organization.path)
    if period.state == PeriodState.PUBLISHED:
        raise BusinessError(MSG_ALREADY_PUBLISHED.format(period=period.name))
    if period.state != PeriodState.DECIDED:
        raise BusinessError(MSG_NOT_DECIDED.format(period=period.name))
    reviews = list(
        Review.objects.select_for_update(of=("self",))
        .filter(period=period, state=ReviewState.DECIDED)
        .select_related("person__user", "organization")
    )
    Review.objects.filter(pk__in=[r.pk for r in reviews]).update(
        state=ReviewState.PUBLISHED, updated_at=timezone.now()
    )
    ReviewEntry.objects.bulk_create(
        [
            ReviewEntry(
                review=r,
                version=r.version,
                step=EntryStep.PUBLICATION,
                level=r.decided_level,
                entered_by=actor,
            )
            for r in reviews
        ],
        batch_size=500,
    )
    before = snapshot(period, ["state", "published_at"])
    period.state = PeriodState.PUBLISHED
    period.published_at = timezone.now()
    period.save(update_fields=["state", "published_at", "updated_at"])
    events.period_published(actor=actor, period=period, before=before)
    notices.published(actor=actor, period=period, reviews=reviews)
    return period
