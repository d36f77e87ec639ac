import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document as Docx

from neuguong.access.models import Role
from neuguong.core.tests.factories import OrganizationFactory, PersonFactory, UserFactory, grant
from neuguong.docengine.docformat import document_text
from neuguong.documents import services as documents
from neuguong.meetings import services
from neuguong.meetings.models import Meeting, MeetingDocument, MeetingRecord, ResolutionItem
from neuguong.organizations.models import OrgKind

from .factories import plan

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_secretary_plans_announces_holds_and_records_a_meeting_through_the_pages(tree, login):
    client = login(tree.secretary_a)
    start = timezone.now() + dt.timedelta(days=6)
    response = client.post(
        reverse("meetings:create"),
        {
            "organization": tree.branch_a.pk,
            "kind": "regular",
            "starts_at": _local(start),
            "place": "Phòng họp tầng 2",
            "topic": "Kiểm điểm nhiệm vụ tháng",
            "preparer": tree.person_a2.pk,
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse(
        "meetings:detail", args=[meeting.pk]
    )
    assert meeting.preparer == tree.person_a2
    # A second regular meeting the same month: the error is next to the time, the input kept.
    again = client.post(
        reverse("meetings:create"),
        {
            "organization": tree.branch_a.pk,
            "kind": "regular",
            "starts_at": _local(start + dt.timedelta(days=1)),
            "place": "Phòng họp",
            "topic": "Lần hai",
        },
    )
    page = again.content.decode()
    assert again.status_code == 200 and "Mỗi tháng một buổi thường kỳ" in page and "Lần hai" in page
    assert Meeting.objects.count() == 1
    response = client.post(reverse("meetings:announce", args=[meeting.pk]), follow=True)
    assert "Đã thông báo" in response.content.decode() and "tới 2 đảng viên" in response.content.decode()
    # The member answers on the phone.
    member = login(tree.member_a)
    response = member.post(reverse("meetings:reply", args=[meeting.pk]), {"reply": "attending"}, follow=True)
    assert "Đã xác nhận dự họp." in response.content.decode()
    # It took place (the times moved into the past for the test).
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=3))
    meeting.refresh_from_db()
    client = login(tree.secretary_a)
    response = client.post(
        reverse("meetings:hold", args=[meeting.pk]),
        {
            "started_at": _local(meeting.starts_at),
            "ended_at": _local(timezone.now() - dt.timedelta(minutes=50)),
        },
    )
    assert response.status_code == 303
    response = client.post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {
            f"status_{tree.person_a.pk}": "present",
            f"status_{tree.person_a2.pk}": "excused",
            f"reason_{tree.person_a2.pk}": "Đi công tác",
        },
        follow=True,
    )
    assert "Đã lưu điểm danh: 2 thay đổi." in response.content.decode()
    deadline = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("meetings:items", args=[meeting.pk]),
        {
            "items-TOTAL_FORMS": "3",
            "items-INITIAL_FORMS": "0",
            "items-0-title": "Nộp báo cáo số hóa hồ sơ",
            "items-0-responsible_person": tree.person_a.pk,
            "items-0-deadline": deadline,
            "items-1-title": "",
        },
        follow=True,
    )
    assert "Đã giao 1 nhiệm vụ theo nghị quyết cho Nguyễn Nam Đình." in response.content.decode()
    assert ResolutionItem.objects.count() == 1
    response = client.post(
        reverse("meetings:record_edit", args=[meeting.pk, "nghi-quyet"]),
        {
            "body": "Chi bộ hoàn thành tốt nhiệm vụ.",
            "closing": "Tháng tới:",
            "votes_for": 1,
            "votes_against": 0,
            "votes_abstain": 0,
            "approve": "1",
        },
        follow=True,
    )
    assert "Đã duyệt nghị quyết" in response.content.decode()
    docx = client.get(reverse("meetings:record_file", args=[meeting.pk, "nghi-quyet", "docx"]))
    text = document_text(docx.content)
    assert "NGHỊ QUYẾT" in text and "T/M CHI BỘ" in text and "Nộp báo cáo số hóa hồ sơ" in text
    assert "CHI BỘ PHÒNG NGÂN SÁCH" in text and "ĐẢNG BỘ SỞ TÀI CHÍNH" in text
    # The member, invited, reads the approved resolution but not the minutes.
    assert (
        member.get(reverse("meetings:record_file", args=[meeting.pk, "nghi-quyet", "docx"])).status_code
        == 200
    )
    assert (
        member.get(reverse("meetings:record_file", args=[meeting.pk, "bien-ban", "docx"])).status_code == 404
    )


def test_the_next_meeting_page_opens_with_what_was_decided_last_time(tree, held, login):
    services.resolution_items_add(
        actor=tree.secretary_a,
        meeting=held,
        items=[
            {
                "title": "Nộp báo cáo quý",
                "responsible_person": tree.person_a,
                "deadline": timezone.localdate() + dt.timedelta(days=9),
            }
        ],
    )
    following = plan(tree.secretary_a, tree.branch_a, kind="thematic")
    services.meeting_announce(actor=tree.secretary_a, meeting=following)
    page = login(tree.member_a).get(reverse("meetings:detail", args=[following.pk])).content.decode()
    last_time = page.index('id="last-time"')
    assert last_time < page.index('id="agenda"')
    assert "Kỳ trước đã quyết nghị" in page and "Nộp báo cáo quý" in page[last_time:]
    assert "Chưa hoàn thành – trong hạn" in page[last_time:]


def test_approving_the_minutes_twice_and_editing_approved_minutes_are_refused_on_the_page(tree, held, login):
    client = login(tree.secretary_a)
    url = reverse("meetings:record_edit", args=[held.pk, "bien-ban"])
    client.post(url, {"body": "Diễn biến", "approve": "1"})
    assert MeetingRecord.objects.get().state == "approved"
    response = client.post(
        reverse("meetings:record_approve", args=[held.pk, "bien-ban"]),
        follow=True,
        HTTP_REFERER=f"http://testserver{reverse('meetings:detail', args=[held.pk])}",
    )
    assert services.MSG_RECORD_NOT_DRAFT.format(kind="Biên bản") in response.content.decode()
    response = client.post(url, {"body": "Sửa lén"})
    assert services.MSG_RECORD_APPROVED.format(kind="Biên bản") in response.content.decode()
    assert MeetingRecord.objects.get().body == "Diễn biến"


def test_a_held_time_in_the_future_is_refused_next_to_the_field(tree, announced, login):
    response = login(tree.secretary_a).post(
        reverse("meetings:hold", args=[announced.pk]),
        {
            "started_at": _local(announced.starts_at),
            "ended_at": _local(announced.starts_at + dt.timedelta(minutes=95)),
        },
    )
    assert response.status_code == 200 and services.MSG_HELD_FUTURE in response.content.decode()
    announced.refresh_from_db()
    assert announced.state == "announced"


def _docx_with(*lines: str) -> bytes:
    doc = Docx()
    for line in lines:
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("upload", "data", "message"),
    [
        (SimpleUploadedFile("chay-thu.exe", b"MZ\x90\x00" * 10), {}, "không được chấp nhận"),
        (SimpleUploadedFile("bao-cao.pdf", b"MZ\x90\x00" * 10), {}, "không khớp với phần mở rộng"),
        (SimpleUploadedFile("mat.pdf", PDF), {"classification": "mat"}, services.MSG_CLASSIFIED),
        (
            SimpleUploadedFile("mat.docx", _docx_with("MẬT", "Nội dung")),
            {},
            services.MSG_CLASSIFIED_FILE.format(mark="MẬT"),
        ),
    ],
)
def test_an_executable_or_classified_upload_is_refused_and_nothing_is_stored(
    tree, announced, login, upload, data, message
):
    response = login(tree.secretary_a).post(
        reverse("meetings:document_add", args=[announced.pk]),
        {"title": "", "release": "on", "file": upload, **data},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not MeetingDocument.objects.exists()


def test_invitees_read_exactly_their_meetings_documents(tree, announced, login):
    """A document of another chi bộ used at branch_a's meeting: its invitee reads it once it is made
    available; a member of another chi bộ still gets a 404, and so does the invitee for one not sent."""
    elsewhere = OrganizationFactory(
        code="C", name="Chi bộ Sở Y tế", kind=OrgKind.GRASSROOTS_BRANCH, parent=tree.root
    )
    registered = documents.document_register(
        actor=tree.staff,
        organization=elsewhere,
        doc_type="plan",
        number_text="7-KH/CB",
        issued_on=dt.date(2026, 1, 5),
        summary="Kế hoạch sinh hoạt chuyên đề",
        today=timezone.localdate(),
    )
    other_user = UserFactory(username="member_b")
    grant(other_user, Role.MEMBER, tree.org_b)
    PersonFactory(full_name="Đảng Viên Chi Bộ B", organization=tree.org_b, user=other_user)
    member, other = login(tree.member_a), None
    url = reverse("documents:detail", args=[registered.pk])
    assert member.get(url).status_code == 404
    shared = services.document_add(actor=tree.staff, meeting=announced, document=registered, release=False)
    assert member.get(url).status_code == 404  # not made available yet
    services.document_release(actor=tree.staff, document=shared)
    assert member.get(url).status_code == 200
    upload = services.document_add(
        actor=tree.secretary_a,
        meeting=announced,
        title="Dự thảo nghị quyết",
        upload=SimpleUploadedFile("du-thao.pdf", PDF),
    )
    hidden = services.document_add(
        actor=tree.secretary_a,
        meeting=announced,
        title="Chưa gửi",
        upload=SimpleUploadedFile("chua.pdf", PDF),
        release=False,
    )
    file_url = reverse("meetings:document_file", args=[announced.pk, upload.pk])
    assert member.get(file_url).status_code == 200
    assert member.get(reverse("meetings:document_file", args=[announced.pk, hidden.pk])).status_code == 404
    other = login(other_user)
    assert other.get(url).status_code == 404
    assert other.get(file_url).status_code == 404
    services.document_withdraw(actor=tree.secretary_a, document=shared)
    assert login(tree.member_a).get(url).status_code == 404


def test_the_qr_page_links_to_a_check_in_that_marks_the_member_present(tree, announced, login):
    page = login(tree.secretary_a).get(reverse("meetings:qr", args=[announced.pk])).content.decode()
    start = page.index('id="checkin-link">') + len('id="checkin-link">')
    link = page[start : page.index("</a>", start)].replace("&amp;", "&").replace("http://testserver", "")
    member = login(tree.member_a)
    assert "Xác nhận có mặt" in member.get(link).content.decode()
    token = link.split("t=")[1]
    response = member.post(reverse("meetings:checkin", args=[announced.pk]), {"t": token})
    assert "Đã ghi nhận có mặt" in response.content.decode()
    assert announced.invitees.get(person=tree.person_a).status == "present"
    forged = member.get(reverse("meetings:checkin", args=[announced.pk]), {"t": "gia-mao"})
    assert forged.status_code == 400 and services.MSG_QR_INVALID in forged.content.decode()
