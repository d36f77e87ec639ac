import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from neuguong.core.office_sheet import FIRST_DATA_ROW
from neuguong.docengine.docformat import document_text
from neuguong.docengine.titles import doubled_phrases
from neuguong.study import reports, services
from neuguong.study.selectors import campaign_org_stats

from .factories import make_campaign, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(tree):
    campaign = make_campaign(tree.staff, tree.root, title="Nghị quyết số 57-NQ/TW")
    services.invitees_generate(actor=tree.staff, campaign=campaign)
    session = make_session(tree.staff, campaign)
    makeup = make_session(tree.staff, campaign, title="Học bù", held_on=dt.date(2026, 3, 20), is_makeup=True)
    services.attendance_mark(actor=tree.staff, session=session, person=tree.person_a, status="present")
    services.attendance_mark(
        actor=tree.staff, session=session, person=tree.person_a2, status="excused", reason="Ốm"
    )
    services.attendance_mark(actor=tree.staff, session=makeup, person=tree.person_a2, status="present")
    return campaign


def test_report_rolls_branches_up_to_the_organisers_subordinates(tree, campaign):
    rows = reports.rollup_to_children(campaign_org_stats(user=tree.staff, campaign=campaign), tree.root)
    assert [(r.code, r.invited, r.attended, r.made_up, r.absent) for r in rows] == [
        ("A", 2, 1, 1, 0),
        ("B", 1, 0, 0, 1),
    ]


def test_docx_report_is_in_party_format_with_the_figures(tree, campaign):
    text = document_text(reports.campaign_report_docx(user=tree.staff, campaign=campaign))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "BÁO CÁO" in text
    assert "Kết quả học tập, quán triệt Nghị quyết số 57-NQ/TW" in text
    assert "1 đồng chí dự học, 1 đồng chí học bù, trên tổng số 3 đồng chí phải dự (đạt 66,7%)" in text
    assert "Đảng bộ Sở Tài chính" in text and "Chi bộ Sở Tư pháp" in text


def test_docx_of_a_secretary_counts_only_their_members(tree, campaign):
    text = document_text(reports.campaign_report_docx(user=tree.secretary_b, campaign=campaign))
    assert "0 đồng chí dự học, 0 đồng chí học bù, trên tổng số 1 đồng chí phải dự" in text
    assert "Đảng bộ Sở Tài chính" not in text


def test_xlsx_annex_totals_and_people(tree, campaign):
    workbook = load_workbook(io.BytesIO(reports.campaign_annex_xlsx(user=tree.staff, campaign=campaign)))
    summary = list(workbook["Tổng hợp"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert summary[-1][:3] == (None, None, "Tổng cộng")  # the totals row: bold, without an STT
    assert summary[-1][3:9] == (3, 3, 1, 1, 0, 1)
    people = [row[1:] for row in workbook["Danh sách"].iter_rows(min_row=FIRST_DATA_ROW, values_only=True)]
    assert (
        "Nguyễn Văn An",
        "Chi bộ Phòng Ngân sách",
        "Vắng có lý do",
        "Có mặt",
        "Chưa viết",
        None,  # an empty cell: no grade
        None,
    ) in people


def test_the_report_is_signed_by_the_organiser_and_its_title_says_study_once(tree):
    campaign = make_campaign(tree.staff, tree.org_a, title="Học tập, quán triệt Nghị quyết Đại hội XIV")
    lines = document_text(reports.campaign_report_docx(user=tree.staff, campaign=campaign)).splitlines()
    summary = lines[lines.index("BÁO CÁO") + 1]
    assert summary == "Kết quả học tập, quán triệt Nghị quyết Đại hội XIV"
    assert doubled_phrases(summary) == []
    assert lines[:2] == ["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH", "ĐẢNG ỦY SỞ TÀI CHÍNH"]  # was "T/M CẤP ỦY"
    assert lines[-3:] == ["T/M ĐẢNG ỦY", "BÍ THƯ", ""]  # no secretary recorded: the name is written in
    assert "- Đảng ủy Khối Các cơ quan tỉnh (để báo cáo)," in lines


def test_the_annex_is_an_office_file(tree, campaign):
    from neuguong.core.dates import local_today
    from neuguong.core.office_sheet import HEADER_ROW

    workbook = load_workbook(io.BytesIO(reports.campaign_annex_xlsx(user=tree.staff, campaign=campaign)))
    summary = workbook["Tổng hợp"]
    assert summary["A1"].value == "PHỤ LỤC: KẾT QUẢ HỌC TẬP, QUÁN TRIỆT NGHỊ QUYẾT SỐ 57-NQ/TW"
    assert summary["A2"].value == f"Đơn vị: {tree.root.name}"
    assert summary["A3"].value == f"Ngày lập: {local_today():%d/%m/%Y}"
    assert [c.value for c in summary[HEADER_ROW]][:4] == ["STT", "Mã", "Tổ chức đảng", "Triệu tập"]
    assert summary.freeze_panes == f"B{FIRST_DATA_ROW}"
    assert summary.cell(FIRST_DATA_ROW, 4).number_format == "#,##0"
    assert summary.cell(summary.max_row, 3).font.b  # the totals row is bold
    people = workbook["Danh sách"]
    header = [c.value for c in people[HEADER_ROW]]
    assert header[:3] == ["STT", "Họ và tên", "Tổ chức đảng"]
    assert any(h and h.startswith("Học bù (20/03/2026)") for h in header)  # a session is named with its day
    assert people.freeze_panes == f"B{FIRST_DATA_ROW}"
