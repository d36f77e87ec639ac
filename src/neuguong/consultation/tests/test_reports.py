"""The synthesis report: page, DOCX (and PDF), XLSX annex and API read the one selector, and their
figures agree; the annex holds every comment with its answer."""

import io
import re
import shutil
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from neuguong.access.services import api_token_create
from neuguong.consultation import services
from neuguong.consultation.models import DispositionKind, Stance
from neuguong.consultation.selectors import draft_summary, summary_data
from neuguong.core.tests.factories import PersonFactory
from neuguong.docengine.docformat import document_text

from .factories import live_draft, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(tree):
    """Org A's draft with comments of every kind, half answered."""
    extra = [PersonFactory(organization=tree.branch_a) for _ in range(3)]
    draft = live_draft(tree)
    goal = section(draft, "2. Chỉ tiêu")
    means = section(draft, "III. NHIỆM VỤ")
    services.comment_submit(
        actor=tree.member_a, draft=draft, section=goal, stance=Stance.PARTLY, text="Nêu lộ trình."
    )
    services.comment_submit(actor=tree.member_a, draft=draft, section=None, stance=Stance.AGREE, text="")
    for person, stance, text in zip(
        extra,
        [Stance.AGREE, Stance.DISAGREE, Stance.PARTLY],
        ["", "Không khả thi.", "Bổ sung giải pháp."],
        strict=True,
    ):
        services.comment_submit(
            actor=tree.secretary_a, draft=draft, section=means, stance=stance, text=text, person=person
        )
    services.comment_submit(
        actor=tree.secretary_a,
        draft=draft,
        section=goal,
        stance=Stance.DISAGREE,
        text="Chỉ tiêu quá cao.",
        organization=tree.branch_a,
        participant_count=14,
    )
    services.draft_close(actor=tree.secretary_a, draft=draft)
    services.version_create(actor=tree.secretary_a, draft=draft)
    services.agreeing_acknowledge(actor=tree.secretary_a, draft=draft)
    comments = list(draft.comments.filter(disposition="").order_by("id"))
    services.comment_dispose(
        actor=tree.secretary_a,
        comment=comments[0],
        kind=DispositionKind.ACCEPTED,
        text="Đã bổ sung lộ trình.",
    )
    services.comment_dispose(
        actor=tree.secretary_a, comment=comments[1], kind=DispositionKind.EXPLAINED, text="Giữ như dự thảo."
    )
    draft.refresh_from_db()
    return draft


def test_page_docx_xlsx_and_api_answer_the_same_figures(tree, client, answered):
    draft = answered
    expected = summary_data(draft_summary(draft))
    assert expected["total"] == 6
    assert expected["stance"] == {"agree": 2, "disagree": 2, "partly": 2}
    assert expected["disposition"] == {
        "accepted": 1,
        "partly_accepted": 0,
        "explained": 1,
        "already_in_draft": 2,
        "none": 2,
    }
    assert expected["on_paper"] == 3 and expected["participants"] == 14
    client.force_login(tree.secretary_a)
    # The page.
    page = client.get(reverse("consultation:synthesis", args=[draft.pk])).content.decode()
    shown = dict(re.findall(r'data-figure="(\w+)">(\d+)<', page))
    assert {k: int(shown[k]) for k in ("agree", "disagree", "partly")} == expected["stance"]
    assert {k: int(shown[k]) for k in expected["disposition"]} == expected["disposition"]
    assert int(shown["total"]) == expected["total"]
    # The draft's page shows the quick figures from the same selector.
    detail = client.get(reverse("consultation:detail", args=[draft.pk])).content.decode()
    quick = dict(re.findall(r'data-figure="(\w+)">(\d+)<', detail))
    assert int(quick["total"]) == 6 and int(quick["undisposed"]) == 2
    # The API.
    token = api_token_create(user=tree.secretary_a)
    api = client.get(f"/api/v1/drafts/{draft.pk}/summary", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert api == expected
    # The DOCX.
    docx = client.get(reverse("consultation:report", args=[draft.pk, "docx"]))
    text = document_text(docx.content)
    assert "BÁO CÁO" in text and "Tổng hợp, tiếp thu, giải trình ý kiến góp ý dự thảo Nghị quyết" in text
    assert (
        "với tổng số 6 ý kiến: 1 ý kiến tập thể của tổ chức đảng (14 lượt đảng viên tham gia thảo luận) và 5 ý kiến cá nhân (trong đó 3 ý kiến"
        in text
    )
    assert (
        "ban soạn thảo đã tiếp thu 1 ý kiến, tiếp thu một phần 0 ý kiến, giải trình 1 ý kiến, 2 ý kiến đã có trong dự thảo; còn 2 ý kiến chưa tiếp thu, giải trình."
        in text
    )
    assert "Đã bổ sung lộ trình." in text and "Giữ như dự thảo." in text
    # The XLSX annex: per section, every comment.
    book = load_workbook(
        io.BytesIO(client.get(reverse("consultation:report", args=[draft.pk, "xlsx"])).content)
    )
    assert book.sheetnames == ["PL1 Tham gia", "PL2 Theo phần", "PL3 Ý kiến"]
    by_section = [
        row
        for row in book["PL2 Theo phần"].iter_rows(min_row=6, values_only=True)
        if row[0] and row[0] != "Tổng cộng"
    ]
    totals = [sum(row[i] for row in by_section) for i in range(1, 10)]
    assert totals[0] == 6 and totals[1:4] == [2, 2, 2] and totals[4:9] == [1, 0, 1, 2, 2]
    each = [
        row for row in book["PL3 Ý kiến"].iter_rows(min_row=6, values_only=True) if isinstance(row[0], int)
    ]
    assert len(each) == 6 and sorted(r[8] for r in each) == sorted(
        ["Tiếp thu", "Giải trình", "Đã có trong dự thảo", "Đã có trong dự thảo", "Chưa xử lý", "Chưa xử lý"]
    )
    participation = [
        row for row in book["PL1 Tham gia"].iter_rows(min_row=6, values_only=True) if isinstance(row[0], int)
    ]
    assert sum(r[2] for r in participation) == expected["members_invited"]
    assert sum(r[3] for r in participation) == expected["members_commented"]


def test_participation_counts_each_member_once_and_each_organisation_apart(tree, answered):
    summary = draft_summary(answered)
    units = {u.name: u for u in summary.units}
    # Org A's subtree: org A itself (its own members) and chi bộ A1 below it.
    a1 = units["Chi bộ Phòng Ngân sách"]
    assert a1.invited == 5  # two members of the tree plus three added
    assert a1.members_commented == 4  # member A (twice, counted once) and three paper forms
    assert a1.collective == 1 and a1.participants == 14
    assert summary.organizations_took_part == 1


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_report_as_pdf_reads_like_the_docx(tree, client, answered, tmp_path):
    client.force_login(tree.secretary_a)
    response = client.get(reverse("consultation:report", args=[answered.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "bc.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text and "TIẾP THU, GIẢI TRÌNH" in text


def test_the_audience_reads_the_synthesis_only_once_approved_and_published(tree, client, answered):
    draft = answered
    client.force_login(tree.member_a)
    url = reverse("consultation:synthesis", args=[draft.pk])
    assert client.get(url).status_code == 404
    token = api_token_create(user=tree.member_a)
    assert (
        client.get(f"/api/v1/drafts/{draft.pk}/summary", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
        == 404
    )
    for comment in draft.comments.filter(disposition=""):
        services.comment_dispose(
            actor=tree.secretary_a, comment=comment, kind=DispositionKind.EXPLAINED, text="Giữ nguyên."
        )
    services.synthesis_approve(actor=tree.secretary_a, draft=draft)
    assert client.get(url).status_code == 404  # approved, but not published
    services.draft_update(actor=tree.secretary_a, draft=draft, publish_synthesis=True)
    page = client.get(url).content.decode()
    assert "Giữ như dự thảo." in page
    # Who said what stays the committee's (the draft keeps others' comments to the committee).
    body = page.split('id="main"', 1)[1]  # the menu names the member themself
    assert "Chi bộ Phòng Ngân sách</strong>" not in body and "Nguyễn Nam Đình" not in body
    assert client.get(reverse("consultation:report", args=[draft.pk, "docx"])).status_code == 404
    assert (
        client.get(f"/api/v1/drafts/{draft.pk}/summary", HTTP_AUTHORIZATION=f"Bearer {token}").status_code
        == 200
    )
    assert client.get(reverse("consultation:comments", args=[draft.pk])).status_code == 404
