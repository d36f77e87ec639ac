"""Importing organisations and people: validate the whole file first, then write it in one transaction.

The file is read twice, streamed both times: the first pass only validates and plans (nothing is
written); the second pass, inside one `transaction.atomic()`, plans again batch by batch against the
database and writes. If anything is invalid in the second pass (the database changed meanwhile) the whole
transaction is rolled back. Memory stays bounded: only keys (card numbers, matched ids) are kept across
batches, plus capped samples for the preview.
"""

import datetime as dt
import io
import pickle
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from openpyxl.utils.datetime import from_excel

from neuguong.access.scope import Scope, scope_for
from neuguong.audit.models import AuditEvent
from neuguong.core.dates import EARLIEST_BIRTH_DATE, EARLIEST_DATE, format_vn, local_today
from neuguong.core.errors import BusinessError
from neuguong.core.text import fold, normalize_code, normalize_text
from neuguong.organizations.models import Agency, DecisionKind, Organization, StructureDecision
from neuguong.people.models import Membership, Person, PersonStatus, TheoryLevel

from . import events
from .columns import (
    CHOICE_LABELS,
    CHOICES,
    COLUMNS,
    ORGANIZATIONS,
    SHEET_TITLES,
    detect_kind,
    header_key,
    resolve_headers,
)
from .fastinsert import insert_rows
from .readers import Formula, ImportFileError, Table, column_letter, open_tables

BATCH = 2_000
MAX_ERRORS_KEPT = 2_000
MAX_SAMPLES = 200

MSG_INVALID_FILE = "Tệp có {count} lỗi; chưa có dữ liệu nào được ghi."
MSG_NO_KNOWN_SHEET = (
    "Không nhận ra dòng tiêu đề: cần cột «Họ và tên» (danh sách đảng viên) hoặc «Mã tổ chức» và "
    "«Tên tổ chức» (danh sách tổ chức). Hãy dùng tệp mẫu hoặc ghép cột ở bước sau."
)
MSG_MISSING_COLUMN = "Thiếu cột bắt buộc «{header}» (trang «{sheet}»)."
MSG_DUPLICATE_COLUMN = "Cột «{header}» xuất hiện hai lần (cột {first} và cột {second})."
MSG_NO_ROWS = "Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."

MSG_REQUIRED = "thiếu giá trị bắt buộc."
MSG_DATE_INVALID = "«{value}» không phải ngày hợp lệ (ghi dd/mm/yyyy, ví dụ 17/05/1980)."
MSG_DATE_RANGE = "ngày {value} không hợp lý: phải trong khoảng {earliest} – {latest} (hôm nay)."
MSG_OFFICIAL_BEFORE_ADMISSION = "ngày chính thức trước ngày vào Đảng."
MSG_UNKNOWN_ORG = "mã tổ chức «{code}» không tồn tại hoặc không thuộc phạm vi bạn được nhập."
MSG_ORG_DISSOLVED = "tổ chức «{code}» đã giải thể hoặc sáp nhập."
MSG_UNKNOWN_AGENCY = "mã cơ quan «{code}» không tồn tại."
MSG_CARD_DUPLICATE_IN_FILE = "số thẻ {card} trùng với dòng {other}."
MSG_CARD_TAKEN = "số thẻ {card} đã có trong hệ thống (của một đảng viên khác)."
MSG_CHOICE = "«{value}» không hợp lệ; ghi một trong: {choices}."
MSG_TOO_LONG = "dài quá {max} ký tự."
MSG_CITIZEN_ID = "số CCCD phải gồm đúng 12 chữ số."
MSG_EMAIL = "địa chỉ thư điện tử không hợp lệ."
MSG_AMBIGUOUS = "họ tên và ngày sinh khớp với {count} đảng viên; hãy ghi số thẻ đảng viên để phân biệt."
MSG_SAME_PERSON_TWICE = "cùng một đảng viên với dòng {other}."
MSG_FORMULA = "ô chứa công thức ({formula}); hãy chuyển công thức thành giá trị (Dán đặc biệt → Giá trị)."
MSG_CODE_INVALID = "mã chỉ gồm chữ không dấu, số, dấu gạch ngang, gạch dưới hoặc chấm (tối đa 32 ký tự)."
MSG_ORG_CODE_TAKEN = "mã tổ chức «{code}» đã được dùng cho một tổ chức ngoài phạm vi của bạn."
MSG_ORG_CODE_TWICE = "mã tổ chức «{code}» trùng với dòng {other}."
MSG_PARENT_CHANGE = "không đổi tổ chức cấp trên bằng nhập tệp; hãy dùng chức năng «Chuyển tổ chức cấp trên»."
MSG_PARENT_SELF = "tổ chức cấp trên không thể là chính nó."
MSG_NO_STRUCTURE_RIGHT = "chỉ cán bộ cơ quan đảng ủy được đổi thông tin tổ chức bằng nhập tệp."
MSG_ORG_ROOT = "không nhập được tổ chức gốc (Đảng bộ cấp trên cơ sở)."

MATCH_CARD = "card"
MATCH_NAME_BIRTH = "name_birth"
_ALLOWED_CODE = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_DATE_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")

PERSON_WRITE_FIELDS = (
    "full_name",
    "date_of_birth",
    "sex",
    "card_number",
    "citizen_id",
    "admitted_on",
    "official_on",
    "agency",
    "job_title",
    "theory_level",
    "theory_credential",
    "status",
    "phone",
    "email",
)
ORG_WRITE_FIELDS = ("name", "kind", "abbreviation", "superior_body", "has_branch_committee")


class ImportInvalid(BusinessError):
    """The file has problems; `problems` lists them, one line each. Nothing was written."""

    def __init__(self, problems: list[str], *, total: int | None = None):
        total = total if total is not None else len(problems)
        super().__init__(MSG_INVALID_FILE.format(count=total))
        self.problems = problems
        self.total = total


@dataclass
class Problem:
    row: int
    column: str | None  # the header as written in the file; None (or "") when the row as a whole is wrong
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"dòng {self.row}, cột «{self.column}»: {self.message}"
        return f"dòng {self.row}: {self.message}"


@dataclass
class Report:
    """What an import did (or would do): counts, capped samples for the preview, and problems."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    matched_by_name: int = 0
    rows: int = 0
    orgs_created: int = 0
    orgs_updated: int = 0
    orgs_unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    samples: dict[str, list] = field(default_factory=lambda: {"create": [], "update": [], "unchanged": []})
    unknown_headers: list[str] = field(default_factory=list)
    _pending: list = field(default_factory=list)

    def problem(self, problem: Problem) -> None:
        self.problem_count += 1
        self._pending.append(problem)

    def flush(self) -> None:
        """Problems of a batch in row order (cell errors are found before row-level ones)."""
        for problem in sorted(self._pending, key=lambda p: p.row):
            if len(self.problems) < MAX_ERRORS_KEPT:
                self.problems.append(str(problem))
        self._pending = []

    def sample(self, kind: str, item: dict) -> None:
        if len(self.samples[kind]) < MAX_SAMPLES:
            self.samples[kind].append(item)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "matched_by_name": self.matched_by_name,
            "rows": self.rows,
            "orgs_created": self.orgs_created,
            "orgs_updated": self.orgs_updated,
            "orgs_unchanged": self.orgs_unchanged,
            "problems": self.problems,
            "problem_count": self.problem_count,
            "samples": self.samples,
            "unknown_headers": self.unknown_headers,
        }


# --- cell parsing ---------------------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, message: str):
        self.message = message


def parse_date(value, today: dt.date | None = None, *, earliest: dt.date = EARLIEST_DATE) -> dt.date | None:
    """dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, an Excel date cell or an Excel serial number, between `earliest`
    (01/01/1930; birth dates 01/01/1900, core/dates.py) and today: every date of these lists is past."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, bool):
        raise CellError(MSG_DATE_INVALID.format(value=value))
    elif isinstance(value, int | float):
        if not 1 <= value < 80_000:
            raise CellError(MSG_DATE_INVALID.format(value=value))
        try:
            day = from_excel(value).date()
        except (ValueError, OverflowError, TypeError) as exc:
            raise CellError(MSG_DATE_INVALID.format(value=value)) from exc
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            if match := _DATE_DMY.match(text):
                day = dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            elif match := _DATE_ISO.match(text):
                day = dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            else:
                raise CellError(MSG_DATE_INVALID.format(value=text[:40]))
        except ValueError as exc:
            raise CellError(MSG_DATE_INVALID.format(value=text[:40])) from exc
    latest = today or local_today()
    if not earliest <= day <= latest:
        raise CellError(
            MSG_DATE_RANGE.format(
                value=format_vn(day), earliest=format_vn(earliest), latest=format_vn(latest)
            )
        )
    return day


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a card number typed as a number in Excel
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return normalize_text(str(value))


@lru_cache(maxsize=4096)
def _choice_key(text: str) -> str:
    return header_key(text)


def parse_cell(column, value, today: dt.date | None = None):
    """The stored value for one cell, or CellError. Empty cells give None (meaning: not provided)."""
    if isinstance(value, Formula):
        raise CellError(MSG_FORMULA.format(formula=str(value)[:40]))
    if column.kind == "date":
        earliest = EARLIEST_BIRTH_DATE if column.key == "date_of_birth" else EARLIEST_DATE
        return parse_date(value, today, earliest=earliest)
    text = cell_text(value)
    if not text:
        return None
    if column.kind == "choice" or column.kind == "bool":
        table = CHOICES[column.key]
        key = _choice_key(text)
        if key not in table:
            labels = CHOICE_LABELS.get(column.key, {"": "Có, Không"})
            raise CellError(
                MSG_CHOICE.format(value=text[:40], choices=", ".join(v for v in labels.values() if v != "—"))
            )
        return table[key]
    if column.kind == "code":
        text = normalize_code(text)
    if column.max_length and len(text) > column.max_length:
        raise CellError(MSG_TOO_LONG.format(max=column.max_length))
    return text


# --- reading tables ---------------------------------------------------------------------------------------


@dataclass
class Sheet:
    kind: str
    table: Table
    columns: dict[int, str]
    headers: dict[str, str]  # column key → header text as written in the file


def prepare_sheets(
    tables: list[Table], mapping: dict[str, str] | None = None
) -> tuple[list[Sheet], list[str]]:
    """Recognise each table's kind and columns; organisations come before people."""
    sheets: list[Sheet] = []
    unknown_all: list[str] = []
    for table in tables:
        kind = detect_kind(table.headers, mapping)
        if kind is None:
            if len(tables) == 1:
                raise ImportInvalid([MSG_NO_KNOWN_SHEET])
            continue
        columns, unknown = resolve_headers(kind, table.headers, mapping)
        seen: dict[str, int] = {}
        for position, key in sorted(columns.items()):
            if key in seen:
                raise ImportInvalid(
                    [
                        MSG_DUPLICATE_COLUMN.format(
                            header=table.headers[position],
                            first=column_letter(seen[key]),
                            second=column_letter(position),
                        )
                    ]
                )
            seen[key] = position
        unknown_all += unknown
        sheets.append(
            Sheet(kind, table, columns, {key: table.headers[position] for position, key in columns.items()})
        )
    if not sheets:
        raise ImportInvalid([MSG_NO_KNOWN_SHEET])
    sheets.sort(key=lambda s: 0 if s.kind == ORGANIZATIONS else 1)
    return sheets, unknown_all


def read_headers(stream) -> list[dict]:
    """Each table's name, kind and headers, for the mapping page."""
    out = []
    for table in open_tables(stream):
        out.append({"name": table.name, "headers": table.headers, "kind": detect_kind(table.headers) or ""})
    return out


def _parsed_rows(sheet: Sheet, report: Report, today: dt.date | None = None) -> Iterator[tuple[int, dict]]:
    """(row number, {column key: value}) with cell errors reported; blank rows skipped."""
    columns = COLUMNS[sheet.kind]
    by_key = {c.key: c for c in columns}
    for number, values in sheet.table.rows:
        if not any(v not in (None, "") and str(v).strip() for v in values):
            continue
        report.rows += 1
        parsed: dict = {"_errors": False}
        for position, key in sheet.columns.items():
            raw = values[position] if position < len(values) else None
            try:
                value = parse_cell(by_key[key], raw, today)
            except CellError as exc:
                report.problem(Problem(number, sheet.headers[key], exc.message))
                parsed["_errors"] = True
                continue
            if value is not None:
                parsed[key] = value
        yield number, parsed


def _recorded(rows: Iterator[tuple[int, list]], spool) -> Iterator[tuple[int, list]]:
    for item in rows:
        pickle.dump(item, spool, protocol=pickle.HIGHEST_PROTOCOL)
        yield item


def _replayed(sheet: Sheet, spool) -> Sheet:
    spool.seek(0)

    def rows() -> Iterator[tuple[int, list]]:
        while True:
            try:
                yield pickle.load(spool)  # noqa: S301 — our own temporary file, written just before
            except EOFError:
                return

    table = Table(
        name=sheet.table.name, header_row=sheet.table.header_row, headers=sheet.table.headers, rows=rows()
    )
    return Sheet(sheet.kind, table, sheet.columns, sheet.headers)


# --- the engine -----------------------------------------------------------------------------------------


@dataclass
class OrgRef:
    pk: int | None
    code: str
    path: str
    active: bool


class Importer:
    """One run over a file: `validate()` never writes; `apply()` writes everything or nothing."""

    def __init__(
        self,
        *,
        open_stream: Callable,
        actor=None,
        scope: Scope | None = None,
        default_org: Organization | None = None,
        mapping: dict[str, str] | None = None,
        source_name: str = "",
        progress: Callable[[int], None] | None = None,
    ):
        self.open_stream = open_stream
        self.actor = actor
        self.scope = scope or scope_for(actor)
        self.default_org = default_org
        self.mapping = mapping or {}
        self.source_name = source_name
        self.progress = progress or (lambda rows: None)
        self._spools: list | None = None
        self._person_ct = ContentType.objects.get_for_model(Person)
        self._org_ct = ContentType.objects.get_for_model(Organization)

    # public API

    def validate(self) -> Report:
        """Check every row and plan creates/updates; nothing is written."""
        return self._run(write=False)

    def apply(self, *, finalize: Callable[[Report], object] | None = None) -> Report:
        """Validate and write in one transaction; raises ImportInvalid (nothing written) on any problem.

        `finalize(report)` runs inside the same transaction (the summary audit event).
        """
        self._spools = []
        try:
            report = self.validate()
            if report.problem_count:
                raise ImportInvalid(report.problems, total=report.problem_count)
            with transaction.atomic():
                report = self._run(write=True)
                if report.problem_count:
                    raise ImportInvalid(report.problems, total=report.problem_count)
                if finalize is not None:
                    finalize(report)
        finally:
            for _sheet, spool in self._spools or []:
                spool.close()
            self._spools = None
        return report

    # internals

    def _run(self, *, write: bool) -> Report:
        report = Report()
        self.write = write
        self.orgs: dict[str, OrgRef | None] = {}
        self.pending_orgs: dict[str, int] = {}
        self.agencies: dict[str, int | None] = {}
        self.cards_seen: dict[str, int] = {}
        self.people_seen: dict[int, int] = {}
        self.now = timezone.now()
        self.today = local_today()
        spools = self._spools
        replay = write and bool(spools)
        # The write pass replays the rows the validation pass read (spooled to a temporary file) instead
        # of parsing the spreadsheet a second time: the same values, half the parsing.
        stream = io.BytesIO() if replay else self.open_stream()
        try:
            if replay and spools:
                sheets = [_replayed(sheet, spool) for sheet, spool in spools]
                unknown: list[str] = []
            else:
                sheets, unknown = prepare_sheets(open_tables(stream), self.mapping)
                if spools is not None:
                    for sheet in sheets:
                        spool = tempfile.TemporaryFile()  # noqa: SIM115 — closed in apply()
                        sheet.table.rows = _recorded(sheet.table.rows, spool)
                        spools.append((sheet, spool))
            report.unknown_headers = unknown
            for sheet in sheets:
                missing = [
                    c
                    for c in COLUMNS[sheet.kind]
                    if c.required
                    and c.key not in sheet.headers
                    and not (c.key == "organization" and self.default_org)
                    and not (sheet.kind == ORGANIZATIONS and c.key in ("kind", "parent"))
                ]
                if missing:
                    name = SHEET_TITLES[sheet.kind] if sheet.table.name == "CSV" else sheet.table.name
                    raise ImportInvalid(
                        [MSG_MISSING_COLUMN.format(header=c.header, sheet=name) for c in missing]
                    )
                if sheet.kind == ORGANIZATIONS:
                    self._organizations(sheet, report)
                else:
                    self._people(sheet, report)
            if report.rows == 0:
                raise ImportInvalid([MSG_NO_ROWS])
        finally:
            stream.close()
        return report

    # organisations

    def _org(self, code: str) -> OrgRef | None:
        if code not in self.orgs:
            self._load_orgs([code])
        return self.orgs.get(code)

    def _load_orgs(self, codes) -> None:
        wanted = {c for c in codes if c and c not in self.orgs}
        if not wanted:
            return
        found = {}
        for pk, code, path, dissolved in Organization.objects.filter(code__in=wanted).values_list(
            "pk", "code", "path", "dissolved_on"
        ):
            found[code] = OrgRef(pk, code, path, dissolved is None)
        for code in wanted:
            self.orgs[code] = found.get(code)

    def _organizations(self, sheet: Sheet, report: Report) -> None:
        rows = list(
            _parsed_rows(sheet, report, self.today)
        )  # organisation lists are small (thousands at most)
        self._load_orgs([r.get("code") for _, r in rows] + [r.get("parent") for _, r in rows])
        existing = {
            org.code: org
            for org in Organization.objects.select_related("parent").filter(
                code__in=[r.get("code") for _, r in rows if r.get("code")]
            )
        }
        seen: dict[str, int] = {}
        for number, row in rows:
            self._organization_row(sheet, report, number, row, existing, seen)
        report.flush()
        self.progress(report.rows)

    def _organization_row(self, sheet, report, number, row, existing, seen) -> None:
        header = sheet.headers.get
        code = row.get("code")
        bad = row.pop("_errors")
        for key in ("code", "name"):
            if not row.get(key):
                report.problem(Problem(number, header(key) or key, MSG_REQUIRED))
                bad = True
        if code and not _ALLOWED_CODE.match(code):
            report.problem(Problem(number, header("code"), MSG_CODE_INVALID))
            return
        if not code:
            return
        if code in seen:
            report.problem(
                Problem(number, header("code"), MSG_ORG_CODE_TWICE.format(code=code, other=seen[code]))
            )
            return
        seen[code] = number
        org = existing.get(code)
        parent_code = row.get("parent")
        if org is not None:
            self._organization_update_row(sheet, report, number, row, org, bad)
            return
        # a new organisation
        for key in ("kind", "parent"):
            if not row.get(key):
                report.problem(Problem(number, header(key) or key, MSG_REQUIRED))
                bad = True
        if bad:
            return
        if parent_code == code:
            report.problem(Problem(number, header("parent"), MSG_PARENT_SELF))
            return
        if parent_code not in self.pending_orgs:
            parent = self._org(parent_code)
            if parent is None or not self.scope.can_change_structure(parent.path):
                report.problem(Problem(number, header("parent"), MSG_UNKNOWN_ORG.format(code=parent_code)))
                return
            if not parent.active:
                report.problem(Problem(number, header("parent"), MSG_ORG_DISSOLVED.format(code=parent_code)))
                return
        self.pending_orgs[code] = number
        report.orgs_created += 1
        if self.write:
            self._org_create(row)

    def _organization_update_row(self, sheet, report, number, row, org, bad) -> None:
        """An organisation already known by its code: unchanged rows are fine for anyone who sees it."""
        header = sheet.headers.get
        if not self.scope.can_read_path(org.path):
            report.problem(Problem(number, header("code"), MSG_ORG_CODE_TAKEN.format(code=org.code)))
            return
        if org.parent_id is None:
            report.problem(Problem(number, header("code"), MSG_ORG_ROOT))
            return
        if row.get("parent") and row["parent"] != org.parent.code:
            report.problem(Problem(number, header("parent"), MSG_PARENT_CHANGE))
            return
        if bad:
            return
        changes = {
            name: {"old": getattr(org, name), "new": row[name]}
            for name in ORG_WRITE_FIELDS
            if name in row and getattr(org, name) != row[name]
        }
        if not changes:
            report.orgs_unchanged += 1
            return
        if not self.scope.can_change_structure(org.path):
            report.problem(Problem(number, header("code"), MSG_NO_STRUCTURE_RIGHT))
            return
        if not org.is_active:
            report.problem(Problem(number, header("code"), MSG_ORG_DISSOLVED.format(code=org.code)))
            return
        report.orgs_updated += 1
        if self.write:
            self._org_update(org, changes)

    def _org_create(self, row: dict) -> None:
        parent = Organization.objects.get(code=row["parent"])
        org = Organization.objects.create(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            parent=parent,
            abbreviation=row.get("abbreviation", ""),
            superior_body=row.get("superior_body", ""),
            has_branch_committee=row.get("has_branch_committee", False),
        )
        org.path = f"{parent.path}{org.pk}/"
        org.depth = parent.depth + 1
        org.save(update_fields=["path", "depth"])
        self.orgs[org.code] = OrgRef(org.pk, org.code, org.path, True)
        StructureDecision.objects.create(
            organization=org,
            kind=DecisionKind.CREATE,
            decided_on=self.today,
            details={"source": "import", "file": self.source_name[:200]},
            actor=self.actor if getattr(self.actor, "pk", None) else None,
        )
        # The parent by id, as every relation is recorded: the history shows its name.
        values = row | {"parent": parent.pk}
        self._audit(org, self._org_ct, org.path, {k: {"old": None, "new": v} for k, v in values.items()})

    def _org_update(self, org: Organization, changes: dict) -> None:
        for name, change in changes.items():
            setattr(org, name, change["new"])
        org.save()
        if "name" in changes:
            StructureDecision.objects.create(
                organization=org,
                kind=DecisionKind.RENAME,
                decided_on=self.today,
                details={
                    "old_name": changes["name"]["old"],
                    "new_name": changes["name"]["new"],
                    "source": "import",
                },
                actor=self.actor if getattr(self.actor, "pk", None) else None,
            )
        self._audit(org, self._org_ct, org.path, changes)

    # people

    def _people(self, sheet: Sheet, report: Report) -> None:
        batch: list[tuple[int, dict]] = []
        for item in _parsed_rows(sheet, report, self.today):
            batch.append(item)
            if len(batch) >= BATCH:
                self._people_batch(sheet, report, batch)
                batch = []
                self.progress(report.rows)
        if batch:
            self._people_batch(sheet, report, batch)
        self.progress(report.rows)

    def _people_batch(self, sheet: Sheet, report: Report, batch: list[tuple[int, dict]]) -> None:
        header = sheet.headers.get
        org_header = header("organization") or "Mã tổ chức"
        if self.default_org is not None:
            self.orgs.setdefault(
                self.default_org.code,
                OrgRef(
                    self.default_org.pk,
                    self.default_org.code,
                    self.default_org.path,
                    self.default_org.is_active,
                ),
            )
        self._load_orgs(r.get("organization") for _, r in batch)
        self._load_agencies({r["agency"] for _, r in batch if r.get("agency")})
        cards = [r["card_number"] for _, r in batch if r.get("card_number")]
        by_card = {
            p.card_number: p
            for p in Person.objects.filter(card_number__in=cards).select_related("organization")
        }
        for _, r in batch:
            if r.get("full_name"):
                r["_folded"] = fold(r["full_name"])
        # Name + birth date is only asked for rows not matched by card; a row that has a card may only match
        # someone stored without one. Narrowing the query this way keeps it from growing with the table.
        unmatched = [
            r
            for _, r in batch
            if r.get("full_name") and r.get("date_of_birth") and r.get("card_number") not in by_card
        ]
        by_name: dict[tuple, list[Person]] = defaultdict(list)
        if unmatched:
            q = Q(pk__in=[])
            for with_card in (False, True):
                group = [r for r in unmatched if bool(r.get("card_number")) == with_card]
                if group:
                    part = Q(
                        name_folded__in={r["_folded"] for r in group},
                        date_of_birth__in={r["date_of_birth"] for r in group},
                    )
                    q |= part & Q(card_number="") if with_card else part
            candidates = Person.objects.filter(q, self.scope.write_q("organization__path")).select_related(
                "organization"
            )
            for candidate in candidates:
                by_name[(candidate.name_folded, candidate.date_of_birth)].append(candidate)

        creates: list[tuple[int, dict]] = []
        updates: list[tuple[int, Person, dict, str]] = []
        for number, row in batch:
            bad = row.pop("_errors")
            if not row.get("full_name"):
                report.problem(Problem(number, header("full_name") or "Họ và tên", MSG_REQUIRED))
                bad = True
            # organisation: unknown and out-of-scope codes get the same answer
            code = row.get("organization") or (self.default_org.code if self.default_org else None)
            org = None
            if not code:
                report.problem(Problem(number, org_header, MSG_REQUIRED))
                bad = True
            elif code in self.pending_orgs and not self.write:
                org = OrgRef(None, code, "", True)
            else:
                org = self.orgs.get(code)
                if org is None or not self.scope.can_write_path(org.path):
                    report.problem(Problem(number, org_header, MSG_UNKNOWN_ORG.format(code=code)))
                    org, bad = None, True
                elif not org.active:
                    report.problem(Problem(number, org_header, MSG_ORG_DISSOLVED.format(code=code)))
                    org, bad = None, True
            if row.get("agency"):
                agency_id = self.agencies.get(row["agency"])
                if agency_id is None:
                    report.problem(
                        Problem(number, header("agency"), MSG_UNKNOWN_AGENCY.format(code=row["agency"]))
                    )
                    bad = True
                row["agency"] = agency_id
            citizen_id = row.get("citizen_id")
            if citizen_id and not (len(citizen_id) == 12 and citizen_id.isdigit()):
                report.problem(Problem(number, header("citizen_id"), MSG_CITIZEN_ID))
                bad = True
            if row.get("email"):
                try:
                    validate_email(row["email"])
                except ValidationError:
                    report.problem(Problem(number, header("email"), MSG_EMAIL))
                    bad = True
            card = row.get("card_number")
            if card:
                if card in self.cards_seen:
                    report.problem(
                        Problem(
                            number,
                            header("card_number"),
                            MSG_CARD_DUPLICATE_IN_FILE.format(card=card, other=self.cards_seen[card]),
                        )
                    )
                    bad = True
                else:
                    self.cards_seen[card] = number
            # matching: card number first, then name + birth date
            person, matched_by = None, ""
            if card and card in by_card:
                person, matched_by = by_card[card], MATCH_CARD
                if not self.scope.can_write_path(person.organization.path):
                    report.problem(Problem(number, header("card_number"), MSG_CARD_TAKEN.format(card=card)))
                    person, bad = None, True
            elif row.get("full_name") and row.get("date_of_birth"):
                found = [
                    p
                    for p in by_name.get((row["_folded"], row["date_of_birth"]), [])
                    if not card or not p.card_number
                ]
                if len(found) > 1:
                    report.problem(
                        Problem(number, header("full_name"), MSG_AMBIGUOUS.format(count=len(found)))
                    )
                    bad = True
                elif found:
                    person, matched_by = found[0], MATCH_NAME_BIRTH
            if person is not None:
                if person.pk in self.people_seen:
                    report.problem(
                        Problem(
                            number,
                            header("full_name"),
                            MSG_SAME_PERSON_TWICE.format(other=self.people_seen[person.pk]),
                        )
                    )
                    bad = True
                else:
                    self.people_seen[person.pk] = number
            # dates against each other (an update compares with what is stored)
            admitted = row.get("admitted_on", person.admitted_on if person else None)
            official = row.get("official_on", person.official_on if person else None)
            if admitted and official and official < admitted:
                report.problem(
                    Problem(
                        number, header("official_on") or header("admitted_on"), MSG_OFFICIAL_BEFORE_ADMISSION
                    )
                )
                bad = True
            if bad:
                continue
            row["organization"] = org
            if person is None:
                creates.append((number, row))
            else:
                updates.append((number, person, row, matched_by))

        report.flush()
        self._plan_creates(report, creates)
        self._plan_updates(report, updates)

    def _load_agencies(self, codes: set[str]) -> None:
        wanted = codes - set(self.agencies)
        if wanted:
            found = dict(Agency.objects.filter(code__in=wanted).values_list("code", "pk"))
            for code in wanted:
                self.agencies[code] = found.get(code)

    def _plan_creates(self, report: Report, creates: list[tuple[int, dict]]) -> None:
        people = []
        for number, row in creates:
            org = row.pop("organization")
            values = {k: v for k, v in row.items() if k in PERSON_WRITE_FIELDS}
            if "status" not in values:
                values["status"] = (
                    PersonStatus.OFFICIAL
                    if values.get("official_on") or not values.get("admitted_on")
                    else PersonStatus.PROBATIONARY
                )
            values.setdefault("theory_level", TheoryLevel.NONE)
            report.created += 1
            report.sample(
                "create", {"row": number, "full_name": values["full_name"], "organization": org.code}
            )
            if self.write:
                agency_id = values.pop("agency", None)
                person = Person(
                    organization_id=org.pk, agency_id=agency_id, name_folded=row["_folded"], **values
                )
                recorded = values | {"organization": org.pk} | ({"agency": agency_id} if agency_id else {})
                people.append((person, org, recorded))
        if not self.write or not people:
            return
        created = insert_rows(Person, [p for p, _, _ in people])
        insert_rows(
            Membership,
            [
                Membership(
                    person=person,
                    organization_id=org.pk,
                    started_on=person.admitted_on or self.today,
                    note="Nhập từ tệp",
                )
                for person, (_, org, _) in zip(created, people, strict=True)
            ],
        )
        self._audit_many(
            [
                (
                    person,
                    org.path,
                    {k: {"old": None, "new": _plain(v)} for k, v in values.items() if v not in ("", None)},
                )
                for person, (_, org, values) in zip(created, people, strict=True)
            ]
        )

    def _plan_updates(self, report: Report, updates: list[tuple[int, Person, dict, str]]) -> None:
        changed_people: list[Person] = []
        fields: set[str] = set()
        audited = []
        moves: list[tuple[Person, int]] = []  # (person, the organisation moved to)
        for number, person, row, matched_by in updates:
            org = row.pop("organization")
            changes = {}
            for name in PERSON_WRITE_FIELDS:
                if name not in row:
                    continue  # an empty cell never erases what is stored
                attname = "agency_id" if name == "agency" else name
                old = getattr(person, attname)
                if old != row[name]:
                    changes[name] = {"old": _plain(old), "new": _plain(row[name])}
                    fields.add(attname)
                    setattr(person, attname, row[name])
            moved_from = None
            if org.pk is not None and org.pk != person.organization_id:
                changes["organization"] = {"old": person.organization.code, "new": org.code}
                moved_from = person.organization_id
                moves.append((person, org.pk))
            if matched_by == MATCH_NAME_BIRTH:
                report.matched_by_name += 1
            item = {
                "row": number,
                "full_name": person.full_name,
                "matched_by": matched_by,
                "changes": changes,
            }
            if not changes:
                report.unchanged += 1
                report.sample("unchanged", item)
                continue
            report.updated += 1
            report.sample("update", item)
            if self.write:
                if "full_name" in changes:
                    person.full_name = normalize_text(person.full_name)
                    person.name_folded = fold(person.full_name)
                    fields.add("name_folded")
                person.updated_at = self.now
                changed_people.append(person)
                # The preview shows organisation codes; the trail keeps ids, read back as names.
                recorded = dict(changes)
                if moved_from is not None:
                    recorded["organization"] = {"old": moved_from, "new": org.pk}
                audited.append((person, org.path if org.pk else person.organization.path, recorded))
        if not self.write:
            return
        if moves:
            Membership.objects.filter(person_id__in=[p.pk for p, _ in moves], ended_on__isnull=True).update(
                ended_on=self.today
            )
            Membership.objects.bulk_create(
                [
                    Membership(person=p, organization_id=org_id, started_on=self.today, note="Nhập từ tệp")
                    for p, org_id in moves
                ]
            )
            for person, org_id in moves:
                person.organization_id = org_id
            fields.add("organization_id")
        if changed_people:
            names = sorted({f.removesuffix("_id") for f in fields} | {"updated_at"})
            Person.objects.bulk_update(changed_people, names, batch_size=1_000)
            self._audit_many(audited)

    # audit

    def _audit(self, target, content_type, org_path: str, changes: dict) -> None:
        self._audit_many([(target, org_path, changes)], content_type=content_type)

    def _audit_many(self, items, *, content_type=None) -> None:
        """One `dataio.imported` event per record, built by the events module and written in bulk."""
        insert_rows(
            AuditEvent,
            [
                events.record_imported(
                    actor=self.actor,
                    target=target,
                    target_type=content_type or self._person_ct,
                    org_path=org_path,
                    changes=changes,
                    source_name=self.source_name,
                )
                for target, org_path, changes in items
            ],
        )


def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def import_file(
    *,
    path_or_opener,
    actor=None,
    scope: Scope | None = None,
    default_org: Organization | None = None,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    source_name: str = "",
    progress: Callable[[int], None] | None = None,
    finalize: Callable[[Report], object] | None = None,
) -> Report:
    """Validate (dry run) or import a file; raises ImportFileError or ImportInvalid, nothing else."""
    opener = path_or_opener if callable(path_or_opener) else (lambda: open(path_or_opener, "rb"))  # noqa: SIM115
    importer = Importer(
        open_stream=opener,
        actor=actor,
        scope=scope,
        default_org=default_org,
        mapping=mapping,
        source_name=source_name,
        progress=progress,
    )
    if dry_run:
        report = importer.validate()
        if report.problem_count:
            raise ImportInvalid(report.problems, total=report.problem_count)
        return report
    return importer.apply(finalize=finalize)


__all__ = ["ImportFileError", "ImportInvalid", "Importer", "Report", "import_file", "parse_date"]
