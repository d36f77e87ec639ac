"""The inspection's state machine and the bad input the issue names."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from neuguong.audit.models import AuditEvent
from neuguong.core import uploads
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import OrganizationFactory, PersonFactory
from neuguong.inspections import services
from neuguong.inspections.events import InspectionEvent as E
from neuguong.inspections.models import Document, InspectionKind, InspectionState, Step, StepKind
from neuguong.inspections.selectors import breaches_for
from neuguong.organizations.models import OrgKind

from .factories import advance, make_inspection, make_program, pdf

pytestmark = pytest.mark.django_db


def _transition(tree, inspection, action, *, actor=None, **kwargs):
    kwargs.setdefault("happened_on", local_today())
    return services.inspection_transition(
        actor=actor or tree.staff, inspection=inspection, action=action, **kwargs
    )


def test_the_life_cycle_records_a_step_with_date_author_and_document_at_each_state(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.NOTICE_ISSUED)
    kinds = list(inspection.steps.values_list("kind", flat=True))
    assert kinds == [
        StepKind.DECISION,
        StepKind.PLAN,
        StepKind.NOTICE,
        StepKind.SELF_REPORT,
        StepKind.DRAFT_CONCLUSION,
        StepKind.CONCLUSION,
        StepKind.CONCLUSION_NOTICE,
    ]
    assert all(step.author == tree.staff for step in inspection.steps.all())
    decision = inspection.steps.get(kind=StepKind.DECISION)
    assert decision.number == "01-QĐ/ĐUK"
    assert decision.documents.count() == 1
    assert inspection.decided_on == inspection.concluded_on == local_today()
    assert inspection.conclusion_text == "Nội dung dự thảo kết luận"
    actions = set(
        AuditEvent.objects.filter(
            target_id=str(inspection.pk), action__startswith="inspections."
        ).values_list("action", flat=True)
    )
    assert {E.DECIDED, E.CONCLUDED, E.CONCLUSION_NOTIFIED} <= actions


def test_a_step_out_of_order_is_refused_with_the_current_state_named(tree):
    inspection = make_inspection(tree)
    with pytest.raises(BusinessError) as exc:
        _transition(tree, inspection, "conclude")
    assert exc.value.message == services.MSG_WRONG_STATE.format(
        action="Ban hành kết luận", state="Trong chương trình"
    )
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.PLANNED
    assert not Step.objects.filter(inspection=inspection).exists()


def test_the_decision_needs_a_team_leader_and_a_document(tree):
    inspection = make_inspection(tree)
    inspection.leader = None
    inspection.save()
    with pytest.raises(BusinessError) as exc:
        _transition(tree, inspection, "decide")
    assert exc.value.message == services.MSG_DOCUMENT_REQUIRED
    with pytest.raises(BusinessError) as exc:
        _transition(tree, inspection, "decide", files=[pdf()])
    assert exc.value.message == services.MSG_LEADER_REQUIRED
    assert not Document.objects.exists()


def test_a_step_cannot_be_dated_in_the_future_or_before_the_previous_step(tree):
    inspection = make_inspection(tree)
    with pytest.raises(BusinessError) as exc:
        _transition(
            tree, inspection, "decide", files=[pdf()], happened_on=local_today() + dt.timedelta(days=1)
        )
    assert exc.value.message == services.MSG_DATE_FUTURE
    _transition(tree, inspection, "decide", files=[pdf()])
    with pytest.raises(BusinessError) as exc:
        _transition(tree, inspection, "plan", files=[pdf()], happened_on=local_today() - dt.timedelta(days=1))
    assert exc.value.field == "happened_on"


def test_a_conclusion_without_any_finding_is_refused(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.EXAMINING)
    with pytest.raises(BusinessError) as exc:
        _transition(tree, inspection, "submit_draft", note="Dự thảo")
    assert exc.value.message == services.MSG_NO_FINDING
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.EXAMINING


def test_a_subject_outside_the_committee_subtree_is_refused(tree):
    program = make_program(tree, organization=tree.org_a)
    with pytest.raises(BusinessError) as exc:
        make_inspection(tree, program=program, subjects=[tree.org_b])
    assert exc.value.message == services.MSG_SUBJECT_OUTSIDE.format(name=tree.org_b.name)
    with pytest.raises(BusinessError) as exc:
        make_inspection(tree, program=program, subjects=[], people=[tree.person_b])
    assert exc.value.message == services.MSG_SUBJECT_OUTSIDE.format(name=tree.person_b.full_name)
    with pytest.raises(BusinessError) as exc:
        make_inspection(tree, program=program, subjects=[tree.org_a])
    assert exc.value.field == "subject_organizations"


def test_an_item_needs_a_subject_and_a_period_inside_the_program_year(tree):
    program = make_program(tree)
    with pytest.raises(BusinessError) as exc:
        make_inspection(tree, program=program, subjects=[])
    assert exc.value.message == services.MSG_NO_SUBJECT
    with pytest.raises(BusinessError) as exc:
        services.inspection_create(
            actor=tree.staff,
            program=program,
            kind=InspectionKind.THEMATIC_SUPERVISION,
            title="Giám sát chuyên đề",
            planned_start=dt.date(program.year + 1, 1, 1),
            planned_end=dt.date(program.year + 1, 2, 1),
            subject_organizations=[tree.org_a],
        )
    assert exc.value.message == services.MSG_PERIOD_YEAR


def test_a_second_program_of_the_same_body_and_year_is_refused(tree):
    make_program(tree)
    with pytest.raises(BusinessError) as exc:
        make_program(tree)
    assert exc.value.message == services.MSG_PROGRAM_EXISTS


@pytest.mark.parametrize("name", ["secretary_a", "secretary_b", "inspector_a", "member_a", "outsider"])
def test_only_the_committee_side_may_plan_and_decide(tree, name):
    user = getattr(tree, name)
    with pytest.raises(OutOfScope):
        make_program(tree, actor=user)
    inspection = make_inspection(tree)
    with pytest.raises(OutOfScope):
        _transition(tree, inspection, "decide", actor=user, files=[pdf()])


def test_the_subject_uploads_the_self_report_but_may_not_conclude(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.NOTIFIED)
    step = _transition(tree, inspection, "self_report", actor=tree.secretary_a, files=[pdf("giai-trinh.pdf")])
    assert step.author == tree.secretary_a
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.EXAMINING
    services.finding_add(actor=tree.staff, inspection=inspection, text="Phát hiện")
    _transition(tree, inspection, "submit_draft", note="Dự thảo")
    for action in ("conclude", "reopen", "submit_draft"):
        with pytest.raises(OutOfScope):
            _transition(tree, inspection, action, actor=tree.secretary_a)
    with pytest.raises(OutOfScope):
        services.finding_add(actor=tree.secretary_a, inspection=inspection, text="Tự ghi")


def test_the_subject_cannot_upload_a_self_report_before_being_notified(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.PLAN_ISSUED)
    with pytest.raises(OutOfScope):
        _transition(tree, inspection, "self_report", actor=tree.secretary_a, files=[pdf()])


def test_the_team_leader_works_but_the_committee_decides(tree):
    inspection = make_inspection(tree)
    leader = inspection.leader.user
    with pytest.raises(OutOfScope):
        _transition(tree, inspection, "decide", actor=leader, files=[pdf()])
    advance(tree, inspection, InspectionState.EXAMINING)
    services.working_note_add(actor=leader, inspection=inspection, happened_on=local_today(), note="Làm việc")
    services.finding_add(actor=leader, inspection=inspection, text="Phát hiện")
    _transition(tree, inspection, "submit_draft", actor=leader, note="Dự thảo")
    with pytest.raises(OutOfScope):
        _transition(tree, inspection, "conclude", actor=leader)


def test_a_draft_can_be_returned_for_more_verification(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.DRAFT_CONCLUSION)
    _transition(tree, inspection, "reopen", note="Làm rõ thêm")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.EXAMINING


def test_cancelling_needs_a_reason_and_is_final(tree):
    inspection = make_inspection(tree)
    with pytest.raises(BusinessError) as exc:
        _transition(tree, inspection, "cancel")
    assert exc.value.message == services.MSG_NOTE_REQUIRED
    _transition(tree, inspection, "cancel", note="Đối tượng đã giải thể")
    with pytest.raises(BusinessError):
        _transition(tree, inspection, "decide", files=[pdf()])


def test_closing_with_no_recommendations_records_the_date(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.NOTICE_ISSUED)
    _transition(tree, inspection, "close")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED
    assert inspection.closed_on == local_today()


# --- uploads ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", uploads.MSG_FILE_TYPE.format(name="virus.exe")),
        ("script.html", b"<script>", uploads.MSG_FILE_TYPE.format(name="script.html")),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", uploads.MSG_FILE_CONTENT.format(name="fake.pdf")),
        ("fake.docx", b"%PDF-1.4", uploads.MSG_FILE_CONTENT.format(name="fake.docx")),
        ("empty.pdf", b"", uploads.MSG_FILE_EMPTY.format(name="empty.pdf")),
    ],
)
def test_uploads_are_checked_by_name_and_content(tree, name, content, message):
    inspection = make_inspection(tree)
    with pytest.raises(BusinessError) as exc:
        _transition(tree, inspection, "decide", files=[SimpleUploadedFile(name, content)])
    assert exc.value.message == message
    assert not Document.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_an_upload_over_the_limit_is_refused(tree):
    inspection = make_inspection(tree)
    big = SimpleUploadedFile("lon.pdf", b"%PDF-" + b"0" * (1024 * 1024))
    with pytest.raises(BusinessError) as exc:
        _transition(tree, inspection, "decide", files=[big])
    assert exc.value.message == uploads.MSG_FILE_SIZE.format(name="lon.pdf", limit=1)


def test_documents_are_stored_under_a_generated_name_and_only_soft_deleted(tree):
    inspection = make_inspection(tree)
    step = _transition(tree, inspection, "decide", files=[pdf("Quyết định số 01.pdf")])
    document = step.documents.get()
    assert document.original_name == "Quyết định số 01.pdf"
    assert document.file.name.startswith(f"inspections/{inspection.pk}/")
    assert "Quyết" not in document.file.name
    assert document.file.read().startswith(b"%PDF")
    with pytest.raises(OutOfScope):
        services.document_delete(actor=tree.secretary_a, document=document)
    services.document_delete(actor=tree.staff, document=document)
    document.refresh_from_db()
    assert document.is_deleted and document.deleted_by == tree.staff
    assert Document.objects.filter(pk=document.pk).exists()
    assert not Document.objects.alive().filter(pk=document.pk).exists()
    with pytest.raises(BusinessError) as exc:
        services.document_delete(actor=tree.staff, document=document)
    assert exc.value.message == services.MSG_ALREADY_DELETED


# --- breaches ------------------------------------------------------------------------------------------


def test_a_breach_counts_for_the_year_only_once_the_conclusion_is_issued(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.EXAMINING)
    services.breach_add(
        actor=tree.staff, inspection=inspection, person=tree.person_a, description="Không gương mẫu"
    )
    year = local_today().year
    assert not breaches_for(tree.person_a, year).exists()
    advance(tree, inspection, InspectionState.CONCLUDED)
    assert [b.description for b in breaches_for(tree.person_a, year)] == ["Không gương mẫu"]
    assert not breaches_for(tree.person_a, year - 1).exists()
    assert not breaches_for(tree.person_a2, year).exists()


def test_a_breach_is_recorded_only_for_a_subject_or_a_member_of_a_subject_organisation(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.EXAMINING)
    with pytest.raises(BusinessError) as exc:
        services.breach_add(actor=tree.staff, inspection=inspection, person=tree.person_b, description="x")
    assert exc.value.message == services.MSG_BREACH_PERSON
    services.breach_add(actor=tree.staff, inspection=inspection, person=tree.person_a, description="x")
    with pytest.raises(BusinessError) as exc:
        services.breach_add(actor=tree.staff, inspection=inspection, person=tree.person_a, description="y")
    assert exc.value.message == services.MSG_BREACH_EXISTS


def test_findings_and_recommendations_only_while_the_team_is_working(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.NOTIFIED)
    with pytest.raises(BusinessError) as exc:
        services.finding_add(actor=tree.staff, inspection=inspection, text="Sớm quá")
    assert exc.value.message == services.MSG_NOT_WORKING


def test_a_recommendation_needs_an_owner_inside_the_committee_and_a_future_deadline(tree):
    program = make_program(tree, organization=tree.org_a)
    inspection = make_inspection(tree, program=program, subjects=[tree.branch_a])
    advance(tree, inspection, InspectionState.EXAMINING)
    tomorrow = local_today() + dt.timedelta(days=1)
    with pytest.raises(BusinessError) as exc:
        services.recommendation_add(
            actor=tree.staff, inspection=inspection, text="Khắc phục", deadline=tomorrow
        )
    assert exc.value.message == services.MSG_OWNER_REQUIRED
    with pytest.raises(BusinessError) as exc:
        services.recommendation_add(
            actor=tree.staff, inspection=inspection, text="Khắc phục", deadline=tomorrow, lead_unit=tree.org_b
        )
    assert exc.value.message == services.MSG_OWNER_OUTSIDE
    with pytest.raises(BusinessError) as exc:
        services.recommendation_add(
            actor=tree.staff,
            inspection=inspection,
            text="Khắc phục",
            deadline=local_today() - dt.timedelta(days=1),
            lead_unit=tree.branch_a,
        )
    assert exc.value.message == services.MSG_DEADLINE_PAST
    other = OrganizationFactory(kind=OrgKind.BRANCH, parent=tree.org_a)
    person = PersonFactory(organization=other)
    recommendation = services.recommendation_add(
        actor=tree.staff,
        inspection=inspection,
        text="Khắc phục",
        deadline=tomorrow,
        responsible_person=person,
    )
    assert recommendation.owner_organization == other


def test_the_subject_may_add_to_or_remove_its_self_report_only_before_the_conclusion(tree):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.NOTIFIED)
    step = _transition(tree, inspection, "self_report", actor=tree.secretary_a, files=[pdf("bc.pdf")])
    extra = services.document_add(actor=tree.secretary_a, step=step, upload=pdf("phu-luc.pdf"))
    services.document_delete(actor=tree.secretary_a, document=extra)
    advance(tree, inspection, InspectionState.CONCLUDED)
    with pytest.raises(OutOfScope):
        services.document_add(actor=tree.secretary_a, step=step, upload=pdf("muon.pdf"))
    with pytest.raises(OutOfScope):
        services.document_delete(actor=tree.secretary_a, document=step.documents.alive().get())
