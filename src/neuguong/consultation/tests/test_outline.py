"""The outline parser: pasted text and DOCX split into nested sections by headings or numbering, refusing
a DOCX without either (hypothesis: any outline written out as text is read back as the same tree)."""

import io

import pytest
from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from neuguong.consultation import outline
from neuguong.consultation.outline import Node, parse_docx, parse_text, walk
from neuguong.core.errors import BusinessError


def tree(o) -> list:
    return [(depth, n.number, n.title, n.text) for n, depth in walk(o.sections)]


def test_numbering_nests_sections_by_the_order_kinds_appear():
    o = parse_text(
        "NGHỊ QUYẾT\nI. TÌNH HÌNH\nNội dung.\nII. CHỈ TIÊU\n1. Chung\n2. Cụ thể\na) 100% cơ quan;\nb) 98% hồ sơ.\n"
        "III. TỔ CHỨC THỰC HIỆN"
    )
    assert o.preamble == "NGHỊ QUYẾT"
    assert tree(o) == [
        (0, "I.", "TÌNH HÌNH", "Nội dung."),
        (0, "II.", "CHỈ TIÊU", ""),
        (1, "1.", "Chung", ""),
        (1, "2.", "Cụ thể", ""),
        (2, "a)", "", "100% cơ quan;"),
        (2, "b)", "", "98% hồ sơ."),
        (0, "III.", "TỔ CHỨC THỰC HIỆN", ""),
    ]


def test_chapters_articles_clauses_and_points_of_rules():
    o = parse_text(
        "Chương I\nQUY ĐỊNH CHUNG\nĐiều 1. Phạm vi\n1. Khoản một\na) điểm a\nĐiều 2. Đối tượng\nChương II\nĐiều 3. Hiệu lực"
    )
    assert tree(o) == [
        (0, "Chương I", "QUY ĐỊNH CHUNG", ""),
        (1, "Điều 1.", "Phạm vi", ""),
        (2, "1.", "Khoản một", ""),
        (3, "a)", "", "điểm a"),
        (1, "Điều 2.", "Đối tượng", ""),
        (0, "Chương II", "", ""),
        (1, "Điều 3.", "Hiệu lực", ""),
    ]


def test_a_more_general_heading_closes_the_levels_below_it():
    o = parse_text("Chương I\nĐiều 1. A\nMục 2. B\nĐiều 2. C")
    assert [(d, n.number) for n, d in walk(o.sections)] == [
        (0, "Chương I"),
        (1, "Điều 1."),
        (1, "Mục 2"),
        (2, "Điều 2."),
    ]


def test_lines_that_only_look_like_numbers_are_text():
    o = parse_text("1. Mục tiêu\n1.000 cán bộ được tập huấn\n2021 là năm bản lề\nĐiều này áp dụng chung")
    assert tree(o) == [
        (0, "1.", "Mục tiêu", "1.000 cán bộ được tập huấn\n2021 là năm bản lề\nĐiều này áp dụng chung")
    ]


def test_text_without_any_heading_is_refused_by_the_form_input():
    with pytest.raises(BusinessError) as error:
        outline.outline_from_input(text="Một đoạn văn không có đề mục.\nĐoạn thứ hai.")
    assert error.value.message == outline.MSG_TEXT_NO_HEADINGS


def test_too_many_sections_are_refused():
    with pytest.raises(BusinessError) as error:
        parse_text("\n".join(f"{i % 900 + 1}. Mục" for i in range(1001)))
    assert error.value.message == outline.MSG_TOO_MANY_SECTIONS.format(limit=1000)


def _docx(paragraphs) -> bytes:
    document = Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_is_split_by_its_heading_styles():
    data = _docx(
        [
            ("Căn cứ Điều lệ Đảng", None),
            ("I. MỤC TIÊU", "Heading 1"),
            ("Nội dung mục tiêu.", None),
            ("1. Chỉ tiêu", "Heading 2"),
            ("a) 100% cơ quan", None),
            ("II. GIẢI PHÁP", "Heading 1"),
            ("Không đánh số", "Heading 2"),
        ]
    )
    o = parse_docx(data)
    assert o.preamble == "Căn cứ Điều lệ Đảng"
    # With heading styles, a numbered body line stays text of its heading.
    assert tree(o) == [
        (0, "I.", "MỤC TIÊU", "Nội dung mục tiêu."),
        (1, "1.", "Chỉ tiêu", "a) 100% cơ quan"),
        (0, "II.", "GIẢI PHÁP", ""),
        (1, "", "Không đánh số", ""),
    ]


def test_a_docx_without_heading_styles_is_split_by_its_numbering():
    o = parse_docx(_docx([("Điều 1. Phạm vi", None), ("Nội dung", None), ("Điều 2. Đối tượng", None)]))
    assert tree(o) == [(0, "Điều 1.", "Phạm vi", "Nội dung"), (0, "Điều 2.", "Đối tượng", "")]


def test_a_docx_without_headings_is_refused_with_a_clear_message():
    with pytest.raises(BusinessError) as error:
        parse_docx(_docx([("Một đoạn văn.", None), ("Đoạn văn thứ hai, không có số thứ tự.", None)]))
    assert error.value.message == outline.MSG_DOCX_NO_HEADINGS


def test_a_file_that_is_not_a_docx_is_refused():
    with pytest.raises(BusinessError) as error:
        parse_docx(b"PK\x03\x04 not really a zip")
    assert error.value.message == outline.MSG_DOCX_INVALID


# ----------------------------------------------------------------------------------- property: round trip
KINDS_BY_DEPTH = [
    lambda i: (f"{['I', 'II', 'III', 'IV', 'V', 'VI', 'VII', 'VIII'][i]}.", True),
    lambda i: (f"{i + 1}.", True),
    lambda i: (f"{'abcdeghik'[i]})", False),
]
WORDS = st.sampled_from(
    ["cán bộ", "đảng viên", "cải cách", "hành chính", "nâng cao", "chất lượng", "Đảng bộ", "công tác"]
)
PHRASE = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)


@st.composite
def outlines(draw, depth=0):
    count = draw(st.integers(min_value=1 if depth == 0 else 0, max_value=4))
    nodes = []
    for i in range(count):
        number, titled = KINDS_BY_DEPTH[depth](i)
        title = draw(PHRASE).capitalize() if titled else ""
        text = draw(st.lists(PHRASE, max_size=2).map("\n".join))
        if not titled and not text:
            text = draw(PHRASE)
        children = draw(outlines(depth + 1)) if depth + 1 < len(KINDS_BY_DEPTH) else []
        nodes.append(Node(number=number, title=title, text=text, children=children))
    return nodes


def render(nodes) -> str:
    lines = []
    for node, _depth in walk(nodes):
        if node.title:
            lines.append(f"{node.number} {node.title}")
            lines += node.text.split("\n") if node.text else []
        else:
            first, *rest = node.text.split("\n")
            lines.append(f"{node.number} {first}")
            lines += rest
    return "\n".join(lines)


@settings(max_examples=150, deadline=None)
@given(outlines(), PHRASE)
def test_any_outline_written_as_text_is_read_back_the_same(nodes, preamble):
    parsed = parse_text(preamble.capitalize() + "\n" + render(nodes))
    expected = [(d, n.number, n.title, n.text) for n, d in walk(nodes)]
    assert tree(parsed) == expected
    assert parsed.preamble == preamble.capitalize()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_parsed_or_refused_never_crashes(text):
    try:
        parsed = parse_text(text)
    except BusinessError:
        return
    assert all(len(n.title) <= outline.MAX_TITLE for n, _ in walk(parsed.sections))
