"""What waits for a user in the inspections module ("Việc chờ tôi xử lý"): the next step of an
inspection, for whoever takes it (`services.TRANSITIONS`):
- the subject side of a notified inspection (the member inspected, or the reviewers of the organisation
  inspected — `notifications.recipients.reviewer_q`): the self-report (báo cáo giải trình);
- the team leader of an inspection being examined: the draft conclusion;
- the committee (staff over it, members of its inspection commission or standing committee): the
  conclusion of a submitted draft, and the notice of an issued conclusion.
Three queries."""

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from neuguong.notifications.queue import QueueItem
from neuguong.notifications.recipients import reviewer_q

from .facts import user_facts
from .models import Inspection, InspectionState, InspectionSubject, Step, StepKind, committee_insider_q

TYPE = "inspections.inspection"
SELF_REPORT = ("inspections.self_report_due", "Chờ báo cáo giải trình")
DRAFT = ("inspections.draft_due", "Chờ dự thảo kết luận")
CONCLUDE = ("inspections.conclusion_due", "Dự thảo kết luận chờ cấp ủy")
NOTICE = ("inspections.notice_due", "Kết luận chờ thông báo")
S = InspectionState

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Since(TypedDict):
    since: dt.datetime


def _with_since(qs: QuerySet[Inspection]) -> "QuerySet[WithAnnotations[Inspection, _Since]]":
    last_step = (
        Step.objects.filter(inspection=OuterRef("pk"))
        .exclude(kind=StepKind.WORKING_NOTE)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        qs.select_related("program__organization")
        .annotate(since=Coalesce(Subquery(last_step), F("updated_at")))
        .order_by("since", "id")
    )


def _item(kind: tuple[str, str], inspection: "WithAnnotations[Inspection, _Since]", title: str) -> QueueItem:
    return QueueItem(
        kind=kind[0],
        kind_label=kind[1],
        title=f"{title} — {inspection.title}",
        url=reverse("inspections:detail", args=[inspection.pk]),
        waiting_since=inspection.since,
        organization=inspection.program.organization.name,
        target_type=TYPE,
        target_id=inspection.pk,
    )


def waiting_for(user, limit: int) -> list[QueueItem]:
    facts = user_facts(user)
    items: list[QueueItem] = []
    reach = reviewer_q(user, "organization")
    if facts.person_id:
        reach |= Q(person_id=facts.person_id)
    subjects = InspectionSubject.objects.filter(reach, inspection_id=OuterRef("pk"))
    for i in _with_since(Inspection.objects.filter(Exists(subjects), state=S.NOTIFIED))[:limit]:
        items.append(_item(SELF_REPORT, i, "Nộp báo cáo giải trình"))
    if facts.person_id:
        for i in _with_since(Inspection.objects.filter(leader_id=facts.person_id, state=S.EXAMINING))[:limit]:
            items.append(_item(DRAFT, i, "Trình dự thảo kết luận"))
    committee = committee_insider_q(facts, "program__organization")
    for i in _with_since(Inspection.objects.filter(committee, state__in=(S.DRAFT_CONCLUSION, S.CONCLUDED)))[
        :limit
    ]:
        if i.state == S.DRAFT_CONCLUSION:
            items.append(_item(CONCLUDE, i, "Xem xét, ban hành kết luận"))
        else:
            items.append(_item(NOTICE, i, "Thông báo kết luận đến đối tượng"))
    return items
