"""The decision reads like a Party decision: its legal bases, the centred "… QUYẾT ĐỊNH:" line, the body
that decides, and titles that never say a word twice."""

import datetime as dt
import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory
from neuguong.docengine.docformat import document_text
from neuguong.docengine.titles import doubled_phrases
from neuguong.inspections import partydocs, services
from neuguong.inspections.models import InspectionKind, InspectionState, ProgramBody

from .factories import advance, make_program

pytestmark = pytest.mark.django_db

TITLES = {
    InspectionKind.DUTY_INSPECTION: "Kiểm tra việc thực hiện trách nhiệm nêu gương",
    InspectionKind.THEMATIC_SUPERVISION: "Giám sát chuyên đề việc thực hiện Quy định 08-QĐi/TW",
    InspectionKind.REGULAR_SUPERVISION: "giám sát thường xuyên việc thực hiện nhiệm vụ",
    InspectionKind.VIOLATION_INSPECTION: "Việc chấp hành nguyên tắc tập trung dân chủ",
}


def _inspection(tree, *, kind=InspectionKind.DUTY_INSPECTION, title=None, program=None):
    program = program or make_program(tree)
    start = dt.date(program.year, 1, 1)
    return services.inspection_create(
        actor=tree.staff,
        program=program,
        kind=kind,
        title=title or TITLES[kind],
        planned_start=start,
        planned_end=max(start, local_today()),
        subject_organizations=[tree.org_b],
        subject_people=[],
        leader=PersonFactory(full_name="Trần Văn Trưởng", organization=tree.root),
        team_members=[],
    )


def _lines(data: bytes) -> list[str]:
    return document_text(data).splitlines()


def test_the_decision_cites_its_legal_bases_then_the_commission_decides(tree):
    inspection = advance(tree, _inspection(tree), InspectionState.DECIDED)
    lines = _lines(partydocs.decision_document(inspection))
    start = lines.index("Căn cứ Điều lệ Đảng Cộng sản Việt Nam;")
    regulation, program, proposal = lines[start + 1 : start + 4]
    # Decided today (2026 or later): the regulation in force since 30/5/2025.
    assert regulation.startswith("Căn cứ Quy định số 296-QĐ/TW, ngày 30/5/2025")
    assert "Chương VII, Chương VIII Điều lệ Đảng" in regulation
    assert program == f"Căn cứ Chương trình kiểm tra, giám sát năm {inspection.program.year};"
    assert proposal == "Xét đề nghị của bộ phận tham mưu,"
    assert lines[start + 4 : start + 6] == ["ỦY BAN KIỂM TRA ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "QUYẾT ĐỊNH:"]
    assert lines[start + 6].startswith("Điều 1. Thành lập Đoàn kiểm tra để kiểm tra việc thực hiện")
    assert lines[:3] == ["ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "ỦY BAN KIỂM TRA", "*"]
    assert lines[-2:] == ["T/M ỦY BAN KIỂM TRA", "CHỦ NHIỆM"] or lines[-3:-1] == [
        "T/M ỦY BAN KIỂM TRA",
        "CHỦ NHIỆM",
    ]
    assert "- Ban Thường vụ Đảng ủy Khối Các cơ quan tỉnh (để báo cáo)," in lines and "- Như Điều 3," in lines


def test_the_quyet_dinh_line_is_centred_and_bold(tree):
    document = Document(io.BytesIO(partydocs.decision_document(_inspection(tree))))
    line = next(p for p in document.paragraphs if p.text.endswith("QUYẾT ĐỊNH:"))
    assert line.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in line.runs)
    assert line.paragraph_format.first_line_indent == 0


def test_a_program_of_the_committee_is_decided_by_its_standing_committee(tree):
    program = services.program_create(
        actor=tree.staff,
        organization=tree.root,
        body=ProgramBody.COMMITTEE,
        year=local_today().year,
        title="Kế hoạch giám sát của Ban Thường vụ",
    )
    inspection = _inspection(tree, kind=InspectionKind.THEMATIC_SUPERVISION, program=program)
    lines = _lines(partydocs.decision_document(inspection))
    assert lines[:3] == ["ĐẢNG BỘ TỈNH NGHỆ AN", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "*"]
    assert f"Căn cứ Kế hoạch giám sát của Ban Thường vụ năm {program.year};" in lines
    assert "BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH" in lines and "QUYẾT ĐỊNH:" in lines
    assert "T/M BAN THƯỜNG VỤ" in lines and "ỦY BAN KIỂM TRA" not in lines


@pytest.mark.parametrize("kind", list(TITLES))
def test_no_title_of_the_decision_or_the_notice_says_a_word_twice(tree, kind):
    inspection = _inspection(tree, kind=kind)
    verb = "giám sát" if inspection.is_supervision else "kiểm tra"
    decision = partydocs.decision_title(inspection)
    notice = partydocs.notice_title(inspection)
    assert decision.startswith(f"về việc {verb} ")
    for title in (decision, notice):
        assert doubled_phrases(title) == [], title
    lines = _lines(partydocs.decision_document(inspection))
    assert lines[lines.index("QUYẾT ĐỊNH") + 1] == decision
    assert not decision.casefold().startswith("quyết định")
    assert doubled_phrases(next(line for line in lines if line.startswith("Điều 1."))) == []
    notice_lines = _lines(partydocs.conclusion_notice_document(inspection))
    assert notice_lines[notice_lines.index("THÔNG BÁO") + 1] == notice
    assert not notice.casefold().startswith("thông báo")


def test_the_title_names_the_subjects_once(tree):
    named = _inspection(tree, title=f"Kiểm tra việc thực hiện trách nhiệm nêu gương tại {tree.org_b.name}")
    assert partydocs.decision_title(named).count(tree.org_b.name) == 1
    unnamed = _inspection(tree, title="Kiểm tra việc thực hiện Quy định 144-QĐ/TW", program=named.program)
    assert partydocs.decision_title(unnamed).endswith(f"đối với {tree.org_b.name}")
