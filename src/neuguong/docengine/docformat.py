"""The Party document-format engine: a DOCX template (editable in Word) filled with a `PartyDocument`.

Layout follows the Party's rules on document format (Hướng dẫn 36-HD/VPTW, domain notes section 3):
A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; the issuing body under its
direct superior, then "*", then the number top left; "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and date in
words top right; the type and summary centred; the body; the signing block right; "Nơi nhận:" left.

Usage from any module::

    from neuguong.docengine.docformat import PartyDocument, Heading, Paragraph, Table, Image
    from neuguong.docengine.docformat import render_party_document

    issuer = party_issuer(  # header, signing block and recipients: one rule (issuers.py)
        kind="superior", name="Đảng bộ Khối Các cơ quan tỉnh", superior_name="ĐẢNG BỘ TỈNH NGHỆ AN",
        on=date(2021, 4, 7), deputy=True,
    )
    spec = PartyDocument(
        **issuer.document_fields(),  # ĐẢNG BỘ TỈNH NGHỆ AN / ĐẢNG ỦY KHỐI … ; T/M BAN THƯỜNG VỤ, K/T BÍ THƯ …
        number="12-BC/ĐUK",  # or "" → a blank "Số    -BC/ĐUK" to be numbered at issue
        doc_abbreviation="BC", issuer_abbreviation="ĐUK",
        place="Nghệ An", issued_on=date(2021, 4, 7),
        doc_type="BÁO CÁO", summary="Kết quả 1 năm thực hiện Kế hoạch 165-KH/ĐUK",
        body=[Heading("I. KẾT QUẢ"), Paragraph("..."), Table(columns=[...], rows=[...])],
        signer_name="Nguyễn Văn A",
        recipients=issuer.recipients("Các tổ chức cơ sở đảng"),  # superior (để báo cáo), …, Lưu Văn phòng
    )
    data: bytes = render_party_document(spec)                 # the repo's default template
    data = render_party_document(spec, template=uploaded)     # an organisation's own DOCX template

`validate_template(data)` raises `BusinessError` naming a missing, unknown (misspelt) or broken
placeholder; it is what the upload form calls, and `render_party_document` calls it too, so a bad
template never yields a half-filled document.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from neuguong.core.dates import date_in_words
from neuguong.core.errors import BusinessError

from .titles import clean_summary

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates_docx"
DEFAULT_TEMPLATE = TEMPLATES_DIR / "van_ban_dang.docx"
FONT_NAME = "Times New Roman"

# Placeholders a template may hold. Required ones must appear exactly once; the body marker must be
# alone in its paragraph (it is replaced by headings, paragraphs, tables and charts).
FIELD_LABELS = {
    "cap_tren": "cấp trên trực tiếp (ĐẢNG BỘ TỈNH ...)",
    "co_quan_ban_hanh": "cơ quan ban hành",
    "so_ky_hieu": "số, ký hiệu văn bản",
    "dia_danh_ngay": "địa danh, ngày tháng năm",
    "loai_van_ban": "tên loại văn bản (BÁO CÁO ...)",
    "trich_yeu": "trích yếu nội dung",
    "noi_dung": "nội dung văn bản",
    "tham_quyen_ky": "thẩm quyền ký (T/M BAN THƯỜNG VỤ)",
    "chuc_vu_ky": "chức vụ người ký",
    "nguoi_ky": "họ tên người ký",
    "noi_nhan": "nơi nhận",
}
REQUIRED_FIELDS = (
    "co_quan_ban_hanh",
    "so_ky_hieu",
    "dia_danh_ngay",
    "loai_van_ban",
    "trich_yeu",
    "noi_dung",
    "tham_quyen_ky",
    "chuc_vu_ky",
    "nguoi_ky",
    "noi_nhan",
)
BODY_FIELD = "noi_dung"
LIST_FIELDS = ("noi_nhan",)

MSG_TEMPLATE_NOT_DOCX = "Tệp mẫu không phải là tệp Word (.docx) hợp lệ."
MSG_TEMPLATE_MISSING = "Mẫu văn bản thiếu trường «{{{{ {name} }}}}» ({label})."
MSG_TEMPLATE_UNKNOWN = "Mẫu văn bản có trường không hợp lệ «{{{{ {name} }}}}»."
MSG_TEMPLATE_UNKNOWN_HINT = (
    "Mẫu văn bản có trường không hợp lệ «{{{{ {name} }}}}» — có phải «{{{{ {hint} }}}}»?"
)
MSG_TEMPLATE_BROKEN = "Mẫu văn bản có dấu ngoặc trường không khép kín gần «{fragment}»."
MSG_TEMPLATE_BODY_NOT_ALONE = (
    "Trường «{{ noi_dung }}» phải đứng riêng một đoạn trong mẫu (không kèm chữ khác trong đoạn)."
)
MSG_TEMPLATE_DUPLICATE = "Trường «{{{{ {name} }}}}» xuất hiện nhiều lần trong mẫu; chỉ được dùng một lần."

PLACEHOLDER_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")
NUMBER_BLANK = "     "  # the gap left for the number written in at issue: "Số      -BC/ĐUK"


# ---------------------------------------------------------------------------------------------- blocks
@dataclass
class Heading:
    """'I. KẾT QUẢ ...' (level 1, bold), '1. ...' (level 2, bold), 'a) ...' (level 3, bold italic)."""

    text: str
    level: int = 1


@dataclass
class Paragraph:
    """A body paragraph: justified with a first-line indent unless `align`/`indent` say otherwise."""

    text: str
    bold: bool = False
    italic: bool = False
    align: str = "justify"  # justify | center | left | right
    indent: bool = True


@dataclass
class Table:
    """A bordered table. Cells may be str, int, float or None; numbers are right-aligned.

    `total_row` is printed bold at the bottom; `widths_mm` defaults to equal columns over the text width.
    """

    columns: list[str]
    rows: list[list]
    total_row: list | None = None
    widths_mm: list[float] | None = None
    caption: str = ""
    font_pt: float = 12


@dataclass
class Image:
    """A PNG (a chart) with its text alternative (read by screen readers, kept in the DOCX)."""

    png: bytes
    alt_text: str
    width_mm: float = 150
    caption: str = ""


Block = Heading | Paragraph | Table | Image


@dataclass
class PartyDocument:
    issuing_body: str
    summary: str
    issued_on: dt.date
    place: str = "Nghệ An"
    superior_body: str = ""
    number: str = ""
    doc_abbreviation: str = "BC"
    issuer_abbreviation: str = ""
    doc_type: str = "BÁO CÁO"
    body: list[Block] = field(default_factory=list)
    signing_authority: str = "T/M BAN THƯỜNG VỤ"
    signer_position: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)

    def number_text(self) -> str:
        """'12-BC/ĐUK', or a blank to fill at issue ('     -BC/ĐUK') when no number is given yet."""
        if self.number.strip():
            return self.number.strip()
        return f"{NUMBER_BLANK}-{self.doc_abbreviation}/{self.issuer_abbreviation}"

    def field_values(self) -> dict[str, str | list[str]]:
        return {
            "cap_tren": self.superior_body.upper(),
            "co_quan_ban_hanh": self.issuing_body.upper(),
            "so_ky_hieu": self.number_text(),
            "dia_danh_ngay": date_in_words(self.issued_on, self.place),
            "loai_van_ban": self.doc_type.upper(),
            "trich_yeu": clean_summary(self.doc_type, self.summary),
            "tham_quyen_ky": self.signing_authority.upper(),
            "chuc_vu_ky": self.signer_position.upper(),
            "nguoi_ky": self.signer_name,
            "noi_nhan": recipient_lines(self.recipients),
        }


def recipient_lines(recipients: list[str]) -> list[str]:
    """'- Ban Thường vụ Tỉnh ủy,' ... '- Lưu Văn phòng.' as written under 'Nơi nhận:'."""
    names = [r.strip().lstrip("-").strip().rstrip(",.;") for r in recipients if r.strip()]
    if not names:
        return ["- Lưu."]
    return [f"- {name}," for name in names[:-1]] + [f"- {names[-1]}."]


# ------------------------------------------------------------------------------------- template checks
def _paragraphs(container) -> Iterator:
    """Every paragraph of a document part in reading order, including those inside (nested) tables."""
    from docx.table import Table as DocxTable

    for item in container.iter_inner_content():
        if isinstance(item, DocxTable):
            seen: list = []  # lxml hands back the same proxy while a reference is held
            for row in item.rows:
                for cell in row.cells:
                    if any(cell._tc is tc for tc in seen):  # a merged cell comes once per grid column
                        continue
                    seen.append(cell._tc)
                    yield from _paragraphs(cell)
        else:
            yield item


def _all_paragraphs(document) -> Iterator:
    yield from _paragraphs(document)
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if part is not None and not part.is_linked_to_previous:
                yield from _paragraphs(part)


def _open(data: bytes):
    try:
        return Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BusinessError(MSG_TEMPLATE_NOT_DOCX, field="file") from exc
    except Exception as exc:  # python-docx raises assorted errors on non-Word zips
        raise BusinessError(MSG_TEMPLATE_NOT_DOCX, field="file") from exc


def _check_document(document) -> None:
    seen: dict[str, int] = {}
    known = set(FIELD_LABELS)
    for p in _all_paragraphs(document):
        text = p.text
        if "{" not in text and "}" not in text:
            continue
        stripped = PLACEHOLDER_RE.sub("", text)
        if "{{" in stripped or "}}" in stripped or "{" in stripped or "}" in stripped:
            where = stripped.find("{") if "{" in stripped else stripped.find("}")
            fragment = stripped[max(0, where - 5) : where + 25].strip()
            raise BusinessError(MSG_TEMPLATE_BROKEN.format(fragment=fragment), field="file")
        for match in PLACEHOLDER_RE.finditer(text):
            name = match.group(1)
            if name not in known:
                hint = difflib.get_close_matches(name.lower(), sorted(known), n=1, cutoff=0.6)
                if hint:
                    raise BusinessError(
                        MSG_TEMPLATE_UNKNOWN_HINT.format(name=name, hint=hint[0]), field="file"
                    )
                raise BusinessError(MSG_TEMPLATE_UNKNOWN.format(name=name), field="file")
            seen[name] = seen.get(name, 0) + 1
            if name == BODY_FIELD and text.strip() != match.group(0):
                raise BusinessError(MSG_TEMPLATE_BODY_NOT_ALONE, field="file")
    for name in REQUIRED_FIELDS:
        if name not in seen:
            raise BusinessError(
                MSG_TEMPLATE_MISSING.format(name=name, label=FIELD_LABELS[name]), field="file"
            )
    for name, count in seen.items():
        if count > 1 and name in (BODY_FIELD, *LIST_FIELDS):
            raise BusinessError(MSG_TEMPLATE_DUPLICATE.format(name=name), field="file")


def validate_template(data: bytes) -> None:
    """Raise BusinessError naming the first problem of an uploaded DOCX template; return if it is usable."""
    _check_document(_open(data))


# ------------------------------------------------------------------------------------------- filling
def _set_run_fonts(run, size_pt: float | None = None, bold=None, italic=None) -> None:
    run.font.name = FONT_NAME
    r_pr = run._r.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT_NAME)
    if size_pt is not None:
        run.font.size = Pt(size_pt)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic


def _replace_in_paragraph(paragraph, values: dict[str, str]) -> None:
    """Replace placeholders even when Word split them over several runs, keeping the first run's format."""
    while True:
        runs = paragraph.runs
        full = "".join(r.text for r in runs)
        matches = list(PLACEHOLDER_RE.finditer(full))
        if not matches:
            return
        match = matches[-1]
        start, end = match.span()
        value = values.get(match.group(1), "")
        offset = 0
        placed = False
        for run in runs:
            text = run.text
            run_start, run_end = offset, offset + len(text)
            offset = run_end
            if run_end <= start or run_start >= end:
                continue
            before = text[: max(0, start - run_start)]
            after = text[end - run_start :] if end < run_end else ""
            if not placed:
                run.text = before + value + after
                placed = True
            else:
                run.text = before + after


def _clone_paragraph_after(paragraph, text: str):
    new_p = copy.deepcopy(paragraph._p)
    paragraph._p.addnext(new_p)
    from docx.text.paragraph import Paragraph as DocxParagraph

    clone = DocxParagraph(new_p, paragraph._parent)
    for extra in clone.runs[1:]:
        extra._r.getparent().remove(extra._r)
    if clone.runs:
        clone.runs[0].text = text
    else:
        clone.add_run(text)
    return clone


def _expand_list(paragraph, lines: list[str]) -> None:
    """A paragraph holding only a list placeholder becomes one paragraph per line, same format."""
    template_copy = copy.deepcopy(paragraph._p)
    _replace_in_paragraph(paragraph, dict.fromkeys(LIST_FIELDS, lines[0] if lines else ""))
    anchor = paragraph
    for line in lines[1:]:
        from docx.text.paragraph import Paragraph as DocxParagraph

        new_p = copy.deepcopy(template_copy)
        anchor._p.addnext(new_p)
        anchor = DocxParagraph(new_p, paragraph._parent)
        _replace_in_paragraph(anchor, dict.fromkeys(LIST_FIELDS, line))


def _text_width_mm(document) -> float:
    section = document.sections[0]
    width = section.page_width - section.left_margin - section.right_margin
    return round(width / 36000, 1)  # EMU per mm


_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def _format_paragraph(p, *, align="justify", indent=True, after_pt=6, before_pt=0) -> None:
    fmt = p.paragraph_format
    fmt.alignment = _ALIGN[align]
    fmt.first_line_indent = Mm(12.7) if indent else Mm(0)
    fmt.left_indent = Mm(0)
    fmt.space_after = Pt(after_pt)
    fmt.space_before = Pt(before_pt)
    fmt.line_spacing = 1.15


def _add_text_paragraph(document, text, *, size=14, bold=False, italic=False, **fmt):
    p = document.add_paragraph()
    _format_paragraph(p, **fmt)
    run = p.add_run(text)
    _set_run_fonts(run, size, bold=bold, italic=italic)
    return p


def _set_cell_borders(table, *, visible: bool) -> None:
    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.find(qn("w:tblBorders"))
    if borders is None:
        borders = OxmlElement("w:tblBorders")
        tbl_pr.append(borders)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = borders.find(qn(f"w:{edge}"))
        if el is None:
            el = OxmlElement(f"w:{edge}")
            borders.append(el)
        el.set(qn("w:val"), "single" if visible else "nil")
        if visible:
            el.set(qn("w:sz"), "4")
            el.set(qn("w:space"), "0")
            el.set(qn("w:color"), "000000")


def _fix_widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=False):
        col.set(qn("w:w"), str(int(width * 56.7)))  # twips per mm
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def format_cell(value) -> str:
    """Numbers the Vietnamese way: 1.234 and 87,5."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return str(value)


_CELL_STYLES = {  # (alignment, bold)
    "head": ("center", True),
    "text": ("left", False),
    "num": ("right", False),
    "total_text": ("left", True),
    "total_num": ("right", True),
}


def _cell_prototypes(document, font_pt: float) -> dict:
    """One formatted cell per style, made once through python-docx and then copied for every cell:
    formatting each of thousands of cells through the API is quadratic and took seconds."""
    prototypes = {}
    for key, (align, bold) in _CELL_STYLES.items():
        scratch = document.add_table(rows=1, cols=1)
        p = scratch.rows[0].cells[0].paragraphs[0]
        _format_paragraph(p, align=align, indent=False, after_pt=2, before_pt=2)
        p.paragraph_format.line_spacing = 1.0
        _set_run_fonts(p.add_run("x"), font_pt, bold=bold)
        prototypes[key] = copy.deepcopy(scratch._tbl.tr_lst[0].tc_lst[0])
        scratch._tbl.getparent().remove(scratch._tbl)
    return prototypes


def _add_table(document, block: Table):
    ncols = len(block.columns)
    widths = block.widths_mm or [_text_width_mm(document) / ncols] * ncols
    rows = [block.columns, *block.rows] + ([block.total_row] if block.total_row else [])
    prototypes = _cell_prototypes(document, block.font_pt)
    table = document.add_table(rows=1, cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_cell_borders(table, visible=True)
    _fix_widths(table, widths)
    tbl = table._tbl
    tbl.remove(tbl.tr_lst[0])
    last = len(rows) - 1
    for r, values in enumerate(rows):
        is_head = r == 0
        is_total = block.total_row is not None and r == last
        tr = OxmlElement("w:tr")
        if is_head:
            tr_pr = OxmlElement("w:trPr")
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
            tr.append(tr_pr)
        padded = list(values[:ncols]) + [None] * (ncols - len(values[:ncols]))
        for value, width in zip(padded, widths, strict=True):
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            key = "head" if is_head else ("total_" if is_total else "") + ("num" if numeric else "text")
            tc = copy.deepcopy(prototypes[key])
            tc.width = Mm(width)
            tc.xpath(".//w:t")[0].text = format_cell(value)
            tr.append(tc)
        tbl.append(tr)
    return table


def _add_image(document, block: Image):
    p = document.add_paragraph()
    _format_paragraph(p, align="center", indent=False, after_pt=2)
    shape = p.add_run().add_picture(io.BytesIO(block.png), width=Mm(block.width_mm))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", block.alt_text)
    doc_pr.set("title", block.caption or block.alt_text[:80])
    return p


def _build_body(document, marker, blocks: list[Block]) -> None:
    """Build each block at the end of the document, then move it before the marker paragraph."""
    for block in blocks:
        made = []
        if isinstance(block, Heading):
            made.append(
                _add_text_paragraph(
                    document,
                    block.text,
                    bold=True,
                    italic=block.level >= 3,
                    before_pt=6 if block.level == 1 else 0,
                )
            )
            made[-1].paragraph_format.keep_with_next = True  # never a heading alone at the foot of a page
        elif isinstance(block, Paragraph):
            made.append(
                _add_text_paragraph(
                    document,
                    block.text,
                    bold=block.bold,
                    italic=block.italic,
                    align=block.align,
                    indent=block.indent,
                )
            )
        elif isinstance(block, Table):
            if block.caption:
                made.append(
                    _add_text_paragraph(document, block.caption, bold=True, align="center", indent=False)
                )
                made[-1].paragraph_format.keep_with_next = True
            made.append(_add_table(document, block))
            made.append(_add_text_paragraph(document, "", size=6, indent=False, after_pt=0))
        elif isinstance(block, Image):
            made.append(_add_image(document, block))
            if block.caption:
                made.append(
                    _add_text_paragraph(
                        document, block.caption, size=13, italic=True, align="center", indent=False
                    )
                )
        else:  # pragma: no cover - a programming error, not user input
            raise TypeError(f"Unknown block {block!r}")
        for item in made:
            element = item._p if hasattr(item, "_p") else item._tbl
            marker._p.addprevious(element)
    marker._p.getparent().remove(marker._p)


def render_party_document(spec: PartyDocument, template: bytes | None = None) -> bytes:
    """Fill a Party-format DOCX template (the repo's default unless given) and return the DOCX bytes."""
    data = template if template is not None else DEFAULT_TEMPLATE.read_bytes()
    document = _open(data)
    _check_document(document)
    values = spec.field_values()
    scalars = {k: v for k, v in values.items() if isinstance(v, str)}
    marker = None
    for p in list(_all_paragraphs(document)):
        names = [m.group(1) for m in PLACEHOLDER_RE.finditer(p.text)]
        if not names:
            continue
        if BODY_FIELD in names:
            marker = p
        elif any(name in LIST_FIELDS for name in names):
            items = values[names[0]] if names[0] in LIST_FIELDS else []
            _expand_list(p, items if isinstance(items, list) else [items])
        else:
            _replace_in_paragraph(p, scalars)
    _build_body(document, marker, spec.body)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def document_text(data: bytes) -> str:
    """All the text of a DOCX, tables included, one paragraph a line (for tests and search)."""
    document = Document(io.BytesIO(data))
    return "\n".join(p.text for p in _all_paragraphs(document))
