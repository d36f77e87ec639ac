"""Question bank import from XLSX: every row is validated before anything is written.

Layout of the sheet (first sheet, first row is the header):
    Câu hỏi | A | B | C | D | ... | Đáp án
The answer column holds the letters of the correct options, e.g. "B" or "A, C".
"""

import io
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

from neuguong.core.text import fold, normalize_text

MAX_ROWS = 2000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_OPTIONS = 8
LETTERS = string.ascii_uppercase[:MAX_OPTIONS]

MSG_NOT_XLSX = "Tệp không phải bảng tính Excel (.xlsx) hợp lệ."
MSG_FILE_TOO_LARGE = "Tệp câu hỏi quá lớn (tối đa 5 MB)."
MSG_HEADER = "Dòng tiêu đề phải có cột «Câu hỏi», các cột phương án A, B, … và cột «Đáp án»."
MSG_EMPTY = "Tệp không có câu hỏi nào."
MSG_TOO_MANY_ROWS = f"Tệp có quá nhiều câu hỏi (tối đa {MAX_ROWS} câu mỗi lần nhập)."
ROW_NO_QUESTION = "Dòng {row}: thiếu nội dung câu hỏi."
ROW_FEW_OPTIONS = "Dòng {row}: cần ít nhất 2 phương án trả lời."
ROW_NO_ANSWER = "Dòng {row}: thiếu đáp án đúng."
ROW_BAD_ANSWER = "Dòng {row}: đáp án «{value}» không khớp phương án nào có nội dung."
ROW_GAP = "Dòng {row}: phương án {letter} để trống nhưng có phương án sau nó."


@dataclass
class ParsedQuestion:
    row: int
    text: str
    options: list[str]
    correct: list[int]


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value))


def _header_layout(header: tuple) -> tuple[int, list[int], int] | None:
    """Column indexes of the question, of the options (in letter order) and of the answer."""
    names = [fold(_cell(value)) for value in header]
    question_col = next((i for i, n in enumerate(names) if n in ("cau hoi", "noi dung cau hoi")), None)
    answer_col = next((i for i, n in enumerate(names) if n in ("dap an", "dap an dung")), None)
    if question_col is None or answer_col is None:
        return None
    option_cols = []
    for letter in LETTERS:
        col = next(
            (i for i, n in enumerate(names) if n in (letter.lower(), f"phuong an {letter.lower()}")), None
        )
        if col is None:
            break
        option_cols.append(col)
    if len(option_cols) < 2:
        return None
    return question_col, option_cols, answer_col


def _answer_indexes(value: str) -> list[str]:
    cleaned = value.upper().replace(";", ",").replace(" ", ",")
    return [part for part in cleaned.split(",") if part]


def parse_question_rows(rows: Iterable[tuple]) -> ParseResult:
    """Check every row; return the questions, or the errors by row number (as Excel counts them)."""
    result = ParseResult()
    iterator = iter(rows)
    header = next(iterator, None)
    layout = _header_layout(tuple(header or ()))
    if layout is None:
        result.errors.append(MSG_HEADER)
        return result
    question_col, option_cols, answer_col = layout
    for row_number, raw in enumerate(iterator, start=2):
        values = tuple(raw) + (None,) * (max([question_col, answer_col, *option_cols]) + 1 - len(raw))
        text = _cell(values[question_col])
        options = [_cell(values[col]) for col in option_cols]
        answer = _cell(values[answer_col])
        if not text and not answer and not any(options):
            continue  # blank line
        if len(result.questions) + len(result.errors) >= MAX_ROWS:
            result.errors.append(MSG_TOO_MANY_ROWS)
            break
        if not text:
            result.errors.append(ROW_NO_QUESTION.format(row=row_number))
            continue
        while options and not options[-1]:
            options.pop()
        gap = next((i for i, option in enumerate(options) if not option), None)
        if gap is not None:
            result.errors.append(ROW_GAP.format(row=row_number, letter=LETTERS[gap]))
            continue
        if len(options) < 2:
            result.errors.append(ROW_FEW_OPTIONS.format(row=row_number))
            continue
        if not answer:
            result.errors.append(ROW_NO_ANSWER.format(row=row_number))
            continue
        letters = _answer_indexes(answer)
        if not letters or any(letter not in LETTERS[: len(options)] for letter in letters):
            result.errors.append(ROW_BAD_ANSWER.format(row=row_number, value=answer))
            continue
        correct = sorted({LETTERS.index(letter) for letter in letters})
        result.questions.append(ParsedQuestion(row_number, text, options, correct))
    if not result.questions and not result.errors:
        result.errors.append(MSG_EMPTY)
    return result


def read_xlsx_rows(content: bytes) -> list[tuple]:
    """All rows of the first sheet as tuples of cell values; ValueError when it is not a workbook."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    from neuguong.core.xlsx_guard import check_xlsx

    try:
        check_xlsx(
            io.BytesIO(content), broken=MSG_NOT_XLSX
        )  # part sizes and rows bounded before openpyxl reads anything
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ValueError(MSG_NOT_XLSX) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            if all(value is None or value == "" for value in row):
                rows.append(())  # keeps Excel's row numbering for the error messages
                continue
            rows.append(tuple(row))
            if len(rows) > MAX_ROWS * 2:  # enough to report "too many"; the rest is never read
                break
        return rows
    finally:
        workbook.close()
