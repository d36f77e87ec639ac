"""Builds the repo's default Party-format DOCX template (`templates_docx/van_ban_dang.docx`).

Run once with `python manage.py build_docx_templates`; the result is committed and can be edited in Word
like any document, as long as the `{{ ... }}` fields stay (see `docformat.FIELD_LABELS`). Sizes follow
Hướng dẫn 36-HD/VPTW: 15 pt bold "ĐẢNG CỘNG SẢN VIỆT NAM", 14 pt for the rest of the header, 15 pt bold
type name, 14 pt bold summary, 14 pt body, 12 pt recipients.
"""

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .docformat import DEFAULT_TEMPLATE, FONT_NAME, _fix_widths, _set_cell_borders, _set_run_fonts

# Text width is 165 mm (210 − 30 − 15); as in common Party templates the header table is wider and starts
# a little into the left margin, so the issuing body and "ĐẢNG CỘNG SẢN VIỆT NAM" each fit on a line.
HEADER_WIDTHS_MM = (97, 82)
HEADER_SHIFT_MM = -14
SIGN_WIDTHS_MM = (80, 85)


def _para(container, text="", *, size=14, bold=False, italic=False, underline=False, align="center", after=0):
    p = container.add_paragraph() if hasattr(container, "add_paragraph") else container
    fmt = p.paragraph_format
    fmt.alignment = {
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }[align]
    fmt.space_after = Pt(after)
    fmt.space_before = Pt(0)
    fmt.line_spacing = 1.0
    if text:
        run = p.add_run(text)
        _set_run_fonts(run, size, bold=bold, italic=italic)
        run.underline = underline
    return p


def _page_number_field(paragraph) -> None:
    run = paragraph.add_run()
    _set_run_fonts(run, 14)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _borderless_table(document, widths):
    table = document.add_table(rows=1, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_cell_borders(table, visible=False)
    _fix_widths(table, list(widths))
    return table


def build_default_template(path: Path = DEFAULT_TEMPLATE) -> Path:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = FONT_NAME
    normal.font.size = Pt(14)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT_NAME)
    document.core_properties.title = "Mẫu văn bản của Đảng (Nêu Gương)"
    document.core_properties.language = "vi-VN"

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    # Page numbers top centre from the second page on (Hướng dẫn 36-HD/VPTW).
    section.different_first_page_header_footer = True
    _page_number_field(_para(section.header.paragraphs[0]))

    # Header: two borderless rows so that the number lines up with the place and date.
    header = _borderless_table(document, HEADER_WIDTHS_MM)
    header.alignment = None
    indent = OxmlElement("w:tblInd")
    indent.set(qn("w:w"), str(int(HEADER_SHIFT_MM * 56.7)))
    indent.set(qn("w:type"), "dxa")
    header._tbl.tblPr.append(indent)
    header.add_row()
    left, right = header.rows[0].cells
    _para(left.paragraphs[0], "{{ cap_tren }}", size=14)
    _para(left, "{{ co_quan_ban_hanh }}", size=14, bold=True)
    _para(left, "*", size=14)
    _para(right.paragraphs[0], "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, underline=True)
    left2, right2 = header.rows[1].cells
    _para(left2.paragraphs[0], "Số {{ so_ky_hieu }}", size=14)
    _para(right2.paragraphs[0], "{{ dia_danh_ngay }}", size=14, italic=True, align="center")

    _para(document, "", after=12)
    _para(document, "{{ loai_van_ban }}", size=15, bold=True, after=0)
    _para(document, "{{ trich_yeu }}", size=14, bold=True, after=0)
    _para(document, "-----", size=14, after=12)
    _para(document, "{{ noi_dung }}", align="justify")

    _para(document, "", after=6)
    sign = _borderless_table(document, SIGN_WIDTHS_MM)
    recipients, signer = sign.rows[0].cells
    _para(recipients.paragraphs[0], "Nơi nhận:", size=14, underline=True, align="left")
    _para(recipients, "{{ noi_nhan }}", size=12, align="left")
    _para(signer.paragraphs[0], "{{ tham_quyen_ky }}", size=14, bold=True)
    _para(signer, "{{ chuc_vu_ky }}", size=14, bold=True, after=60)
    _para(signer, "{{ nguoi_ky }}", size=14, bold=True)

    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path
