"""Pages, exports and API: a role × inside/outside-subtree matrix, query counts, and the main journeys."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.access.services import api_token_create
from neuguong.core.office_sheet import FIRST_DATA_ROW
from neuguong.core.tests.factories import PersonFactory
from neuguong.organizations.forms import MSG_ORGANIZATION_NOT_FOUND
from neuguong.study import rules, services
from neuguong.study.models import Attendance, Invitee, Reflection

from .factories import make_campaign, make_session, question_rows, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tree):
    campaign = make_campaign(tree.secretary_a, tree.org_a, title="Nghị quyết 57 tại Đảng bộ A")
    services.invitees_generate(actor=tree.secretary_a, campaign=campaign)
    session = make_session(tree.secretary_a, campaign)
    invitee = Invitee.objects.get(campaign=campaign, person=tree.person_a)
    return campaign, session, invitee


def pages(campaign, session, invitee):
    c, s, i = campaign.pk, session.pk, invitee.pk
    return {
        "detail": reverse("study:campaign_detail", args=[c]),
        "invitees": reverse("study:invitee_list", args=[c]),
        "attendance": reverse("study:session_attendance", args=[c, s]),
        "qr": reverse("study:session_qr", args=[c, s]),
        "reflections": reverse("study:reflection_list", args=[c]),
        "review": reverse("study:reflection_review", args=[c, i]),
        "enter": reverse("study:reflection_enter", args=[c, i]),
        "questions": reverse("study:questions", args=[c]),
        "round_create": reverse("study:round_create", args=[c]),
        "xlsx": reverse("study:campaign_xlsx", args=[c]),
        "docx": reverse("study:campaign_docx", args=[c]),
    }


# Who gets 200 on which page: everything else must be 404 (the same as a missing record).
ALLOWED = {
    "staff": {
        "detail",
        "invitees",
        "attendance",
        "qr",
        "reflections",
        "review",
        "enter",
        "questions",
        "round_create",
        "xlsx",
        "docx",
    },
    "secretary_a": {
        "detail",
        "invitees",
        "attendance",
        "qr",
        "reflections",
        "review",
        "enter",
        "questions",
        "round_create",
        "xlsx",
        "docx",
    },
    "inspector_a": {"detail", "invitees", "reflections", "review", "xlsx", "docx"},
    "member_a": {"detail", "review"},  # their own reflection page
    "secretary_b": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("username", sorted(ALLOWED))
def test_role_by_scope_matrix_for_pages_and_exports(tree, setup, login, username):
    client = login(getattr(tree, username))
    for name, url in pages(*setup).items():
        response = client.get(url)
        expected = 200 if name in ALLOWED[username] else 404
        assert response.status_code == expected, (username, name, response.status_code)


@pytest.mark.parametrize(
    "username,visible",
    [
        ("staff", True),
        ("secretary_a", True),
        ("inspector_a", True),
        ("member_a", True),
        ("secretary_b", False),
        ("outsider", False),
    ],
)
def test_api_is_scoped_as_the_pages(tree, setup, client, username, visible):
    campaign = setup[0]
    token = api_token_create(user=getattr(tree, username))
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    listing = client.get("/api/v1/study/campaigns", **headers).json()
    assert [item["id"] for item in listing["items"]] == ([campaign.pk] if visible else [])
    detail = client.get(f"/api/v1/study/campaigns/{campaign.pk}", **headers)
    assert detail.status_code == (200 if visible else 404)


def test_api_counts_attendance_and_submissions(tree, setup, client):
    campaign, session, invitee = setup
    services.attendance_mark(actor=tree.secretary_a, session=session, person=tree.person_a, status="present")
    services.reflection_save(
        actor=tree.member_a,
        invitee=invitee,
        answers=["a", "b"],
        submit=True,
        plan_items=[{"title": "Việc 1", "deadline": dt.date.today() + dt.timedelta(days=30)}],
    )
    token = api_token_create(user=tree.staff)
    item = client.get("/api/v1/study/campaigns", HTTP_AUTHORIZATION=f"Bearer {token}").json()["items"][0]
    assert (item["invited"], item["attended"], item["reflections_submitted"], item["reflections_graded"]) == (
        2,
        1,
        1,
        0,
    )
    detail = client.get(f"/api/v1/study/campaigns/{campaign.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert detail["organizations"][0]["organization"] == "A1"
    assert detail["organizations"][0]["attendance_rate"] == 50.0


def test_bloc_campaign_is_visible_to_a_grassroots_secretary_with_only_their_numbers(tree, client):
    campaign = make_campaign(tree.staff, tree.root)
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    token = api_token_create(user=tree.secretary_b)
    item = client.get("/api/v1/study/campaigns", HTTP_AUTHORIZATION=f"Bearer {token}").json()["items"][0]
    assert item["invited"] == 1


def test_campaign_list_query_count_does_not_grow_with_campaigns(tree, login, django_assert_max_num_queries):
    for n in range(15):
        campaign = make_campaign(tree.staff, tree.root, title=f"Nghị quyết số {n}")
        services.invitees_generate(actor=tree.staff, campaign=campaign)
    client = login(tree.secretary_a)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("study:campaign_list"))
    assert response.status_code == 200
    assert response.content.decode().count("Nghị quyết số") == 15


def test_attendance_and_reflection_lists_have_bounded_queries(
    tree, setup, login, django_assert_max_num_queries
):
    campaign, session, _ = setup
    for _ in range(20):
        PersonFactory(organization=tree.branch_a)
    services.invitees_generate(actor=tree.secretary_a, campaign=campaign)
    client = login(tree.secretary_a)
    for url in (
        reverse("study:session_attendance", args=[campaign.pk, session.pk]),
        reverse("study:reflection_list", args=[campaign.pk]),
        reverse("study:invitee_list", args=[campaign.pk]),
    ):
        with django_assert_max_num_queries(14):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("study:campaign_detail", args=[campaign.pk])).status_code == 200


def test_secretary_marks_attendance_on_the_sheet(tree, setup, login):
    campaign, session, invitee = setup
    other = Invitee.objects.get(campaign=campaign, person=tree.person_a2)
    client = login(tree.secretary_a)
    url = reverse("study:session_attendance", args=[campaign.pk, session.pk])
    response = client.post(
        url, {f"status_{invitee.pk}": "present", f"status_{other.pk}": "excused", f"reason_{other.pk}": ""}
    )
    assert response.status_code == 200
    assert services.MSG_REASON_REQUIRED in response.content.decode()
    assert not Attendance.objects.exists()
    response = client.post(
        url, {f"status_{invitee.pk}": "present", f"status_{other.pk}": "excused", f"reason_{other.pk}": "Ốm"}
    )
    assert response.status_code == 302
    assert dict(Attendance.objects.values_list("invitee_id", "status")) == {
        invitee.pk: "present",
        other.pk: "excused",
    }


def test_qr_page_shows_a_code_and_the_phone_link_checks_in(tree, setup, login):
    campaign, session, _ = setup
    client = login(tree.secretary_a)
    page = client.get(reverse("study:session_qr", args=[campaign.pk, session.pk])).content.decode()
    assert 'src="data:image/svg+xml' in page
    token = rules.checkin_token(campaign.pk, session.pk)
    client = login(tree.member_a)
    url = reverse("study:checkin", args=[campaign.pk, session.pk])
    assert "Xác nhận có mặt" in client.get(url, {"t": token}).content.decode()
    response = client.post(url, {"t": token})
    assert response.status_code == 200
    assert Attendance.objects.get().method == "qr"


def test_the_qr_page_renews_its_code_by_itself_before_it_expires(tree, setup, login):
    campaign, session, _ = setup
    client = login(tree.secretary_a)
    url = reverse("study:session_qr", args=[campaign.pk, session.pk])
    page = client.get(url).content.decode()
    # The code's block asks for a fresh one every few minutes, far inside the code's lifetime.
    assert f'hx-get="{url}" hx-trigger="every {rules.QR_RENEW_SECONDS}s" hx-swap="outerHTML"' in page
    assert rules.CHECKIN_MAX_AGE.total_seconds() >= rules.QR_RENEW_SECONDS * 2
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="qr-code"') and "<html" not in fragment
    assert 'src="data:image/svg+xml' in fragment and "Mã tự làm mới mỗi 10 phút" in fragment
    token = re.search(r"\?t=([^\"<]+)", fragment).group(1)
    rules.checkin_token_check(token.replace("&amp;", "&"), campaign_id=campaign.pk, session_id=session.pk)


def test_qr_link_of_another_session_shows_the_error(tree, setup, login):
    campaign, session, _ = setup
    other = make_session(tree.secretary_a, campaign, title="Buổi 2")
    client = login(tree.member_a)
    url = reverse("study:checkin", args=[campaign.pk, session.pk])
    response = client.post(url, {"t": rules.checkin_token(campaign.pk, other.pk)})
    assert response.status_code == 400
    assert services.MSG_QR_MISMATCH in response.content.decode()
    assert not Attendance.objects.exists()


def test_member_writes_reflection_and_secretary_grades_it(tree, setup, login):
    campaign, _, invitee = setup
    client = login(tree.member_a)
    deadline = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    response = client.post(
        reverse("study:reflection_mine", args=[campaign.pk]),
        {
            "answer_0": "Nội dung cốt lõi",
            "answer_1": "Liên hệ",
            "plan_0_title": "Số hóa hồ sơ",
            "plan_0_deadline": deadline,
            "submit": "1",
        },
    )
    assert response.status_code == 302
    assert Reflection.objects.get().status == "submitted"
    client = login(tree.secretary_a)
    response = client.post(
        reverse("study:reflection_review", args=[campaign.pk, invitee.pk]),
        {"review": "grade", "grade": "good", "note": "Tốt"},
    )
    assert response.status_code == 302
    assert Reflection.objects.get().grade == "good"


def test_a_reflection_posted_over_the_request_limit_gets_the_clear_message(tree, setup, login, settings):
    campaign = setup[0]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = login(tree.member_a)
    response = client.post(
        reverse("study:reflection_mine", args=[campaign.pk]),
        {"answer_0": "x" * 5000, "answer_1": "y", "submit": "1"},
    )
    assert response.status_code == 413
    assert "Bài thu hoạch quá dài" in response.content.decode()
    assert not Reflection.objects.exists()


def test_question_import_page_lists_row_errors(tree, setup, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    campaign = setup[0]
    client = login(tree.secretary_a)
    bad = xlsx_bytes([*question_rows(2), ("Câu ba?", "Có", "Không", "", "", "")])
    response = client.post(
        reverse("study:questions", args=[campaign.pk]), {"file": SimpleUploadedFile("cau-hoi.xlsx", bad)}
    )
    assert "Dòng 4: thiếu đáp án đúng." in response.content.decode()
    assert campaign.questions.count() == 0


def test_quiz_page_never_sends_the_answers(tree, setup, login):
    campaign = setup[0]
    services.questions_import(actor=tree.secretary_a, campaign=campaign, content=xlsx_bytes(question_rows(3)))
    now = dt.datetime.now(dt.UTC)
    quiz_round = services.quiz_round_create(
        actor=tree.secretary_a,
        campaign=campaign,
        title="Tuần này",
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=1),
        question_count=3,
        time_limit_minutes=10,
    )
    client = login(tree.member_a)
    response = client.post(reverse("study:round_start", args=[campaign.pk, quiz_round.pk]))
    attempt_url = response["Location"]
    page = client.get(attempt_url).content.decode()
    assert "Câu hỏi số 1?" in page
    assert "correct" not in page and "Đáp án" not in page
    response = client.post(attempt_url, {})
    assert response.status_code == 302
    response = client.post(attempt_url, {}, follow=True)
    assert services.MSG_ALREADY_SUBMITTED in response.content.decode()


def test_xlsx_annex_has_the_rows_the_user_may_see(tree, login):
    campaign = make_campaign(tree.staff, tree.root)
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    make_session(tree.staff, campaign)
    client = login(tree.secretary_b)
    content = client.get(reverse("study:campaign_xlsx", args=[campaign.pk])).content
    workbook = load_workbook(io.BytesIO(content))
    names = [row[1] for row in workbook["Danh sách"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]
    assert names == ["Nguyễn Văn Bình"]


def test_campaign_form_creates_a_campaign_linked_to_a_document_by_its_number(tree, login):
    from neuguong.documents.models import Document

    Document.objects.create(
        organization=tree.org_a,
        doc_type="plan",
        number=12,
        issuer="ĐU",
        term_key="2025-2030",
        issued_on=dt.date(2026, 1, 5),
        summary="Học tập Nghị quyết Đại hội XIV",
    )
    client = login(tree.secretary_a)
    form = {
        "title": "",
        "document_number": "12-kh/đu",
        "level": "grassroots",
        "organizer": "A",
        "audience_statuses": ["official", "probationary"],
        "reflection_questions": "Câu 1\nCâu 2",
    }
    response = client.post(reverse("study:campaign_create"), form)
    assert response.status_code == 302, response.context["form"].errors
    campaign = tree.org_a.study_campaigns.get()
    assert campaign.document.number_text == "12-KH/ĐU"
    assert campaign.reflection_questions == ["Câu 1", "Câu 2"]
    form["organizer"] = "B"
    response = client.post(reverse("study:campaign_create"), form)
    assert MSG_ORGANIZATION_NOT_FOUND in response.content.decode()


def test_member_home_shows_the_reflection_to_write_and_person_page_the_record(tree, setup, login):
    campaign = setup[0]
    home = login(tree.member_a).get(reverse("portal:home")).content.decode()
    assert "Viết thu hoạch" in home and campaign.title in home
    page = login(tree.secretary_a).get(reverse("people:detail", args=[tree.person_a.pk])).content.decode()
    assert "Học tập nghị quyết, bồi dưỡng LLCT" in page and "chưa dự học" in page


def test_attendance_sheet_filters_by_name_organisation_and_unmarked(tree, login):
    campaign = make_campaign(tree.staff, tree.root)
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    session = make_session(tree.staff, campaign)
    services.attendance_mark(actor=tree.staff, session=session, person=tree.person_a, status="present")
    client = login(tree.staff)
    url = reverse("study:session_attendance", args=[campaign.pk, session.pk])

    def names(**params):
        page = client.get(url, params).content.decode()
        return [n for n in ("Nguyễn Nam Đình", "Nguyễn Văn An", "Nguyễn Văn Bình") if n in page]

    assert names(q="nguyen van") == ["Nguyễn Văn An", "Nguyễn Văn Bình"]
    assert names(org="B") == ["Nguyễn Văn Bình"]
    assert names(org="A", chua="1") == ["Nguyễn Văn An"]
    assert login(tree.secretary_a).get(url, {"org": "B"}).status_code == 404


def test_organiser_edits_the_campaign_and_others_cannot(tree, setup, login):
    campaign = setup[0]
    url = reverse("study:campaign_edit", args=[campaign.pk])
    assert login(tree.inspector_a).get(url).status_code == 404
    assert login(tree.staff).get(url).status_code == 200
    client = login(tree.secretary_a)
    form = {
        "title": "Nghị quyết 57 (sửa)",
        "level": "grassroots",
        "audience_root": "A1",
        "audience_statuses": ["official", "probationary", "exempt"],
        "reflection_questions": "Một câu",
    }
    assert client.post(url, form).status_code == 302
    campaign.refresh_from_db()
    assert (campaign.title, campaign.audience_root, campaign.reflection_questions) == (
        "Nghị quyết 57 (sửa)",
        tree.branch_a,
        ["Một câu"],
    )
    assert campaign.includes_exempt
    form["audience_root"] = "B"
    assert MSG_ORGANIZATION_NOT_FOUND in client.post(url, form).content.decode()


def test_campaign_list_filters_sorts_and_exports_what_is_shown(tree, login):
    for title, level in (("Nghị quyết B", "bloc"), ("Nghị quyết A", "bloc"), ("Chỉ thị C", "central")):
        services.invitees_generate(
            actor=tree.staff, campaign=make_campaign(tree.staff, tree.root, title=title, level=level)
        )
    make_campaign(tree.secretary_b, tree.org_b, title="Nghị quyết của B", level="grassroots")
    client = login(tree.secretary_a)
    page = client.get(reverse("study:campaign_list"), {"level": "bloc", "sort": "title"}).content.decode()
    assert page.index("Nghị quyết A") < page.index("Nghị quyết B") and "Chỉ thị C" not in page
    content = client.get(reverse("study:campaign_list_xlsx"), {"level": "bloc", "sort": "title"}).content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert [r[1] for r in rows] == ["Nghị quyết A", "Nghị quyết B"]
    assert "Nghị quyết của B" not in client.get(reverse("study:campaign_list")).content.decode()


def test_checkin_page_reveals_nothing_without_a_valid_link(tree, setup, login):
    campaign, session, _ = setup
    client = login(tree.outsider)
    response = client.get(reverse("study:checkin", args=[campaign.pk, session.pk]), {"t": "forged"})
    assert response.status_code == 400
    assert campaign.title not in response.content.decode()
    assert services.MSG_QR_INVALID in response.content.decode()
