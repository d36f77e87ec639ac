"""What the inspections module tells people when an inspection takes a step: its notification kinds, and
`step_taken`, called by `services.inspection_transition` for each step. Whoever takes the next step is
told (the subject side of a notice, the team of a self-report or a returned draft, the committee of a
submitted draft), and the team and the subject hear of the conclusion."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from neuguong.access.models import Role, RoleAssignment
from neuguong.core.dates import local_today
from neuguong.notifications.kinds import register, still_relevant
from neuguong.notifications.names import display_name
from neuguong.notifications.recipients import reviewers_of
from neuguong.notifications.services import notify, settle
from neuguong.people.models import Person


@register
class InspectionNotice(models.TextChoices):
    DECIDED = "inspections.decided", "Được phân công vào đoàn kiểm tra, giám sát"
    NOTIFIED = "inspections.notified", "Được thông báo kiểm tra, giám sát"
    SELF_REPORTED = "inspections.self_reported", "Đối tượng đã nộp báo cáo giải trình"
    DRAFT_SUBMITTED = "inspections.draft_submitted", "Dự thảo kết luận chờ cấp ủy xem xét"
    REOPENED = "inspections.reopened", "Dự thảo kết luận bị trả lại, thẩm tra thêm"
    CONCLUDED = "inspections.concluded", "Kết luận kiểm tra, giám sát đã ban hành"
    CONCLUSION_NOTIFIED = "inspections.conclusion_notified", "Thông báo kết luận kiểm tra, giám sát"
    CANCELLED = "inspections.cancelled", "Cuộc kiểm tra, giám sát bị hủy"


@still_relevant(InspectionNotice.DRAFT_SUBMITTED)
def _draft_still_waiting(notification) -> bool:
    from .models import Inspection, InspectionState

    return Inspection.objects.filter(
        pk=notification.target_id, state=InspectionState.DRAFT_CONCLUSION
    ).exists()


def _team(inspection) -> list[int]:
    ids = list(inspection.team_members.exclude(user__isnull=True).values_list("user_id", flat=True))
    if inspection.leader_id and inspection.leader.user_id:
        ids.insert(0, inspection.leader.user_id)
    return ids


def _subject_side(inspection) -> list[int]:
    ids: list[int] = []
    for subject in inspection.subjects.select_related("organization", "person"):
        if subject.person_id and subject.person.user_id:
            ids.append(subject.person.user_id)
        if subject.organization_id:
            ids += reviewers_of(subject.organization)
    return ids


def _committee(inspection) -> list[int]:
    """Members of the committee's inspection commission or standing committee, and its office staff;
    when it has none with an account, its reviewers."""
    from .facts import INSIDER_TITLES

    committee = inspection.program.organization
    today = local_today()
    seats = (
        Person.objects.filter(
            positions__organization=committee,
            positions__title__in=INSIDER_TITLES,
            positions__started_on__lte=today,
            user__is_active=True,
        )
        .filter(Q(positions__ended_on__isnull=True) | Q(positions__ended_on__gte=today))
        .values_list("user_id", flat=True)
    )
    staff = RoleAssignment.objects.filter(
        organization=committee, role=Role.STAFF, user__is_active=True
    ).values_list("user_id", flat=True)
    return sorted(set(seats) | set(staff)) or reviewers_of(committee)


# action -> (kind, who is told, what they read)
STEPS = {
    "decide": (InspectionNotice.DECIDED, (_team,), "ra quyết định, phân công đoàn"),
    "notify": (InspectionNotice.NOTIFIED, (_subject_side,), "thông báo kiểm tra, giám sát"),
    "self_report": (InspectionNotice.SELF_REPORTED, (_team,), "nộp báo cáo giải trình"),
    "submit_draft": (InspectionNotice.DRAFT_SUBMITTED, (_committee,), "trình dự thảo kết luận"),
    "reopen": (InspectionNotice.REOPENED, (_team,), "trả dự thảo kết luận, đề nghị thẩm tra thêm"),
    "conclude": (InspectionNotice.CONCLUDED, (_team,), "ban hành kết luận"),
    "notify_conclusion": (
        InspectionNotice.CONCLUSION_NOTIFIED,
        (_subject_side, _team),
        "thông báo kết luận",
    ),
    "cancel": (InspectionNotice.CANCELLED, (_team,), "hủy cuộc kiểm tra, giám sát"),
}


# action -> the earlier notices it answers
SETTLED_BY = {
    "self_report": (InspectionNotice.NOTIFIED,),
    "conclude": (InspectionNotice.DRAFT_SUBMITTED,),
    "reopen": (InspectionNotice.DRAFT_SUBMITTED,),
}


def step_taken(*, actor, inspection, action: str, note: str = "") -> None:
    found = STEPS.get(action)
    if found is None:
        return
    kind, audiences, what = found
    # The step that was waiting has been taken: its notices no longer ask anything.
    settle(target=inspection, kinds=SETTLED_BY.get(action, ()))
    recipients = [pk for audience in audiences for pk in audience(inspection)]
    notify(
        kind=kind,
        recipients=recipients,
        actor=actor,
        target=inspection,
        title=f"{display_name(actor)} {what} — {inspection.title}",
        # The draft conclusion and working notes are insiders' only: the text goes to nobody else.
        text=note if action in ("reopen", "cancel", "notify_conclusion") else "",
        url=reverse("inspections:detail", args=[inspection.pk]),
    )
