"""The daily loop of a commitment: what a member sends reaches the reviewer, what the reviewer decides
reaches the member, and a member's own completion waits for confirmation where the organisation says so."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from neuguong.commitments import services
from neuguong.commitments import status as st
from neuguong.commitments.models import Evidence, ProgressReport, ReviewState
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.tests.factories import created_on
from neuguong.notifications.models import Notification

TODAY = dt.date(2026, 3, 10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def commitment(tree):
    return _created(
        actor=tree.secretary_a,
        organization=tree.branch_a,
        title="Đối thoại với cán bộ",
        deadline=dt.date(2026, 4, 30),
        responsible_person=tree.person_a,
        today=TODAY,
    )


def _created(**fields):
    """A commitment created on TODAY: completions are refused before the day a commitment was assigned."""
    return created_on(services.commitment_create(**fields), TODAY)


def told(user, kind: str | None = None) -> list[str]:
    qs = Notification.objects.filter(recipient=user).order_by("id")
    return list((qs.filter(kind=kind) if kind else qs).values_list("title", flat=True))


def test_the_member_is_told_of_the_assignment(tree, commitment):
    assert told(tree.member_a, "commitments.assigned") == [
        "secretary_a giao nhiệm vụ, hạn 30/04/2026 — Đối thoại với cán bộ"
    ]


def test_a_report_reaches_the_reviewer_and_the_decision_comes_back(tree, commitment):
    report = services.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=90, text="Đã đối thoại 9/10 phòng", today=TODAY
    )
    # branch_a has no secretary account: org_a's secretary reviews it; nobody else is told.
    (notice,) = Notification.objects.filter(kind="commitments.report_submitted")
    assert notice.recipient == tree.secretary_a
    assert notice.title == "Nguyễn Nam Đình báo cáo 90 % — Đối thoại với cán bộ"
    assert notice.text == "Đã đối thoại 9/10 phòng" and notice.url == f"/cam-ket/{commitment.pk}/"
    assert notice.target == commitment and notice.actor == tree.member_a
    services.report_accept(actor=tree.secretary_a, report=report, note="Tốt")
    # Done: the reviewer's notice no longer counts as unread.
    assert Notification.objects.get(kind="commitments.report_submitted").read_at is not None
    assert told(tree.member_a, "commitments.report_accepted") == [
        "secretary_a đã chấp nhận báo cáo 90 % — Đối thoại với cán bộ"
    ]


def test_a_returned_report_reaches_the_member_and_shows_as_returned(tree, commitment):
    report = services.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=40, text="Một phần", today=TODAY
    )
    services.extension_request(
        actor=tree.member_a, commitment=commitment, requested_deadline=dt.date(2026, 6, 30), reason="Chờ lịch"
    )
    services.report_return(actor=tree.secretary_a, report=report, note="Thiếu biên bản")
    (notice,) = Notification.objects.filter(recipient=tree.member_a, kind="commitments.returned")
    assert notice.title == "secretary_a trả lại báo cáo 40 % — Đối thoại với cán bộ"
    assert notice.text == "Thiếu biên bản"
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, TODAY) == st.RETURNED  # not "Đề nghị gia hạn"


def test_extensions_reach_the_reviewer_and_the_decision_the_member(tree, commitment):
    extension = services.extension_request(
        actor=tree.member_a, commitment=commitment, requested_deadline=dt.date(2026, 6, 30), reason="Chờ lịch"
    )
    assert told(tree.secretary_a, "commitments.extension_requested") == [
        "Nguyễn Nam Đình đề nghị gia hạn đến 30/06/2026 — Đối thoại với cán bộ"
    ]
    services.extension_decide(actor=tree.secretary_a, extension=extension, grant=False, note="Không đủ lý do")
    assert told(tree.member_a, "commitments.extension_decided") == [
        "secretary_a không đồng ý gia hạn đến 30/06/2026 — Đối thoại với cán bộ"
    ]


def test_a_member_completion_with_evidence_waits_for_confirmation(tree, commitment):
    done = services.commitment_complete(
        actor=tree.member_a,
        commitment=commitment,
        completed_on=dt.date(2026, 4, 29),
        note="Đã xong",
        files=[SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")],
        today=dt.date(2026, 4, 29),
    )
    assert done.completion_pending and done.completed_on == dt.date(2026, 4, 29)
    assert st.commitment_status(done, dt.date(2026, 5, 10)) == st.AWAITING_CONFIRMATION
    report = ProgressReport.objects.get(commitment=commitment)
    assert (report.percent, report.review_state, report.text) == (100, ReviewState.PENDING, "Đã xong")
    assert Evidence.objects.get(report=report).original_name == "bien-ban.pdf"
    assert told(tree.secretary_a, "commitments.completion_submitted") == [
        "Nguyễn Nam Đình báo cáo hoàn thành ngày 29/04/2026, chờ xác nhận — Đối thoại với cán bộ"
    ]
    with pytest.raises(OutOfScope):
        services.completion_confirm(actor=tree.member_a, commitment=commitment)
    services.completion_confirm(actor=tree.secretary_a, commitment=commitment, note="Đạt yêu cầu")
    commitment.refresh_from_db()
    # Confirmed after the deadline, it is on time by the date the member gave.
    assert st.commitment_status(commitment, dt.date(2026, 5, 10)) == st.DONE_ON_TIME
    assert ProgressReport.objects.get(commitment=commitment).review_state == ReviewState.ACCEPTED
    assert told(tree.member_a, "commitments.completion_confirmed") == [
        "secretary_a đã xác nhận hoàn thành — Đối thoại với cán bộ"
    ]
    with pytest.raises(BusinessError) as exc:
        services.completion_confirm(actor=tree.secretary_a, commitment=commitment)
    assert exc.value.message == services.MSG_NOTHING_TO_CONFIRM


def test_accepting_the_completion_report_confirms_it_and_returning_it_reopens(tree, commitment):
    services.commitment_complete(
        actor=tree.member_a,
        commitment=commitment,
        completed_on=TODAY,
        files=[SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")],
        today=TODAY,
    )
    report = ProgressReport.objects.get(commitment=commitment)
    services.report_return(actor=tree.secretary_a, report=report, note="Ảnh mờ")
    commitment.refresh_from_db()
    assert (commitment.completed_on, commitment.completion_pending) == (None, False)
    assert st.commitment_status(commitment, TODAY) == st.RETURNED
    # One notice for the one decision.
    assert told(tree.member_a, "commitments.returned") == [
        "secretary_a trả lại kết quả hoàn thành — Đối thoại với cán bộ"
    ]
    services.commitment_complete(
        actor=tree.member_a,
        commitment=commitment,
        completed_on=TODAY,
        files=[SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf")],
        today=TODAY,
    )
    second = ProgressReport.objects.filter(commitment=commitment, review_state=ReviewState.PENDING).get()
    services.report_accept(actor=tree.secretary_a, report=second)
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, TODAY) == st.DONE_ON_TIME


def test_a_reviewers_completion_is_final_and_the_policy_is_set_per_subtree(tree, commitment):
    services.commitment_complete(
        actor=tree.secretary_a, commitment=commitment, completed_on=TODAY, today=TODAY
    )
    commitment.refresh_from_db()
    assert st.commitment_status(commitment, TODAY) == st.DONE_ON_TIME
    assert not Notification.objects.filter(kind="commitments.completion_submitted").exists()
    assert services.needs_confirmation(tree.branch_a)
    services.completion_policy_set(actor=tree.secretary_a, organization=tree.org_a, needs_confirmation=False)
    assert not services.needs_confirmation(tree.branch_a)  # inherited from org_a
    assert services.needs_confirmation(tree.org_b)
    with pytest.raises(OutOfScope):
        services.completion_policy_set(actor=tree.member_a, organization=tree.org_a, needs_confirmation=True)
    other = _created(
        actor=tree.secretary_a,
        organization=tree.branch_a,
        title="Việc khác",
        deadline=dt.date(2026, 4, 30),
        responsible_person=tree.person_a,
        today=TODAY,
    )
    services.commitment_complete(actor=tree.member_a, commitment=other, completed_on=TODAY, today=TODAY)
    other.refresh_from_db()
    assert st.commitment_status(other, TODAY) == st.DONE_ON_TIME


def test_the_setting_decides_where_no_organisation_did(tree, commitment, settings):
    settings.COMMITMENT_COMPLETION_NEEDS_CONFIRMATION = False
    services.commitment_complete(actor=tree.member_a, commitment=commitment, completed_on=TODAY, today=TODAY)
    commitment.refresh_from_db()
    assert not commitment.completion_pending


def test_a_refused_change_tells_nobody(tree, commitment):
    before = Notification.objects.count()
    with pytest.raises(BusinessError):
        services.progress_report_submit(actor=tree.member_a, commitment=commitment, percent=140, text="x")
    with pytest.raises(ValueError), transaction.atomic():
        services.progress_report_submit(actor=tree.member_a, commitment=commitment, percent=20, text="x")
        raise ValueError("the caller's transaction fails after the service")
    assert Notification.objects.count() == before
