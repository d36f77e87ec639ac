"""Reading XLSX files into plain rows, and checking them: every problem is reported with its row number,
and nothing is written unless the whole file is correct (the services do the writing).

The parsers work on lists of tuples so they can be tested without files (hypothesis does).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from neuguong.core.errors import BusinessError
from neuguong.core.text import fold, normalize_text

from .rules import POINTS, VALUE, parse_number

MSG_NOT_XLSX = "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ."
MSG_IMPORT_PROBLEMS = "Tệp có {n} lỗi, chưa nhập dữ liệu nào. Sửa các dòng dưới đây rồi nhập lại."
MSG_MISSING_COLUMNS = "Dòng tiêu đề thiếu cột: {columns}."
MSG_EMPTY_FILE = "Tệp không có dòng dữ liệu nào."
MSG_TOO_MANY_ROWS = "Tệp có quá nhiều dòng (tối đa {limit})."
ROW = "Dòng {row}: "
MSG_ROW_CODE = ROW + "mã «{code}» không hợp lệ (dạng 1, 1.2 hoặc 1.2.3)."
MSG_ROW_DUPLICATE = ROW + "mã «{code}» bị trùng với dòng {first}."
MSG_ROW_NAME = ROW + "thiếu nội dung."
MSG_ROW_MAX = ROW + "điểm tối đa «{value}» không phải là số."
MSG_ROW_MAX_NEGATIVE = ROW + "điểm tối đa phải lớn hơn 0."
MSG_ROW_PARENT = ROW + "mã «{code}» không có mục cấp trên «{parent}» ở phía trên."
MSG_ROW_NO_CHILDREN = ROW + "tiêu chí «{code}» chưa có tiêu chí thành phần nào."
MSG_ROW_SUM_COMPONENTS = (
    ROW
    + "tổng điểm tối đa các tiêu chí thành phần ({total}) khác điểm tối đa của tiêu chí «{code}» ({maximum})."
)
MSG_ROW_SUM_CRITERIA = (
    ROW + "tổng điểm tối đa các tiêu chí ({total}) khác điểm tối đa của lĩnh vực «{code}» ({maximum})."
)
MSG_ROW_VALUE = ROW + "{message}"
MSG_ROW_UNKNOWN_AGENCY = ROW + "không có cơ quan mã «{code}» trong phạm vi của bạn."
MSG_ROW_UNKNOWN_INDICATOR = ROW + "không có chỉ tiêu mã «{code}»."
MSG_ROW_YEAR = ROW + "năm «{value}» không hợp lệ."
MSG_ROW_SURVEY_RANGE = ROW + "điểm điều tra {value} phải từ 0 đến {maximum}."
MAX_ROWS = 5000

_CODE = re.compile(r"^\d{1,3}(?:\.\d{1,3}){0,2}$")


class ImportProblems(BusinessError):
    """A file with problems: `problems` lists each one with its row; nothing has been written."""

    def __init__(self, problems: list[str]):
        super().__init__(MSG_IMPORT_PROBLEMS.format(n=len(problems)), field="file")
        self.problems = problems


def read_rows(upload) -> list[tuple[int, tuple]]:
    """(row number as Excel shows it, values) of the first sheet, empty rows skipped."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from neuguong.core.xlsx_guard import check_xlsx

    try:
        upload.seek(0)
        check_xlsx(upload, broken=MSG_NOT_XLSX)  # part sizes and rows bounded before openpyxl reads anything
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BusinessError(MSG_NOT_XLSX, field="file") from exc
    sheet = workbook.worksheets[0]
    rows = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_ROWS + 1:
            raise BusinessError(MSG_TOO_MANY_ROWS.format(limit=MAX_ROWS), field="file")
        if values and any(v not in (None, "") for v in values):
            rows.append((number, tuple(values)))
    workbook.close()
    return rows


def _header_map(header: tuple, wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each wanted field, matched on folded header text."""
    folded = [fold(str(value or "")) for value in header]
    found: dict[str, int] = {}
    for key, names in wanted.items():
        for index, text in enumerate(folded):
            if text in names:
                found[key] = index
                break
    return found


def _cell(values: tuple, index: int | None):
    if index is None or index >= len(values):
        return None
    return values[index]


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return normalize_text(str(value)) if value is not None else ""


# ---------------------------------------------------------------------------------------- scoring sets
SET_COLUMNS = {
    "code": ("ma", "ma so", "stt"),
    "name": ("noi dung", "ten", "tieu chi", "linh vuc/tieu chi"),
    "max_points": ("diem toi da", "diem"),
    "guide": ("huong dan cham", "huong dan", "cach cham"),
}


@dataclass
class SetNode:
    row: int
    code: str
    name: str
    max_points: Decimal
    guide: str = ""
    children: list["SetNode"] = field(default_factory=list)


def _code_text(value) -> str:
    # Excel turns "1.2" into the float 1.2; read it back as typed.
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return _text(value).rstrip(".")


def parse_scoring_rows(rows: list[tuple[int, tuple]]) -> tuple[list[SetNode], list[str]]:
    """Areas (code "1") → criteria ("1.2") → components ("1.2.3"); every problem, with its row."""
    if not rows:
        return [], [MSG_EMPTY_FILE]
    (_, header), data = rows[0], rows[1:]
    columns = _header_map(header, SET_COLUMNS)
    missing = [
        label
        for key, label in (("code", "Mã"), ("name", "Nội dung"), ("max_points", "Điểm tối đa"))
        if key not in columns
    ]
    if missing:
        return [], [MSG_MISSING_COLUMNS.format(columns=", ".join(missing))]
    if not data:
        return [], [MSG_EMPTY_FILE]
    problems: list[str] = []
    areas: list[SetNode] = []
    by_code: dict[str, SetNode] = {}
    for row, values in data:
        code = _code_text(_cell(values, columns["code"]))
        name = _text(_cell(values, columns["name"]))
        raw_max = _cell(values, columns["max_points"])
        guide = _text(_cell(values, columns.get("guide")))
        if not _CODE.match(code):
            problems.append(MSG_ROW_CODE.format(row=row, code=code))
            continue
        if code in by_code:
            problems.append(MSG_ROW_DUPLICATE.format(row=row, code=code, first=by_code[code].row))
            continue
        if not name:
            problems.append(MSG_ROW_NAME.format(row=row))
        try:
            maximum = parse_number(raw_max, **POINTS)
        except BusinessError:
            problems.append(MSG_ROW_MAX.format(row=row, value=_text(raw_max)))
            maximum = None
        if maximum is not None and maximum <= 0:
            problems.append(MSG_ROW_MAX_NEGATIVE.format(row=row))
        node = SetNode(row=row, code=code, name=name[:1000], max_points=maximum or Decimal(0), guide=guide)
        by_code[code] = node
        parent_code = code.rsplit(".", 1)[0] if "." in code else None
        if parent_code is None:
            areas.append(node)
        elif parent_code in by_code:
            by_code[parent_code].children.append(node)
        else:
            problems.append(MSG_ROW_PARENT.format(row=row, code=code, parent=parent_code))
    for area in areas:
        for criterion in area.children:
            if not criterion.children:
                problems.append(MSG_ROW_NO_CHILDREN.format(row=criterion.row, code=criterion.code))
                continue
            total = sum((c.max_points for c in criterion.children), Decimal(0))
            if total != criterion.max_points:
                problems.append(
                    MSG_ROW_SUM_COMPONENTS.format(
                        row=criterion.row,
                        code=criterion.code,
                        total=_num(total),
                        maximum=_num(criterion.max_points),
                    )
                )
        if area.children:
            total = sum((c.max_points for c in area.children), Decimal(0))
            if total != area.max_points:
                problems.append(
                    MSG_ROW_SUM_CRITERIA.format(
                        row=area.row, code=area.code, total=_num(total), maximum=_num(area.max_points)
                    )
                )
        else:
            problems.append(MSG_ROW_NO_CHILDREN.format(row=area.row, code=area.code))
    problems.sort(key=_row_of)
    return areas, problems


def _row_of(problem: str) -> int:
    match = re.match(r"Dòng (\d+)", problem)
    return int(match.group(1)) if match else 0


def _num(value: Decimal) -> str:
    from .rules import format_number

    return format_number(value)


# ---------------------------------------------------------------------------------------- annual targets
TARGET_COLUMNS = {
    "indicator": ("ma chi tieu",),
    "agency": ("ma co quan", "ma don vi"),
    "year": ("nam",),
    "target": ("chi tieu nam", "chi tieu", "gia tri"),
    "note": ("ghi chu",),
}


@dataclass
class TargetRow:
    row: int
    indicator_code: str
    agency_code: str
    year: int
    target_value: Decimal
    note: str


def parse_target_rows(rows: list[tuple[int, tuple]]) -> tuple[list[TargetRow], list[str]]:
    """Mã chỉ tiêu | Mã cơ quan | Năm | Chỉ tiêu năm | Ghi chú."""
    if not rows:
        return [], [MSG_EMPTY_FILE]
    (_, header), data = rows[0], rows[1:]
    columns = _header_map(header, TARGET_COLUMNS)
    labels = {"indicator": "Mã chỉ tiêu", "agency": "Mã cơ quan", "year": "Năm", "target": "Chỉ tiêu năm"}
    missing = [label for key, label in labels.items() if key not in columns]
    if missing:
        return [], [MSG_MISSING_COLUMNS.format(columns=", ".join(missing))]
    if not data:
        return [], [MSG_EMPTY_FILE]
    parsed, problems = [], []
    for row, values in data:
        year_raw = _cell(values, columns["year"])
        try:
            year = int(parse_number(year_raw))
            if not 2000 <= year <= 2100:
                raise ValueError
        except (BusinessError, ValueError):
            problems.append(MSG_ROW_YEAR.format(row=row, value=_text(year_raw)))
            year = 0
        try:
            value = parse_number(_cell(values, columns["target"]), **VALUE)
        except BusinessError as exc:
            problems.append(MSG_ROW_VALUE.format(row=row, message=exc.message))
            value = None
        if value is not None and year:
            parsed.append(
                TargetRow(
                    row=row,
                    indicator_code=_text(_cell(values, columns["indicator"]))[:32],
                    agency_code=_text(_cell(values, columns["agency"]))[:32],
                    year=year,
                    target_value=value,
                    note=_text(_cell(values, columns.get("note")))[:500],
                )
            )
    return parsed, problems


# ---------------------------------------------------------------------------------------- survey scores
SURVEY_COLUMNS = {"agency": ("ma co quan", "ma don vi"), "score": ("diem", "diem dieu tra", "diem khao sat")}


def parse_survey_rows(rows: list[tuple[int, tuple]]) -> tuple[list[tuple[int, str, Decimal]], list[str]]:
    """Mã cơ quan | Điểm."""
    if not rows:
        return [], [MSG_EMPTY_FILE]
    (_, header), data = rows[0], rows[1:]
    columns = _header_map(header, SURVEY_COLUMNS)
    labels = {"agency": "Mã cơ quan", "score": "Điểm"}
    missing = [label for key, label in labels.items() if key not in columns]
    if missing:
        return [], [MSG_MISSING_COLUMNS.format(columns=", ".join(missing))]
    parsed, problems = [], []
    for row, values in data:
        try:
            score = parse_number(_cell(values, columns["score"]), **POINTS)
        except BusinessError as exc:
            problems.append(MSG_ROW_VALUE.format(row=row, message=exc.message))
            continue
        parsed.append((row, _text(_cell(values, columns["agency"]))[:32], score))
    return parsed, problems
