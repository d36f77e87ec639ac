"""The pages' forms: each refusal is shown next to its field with the user's input kept (never a 500,
never a half-write), and each success says what happened."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document as DocxDocument

from neuguong.consultation import outline, services
from neuguong.consultation.models import Comment, Draft, DraftState, Stance

from .factories import TEXT, live_draft, section

pytestmark = pytest.mark.django_db


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _create_data(tree, **extra):
    now = timezone.now()
    return {
        "organization": tree.org_a.pk,
        "kind": "resolution",
        "title": "Nghị quyết về cải cách hành chính",
        "opens_at": _local(now),
        "closes_at": _local(now + dt.timedelta(days=5)),
        "comments_visibility": "committee",
        **extra,
    }


def _docx(lines) -> SimpleUploadedFile:
    document = DocxDocument()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile(
        "du-thao.docx",
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def test_a_secretary_creates_a_draft_by_pasting_its_text(tree, client):
    client.force_login(tree.secretary_a)
    response = client.post(reverse("consultation:create"), _create_data(tree, text=TEXT))
    draft = Draft.objects.get()
    assert response.status_code == 303 and response["Location"] == reverse(
        "consultation:detail", args=[draft.pk]
    )
    assert draft.current_version.sections.count() == 10 and draft.audience_root == tree.org_a
    page = client.get(response["Location"]).content.decode()
    assert "Đã tạo dự thảo «Nghị quyết về cải cách hành chính» (10 phần)" in page


def test_a_docx_without_headings_is_refused_next_to_the_file_and_nothing_is_written(tree, client):
    client.force_login(tree.secretary_a)
    data = _create_data(tree, file=_docx(["Một đoạn văn.", "Đoạn thứ hai."]))
    response = client.post(reverse("consultation:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert outline.MSG_DOCX_NO_HEADINGS in page
    assert "Nghị quyết về cải cách hành chính" in page  # the input is kept
    assert not Draft.objects.exists()


def test_a_docx_with_numbered_headings_is_imported(tree, client):
    client.force_login(tree.secretary_a)
    data = _create_data(
        tree, file=_docx(["Căn cứ Điều lệ Đảng;", "I. MỤC TIÊU", "Nội dung", "1. Chỉ tiêu", "a) 100%"])
    )
    assert client.post(reverse("consultation:create"), data).status_code == 303
    draft = Draft.objects.get()
    assert [s.label for s in draft.current_version.sections.order_by("position")] == [
        "I. MỤC TIÊU",
        "1. Chỉ tiêu",
        "a) 100%",
    ]


def test_a_window_in_the_past_is_refused_next_to_its_field(tree, client):
    client.force_login(tree.secretary_a)
    now = timezone.now()
    data = _create_data(
        tree, opens_at=_local(now - dt.timedelta(days=5)), closes_at=_local(now - dt.timedelta(days=1))
    )
    response = client.post(reverse("consultation:create"), data)
    assert (
        response.status_code == 200 and "đã qua: hãy chọn thời điểm sau bây giờ" in response.content.decode()
    )


def test_disagreeing_without_a_reason_is_refused_on_the_form(tree, client):
    draft = live_draft(tree)
    client.force_login(tree.member_a)
    url = reverse("consultation:comment_create", args=[draft.pk])
    goal = section(draft, "2. Chỉ tiêu")
    response = client.post(
        f"{url}?phan={goal.pk}", {"section": goal.pk, "stance": Stance.DISAGREE, "text": " "}
    )
    assert response.status_code == 200 and services.MSG_REASON_REQUIRED in response.content.decode()
    assert not Comment.objects.exists()
    response = client.post(url, {"section": goal.pk, "stance": Stance.DISAGREE, "text": "Chưa sát thực tế."})
    assert response.status_code == 303
    page = client.get(response["Location"]).content.decode()
    assert "Đã gửi ý kiến «Không tán thành» về 2. Chỉ tiêu." in page
    assert "Đã góp ý: không tán thành" in page


def test_a_comment_after_the_window_is_refused_with_the_deadline(tree, client):
    draft = live_draft(tree)
    Draft.objects.filter(pk=draft.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(tree.member_a)
    response = client.post(reverse("consultation:comment_create", args=[draft.pk]), {"stance": Stance.AGREE})
    assert response.status_code == 200 and "Đã hết thời gian góp ý: hạn cuối là" in response.content.decode()


def test_a_collective_comment_from_a_pc_and_a_paper_form_entered_by_the_secretary(tree, client):
    draft = live_draft(tree)
    client.force_login(tree.secretary_a)
    url = reverse("consultation:collective_comment", args=[draft.pk])
    response = client.post(
        url,
        {
            "organization": tree.branch_a.pk,
            "stance": Stance.PARTLY,
            "text": "Bổ sung.",
            "participant_count": "",
        },
    )
    assert response.status_code == 200 and not Comment.objects.exists()
    response = client.post(
        url,
        {
            "organization": tree.branch_a.pk,
            "stance": Stance.PARTLY,
            "text": "Bổ sung.",
            "participant_count": 11,
        },
    )
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert comment.commenter_kind == "organization" and comment.participant_count == 11
    paper = reverse("consultation:paper_comment", args=[draft.pk])
    response = client.post(paper, {"person": tree.person_b.pk, "stance": Stance.AGREE})
    assert response.status_code == 200 and Comment.objects.count() == 1  # not one of theirs
    response = client.post(paper, {"person": tree.person_a2.pk, "stance": Stance.AGREE})
    assert response.status_code == 303
    assert Comment.objects.get(person=tree.person_a2).on_paper


def _closed_with_comment(tree):
    draft = live_draft(tree)
    goal = section(draft, "2. Chỉ tiêu")
    comment = services.comment_submit(
        actor=tree.member_a, draft=draft, section=goal, stance=Stance.PARTLY, text="Sửa chỉ tiêu."
    )
    services.draft_close(actor=tree.secretary_a, draft=draft)
    return draft, goal, comment


def test_dispositions_are_refused_next_to_their_field(tree, client):
    draft, _goal, comment = _closed_with_comment(tree)
    client.force_login(tree.secretary_a)
    url = reverse("consultation:comment", args=[draft.pk, comment.pk])
    response = client.post(url, {"kind": "explained", "text": ""})
    assert response.status_code == 200 and services.MSG_EXPLANATION_REQUIRED in response.content.decode()
    response = client.post(url, {"kind": "accepted", "text": ""})
    assert response.status_code == 200 and services.MSG_ACCEPT_NEEDS_REVISION in response.content.decode()
    comment.refresh_from_db()
    assert comment.disposition == ""
    services.version_create(actor=tree.secretary_a, draft=draft)
    response = client.post(url, {"kind": "accepted", "text": "Đã sửa."})
    assert response.status_code == 303
    comment.refresh_from_db()
    assert comment.disposition == "accepted" and comment.revised_section.version.number == 2


def test_approving_with_comments_left_says_how_many_and_changes_nothing(tree, client):
    draft, _goal, _comment = _closed_with_comment(tree)
    client.force_login(tree.secretary_a)
    detail = reverse("consultation:detail", args=[draft.pk])
    response = client.post(
        reverse("consultation:step", args=[draft.pk, "approve"]), HTTP_REFERER=f"http://testserver{detail}"
    )
    assert response.status_code == 303
    page = client.get(detail).content.decode()
    assert services.MSG_UNDISPOSED.format(count=1) in page
    draft.refresh_from_db()
    assert draft.state == DraftState.CLOSED


def test_adopting_registers_the_document_and_the_adopted_text_is_not_editable(tree, client):
    draft, goal, comment = _closed_with_comment(tree)
    services.comment_dispose(
        actor=tree.secretary_a, comment=comment, kind="explained", text="Giữ như dự thảo."
    )
    services.synthesis_approve(actor=tree.secretary_a, draft=draft)
    client.force_login(tree.secretary_a)
    url = reverse("consultation:adopt", args=[draft.pk])
    form = client.get(url).content.decode()
    assert "01-NQ/ĐU" in form  # the next number of the register is proposed
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "doc_type": "resolution",
            "number_text": "abc",
            "issued_on": today,
            "summary": "Về cải cách hành chính",
        },
    )
    assert response.status_code == 200 and "Số, ký hiệu văn bản phải có dạng" in response.content.decode()
    response = client.post(
        url,
        {
            "doc_type": "resolution",
            "number_text": "",
            "issued_on": today,
            "summary": "Về cải cách hành chính",
        },
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.state == DraftState.ADOPTED and draft.adopted_document.number_text == "01-NQ/ĐU"
    edit = reverse("consultation:section_edit", args=[draft.pk, goal.pk])
    response = client.post(edit, {"number": "2.", "title": "Khác", "text": ""})
    assert response.status_code == 200 and services.MSG_ADOPTED_IMMUTABLE in response.content.decode()
    # The document's page links back to the draft.
    document_page = client.get(reverse("documents:detail", args=[draft.adopted_document.pk])).content.decode()
    assert reverse("consultation:detail", args=[draft.pk]) in document_page


def test_lists_stay_within_a_fixed_number_of_queries(tree, client, django_assert_max_num_queries):
    for _ in range(3):
        draft = live_draft(tree)
        for person, user in ((tree.person_a, tree.member_a),):
            services.comment_submit(actor=user, draft=draft, section=None, stance=Stance.AGREE, text="")
        services.comment_submit(
            actor=tree.secretary_a,
            draft=draft,
            section=None,
            stance=Stance.AGREE,
            text="",
            person=tree.person_a2,
        )
    client.force_login(tree.secretary_a)
    client.get(reverse("consultation:list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("consultation:list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("consultation:comments", args=[draft.pk])).status_code == 200


def test_the_list_export_holds_exactly_what_the_filters_show(tree, client):
    from openpyxl import load_workbook

    live_draft(tree, title="Kế hoạch thực hiện chuyển đổi số", kind="plan")
    live_draft(tree)
    client.force_login(tree.secretary_a)
    response = client.get(reverse("consultation:list") + "?kind=plan&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1].value for row in sheet.iter_rows(min_row=3) if isinstance(row[0].value, int)]
    assert titles == ["Kế hoạch thực hiện chuyển đổi số"]
