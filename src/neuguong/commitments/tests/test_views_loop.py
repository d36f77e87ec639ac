"""The loop on the pages: messages that say what happened, confirming a completion, the boards' "Chờ tôi
xử lý" filter, and the organisation's confirmation rule."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neuguong.commitments import services
from neuguong.commitments.models import ProgressReport
from neuguong.core.dates import local_today

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def commitment(tree):
    return services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.branch_a,
        title="Đối thoại với cán bộ",
        deadline=local_today() + dt.timedelta(days=10),
        responsible_person=tree.person_a,
    )


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_accepting_a_report_says_whose_and_how_much(tree, login, commitment):
    report = services.progress_report_submit(
        actor=tree.member_a, commitment=commitment, percent=90, text="Gần xong"
    )
    url = reverse("commitments:report_review", args=[commitment.pk, report.pk, "accept"])
    response = login(tree.secretary_a).post(url, {"note": ""}, follow=True)
    assert "Đã xem xét báo cáo 90 % của Nguyễn Nam Đình: chấp nhận." in messages_of(response)


def test_a_member_completes_with_evidence_and_the_secretary_confirms(tree, login, commitment):
    member = login(tree.member_a)
    response = member.post(
        reverse("commitments:complete", args=[commitment.pk]),
        {
            "completed_on": local_today().isoformat(),
            "note": "Đã đối thoại đủ 10 phòng",
            "files": SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"),
        },
        follow=True,
    )
    assert "chờ cấp ủy xác nhận" in messages_of(response)
    page = response.content.decode()
    assert "Chờ xác nhận" in page and "bien-ban.pdf" in page
    assert "Xác nhận hoàn thành</button>" not in page  # the member cannot confirm their own
    secretary = login(tree.secretary_a)
    page = secretary.get(reverse("commitments:detail", args=[commitment.pk])).content.decode()
    assert "Xác nhận hoàn thành</button>" in page
    response = secretary.post(
        reverse("commitments:confirm", args=[commitment.pk]), {"note": "Tốt"}, follow=True
    )
    assert "Đã xác nhận hoàn thành «Đối thoại với cán bộ» của Nguyễn Nam Đình." in messages_of(response)
    assert "Đã hoàn thành – đúng hạn" in response.content.decode()
    assert ProgressReport.objects.get(commitment=commitment).review_state == "accepted"
    assert (
        login(tree.secretary_b).post(reverse("commitments:confirm", args=[commitment.pk])).status_code == 404
    )


def test_the_board_filters_what_waits_for_me(tree, login, commitment):
    other = services.commitment_create(
        actor=tree.secretary_a,
        organization=tree.branch_a,
        title="Việc chưa ai báo cáo",
        deadline=local_today() + dt.timedelta(days=10),
        responsible_person=tree.person_a2,
    )
    services.progress_report_submit(actor=tree.member_a, commitment=commitment, percent=50, text="Một nửa")
    body = login(tree.secretary_a).get(reverse("commitments:board"), {"waiting": "1"}).content.decode()
    assert "Đối thoại với cán bộ" in body and other.title not in body
    assert 'name="waiting" value="1" id="waiting" checked' in body
    # The bloc office reads the board too, but the chi bộ's committee reviews this one.
    assert (
        "Đối thoại với cán bộ"
        not in login(tree.staff).get(reverse("commitments:board"), {"waiting": "1"}).content.decode()
    )


def test_the_organisation_sets_whether_completions_wait(tree, login):
    url = reverse("commitments:completion_policy", args=["A"])
    client = login(tree.secretary_a)
    assert "cần xác nhận" in client.get(url).content.decode()
    response = client.post(url, {}, follow=True)  # unticked: no confirmation needed
    assert "Đã lưu: hoàn thành do người thực hiện báo cáo không cần xác nhận (Đảng bộ Sở Tài chính)." in (
        messages_of(response)
    )
    assert not services.needs_confirmation(tree.branch_a)
    assert login(tree.secretary_b).get(url).status_code == 404
    assert login(tree.member_a).get(url).status_code == 404
    org_page = login(tree.secretary_a).get(reverse("organizations:detail", args=["A"])).content.decode()
    assert url in org_page
