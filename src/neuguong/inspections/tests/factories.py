"""Helpers that build programs and inspections in a given state, through the services (never around them)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory, UserFactory
from neuguong.inspections import services
from neuguong.inspections.models import InspectionKind, InspectionState, ProgramBody
from neuguong.people.models import Position, PositionTitle

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "van-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def seat(person, title: str, organization) -> Position:
    """Give `person` a current seat (commission or standing committee) at `organization`."""
    return Position.objects.create(
        person=person, title=title, organization=organization, started_on=dt.date(2020, 1, 1)
    )


def account_for(person, username: str):
    user = UserFactory(username=username)
    person.user = user
    person.save()
    return user


def make_program(tree, *, actor=None, organization=None, year=None):
    return services.program_create(
        actor=actor or tree.staff,
        organization=organization or tree.root,
        body=ProgramBody.COMMISSION,
        year=year or local_today().year,
        title="Chương trình kiểm tra, giám sát",
    )


def make_inspection(tree, *, program=None, subjects=None, people=(), leader=None, team=(), actor=None):
    """An item of the root's program inspecting org A, led by a new person with an account ('leader')."""
    program = program or make_program(tree)
    if leader is None:
        leader = PersonFactory(full_name="Trần Văn Trưởng", organization=tree.root)
        account_for(leader, f"truong_doan_{leader.pk}")
    today = local_today()
    start = dt.date(program.year, 1, 1)
    return services.inspection_create(
        actor=actor or tree.staff,
        program=program,
        kind=InspectionKind.DUTY_INSPECTION,
        title="Kiểm tra việc thực hiện trách nhiệm nêu gương",
        planned_start=start,
        planned_end=max(start, today),
        subject_organizations=[tree.org_a] if subjects is None else subjects,
        subject_people=list(people),
        leader=leader,
        team_members=list(team),
    )


ORDER = [
    ("decide", InspectionState.DECIDED),
    ("plan", InspectionState.PLAN_ISSUED),
    ("notify", InspectionState.NOTIFIED),
    ("self_report", InspectionState.EXAMINING),
    ("submit_draft", InspectionState.DRAFT_CONCLUSION),
    ("conclude", InspectionState.CONCLUDED),
    ("notify_conclusion", InspectionState.NOTICE_ISSUED),
]


def advance(tree, inspection, until: str, *, actor=None):
    """Take the inspection through the life cycle up to (and including) state `until`."""
    actor = actor or tree.staff
    today = local_today()
    for action, state in ORDER:
        inspection.refresh_from_db()
        if inspection.state == until:
            break
        if inspection.state not in services.TRANSITIONS[action].sources:
            continue
        if action == "submit_draft" and not inspection.findings.exists():
            services.finding_add(actor=actor, inspection=inspection, text="Chưa xây dựng kế hoạch nêu gương.")
        services.inspection_transition(
            actor=actor,
            inspection=inspection,
            action=action,
            happened_on=today,
            number="01-QĐ/ĐUK" if action == "decide" else "",
            note="Nội dung dự thảo kết luận" if action in ("submit_draft", "notify_conclusion") else "",
            files=[pdf()] if services.TRANSITIONS[action].needs_file else [],
        )
        if state == until:
            break
    inspection.refresh_from_db()
    assert inspection.state == until
    return inspection


__all__ = ["PositionTitle", "account_for", "advance", "make_inspection", "make_program", "pdf", "seat"]
