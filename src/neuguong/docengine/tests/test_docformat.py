import datetime as dt
import io

import pytest
from docx import Document
from docx.shared import Mm

from neuguong.core.errors import BusinessError
from neuguong.docengine import docformat
from neuguong.docengine.charts import Bar, BarChart
from neuguong.docengine.docformat import (
    Heading,
    Image,
    Paragraph,
    PartyDocument,
    Table,
    document_text,
    render_party_document,
    validate_template,
)


def _spec(**overrides) -> PartyDocument:
    values = {
        "superior_body": "Đảng bộ tỉnh Nghệ An",
        "issuing_body": "Đảng ủy Khối Các cơ quan tỉnh",
        "number": "12-BC/ĐUK",
        "issuer_abbreviation": "ĐUK",
        "issued_on": dt.date(2021, 4, 7),
        "summary": "Kết quả 1 năm thực hiện Kế hoạch 165-KH/ĐUK",
        "body": [Heading("I. KẾT QUẢ"), Paragraph("Các tổ chức cơ sở đảng đã cụ thể hóa cam kết.")],
        "signer_position": "Phó Bí thư",
        "signer_name": "Nguyễn Văn An",
        "recipients": ["Ban Thường vụ Tỉnh ủy (để b/c)", "Lưu Văn phòng"],
    }
    values.update(overrides)
    return PartyDocument(**values)


def _template_with(replace: str, by: str) -> bytes:
    """The default template with one placeholder's text changed, as a user editing it in Word might."""
    document = Document(str(docformat.DEFAULT_TEMPLATE))
    for p in docformat._all_paragraphs(document):
        for run in p.runs:
            if replace in run.text:
                run.text = run.text.replace(replace, by)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_document_has_the_party_header_number_date_and_signing_block():
    text = document_text(render_party_document(_spec()))
    lines = text.splitlines()
    assert lines[:3] == ["ĐẢNG BỘ TỈNH NGHỆ AN", "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH", "*"]
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in lines
    assert "Số 12-BC/ĐUK" in lines
    assert "Nghệ An, ngày 07 tháng 4 năm 2021" in lines
    assert lines.index("BÁO CÁO") + 1 == lines.index("Kết quả 1 năm thực hiện Kế hoạch 165-KH/ĐUK")
    assert "Nơi nhận:" in lines
    assert "- Ban Thường vụ Tỉnh ủy (để b/c)," in lines and "- Lưu Văn phòng." in lines
    assert lines[-3:] == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn An"]
    assert "{{" not in text


def test_body_blocks_replace_the_body_marker_in_order():
    document = Document(io.BytesIO(render_party_document(_spec())))
    texts = [p.text for p in document.paragraphs]
    assert texts.index("I. KẾT QUẢ") < texts.index("Các tổ chức cơ sở đảng đã cụ thể hóa cam kết.")
    heading = next(p for p in document.paragraphs if p.text == "I. KẾT QUẢ")
    assert heading.runs[0].bold


def test_page_is_a4_with_party_margins_and_times_new_roman():
    document = Document(io.BytesIO(render_party_document(_spec())))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.top_margin.mm) <= 25 and 20 <= round(section.bottom_margin.mm) <= 25
    assert 30 <= round(section.left_margin.mm) <= 35 and 15 <= round(section.right_margin.mm) <= 20
    body = next(p for p in document.paragraphs if p.text.startswith("Các tổ chức"))
    assert body.runs[0].font.name == "Times New Roman"
    assert body.runs[0].font.size.pt in (13, 14)
    assert body.paragraph_format.first_line_indent > Mm(5)


def test_header_table_is_borderless_and_party_line_is_bold_underlined():
    document = Document(io.BytesIO(render_party_document(_spec())))
    header = document.tables[0]
    borders = header._tbl.tblPr.find(docformat.qn("w:tblBorders"))
    assert {el.get(docformat.qn("w:val")) for el in borders} == {"nil"}
    party = next(p for p in header.rows[0].cells[1].paragraphs if p.text == "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert party.runs[0].bold and party.runs[0].underline
    date_line = header.rows[1].cells[1].paragraphs[0]
    assert date_line.runs[0].italic


def test_missing_number_leaves_a_blank_to_fill_at_issue():
    text = document_text(render_party_document(_spec(number="")))
    assert "Số      -BC/ĐUK" in text.splitlines()


def test_tables_have_numbers_in_vietnamese_format_and_a_bold_total():
    table = Table(
        ["Tổ chức", "Số cam kết", "Tỷ lệ"], [["A", 1200, 87.5]], total_row=["Tổng cộng", 1200, 87.5]
    )
    document = Document(io.BytesIO(render_party_document(_spec(body=[table]))))
    data = document.tables[1]
    assert [c.text for c in data.rows[1].cells] == ["A", "1.200", "87,5"]
    assert data.rows[2].cells[0].paragraphs[0].runs[0].bold


def test_chart_image_is_embedded_with_its_text_alternative():
    chart = BarChart("Tỷ lệ đúng hạn", [Bar("Chi bộ A", 80.0)], max_value=100, unit="%")
    block = Image(chart.png(), chart.alt_text(), caption="Biểu đồ 1")
    data = render_party_document(_spec(body=[block]))
    document = Document(io.BytesIO(data))
    assert len(document.inline_shapes) == 1
    assert document.inline_shapes[0]._inline.docPr.get("descr") == "Tỷ lệ đúng hạn. Chi bộ A: 80%"


def test_placeholder_split_over_runs_is_still_filled():
    document = Document(str(docformat.DEFAULT_TEMPLATE))
    target = next(p for p in docformat._all_paragraphs(document) if p.text == "{{ nguoi_ky }}")
    target.runs[0].text = "{{ nguoi"
    target.add_run("_ky }}")
    out = io.BytesIO()
    document.save(out)
    text = document_text(render_party_document(_spec(), template=out.getvalue()))
    assert text.splitlines()[-1] == "Nguyễn Văn An"


def test_default_template_is_valid():
    validate_template(docformat.DEFAULT_TEMPLATE.read_bytes())


def test_template_missing_a_placeholder_is_refused_naming_it():
    template = _template_with("{{ nguoi_ky }}", "Người ký")
    with pytest.raises(BusinessError) as err:
        validate_template(template)
    assert err.value.message == "Mẫu văn bản thiếu trường «{{ nguoi_ky }}» (họ tên người ký)."
    with pytest.raises(BusinessError):
        render_party_document(_spec(), template=template)


def test_misspelt_placeholder_is_refused_with_a_suggestion():
    template = _template_with("{{ so_ky_hieu }}", "{{ so_ki_hieu }}")
    with pytest.raises(BusinessError) as err:
        validate_template(template)
    assert (
        err.value.message
        == "Mẫu văn bản có trường không hợp lệ «{{ so_ki_hieu }}» — có phải «{{ so_ky_hieu }}»?"
    )


def test_unknown_placeholder_without_a_close_match_is_named():
    template = _template_with("{{ nguoi_ky }}", "{{ nguoi_ky }} {{ xyz }}")
    with pytest.raises(BusinessError) as err:
        validate_template(template)
    assert err.value.message == "Mẫu văn bản có trường không hợp lệ «{{ xyz }}»."


def test_unclosed_placeholder_is_refused():
    template = _template_with("{{ trich_yeu }}", "{{ trich_yeu }")
    with pytest.raises(BusinessError) as err:
        validate_template(template)
    assert err.value.message.startswith("Mẫu văn bản có dấu ngoặc trường không khép kín gần")
    assert "trich_yeu" in err.value.message


def test_body_marker_must_stand_alone():
    template = _template_with("{{ noi_dung }}", "Nội dung: {{ noi_dung }}")
    with pytest.raises(BusinessError) as err:
        validate_template(template)
    assert err.value.message == docformat.MSG_TEMPLATE_BODY_NOT_ALONE


def test_a_file_that_is_not_docx_is_refused():
    with pytest.raises(BusinessError) as err:
        validate_template(b"not a zip")
    assert err.value.message == docformat.MSG_TEMPLATE_NOT_DOCX
