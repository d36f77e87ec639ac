"""Writes for inspection and supervision. Every state change goes through `inspection_transition`, which
checks the current state and the actor's right, records the step, stores its files and audits it.

Every service has the same shape: one transaction; the inspection's row is locked and re-read first (so a
check never passes on a state another user has just changed); then the actor's right, the state, the input;
the change, saved field by field; the event (`events.py`)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from neuguong.audit.services import snapshot
from neuguong.core.dates import check_date, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text
from neuguong.core.uploads import check_upload
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from . import access, events, notices
from .events import InspectionEvent
from .followup import recommendation_progress, return_commitment, track_recommendation
from .models import (
    Breach,
    ContentLink,
    Document,
    Finding,
    Inspection,
    InspectionKind,
    InspectionState,
    InspectionSubject,
    Program,
    ProgramBody,
    Recommendation,
    Step,
    StepKind,
)
from .selectors import MSG_COMMITMENT_NOT_FOUND, team_choices

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_NO_RIGHT = "Bạn không có quyền thực hiện thao tác này."
MSG_YEAR = "Năm phải từ 2000 đến 2100."
MSG_PROGRAM_EXISTS = "Cấp ủy này đã có chương trình kiểm tra, giám sát của cơ quan này trong năm."
MSG_TITLE_REQUIRED = "Cần nhập nội dung."
MSG_PERIOD_ORDER = "Ngày kết thúc dự kiến phải sau ngày bắt đầu."
MSG_PERIOD_YEAR = "Thời gian dự kiến phải nằm trong năm của chương trình."
MSG_NO_SUBJECT = "Cần ít nhất một đối tượng kiểm tra, giám sát (tổ chức hoặc đảng viên)."
MSG_SUBJECT_OUTSIDE = "Đối tượng «{name}» không thuộc phạm vi lãnh đạo của cấp ủy này."
MSG_SUBJECT_DISSOLVED = "Tổ chức «{name}» đã giải thể."
MSG_LEADER_REQUIRED = "Quyết định phải chỉ định trưởng đoàn."
MSG_LEADER_IN_TEAM = "Trưởng đoàn đã là trưởng đoàn, không ghi thêm là thành viên."
MSG_WRONG_STATE = "Không thể «{action}» khi cuộc kiểm tra, giám sát đang ở trạng thái «{state}»."
MSG_DATE_FUTURE = "Ngày không được sau hôm nay."
MSG_DATE_BEFORE_PREVIOUS = "Ngày không được trước bước trước đó ({previous})."
MSG_DOCUMENT_REQUIRED = "Bước này cần kèm văn bản (tệp)."
MSG_NOTE_REQUIRED = "Cần nhập nội dung."
MSG_NO_FINDING = "Kết luận phải dựa trên ít nhất một phát hiện của đoàn."
MSG_NO_CONCLUSION_TEXT = "Cần nhập nội dung dự thảo kết luận."
MSG_OPEN_RECOMMENDATIONS = "Còn {count} kiến nghị chưa hoàn thành và chưa được chuyển tiếp: chưa thể kết thúc cuộc kiểm tra, giám sát."
MSG_NOT_WORKING = "Chỉ ghi phát hiện, kiến nghị, vi phạm khi đoàn đang thẩm tra hoặc dự thảo kết luận."
MSG_OWNER_REQUIRED = "Kiến nghị phải có người chịu trách nhiệm hoặc đơn vị chủ trì."
MSG_OWNER_OUTSIDE = "Người hoặc đơn vị thực hiện kiến nghị phải thuộc phạm vi của cấp ủy."
MSG_DEADLINE_PAST = "Thời hạn thực hiện không được trước hôm nay."
MSG_BREACH_PERSON = (
    "Chỉ ghi vi phạm cho đảng viên là đối tượng, hoặc thuộc tổ chức là đối tượng, của cuộc này."
)
MSG_BREACH_EXISTS = "Đã ghi vi phạm trách nhiệm nêu gương của người này trong cuộc này."
MSG_CARRY_STATE = "Chỉ chuyển tiếp kiến nghị sau khi kết luận đã ban hành và trước khi kết thúc."
MSG_CARRY_REASON = "Cần ghi lý do chuyển tiếp."
MSG_ALREADY_CARRIED = "Kiến nghị này đã được chuyển tiếp."
MSG_DOCUMENT_CLOSED = "Cuộc kiểm tra, giám sát đã kết thúc: không sửa tài liệu."
MSG_ALREADY_DELETED = "Tài liệu đã bị xóa."
MSG_CONTENT_LINK_EXISTS = "Nội dung này đã được liên kết."
MSG_TEAM_PERSON_NOT_FOUND = (
    "Không tìm thấy người này trong phạm vi của cấp ủy: gõ tên rồi chọn trong danh sách."
)
MSG_EDIT_PLANNED_ONLY = (
    "Chỉ sửa nội dung, đối tượng, thời gian khi cuộc kiểm tra, giám sát chưa có quyết định."
)


@dataclass(frozen=True)
class Transition:
    action: str
    event: str  # an InspectionEvent: its label is the button's and the history's
    sources: tuple[str, ...]
    target: str
    step: str
    who: str  # "manage" (committee), "work" (team or committee), "subject" (subject side or team/committee)
    needs_file: bool = False
    needs_note: bool = False

    @property
    def label(self) -> str:
        return InspectionEvent(self.event).label


S = InspectionState
E = InspectionEvent
# The state machine, drawn in docs/inspections-workflow.md. Nothing else changes `Inspection.state`.
TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("decide", E.DECIDED, (S.PLANNED,), S.DECIDED, StepKind.DECISION, "manage", True),
        Transition("plan", E.PLAN_ISSUED, (S.DECIDED,), S.PLAN_ISSUED, StepKind.PLAN, "manage", True),
        Transition("notify", E.NOTIFIED, (S.PLAN_ISSUED,), S.NOTIFIED, StepKind.NOTICE, "manage"),
        Transition(
            "self_report", E.SELF_REPORTED, (S.NOTIFIED,), S.EXAMINING, StepKind.SELF_REPORT, "subject", True
        ),
        Transition(
            "submit_draft",
            E.DRAFT_SUBMITTED,
            (S.EXAMINING,),
            S.DRAFT_CONCLUSION,
            StepKind.DRAFT_CONCLUSION,
            "work",
            needs_note=True,
        ),
        Transition("reopen", E.REOPENED, (S.DRAFT_CONCLUSION,), S.EXAMINING, StepKind.REOPEN, "manage"),
        Transition(
            "conclude", E.CONCLUDED, (S.DRAFT_CONCLUSION,), S.CONCLUDED, StepKind.CONCLUSION, "manage"
        ),
        Transition(
            "notify_conclusion",
            E.CONCLUSION_NOTIFIED,
            (S.CONCLUDED,),
            S.NOTICE_ISSUED,
            StepKind.CONCLUSION_NOTICE,
            "manage",
            needs_note=True,
        ),
        Transition("close", E.CLOSED, (S.NOTICE_ISSUED,), S.CLOSED, StepKind.CLOSE, "manage"),
        Transition(
            "cancel",
            E.CANCELLED,
            (S.PLANNED, S.DECIDED, S.PLAN_ISSUED, S.NOTIFIED, S.EXAMINING, S.DRAFT_CONCLUSION),
            S.CANCELLED,
            StepKind.CANCEL,
            "manage",
            needs_note=True,
        ),
    )
}
WORKING_STATES = (S.EXAMINING, S.DRAFT_CONCLUSION)
NOTE_STATES = (S.NOTIFIED, S.EXAMINING, S.DRAFT_CONCLUSION)
FOLLOW_UP_STATES = (S.CONCLUDED, S.NOTICE_ISSUED)
BEFORE_CONCLUSION = (S.NOTIFIED, S.EXAMINING, S.DRAFT_CONCLUSION)
TEAM_STATES = (S.PLANNED, S.DECIDED, S.PLAN_ISSUED, S.NOTIFIED, S.EXAMINING)
FINISHED_STATES = (S.CLOSED, S.CANCELLED)


def _lock[M: models.Model](instance: M, *related: str) -> M:
    """Lock the row for the rest of the transaction and reload it in place: every check that follows sees
    the latest committed state, and a second writer waits here until the first one has committed.
    `related` rows are read along (not locked)."""
    rows = type(instance)._default_manager.select_for_update(of=("self",))
    if related:
        rows = rows.select_related(*related)
    instance.refresh_from_db(from_queryset=rows)
    return instance


def _lock_inspection(inspection_or_id: Inspection | int) -> Inspection:
    """The inspection (given, or by id) locked and re-read, with its program and committee."""
    if isinstance(inspection_or_id, Inspection):
        return _lock(inspection_or_id, "program__organization")
    return (
        Inspection.objects.select_for_update(of=("self",))
        .select_related("program__organization")
        .get(pk=inspection_or_id)
    )


def _may(actor: "User", inspection: Inspection, who: str) -> bool:
    if who == "manage":
        return access.can_manage(actor, inspection)
    if who == "work":
        return access.can_work(actor, inspection)
    return access.can_work(actor, inspection) or (
        inspection.state in (S.NOTIFIED,) and access.is_subject_side(actor, inspection)
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise OutOfScope(MSG_NO_RIGHT)


def _in_committee(committee: Organization, path: str) -> bool:
    return path.startswith(committee.path)


def _check_uploads(files) -> list:
    files = list(files)
    for upload in files:
        check_upload(upload, field="file")
    return files


# --- programs and their items ---------------------------------------------------------------------


@transaction.atomic
def program_create(*, actor: "User", organization: Organization, body: str, year: int, title: str) -> Program:
    """A committee's (or its commission's) yearly program."""
    _require(access.can_manage_committee(actor, organization))
    title = normalize_text(title)
    if not title:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    if not 2000 <= year <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    if body not in ProgramBody.values:
        raise BusinessError(MSG_TITLE_REQUIRED, field="body")
    try:
        # A savepoint: the unique constraint answers two people creating the same program at once.
        with transaction.atomic():
            program = Program.objects.create(
                organization=organization, body=body, year=year, title=title, created_by=actor
            )
    except IntegrityError as exc:
        raise BusinessError(MSG_PROGRAM_EXISTS, field="year") from exc
    events.program_created(actor=actor, program=program)
    return program


def _check_subjects(committee: Organization, organizations: Iterable, people: Iterable) -> None:
    for org in organizations:
        if not _in_committee(committee, org.path) or org.pk == committee.pk:
            raise BusinessError(MSG_SUBJECT_OUTSIDE.format(name=org.name), field="subject_organizations")
        if org.dissolved_on is not None:
            raise BusinessError(MSG_SUBJECT_DISSOLVED.format(name=org.name), field="subject_organizations")
    for person in people:
        if not _in_committee(committee, person.organization.path):
            raise BusinessError(MSG_SUBJECT_OUTSIDE.format(name=person.full_name), field="subject_people")


def _checked_item(
    program,
    kind: str,
    title: str,
    planned_start: dt.date,
    planned_end: dt.date,
    subject_organizations: Iterable[Organization],
    subject_people: Iterable[Person],
    leader: Person | None,
    team_members: Iterable[Person],
    keep: Iterable[Person | None] = (),
) -> tuple[str, list[Organization], list[Person], list[Person]]:
    """The checks a program item passes on creation and on edit; returns the normalised title and the
    subjects and team as lists."""
    subject_organizations = list(subject_organizations)
    subject_people = list(subject_people)
    team_members = list(team_members)
    title = normalize_text(title)
    if not title:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    if kind not in InspectionKind.values:
        raise BusinessError(MSG_TITLE_REQUIRED, field="kind")
    check_date(planned_start, field="planned_start", label="Ngày bắt đầu", required=True)
    check_date(planned_end, field="planned_end", label="Ngày kết thúc", required=True)
    if planned_end < planned_start:
        raise BusinessError(MSG_PERIOD_ORDER, field="planned_end")
    if planned_start.year != program.year:
        raise BusinessError(MSG_PERIOD_YEAR, field="planned_start")
    if not subject_organizations and not subject_people:
        raise BusinessError(MSG_NO_SUBJECT, field="subject_organizations")
    _check_subjects(program.organization, subject_organizations, subject_people)
    if leader is not None and leader in team_members:
        raise BusinessError(MSG_LEADER_IN_TEAM, field="team_members")
    _check_team(program.organization, leader, team_members, keep=keep)
    return title, subject_organizations, subject_people, team_members


def _check_team(
    committee: Organization, leader: Person | None, team_members: list[Person], *, keep=()
) -> None:
    """Each newly named leader or member is of the committee's tree (`team_choices`, what the form offers);
    who is already on the team may stay. Anything else is refused like a person that does not exist, next
    to its field."""
    kept = {p.pk for p in keep if p is not None}
    named = {p.pk for p in [leader, *team_members] if p is not None} - kept
    if not named:
        return
    allowed = set(team_choices(committee=committee).filter(pk__in=named).values_list("pk", flat=True))
    if leader is not None and leader.pk in named - allowed:
        raise BusinessError(MSG_TEAM_PERSON_NOT_FOUND, field="leader")
    if named - allowed:
        raise BusinessError(MSG_TEAM_PERSON_NOT_FOUND, field="team_members")


def _set_subjects(inspection: Inspection, organizations: list[Organization], people: list[Person]) -> None:
    InspectionSubject.objects.bulk_create(
        [InspectionSubject(inspection=inspection, organization=org) for org in organizations]
        + [InspectionSubject(inspection=inspection, person=person) for person in people]
    )


@transaction.atomic
def inspection_create(
    *,
    actor: "User",
    program: Program,
    kind: str,
    title: str,
    planned_start: dt.date,
    planned_end: dt.date,
    subject_organizations: Iterable[Organization] = (),
    subject_people: Iterable[Person] = (),
    content: str = "",
    leader: Person | None = None,
    team_members: Iterable[Person] = (),
) -> Inspection:
    """Add an item to a program: kind, subjects within the committee's subtree, period, team."""
    program = _lock(program, "organization")
    _require(access.can_manage_committee(actor, program.organization))
    title, subject_organizations, subject_people, team_members = _checked_item(
        program,
        kind,
        title,
        planned_start,
        planned_end,
        subject_organizations,
        subject_people,
        leader,
        team_members,
    )
    inspection = Inspection.objects.create(
        program=program,
        kind=kind,
        title=title,
        content=content.strip(),
        planned_start=planned_start,
        planned_end=planned_end,
        leader=leader,
    )
    inspection.team_members.set(team_members)
    _set_subjects(inspection, subject_organizations, subject_people)
    events.item_created(
        actor=actor, inspection=inspection, subjects=subject_organizations + subject_people, team=team_members
    )
    return inspection


def _current_subjects(inspection: Inspection) -> list:
    return [s.organization or s.person for s in inspection.subjects.select_related("organization", "person")]


@transaction.atomic
def inspection_update(
    *,
    actor: "User",
    inspection: Inspection,
    kind: str,
    title: str,
    planned_start: dt.date,
    planned_end: dt.date,
    subject_organizations: Iterable[Organization] = (),
    subject_people: Iterable[Person] = (),
    content: str = "",
    leader: Person | None = None,
    team_members: Iterable[Person] = (),
) -> Inspection:
    """Change a program item while it is only planned (after the decision, the decision is the record)."""
    inspection = _lock_inspection(inspection)
    _require(access.can_manage(actor, inspection))
    if inspection.state != S.PLANNED:
        raise BusinessError(MSG_EDIT_PLANNED_ONLY)
    title, subject_organizations, subject_people, team_members = _checked_item(
        inspection.program,
        kind,
        title,
        planned_start,
        planned_end,
        subject_organizations,
        subject_people,
        leader,
        team_members,
        keep=[inspection.leader, *inspection.team_members.all()],
    )
    before = events.item_state(inspection, _current_subjects(inspection), inspection.team_members.all())
    inspection.kind = kind
    inspection.title = title
    inspection.content = content.strip()
    inspection.planned_start = planned_start
    inspection.planned_end = planned_end
    inspection.leader = leader
    inspection.save(
        update_fields=["kind", "title", "content", "planned_start", "planned_end", "leader", "updated_at"]
    )
    inspection.team_members.set(team_members)
    inspection.subjects.all().delete()
    _set_subjects(inspection, subject_organizations, subject_people)
    after = events.item_state(inspection, subject_organizations + subject_people, team_members)
    events.item_updated(actor=actor, inspection=inspection, before=before, after=after)
    return inspection


def _team_state(inspection: Inspection, team: Iterable[Person]) -> dict:
    return {"leader": inspection.leader_id, "team_members": sorted(p.pk for p in team)}


@transaction.atomic
def inspection_set_team(
    *, actor: "User", inspection: Inspection, leader: Person | None, team_members: Iterable[Person]
) -> Inspection:
    """Change the team before the conclusion is issued."""
    inspection = _lock_inspection(inspection)
    _require(access.can_manage(actor, inspection))
    if inspection.state not in TEAM_STATES:
        raise BusinessError(MSG_WRONG_STATE.format(action="Đổi đoàn", state=inspection.get_state_display()))
    team_members = list(team_members)
    if leader is not None and leader in team_members:
        raise BusinessError(MSG_LEADER_IN_TEAM, field="team_members")
    _check_team(
        inspection.program.organization,
        leader,
        team_members,
        keep=[inspection.leader, *inspection.team_members.all()],
    )
    before = _team_state(inspection, inspection.team_members.all())
    inspection.leader = leader
    inspection.save(update_fields=["leader", "updated_at"])
    inspection.team_members.set(team_members)
    events.team_changed(
        actor=actor, inspection=inspection, before=before, after=_team_state(inspection, team_members)
    )
    return inspection


@transaction.atomic
def content_link_add(*, actor: "User", inspection: Inspection, target, label: str = "") -> ContentLink:
    """Link what the inspection looks at (a commitment, a plan, a target...)."""
    inspection = _lock_inspection(inspection)
    _require(access.can_manage(actor, inspection))
    target_path = getattr(target, "org_path", None)
    if target_path is not None and not _in_committee(inspection.program.organization, target_path):
        raise BusinessError(MSG_SUBJECT_OUTSIDE.format(name=str(target)), field="target")
    try:
        with transaction.atomic():  # a savepoint: the unique constraint answers a double link
            link = ContentLink.objects.create(
                inspection=inspection,
                target_type=ContentType.objects.get_for_model(type(target)),
                target_id=target.pk,
                label=(label or str(target))[:255],
            )
    except IntegrityError as exc:
        raise BusinessError(MSG_CONTENT_LINK_EXISTS, field="target") from exc
    events.content_linked(actor=actor, inspection=inspection, link=link)
    return link


# --- the state machine ----------------------------------------------------------------------------


def available_transitions(actor: "User", inspection: Inspection) -> list[Transition]:
    """The transitions this actor may take now (for the page's buttons)."""
    return [
        t for t in TRANSITIONS.values() if inspection.state in t.sources and _may(actor, inspection, t.who)
    ]


def _check_date(inspection: Inspection, happened_on: dt.date) -> None:
    check_date(happened_on, field="happened_on", label="Ngày", required=True)
    if happened_on > local_today():
        raise BusinessError(MSG_DATE_FUTURE, field="happened_on")
    previous = inspection.steps.exclude(kind=StepKind.WORKING_NOTE).order_by("-happened_on").first()
    if previous is not None and happened_on < previous.happened_on:
        raise BusinessError(
            MSG_DATE_BEFORE_PREVIOUS.format(previous=previous.happened_on.strftime("%d/%m/%Y")),
            field="happened_on",
        )


def _store_files(actor: "User", inspection: Inspection, step: Step, files) -> list[Document]:
    documents = []
    for upload in files:
        documents.append(
            Document.objects.create(
                inspection=inspection,
                step=step,
                kind=step.kind,
                file=upload,
                original_name=(upload.name or "")[:255],
                size=upload.size,
                uploaded_by=actor,
            )
        )
    return documents


# The fields a step may change, besides the state (what the history shows of it).
STEP_FIELDS = ["state", "decided_on", "concluded_on", "closed_on", "conclusion_text"]


@transaction.atomic
def inspection_transition(
    *,
    actor: "User",
    inspection: Inspection,
    action: str,
    happened_on: dt.date,
    number: str = "",
    note: str = "",
    files: Iterable = (),
    on_behalf_of: str = "",
) -> Step:
    """Take one step of the inspection's life, if its current state and the actor's right allow it."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise BusinessError(MSG_NO_RIGHT)
    # Two people pressing the same button: the second waits here, then finds the state moved on.
    inspection = _lock_inspection(inspection)
    # Rights first: the subject's side gets a 404 rather than learning the current state.
    _require(_may(actor, inspection, transition.who))
    if inspection.state not in transition.sources:
        raise BusinessError(
            MSG_WRONG_STATE.format(action=transition.label, state=inspection.get_state_display())
        )
    files = _check_uploads(files)
    note = note.strip()
    if transition.needs_file and not files:
        raise BusinessError(MSG_DOCUMENT_REQUIRED, field="file")
    if transition.needs_note and not note:
        raise BusinessError(MSG_NOTE_REQUIRED, field="note")
    _check_date(inspection, happened_on)
    before = snapshot(inspection, STEP_FIELDS)
    _apply(actor, inspection, transition, happened_on, note)
    inspection.state = transition.target
    after = snapshot(inspection, STEP_FIELDS)
    inspection.save(
        update_fields=[name for name in STEP_FIELDS if before[name] != after[name]] + ["updated_at"]
    )
    step = Step.objects.create(
        inspection=inspection,
        kind=transition.step,
        happened_on=happened_on,
        number=number.strip()[:64],
        note="" if transition.step == StepKind.DRAFT_CONCLUSION else note,
        author=actor,
        on_behalf_of=on_behalf_of[:128],
    )
    _store_files(actor, inspection, step, files)
    events.step_taken(
        actor=actor,
        inspection=inspection,
        event=transition.event,
        before=before,
        after=after,
        number=step.number,
        on_behalf_of=step.on_behalf_of,
    )
    notices.step_taken(actor=actor, inspection=inspection, action=action, note=note)
    return step


def _apply(
    actor: "User", inspection: Inspection, transition: Transition, happened_on: dt.date, note: str
) -> None:
    """What a step does besides moving the state."""
    if transition.action == "decide":
        if inspection.leader_id is None:
            raise BusinessError(MSG_LEADER_REQUIRED, field="leader")
        inspection.decided_on = happened_on
    elif transition.action == "submit_draft":
        if not inspection.findings.exists():
            raise BusinessError(MSG_NO_FINDING)
        inspection.conclusion_text = note
    elif transition.action == "conclude":
        if not inspection.findings.exists():
            raise BusinessError(MSG_NO_FINDING)
        if note:
            inspection.conclusion_text = note
        if not inspection.conclusion_text.strip():
            raise BusinessError(MSG_NO_CONCLUSION_TEXT, field="note")
        inspection.concluded_on = happened_on
        _track_recommendations(actor, inspection)
    elif transition.action == "close":
        open_count = len(open_recommendations(inspection, today=local_today()))
        if open_count:
            raise BusinessError(MSG_OPEN_RECOMMENDATIONS.format(count=open_count))
        inspection.closed_on = happened_on


def _track_recommendations(actor: "User", inspection: Inspection) -> None:
    for recommendation in inspection.recommendations.select_related(
        "responsible_person__organization", "lead_unit"
    ):
        track_recommendation(actor=actor, recommendation=recommendation)


def open_recommendations(inspection: Inspection, *, today: dt.date) -> list[Recommendation]:
    """Recommendations neither done nor explicitly carried over: they keep the inspection open."""
    rows = recommendation_progress(inspection.recommendations.all(), today=today)
    return [row["recommendation"] for row in rows if not row["settled"]]


# --- the team's work --------------------------------------------------------------------------------


@transaction.atomic
def working_note_add(
    *, actor: "User", inspection: Inspection, happened_on: dt.date, note: str, files: Iterable = ()
) -> Step:
    """The team's working notes (biên bản làm việc, ghi chép): confidential, do not change the state."""
    inspection = _lock_inspection(inspection)
    _require(access.can_work(actor, inspection))
    if inspection.state not in NOTE_STATES:
        raise BusinessError(
            MSG_WRONG_STATE.format(
                action=InspectionEvent.WORKING_NOTE_ADDED.label, state=inspection.get_state_display()
            )
        )
    files = _check_uploads(files)
    if not note.strip() and not files:
        raise BusinessError(MSG_NOTE_REQUIRED, field="note")
    if happened_on > local_today():
        raise BusinessError(MSG_DATE_FUTURE, field="happened_on")
    step = Step.objects.create(
        inspection=inspection,
        kind=StepKind.WORKING_NOTE,
        happened_on=happened_on,
        note=note.strip(),
        author=actor,
    )
    documents = _store_files(actor, inspection, step, files)
    events.working_note_added(actor=actor, inspection=inspection, step=step, files=documents)
    return step


def may_attach(actor: "User", inspection: Inspection, step: Step) -> bool:
    """Whoever may take a step may add files to it (the subject to its self-report, before the conclusion)."""
    if step.kind == StepKind.SELF_REPORT:
        allowed = access.can_work(actor, inspection) or (
            inspection.state in BEFORE_CONCLUSION and access.is_subject_side(actor, inspection)
        )
    elif step.kind in (StepKind.WORKING_NOTE, StepKind.DRAFT_CONCLUSION, StepKind.REOPEN):
        allowed = access.can_work(actor, inspection)
    else:
        allowed = access.can_manage(actor, inspection)
    return allowed and access.access_level(actor, inspection) is not None


@transaction.atomic
def document_add(*, actor: "User", step: Step, upload) -> Document:
    """Attach one more file to a step, by whoever may take that step, while the inspection is open."""
    inspection = _lock_inspection(step.inspection_id)
    _require(may_attach(actor, inspection, step))
    if inspection.state in FINISHED_STATES:
        raise BusinessError(MSG_DOCUMENT_CLOSED, field="file")
    check_upload(upload, field="file")
    (document,) = _store_files(actor, inspection, step, [upload])
    events.document_added(actor=actor, document=document)
    return document


@transaction.atomic
def document_delete(*, actor: "User", document: Document) -> Document:
    """Soft delete: the file stays in storage and on record, marked deleted with who and when."""
    inspection = _lock_inspection(document.inspection_id)
    document = _lock(document)
    # The committee may remove a file until closing; an uploader only their own, before the conclusion.
    own = document.uploaded_by_id == actor.pk and inspection.state in BEFORE_CONCLUSION
    _require(own or access.can_manage(actor, inspection))
    if document.is_deleted:
        raise BusinessError(MSG_ALREADY_DELETED)
    if inspection.state in FINISHED_STATES:
        raise BusinessError(MSG_DOCUMENT_CLOSED)
    document.deleted_at = timezone.now()
    document.deleted_by = actor
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    events.document_deleted(actor=actor, document=document)
    return document


def _working(actor: "User", inspection: Inspection) -> Inspection:
    """Lock the inspection; the team (or the committee) may record findings only while it examines."""
    inspection = _lock_inspection(inspection)
    _require(access.can_work(actor, inspection))
    if inspection.state not in WORKING_STATES:
        raise BusinessError(MSG_NOT_WORKING)
    return inspection


@transaction.atomic
def finding_add(
    *, actor: "User", inspection: Inspection, text: str, returned_commitment=None, reason: str = ""
) -> Finding:
    """Record a finding; it may mark a commitment's report as unsupported (the commitment is returned)."""
    inspection = _working(actor, inspection)
    text = text.strip()
    if not text:
        raise BusinessError(MSG_NOTE_REQUIRED, field="text")
    # The finding returns a commitment tracked in the committee's subtree (what its picker is limited to).
    if returned_commitment is not None and not _in_committee(
        inspection.program.organization, returned_commitment.organization.path
    ):
        raise BusinessError(MSG_COMMITMENT_NOT_FOUND, field="returned_commitment")
    finding = Finding.objects.create(
        inspection=inspection, text=text, returned_commitment=returned_commitment, created_by=actor
    )
    if returned_commitment is not None:
        return_commitment(actor=actor, finding=finding, commitment=returned_commitment, reason=reason or text)
    events.finding_added(actor=actor, finding=finding)
    return finding


def _subject_covers_person(inspection: Inspection, person: Person) -> bool:
    for subject in inspection.subjects.select_related("organization"):
        if subject.person_id == person.pk:
            return True
        if subject.organization is not None and person.organization.path.startswith(
            subject.organization.path
        ):
            return True
    return False


@transaction.atomic
def breach_add(*, actor: "User", inspection: Inspection, person: Person, description: str) -> Breach:
    """Record, in the conclusion, a breach of exemplary responsibility by a subject (or a member of one)."""
    inspection = _working(actor, inspection)
    description = description.strip()
    if not description:
        raise BusinessError(MSG_NOTE_REQUIRED, field="description")
    if not _subject_covers_person(inspection, person):
        raise BusinessError(MSG_BREACH_PERSON, field="person")
    try:
        with transaction.atomic():  # a savepoint: the unique constraint answers a second breach
            breach = Breach.objects.create(
                inspection=inspection, person=person, description=description, created_by=actor
            )
    except IntegrityError as exc:
        raise BusinessError(MSG_BREACH_EXISTS, field="person") from exc
    events.breach_added(actor=actor, breach=breach)
    return breach


@transaction.atomic
def recommendation_add(
    *,
    actor: "User",
    inspection: Inspection,
    text: str,
    deadline: dt.date,
    responsible_person: Person | None = None,
    lead_unit: Organization | None = None,
) -> Recommendation:
    """A recommendation of the (draft) conclusion: a person or unit within the committee, and a deadline."""
    inspection = _working(actor, inspection)
    text = text.strip()
    if not text:
        raise BusinessError(MSG_NOTE_REQUIRED, field="text")
    if responsible_person is None and lead_unit is None:
        raise BusinessError(MSG_OWNER_REQUIRED, field="responsible_person")
    committee = inspection.program.organization
    if lead_unit is not None and not _in_committee(committee, lead_unit.path):
        raise BusinessError(MSG_OWNER_OUTSIDE, field="lead_unit")
    if responsible_person is not None and not _in_committee(committee, responsible_person.organization.path):
        raise BusinessError(MSG_OWNER_OUTSIDE, field="responsible_person")
    check_date(deadline, field="deadline", label="Thời hạn", required=True)
    if deadline < local_today():
        raise BusinessError(MSG_DEADLINE_PAST, field="deadline")
    recommendation = Recommendation.objects.create(
        inspection=inspection,
        text=text,
        deadline=deadline,
        responsible_person=responsible_person,
        lead_unit=lead_unit,
        created_by=actor,
    )
    events.recommendation_added(actor=actor, recommendation=recommendation)
    return recommendation


CARRY_FIELDS = ["carried_over_on", "carried_over_reason"]


@transaction.atomic
def recommendation_carry_over(
    *, actor: "User", recommendation: Recommendation, reason: str
) -> Recommendation:
    """Explicitly carry an unfinished recommendation over (to a later inspection or program)."""
    inspection = _lock_inspection(recommendation.inspection_id)
    recommendation = _lock(recommendation)
    _require(access.can_manage(actor, inspection))
    if inspection.state not in FOLLOW_UP_STATES:
        raise BusinessError(MSG_CARRY_STATE)
    if recommendation.carried_over_on is not None:
        raise BusinessError(MSG_ALREADY_CARRIED)
    reason = normalize_text(reason)
    if not reason:
        raise BusinessError(MSG_CARRY_REASON, field="reason")
    before = snapshot(recommendation, CARRY_FIELDS)
    recommendation.carried_over_on = local_today()
    recommendation.carried_over_reason = reason[:500]
    recommendation.save(update_fields=[*CARRY_FIELDS, "updated_at"])
    events.recommendation_carried_over(
        actor=actor,
        recommendation=recommendation,
        before=before,
        after=snapshot(recommendation, CARRY_FIELDS),
    )
    return recommendation
