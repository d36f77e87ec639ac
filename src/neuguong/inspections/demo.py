"""Demo data: the root committee's inspection commission program of this year, items at every stage.

Goes through the services (as a demo commission member, account `ubkt`), so demo rows obey every rule;
a dozen items keep it well under a second."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from neuguong.access.models import Role, RoleAssignment
from neuguong.core.dates import local_today
from neuguong.docengine.issuers import committee_name
from neuguong.organizations.models import Organization
from neuguong.people.models import Person, PersonStatus, Position, PositionTitle

from . import services
from .models import InspectionKind, InspectionState, ProgramBody

DEMO_USERNAME = "ubkt"
DEMO_PASSWORD = "NeuGuong@2026"
_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STAGES = [
    ("decide", InspectionState.DECIDED),
    ("plan", InspectionState.PLAN_ISSUED),
    ("notify", InspectionState.NOTIFIED),
    ("self_report", InspectionState.EXAMINING),
    ("submit_draft", InspectionState.DRAFT_CONCLUSION),
    ("conclude", InspectionState.CONCLUDED),
    ("notify_conclusion", InspectionState.NOTICE_ISSUED),
    ("close", InspectionState.CLOSED),
]
# Titles as a commission writes them: the kind's label and the subject matter, never a word said twice.
DEMO_TITLES = {
    InspectionKind.DUTY_INSPECTION: "Kiểm tra việc thực hiện trách nhiệm nêu gương",
    InspectionKind.THEMATIC_SUPERVISION: "Giám sát chuyên đề việc thực hiện trách nhiệm nêu gương",
    InspectionKind.REGULAR_SUPERVISION: "Giám sát thường xuyên việc thực hiện trách nhiệm nêu gương",
    InspectionKind.COMMISSION_INSPECTION: "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát",
}
KINDS = [
    InspectionKind.DUTY_INSPECTION,
    InspectionKind.THEMATIC_SUPERVISION,
    InspectionKind.REGULAR_SUPERVISION,
    InspectionKind.COMMISSION_INSPECTION,
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, _PDF, content_type="application/pdf")


def _demo_actor(root: Organization):
    """A commission member of its own (never an existing member: demo accounts take those later)."""
    person = Person.objects.create(
        full_name="Hoàng Văn Kiểm",
        organization=root,
        status=PersonStatus.OFFICIAL,
        date_of_birth=dt.date(1975, 3, 9),
        admitted_on=dt.date(2000, 5, 19),
        official_on=dt.date(2001, 5, 19),
    )
    user = get_user_model().objects.create_user(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    # A commission member working in the committee's apparatus: the seat makes them an insider, the
    # staff role lets the conclusions they issue put recommendations on the subjects' boards.
    RoleAssignment.objects.create(user=user, role=Role.STAFF, organization=root)
    Person.objects.filter(pk=person.pk).update(user=user)
    person.user = user
    Position.objects.create(
        person=person,
        title=PositionTitle.INSPECTION_MEMBER,
        organization=root,
        started_on=dt.date(2025, 10, 1),
    )
    return user, person


# How far each item goes, by position: the first grassroots organisation (the demo secretary's, `bithu`)
# has its notice of conclusion, so the subject's view can be tried at once.
STAGE_BY_POSITION = [7, 3, 8, 0, 1, 2, 4, 5, 6]


def seed_inspections(*, root: Organization, size: str, log) -> None:
    today = local_today()
    year = today.year
    actor, leader = _demo_actor(root)
    program = services.program_create(
        actor=actor,
        organization=root,
        body=ProgramBody.COMMISSION,
        year=year,
        title=f"Chương trình kiểm tra, giám sát năm {year} của Ủy ban Kiểm tra {committee_name(root.name)}",
    )
    units = list(Organization.objects.filter(parent=root, dissolved_on__isnull=True).order_by("code")[:12])
    start = dt.date(year, 1, 1)
    for index, unit in enumerate(units):
        kind = KINDS[index % len(KINDS)]
        inspection = services.inspection_create(
            actor=actor,
            program=program,
            kind=kind,
            title=f"{DEMO_TITLES[kind]} tại {unit.name}"[:255],
            planned_start=start,
            planned_end=max(start, today),
            subject_organizations=[unit],
            leader=leader,
        )
        until = STAGE_BY_POSITION[index % len(STAGE_BY_POSITION)]  # 0 = still only planned
        for action, _state in STAGES[:until]:
            inspection.refresh_from_db()
            if action == "submit_draft":
                services.finding_add(
                    actor=actor,
                    inspection=inspection,
                    text="Một số đảng viên chưa xây dựng kế hoạch cá nhân thực hiện trách nhiệm nêu gương.",
                )
                services.recommendation_add(
                    actor=actor,
                    inspection=inspection,
                    text="Chỉ đạo 100% đảng viên xây dựng kế hoạch cá nhân thực hiện trách nhiệm nêu gương.",
                    deadline=today + dt.timedelta(days=15 + 15 * index),
                    lead_unit=unit,
                )
            if action == "close":
                _finish_recommendations(actor, inspection, today)
            needs_file = services.TRANSITIONS[action].needs_file
            services.inspection_transition(
                actor=actor,
                inspection=inspection,
                action=action,
                happened_on=start if action == "decide" else today,
                number=f"{index + 1:02d}-QĐ/{root.abbreviation or 'ĐU'}" if action == "decide" else "",
                note="Cơ bản thực hiện tốt; cần khắc phục một số hạn chế."
                if action in ("submit_draft", "notify_conclusion")
                else "",
                files=[_pdf(f"{action}.pdf")] if needs_file else [],
            )
    log(
        f"  kiểm tra, giám sát: 1 chương trình, {len(units)} cuộc; tài khoản {DEMO_USERNAME} / {DEMO_PASSWORD} — ủy viên UBKT"
    )


def _finish_recommendations(actor, inspection, today: dt.date) -> None:
    from neuguong.commitments.services import commitment_complete

    from .followup import commitment_for

    for recommendation in inspection.recommendations.all():
        commitment_complete(actor=actor, commitment=commitment_for(recommendation), completed_on=today)
