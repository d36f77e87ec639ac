import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from neuguong.audit.models import AuditEvent
from neuguong.commitments import services
from neuguong.commitments import status as st
from neuguong.commitments.events import CommitmentEvent
from neuguong.commitments.models import Evidence, ProgressReport, ReviewState
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import created_on
from neuguong.core.uploads import MSG_FILE_CONTENT, MSG_FILE_SIZE, MSG_FILE_TYPE

TODAY = dt.date(2026, 3, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def commitment(tree):
    made = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Viết bài thu hoạch",
        deadline=dt.date(2026, 4, 30),
        responsible_person=tree.person_a,
        today=TODAY,
    )
    return created_on(made, TODAY)


def pdf(name="minh-chung.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_member_reports_progress_with_evidence_stored_under_a_random_name(tree, commitment):
    report = services.progress_report_submit(
        actor=tree.member_a,
        commitment=commitment,
        percent=60,
        text="Đã hoàn thành dàn ý",
        files=[pdf()],
        today=TODAY,
    )
    evidence = Evidence.objects.get(report=report)
    assert evidence.original_name == "minh-chung.pdf"
    assert "minh-chung" not in evidence.file.name
    assert evidence.file.name.startswith("evidence/")
    assert evidence.content_type == "application/pdf"
    assert report.on_behalf_of is None
    commitment.refresh_from_db()
    assert commitment.progress == 60


def test_secretary_reporting_for_a_member_is_recorded_as_proxy_entry(tree, commitment):
    report = services.progress_report_submit(
        actor=tree.secretary_a, commitment=commitment, percent=30, text="Nhập thay", today=TODAY
    )
    assert report.on_behalf_of == tree.person_a
    event = AuditEvent.objects.for_object(commitment).filter(action=CommitmentEvent.PROGRESS_REPORTED).get()
    assert event.on_behalf_of == tree.person_a.full_name


def test_member_cannot_report_on_someone_elses_commitment(tree, commitment):
    other = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.org_a,
        title="Việc của người khác",
        deadline=dt.date(2026, 4, 30),
        responsible_person=tree.person_a2,
        today=TODAY,
    )
    with pytest.raises(OutOfScope) as exc:
        services.progress_report_submit(
            actor=tree.member_a, commitment=other, percent=10, text="x", today=TODAY
        )
    assert exc.value.message == services.MSG_NOT_YOURS
    with pytest.raises(OutOfScope):
        services.progress_report_submit(
            actor=tree.secretary_b, commitment=other, percent=10, text="x", today=TODAY
        )
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize("percent", [-1, 101, 140])
def test_progress_outside_0_to_100_is_refused(tree, commitment, percent):
    with pytest.raises(BusinessError) as exc:
        services.progress_report_submit(
            actor=tree.member_a, commitment=commitment, percent=percent, text="x", today=TODAY
        )
    assert exc.value.message == services.MSG_PERCENT


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 60, MSG_FILE_TYPE),
        ("script.sh", b"#!/bin/sh\n", MSG_FILE_TYPE),
        ("fake.pdf", b"MZ\x90\x00" + b"\x00" * 60, MSG_FILE_CONTENT),
        ("fake.png", PDF, MSG_FILE_CONTENT),
        ("fake.docx", b"PK\x03\x04notreallyazip", MSG_FILE_CONTENT),
    ],
)
def test_executables_and_disguised_files_are_refused_and_nothing_is_written(
    tree, commitment, name, content, message
):
    with pytest.raises(BusinessError) as exc:
        services.progress_report_submit(
            actor=tree.member_a,
            commitment=commitment,
            percent=10,
            text="x",
            files=[pdf(), SimpleUploadedFile(name, content)],
            today=TODAY,
        )
    assert exc.value.message == message.format(name=name)
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()


@override_settings(UPLOAD_MAX_BYTES=1024 * 1024)
def test_file_over_the_size_limit_is_refused(tree, commitment):
    big = SimpleUploadedFile("anh.png", PNG + b"\x00" * (1024 * 1024))
    with pytest.raises(BusinessError) as exc:
        services.progress_report_submit(
            actor=tree.member_a, commitment=commitment, percent=10, text="x", files=[big], today=TODAY
        )
    assert exc.value.message == MSG_FILE_SIZE.format(name="anh.png", limit=1)


def test_deleting_evidence_only_marks_it(tree, commitment):
    report = services.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=10, text="x", files=[pdf()], today=TODAY
    )
    evidence = report.evidence.get()
    services.evidence_delete(actor=tree.member_a, evidence=evidence)
    evidence.refresh_from_db()
    assert evidence.deleted_by == tree.member_a
    assert Evidence.objects.alive().count() == 0
    assert Evidence.objects.count() == 1


def test_supervisor_returns_a_report_and_the_commitment_shows_returned_until_a_new_report(tree, commitment):
    report = services.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=50, text="x", today=TODAY
    )
    with pytest.raises(OutOfScope):
        services.report_return(actor=tree.member_a, report=report, note="Tự trả lại")
    with pytest.raises(BusinessError) as exc:
        services.report_return(actor=tree.secretary_a, report=report, note="")
    assert exc.value.message == services.MSG_RETURN_NOTE
    services.report_return(actor=tree.secretary_a, report=report, note="Thiếu minh chứng")
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, TODAY) == st.RETURNED
    services.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=70, text="Bổ sung", today=TODAY
    )
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, TODAY) == st.OPEN_ON_TIME


def test_supervisor_accepts_a_report_once(tree, commitment):
    report = services.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=50, text="x", today=TODAY
    )
    services.report_accept(actor=tree.secretary_a, report=report)
    assert ProgressReport.objects.get().review_state == ReviewState.ACCEPTED
    with pytest.raises(BusinessError) as exc:
        services.report_accept(actor=tree.secretary_a, report=report)
    assert exc.value.message == services.MSG_REPORT_DECIDED


def test_completion_on_the_deadline_is_on_time_and_a_returned_completion_reopens(tree, commitment):
    services.commitment_complete(
        actor=tree.member_a,
        commitment=commitment,
        completed_on=dt.date(2026, 4, 30),
        today=dt.date(2026, 5, 2),
    )
    commitment.refresh_from_db()
    # The member's own completion waits for the reviewer; confirmed later, it is on time by its date.
    assert st.commitment_status(commitment, dt.date(2026, 5, 2)) == st.AWAITING_CONFIRMATION
    services.completion_confirm(actor=tree.secretary_a, commitment=commitment)
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, dt.date(2026, 5, 9)) == st.DONE_ON_TIME
    services.commitment_return(actor=tree.secretary_a, commitment=commitment, note="Chưa có sản phẩm")
    commitment.refresh_from_db()
    assert commitment.completed_on is None
    assert st.commitment_status(commitment, dt.date(2026, 5, 2)) == st.RETURNED


def test_completion_in_the_future_is_refused(tree, commitment):
    with pytest.raises(BusinessError) as exc:
        services.commitment_complete(
            actor=tree.member_a, commitment=commitment, completed_on=dt.date(2026, 3, 11), today=TODAY
        )
    assert exc.value.message == services.MSG_COMPLETED_FUTURE


def test_completing_a_cancelled_commitment_is_refused(tree, commitment):
    services.commitment_halt(
        actor=tree.secretary_a,
        commitment=commitment,
        halt="cancelled",
        reason="Không còn phù hợp",
        today=TODAY,
    )
    commitment.refresh_from_db()
    assert commitment.halted_by == tree.secretary_a
    assert st.commitment_status(commitment, TODAY) == st.CANCELLED
    with pytest.raises(BusinessError) as exc:
        services.commitment_complete(
            actor=tree.member_a, commitment=commitment, completed_on=TODAY, today=TODAY
        )
    assert exc.value.message == services.MSG_CANCELLED


def test_halt_needs_a_reason_and_a_suspended_commitment_can_resume(tree, commitment):
    with pytest.raises(BusinessError) as exc:
        services.commitment_halt(actor=tree.secretary_a, commitment=commitment, halt="suspended", reason=" ")
    assert exc.value.message == services.MSG_HALT_REASON
    services.commitment_halt(
        actor=tree.secretary_a, commitment=commitment, halt="suspended", reason="Chờ chỉ đạo"
    )
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, TODAY) == st.SUSPENDED
    services.commitment_resume(actor=tree.secretary_a, commitment=commitment)
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, TODAY) == st.OPEN_ON_TIME


def test_extension_granted_keeps_the_original_deadline(tree, commitment):
    extension = services.extension_request(
        actor=tree.member_a,
        commitment=commitment,
        requested_deadline=dt.date(2026, 5, 31),
        reason="Chờ số liệu",
    )
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, TODAY) == st.EXTENSION_REQUESTED
    with pytest.raises(BusinessError) as exc:
        services.extension_request(
            actor=tree.member_a,
            commitment=commitment,
            requested_deadline=dt.date(2026, 6, 30),
            reason="Lần nữa",
        )
    assert exc.value.message == services.MSG_EXTENSION_PENDING
    with pytest.raises(OutOfScope):
        services.extension_decide(actor=tree.member_a, extension=extension, grant=True)
    services.extension_decide(actor=tree.secretary_a, extension=extension, grant=True, note="Đồng ý")
    commitment.refresh_from_db()
    assert commitment.deadline == dt.date(2026, 5, 31)
    assert commitment.original_deadline == dt.date(2026, 4, 30)
    assert st.commitment_status(commitment, dt.date(2026, 5, 15)) == st.OPEN_ON_TIME
    assert st.commitment_status(commitment, dt.date(2026, 5, 15), against_original=True) == st.OPEN_OVERDUE


def test_extension_must_be_later_than_the_current_deadline(tree, commitment):
    with pytest.raises(BusinessError) as exc:
        services.extension_request(
            actor=tree.member_a, commitment=commitment, requested_deadline=dt.date(2026, 4, 30), reason="x"
        )
    assert exc.value.message == services.MSG_EXTENSION_LATER.format(deadline="30/04/2026")


def test_refused_extension_keeps_the_deadline(tree, commitment):
    extension = services.extension_request(
        actor=tree.member_a, commitment=commitment, requested_deadline=dt.date(2026, 5, 31), reason="x"
    )
    services.extension_decide(actor=tree.secretary_a, extension=extension, grant=False, note="Không đồng ý")
    commitment.refresh_from_db()
    assert commitment.deadline == dt.date(2026, 4, 30)
    assert not commitment.extension_pending
