"""A draft's text split into nested sections (chương, mục, điều, khoản, điểm), from pasted text or a DOCX.

Two ways to find the sections:
- a DOCX whose headings carry Word's heading styles (Heading 1/2/3 …, or an outline level): the style's
  level is the section's depth, and the number is read off the heading's text when it has one;
- otherwise (pasted text, or a DOCX without heading styles) the numbering at the start of a line:
  "Phần thứ nhất", "Chương I", "Mục 1", "Điều 1.", "I.", "1.", "1.1.", "a)". The first time a kind of
  numbering appears it opens a level below the current one, unless it is more general than the levels
  open (a "Mục" after "Điều 3" closes the article); when it appears again it is a sibling.
Lines that are no heading are the text of the section above them (before the first heading: the
preamble). A DOCX in which neither way finds a heading is refused: it cannot be split into sections.

Bounded: at most MAX_SECTIONS sections, MAX_SECTION_TEXT characters of text each, MAX_LINES lines read.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from neuguong.core.errors import BusinessError

MAX_SECTIONS = 1000
MAX_SECTION_TEXT = 20_000
MAX_TITLE = 500
MAX_NUMBER = 32
MAX_LINES = 50_000
MAX_DEPTH = 8
# A heading line longer than this is a numbered paragraph: its words are the section's text, not a title.
TITLE_LIMIT = 200

MSG_DOCX_INVALID = "Tệp tải lên không phải là tệp Word (.docx) hợp lệ."
MSG_DOCX_NO_HEADINGS = (
    "Tệp Word không có đề mục nên không chia được thành chương, điều, điểm: hãy định dạng các đề mục bằng "
    "kiểu Heading 1, Heading 2, Heading 3, hoặc bắt đầu mỗi đề mục bằng «Chương I», «Điều 1.», «Mục 1», "
    "«I.», «1.», «a)»."
)
MSG_TEXT_NO_HEADINGS = (
    "Không tìm thấy đề mục nào: mỗi chương, điều, mục, điểm cần bắt đầu một dòng bằng «Chương I», «Điều 1.», "
    "«Mục 1», «I.», «1.» hoặc «a)»."
)
MSG_TOO_MANY_SECTIONS = "Dự thảo có quá {limit} phần (chương, điều, mục, điểm)."
MSG_TOO_LONG = "Nội dung phần «{label}» dài quá {limit} ký tự."
MSG_TOO_DEEP = "Dự thảo lồng quá {limit} cấp đề mục."
MSG_TOO_MANY_LINES = "Văn bản dài quá {limit} dòng."


@dataclass
class Node:
    number: str = ""
    title: str = ""
    text: str = ""
    children: list[Node] = field(default_factory=list)

    def label(self) -> str:
        head = " ".join(part for part in (self.number, self.title) if part)
        return (head or self.text)[:80]


@dataclass
class Outline:
    preamble: str
    sections: list[Node]

    def count(self) -> int:
        return sum(1 for _ in walk(self.sections))


def walk(nodes: list[Node], depth: int = 0):
    """(node, depth) in reading order."""
    for node in nodes:
        yield node, depth
        yield from walk(node.children, depth + 1)


# ------------------------------------------------------------------------------------------------- text
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\u00a0]+")


def clean_text(value: str) -> str:
    """Multi-line text as stored: NFC, no control characters, lines trimmed, at most one blank line."""
    value = unicodedata.normalize("NFC", value or "").replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    lines = [_SPACES.sub(" ", line).strip() for line in value.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def clean_line(value: str) -> str:
    return _SPACES.sub(
        " ", _CONTROL.sub("", unicodedata.normalize("NFC", value or "").replace("\n", " "))
    ).strip()


# --------------------------------------------------------------------------------------------- headings
_ROMAN = r"(?=[IVXLC])C{0,3}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_WORD_NUMBER = r"(?:thứ\s+\S+|" + _ROMAN + r"|\d{1,3})"


@dataclass(frozen=True)
class HeadingKind:
    name: str
    rank: int  # smaller is more general
    pattern: re.Pattern
    title_is_text: bool = False  # a point's words are its content


def _kind(name: str, rank: int, pattern: str, *, flags=0, title_is_text: bool = False) -> HeadingKind:
    return HeadingKind(name, rank, re.compile(pattern, flags), title_is_text)


# (number, rest) groups. Word headings ("Chương", "Điều") are matched in either case as typed.
HEADING_KINDS = (
    _kind("part", 0, r"^((?:Phần|PHẦN)\s+" + _WORD_NUMBER + r")(?:[.:\-–]\s*|\s+|$)(.*)$"),
    _kind("chapter", 1, r"^((?:Chương|CHƯƠNG)\s+(?:" + _ROMAN + r"|\d{1,3}))(?:[.:\-–]\s*|\s+|$)(.*)$"),
    _kind("group", 2, r"^((?:Mục|MỤC)\s+(?:\d{1,3}|" + _ROMAN + r"))(?:[.:\-–]\s*|\s+|$)(.*)$"),
    _kind("article", 3, r"^((?:Điều|ĐIỀU)\s+\d{1,3}\.?)(?:[:\-–]\s*|\s+|$)(.*)$"),
    _kind("roman", 4, r"^(" + _ROMAN + r"[.\-–])\s+(.*)$"),
    _kind("arabic", 5, r"^(\d{1,3}[.)])\s+(.*)$"),
    # Two digits at most after the dot: "1.000 cán bộ" is a number written with a thousands separator.
    _kind("decimal", 6, r"^(\d{1,2}\.\d{1,2}\.?)\s+(.*)$"),
    _kind("letter", 7, r"^([a-zđ]\))\s+(.*)$", title_is_text=True),
)


@dataclass(frozen=True)
class HeadingMatch:
    kind: HeadingKind
    number: str
    rest: str


def match_heading(line: str) -> HeadingMatch | None:
    """The numbering a line starts with, if any: 'Điều 3. Nhiệm vụ' → (article, 'Điều 3.', 'Nhiệm vụ')."""
    for kind in HEADING_KINDS:
        found = kind.pattern.match(line)
        if found:
            return HeadingMatch(kind, found.group(1).strip(), found.group(2).strip())
    return None


def _node_from(number: str, rest: str, *, title_is_text: bool) -> Node:
    if title_is_text or len(rest) > TITLE_LIMIT:
        return Node(number=number[:MAX_NUMBER], text=rest)
    return Node(number=number[:MAX_NUMBER], title=rest)


class _Builder:
    """Appends headings at a level and text to the section above, keeping the open levels on a stack."""

    def __init__(self) -> None:
        self.roots: list[Node] = []
        self.preamble: list[str] = []
        self.stack: list[tuple[object, Node]] = []  # (level key, node)
        self.texts: dict[int, list[str]] = {}

    def text(self, line: str) -> None:
        if self.stack:
            self.texts.setdefault(id(self.stack[-1][1]), []).append(line)
        else:
            self.preamble.append(line)

    def add(self, node: Node, key: object, parent_depth: int) -> None:
        """Place `node` below the first `parent_depth` open levels."""
        self.stack = self.stack[:parent_depth]
        if len(self.stack) >= MAX_DEPTH:
            raise BusinessError(MSG_TOO_DEEP.format(limit=MAX_DEPTH), field="text")
        (self.stack[-1][1].children if self.stack else self.roots).append(node)
        self.stack.append((key, node))
        if node.text:
            self.texts.setdefault(id(node), []).append(node.text)

    def result(self) -> Outline:
        for node, _depth in walk(self.roots):
            node.text = clean_text("\n".join(self.texts.get(id(node), [])))
        return check(Outline(preamble=clean_text("\n".join(self.preamble)), sections=self.roots))


def parse_text(text: str) -> Outline:
    """Sections from plain text by the numbering at the start of lines (see the module's docstring)."""
    lines = clean_text(text).split("\n")
    if len(lines) > MAX_LINES:
        raise BusinessError(MSG_TOO_MANY_LINES.format(limit=MAX_LINES), field="text")
    builder = _Builder()
    awaiting_title: Node | None = None  # "Chương I" alone on its line: its title is the next line
    for line in lines:
        found = match_heading(line) if line else None
        if found is None:
            if awaiting_title is not None and line and len(line) <= TITLE_LIMIT:
                awaiting_title.title = line
            else:
                builder.text(line)
            awaiting_title = None if line else awaiting_title
            continue
        node = _node_from(found.number, found.rest, title_is_text=found.kind.title_is_text)
        builder.add(node, found.kind.name, _parent_depth(builder.stack, found.kind))
        awaiting_title = node if found.kind.rank <= 2 and not found.rest else None
    return builder.result()


def _parent_depth(stack: list[tuple[object, Node]], kind: HeadingKind) -> int:  # keys: kind names
    """How many open levels stay above a heading of `kind`: its earlier sibling's parents when the kind is
    open already; else every open level more general than it."""
    for index, (name, _node) in enumerate(stack):
        if name == kind.name:
            return index
    ranks: dict[object, int] = {k.name: k.rank for k in HEADING_KINDS}
    depth = len(stack)
    while depth and ranks.get(stack[depth - 1][0], -1) >= kind.rank:
        depth -= 1
    return depth


def check(outline: Outline) -> Outline:
    for count, (node, _depth) in enumerate(walk(outline.sections), 1):
        if count > MAX_SECTIONS:
            raise BusinessError(MSG_TOO_MANY_SECTIONS.format(limit=MAX_SECTIONS), field="text")
        if len(node.text) > MAX_SECTION_TEXT:
            raise BusinessError(MSG_TOO_LONG.format(label=node.label(), limit=MAX_SECTION_TEXT), field="text")
        node.title = node.title[:MAX_TITLE]
    if len(outline.preamble) > MAX_SECTION_TEXT:
        raise BusinessError(MSG_TOO_LONG.format(label="Phần mở đầu", limit=MAX_SECTION_TEXT), field="text")
    return outline


def require_sections(outline: Outline, message: str = MSG_TEXT_NO_HEADINGS) -> Outline:
    if not outline.sections:
        raise BusinessError(message, field="text")
    return outline


# ------------------------------------------------------------------------------------------------- DOCX
_HEADING_STYLE = re.compile(r"^(?:heading|đề mục|tiêu đề)\s*(\d)$", re.IGNORECASE)
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _heading_level(paragraph) -> int | None:
    """The paragraph's outline level from its style (Heading 1 → 1, through the styles it is based on) or
    its own outline level; None for body text."""
    own = paragraph._p.find(f"{W_NS}pPr/{W_NS}outlineLvl")
    if own is not None and own.get(f"{W_NS}val", "").isdigit() and int(own.get(f"{W_NS}val")) < 9:
        return int(own.get(f"{W_NS}val")) + 1
    style = paragraph.style
    seen = 0
    while style is not None and seen < 10:
        found = _HEADING_STYLE.match((style.name or "").strip())
        if found and found.group(1) != "0":
            return int(found.group(1))
        level = style.element.find(f"{W_NS}pPr/{W_NS}outlineLvl")
        if level is not None and level.get(f"{W_NS}val", "").isdigit() and int(level.get(f"{W_NS}val")) < 9:
            return int(level.get(f"{W_NS}val")) + 1
        style = style.base_style
        seen += 1
    return None


def docx_paragraphs(data: bytes) -> list[tuple[str, int | None]]:
    """(text, heading level or None) of the body's paragraphs in order; tables' cells are read as text."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BusinessError(MSG_DOCX_INVALID, field="file") from exc
    except Exception as exc:  # python-docx raises its own errors for a package that is not a document
        raise BusinessError(MSG_DOCX_INVALID, field="file") from exc
    rows: list[tuple[str, int | None]] = []
    for block in document.element.body.iterchildren():
        if len(rows) > MAX_LINES:
            raise BusinessError(MSG_TOO_MANY_LINES.format(limit=MAX_LINES), field="file")
        if block.tag == f"{W_NS}p":
            paragraph = Paragraph(block, document)
            rows.append((clean_line(paragraph.text), _heading_level(paragraph)))
        elif block.tag == f"{W_NS}tbl":
            for row in Table(block, document).rows:
                cells = [clean_line(cell.text) for cell in row.cells]
                rows.append((" | ".join(c for c in dict.fromkeys(cells) if c), None))
    return rows


def parse_docx(data: bytes) -> Outline:
    """Sections of a DOCX by its heading styles, else by the numbering of its lines; refused when it has
    neither."""
    rows = docx_paragraphs(data)
    levels = sorted({level for text, level in rows if level is not None and text})
    if not levels:
        outline = parse_text("\n".join(text for text, _level in rows))
        return require_sections(outline, MSG_DOCX_NO_HEADINGS)
    rank = {level: index for index, level in enumerate(levels)}  # Heading 2 and 3 only: depth 0 and 1
    builder = _Builder()
    for text, level in rows:
        if not text:
            builder.text("")
            continue
        if level is None:
            builder.text(text)
            continue
        found = match_heading(text)
        node = (
            _node_from(found.number, found.rest, title_is_text=False)
            if found
            else _node_from("", text, title_is_text=False)
        )
        depth = rank[level]
        # Below the nearest open heading of a more general level.
        parent_depth = len(builder.stack)
        while parent_depth and builder.stack[parent_depth - 1][0] >= depth:  # type: ignore[operator]
            parent_depth -= 1
        builder.add(node, depth, parent_depth)
    return require_sections(builder.result(), MSG_DOCX_NO_HEADINGS)


# ------------------------------------------------------------------------------------- nested input (API)
MSG_SECTION_SHAPE = "Mỗi phần cần có «number», «title», «text» (chuỗi) và «children» (danh sách)."
MSG_SECTION_EMPTY = "Có phần không có số thứ tự, tiêu đề và nội dung."


def from_nested(items: list, depth: int = 0) -> list[Node]:
    """Sections given as [{number, title, text, children}] (the API), checked like the parsed ones."""
    if depth >= MAX_DEPTH:
        raise BusinessError(MSG_TOO_DEEP.format(limit=MAX_DEPTH), field="sections")
    nodes = []
    for item in items:
        number = clean_line(str(item.get("number") or ""))
        title = clean_line(str(item.get("title") or ""))
        text = clean_text(str(item.get("text") or ""))
        children = item.get("children") or []
        if not isinstance(children, list):
            raise BusinessError(MSG_SECTION_SHAPE, field="sections")
        if not (number or title or text):
            raise BusinessError(MSG_SECTION_EMPTY, field="sections")
        if len(number) > MAX_NUMBER:
            number = number[:MAX_NUMBER]
        if len(title) > MAX_TITLE:
            raise BusinessError(MSG_TOO_LONG.format(label=title[:60], limit=MAX_TITLE), field="sections")
        nodes.append(Node(number=number, title=title, text=text, children=from_nested(children, depth + 1)))
    return nodes


# ------------------------------------------------------------------------------------------ form input
MSG_DOCX_ONLY = "Chỉ nhận tệp Word (.docx) để chia dự thảo thành chương, điều, điểm."


def outline_from_input(*, text: str = "", upload=None) -> Outline:
    """The outline of what a form received: an uploaded DOCX (checked like every upload, then split by its
    headings) or pasted text; nothing at all is an empty outline (a draft may be written section by section).
    Errors name the field they concern ("file" or "text")."""
    from neuguong.core.uploads import check_upload

    if upload is not None:
        if not (upload.name or "").lower().endswith(".docx"):
            raise BusinessError(MSG_DOCX_ONLY, field="file")
        check_upload(upload, field="file")
        upload.seek(0)
        try:
            return parse_docx(upload.read())
        except BusinessError as error:
            raise BusinessError(error.message, field="file") from error
    if text and text.strip():
        return require_sections(parse_text(text))
    return Outline(preamble="", sections=[])
