"""The import/export template: which Vietnamese column means which field, and how a header is recognised.

Headers are matched on a key that ignores diacritics, case, spacing and punctuation (`ho va ten`,
`HỌ VÀ TÊN`, `Họ  và tên:` are one header). Aliases cover the usual headers of the national member
database (CSDL đảng viên) exports.
"""

import re
from dataclasses import dataclass
from typing import Any

from neuguong.core.text import fold
from neuguong.organizations.models import OrgKind
from neuguong.people.models import CredentialKind, PersonStatus, Sex, TheoryLevel

PEOPLE = "people"
ORGANIZATIONS = "organizations"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = "text"  # text | date | choice | bool | code
    required: bool = False
    max_length: int = 0
    aliases: tuple[str, ...] = ()
    help: str = ""
    field: str = ""  # the model field it fills (for the template-completeness test)


def header_key(text) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(str(text or "")))


def _choice_labels(choices) -> str:
    return ", ".join(label for value, label in choices if value)


PEOPLE_COLUMNS: tuple[Column, ...] = (
    Column(
        "full_name",
        "Họ và tên",
        required=True,
        max_length=128,
        aliases=("Họ tên", "Họ và tên đảng viên", "Tên đảng viên"),
        help="Bắt buộc. Khoảng trắng thừa được bỏ, chữ được chuẩn hóa (NFC).",
        field="full_name",
    ),
    Column(
        "date_of_birth",
        "Ngày sinh",
        kind="date",
        aliases=("Ngày tháng năm sinh", "Sinh ngày"),
        help="dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd hoặc ô kiểu ngày của Excel.",
        field="date_of_birth",
    ),
    Column(
        "sex",
        "Giới tính",
        kind="choice",
        aliases=("Phái",),
        help="Nam hoặc Nữ.",
        field="sex",
    ),
    Column(
        "card_number",
        "Số thẻ đảng viên",
        max_length=32,
        aliases=("Số thẻ", "Số thẻ Đảng", "Số thẻ ĐV"),
        help="Dùng để nhận ra đảng viên khi nhập lại; không được trùng.",
        field="card_number",
    ),
    Column(
        "citizen_id",
        "Số CCCD",
        max_length=12,
        aliases=("CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh cá nhân"),
        help="12 chữ số. Dữ liệu nhạy cảm: chỉ xuất khi người xuất được phép xem.",
        field="citizen_id",
    ),
    Column(
        "admitted_on",
        "Ngày vào Đảng",
        kind="date",
        aliases=("Ngày kết nạp", "Ngày vào đảng", "Ngày kết nạp Đảng"),
        field="admitted_on",
    ),
    Column(
        "official_on",
        "Ngày chính thức",
        kind="date",
        aliases=("Ngày công nhận chính thức", "Ngày được công nhận chính thức"),
        help="Không được trước ngày vào Đảng.",
        field="official_on",
    ),
    Column(
        "organization",
        "Mã tổ chức",
        kind="code",
        required=True,
        aliases=("Mã tổ chức đảng", "Mã chi bộ", "Mã TCĐ"),
        help="Mã của chi bộ/đảng bộ nơi đảng viên sinh hoạt (xem trang Tổ chức).",
        field="organization",
    ),
    Column(
        "agency",
        "Mã cơ quan",
        kind="code",
        aliases=("Mã cơ quan đơn vị",),
        help="Không bắt buộc: mã cơ quan, đơn vị nơi công tác.",
        field="agency",
    ),
    Column(
        "job_title",
        "Chức vụ",
        max_length=128,
        aliases=("Chức vụ chính quyền", "Chức danh"),
        help="Chức vụ chính quyền (Chuyên viên, Trưởng phòng…).",
        field="job_title",
    ),
    Column(
        "theory_level",
        "Trình độ LLCT",
        kind="choice",
        aliases=("Trình độ lý luận chính trị", "LLCT", "Lý luận chính trị"),
        help=_choice_labels(TheoryLevel.choices) + ".",
        field="theory_level",
    ),
    Column(
        "theory_credential",
        "Văn bằng LLCT",
        kind="choice",
        aliases=("Văn bằng lý luận chính trị",),
        help=_choice_labels(CredentialKind.choices) + ".",
        field="theory_credential",
    ),
    Column(
        "status",
        "Trạng thái",
        kind="choice",
        aliases=("Tình trạng",),
        help=_choice_labels(PersonStatus.choices)
        + ". Để trống: Chính thức nếu có ngày chính thức, Dự bị nếu chỉ có ngày vào Đảng.",
        field="status",
    ),
    Column("phone", "Điện thoại", max_length=20, aliases=("Số điện thoại", "SĐT", "ĐT"), field="phone"),
    Column("email", "Thư điện tử", max_length=254, aliases=("Email", "E-mail"), field="email"),
)

# Person fields deliberately absent from the template, with the reason (the completeness test reads this).
PERSON_FIELDS_NOT_IN_TEMPLATE = {
    "id": "khóa nội bộ",
    "name_folded": "khóa tìm kiếm, tính từ họ tên",
    "user": "tài khoản đăng nhập, tạo bằng chức năng cấp tài khoản",
    "created_at": "dấu thời gian nội bộ",
    "updated_at": "dấu thời gian nội bộ",
}

ORG_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        "Mã tổ chức",
        kind="code",
        required=True,
        max_length=32,
        aliases=("Mã tổ chức đảng", "Mã TCĐ"),
        help="Chữ không dấu, số, gạch ngang/gạch dưới; dùng để nhận ra tổ chức khi nhập lại.",
        field="code",
    ),
    Column(
        "name",
        "Tên tổ chức",
        required=True,
        max_length=255,
        aliases=("Tên tổ chức đảng", "Tên"),
        field="name",
    ),
    Column(
        "kind",
        "Loại tổ chức",
        kind="choice",
        required=True,
        aliases=("Loại hình tổ chức",),
        help=_choice_labels([c for c in OrgKind.choices if c[0] != OrgKind.SUPERIOR]) + ".",
        field="kind",
    ),
    Column(
        "parent",
        "Mã tổ chức cấp trên",
        kind="code",
        required=True,
        aliases=("Mã cấp trên", "Tổ chức cấp trên"),
        help="Tổ chức cấp trên phải có sẵn hoặc nằm ở dòng trước trong tệp.",
        field="parent",
    ),
    Column("abbreviation", "Ký hiệu", max_length=32, aliases=("Ký hiệu trên văn bản",), field="abbreviation"),
    Column(
        "superior_body",
        "Cấp trên trực tiếp",
        max_length=255,
        aliases=("Dòng trên tiêu đề văn bản",),
        help="Ví dụ: ĐẢNG BỘ TỈNH NGHỆ AN.",
        field="superior_body",
    ),
    Column(
        "has_branch_committee",
        "Có chi ủy",
        kind="bool",
        help="Có hoặc Không (để trống: Không).",
        field="has_branch_committee",
    ),
)

ORGANIZATION_FIELDS_NOT_IN_TEMPLATE = {
    "id": "khóa nội bộ",
    "name_folded": "khóa tìm kiếm",
    "path": "tính từ tổ chức cấp trên",
    "depth": "tính từ tổ chức cấp trên",
    "dissolved_on": "giải thể/sáp nhập là quyết định, làm ở trang Tổ chức",
    "merged_into": "giải thể/sáp nhập là quyết định, làm ở trang Tổ chức",
    "created_at": "dấu thời gian nội bộ",
    "updated_at": "dấu thời gian nội bộ",
}

COLUMNS = {PEOPLE: PEOPLE_COLUMNS, ORGANIZATIONS: ORG_COLUMNS}
SHEET_TITLES = {ORGANIZATIONS: "Tổ chức", PEOPLE: "Đảng viên"}
# Headers that are recognised and silently ignored (row numbers, notes).
IGNORED_HEADERS = {header_key(h) for h in ("STT", "TT", "Số TT", "Ghi chú")}


def _index(columns) -> dict[str, str]:
    index: dict[str, str] = {}
    for column in columns:
        for text in (column.header, *column.aliases):
            index.setdefault(header_key(text), column.key)
    return index


HEADER_INDEX = {kind: _index(columns) for kind, columns in COLUMNS.items()}


def detect_kind(headers: list[str], mapping: dict[str, str] | None = None) -> str | None:
    """People when a name column is present, organisations when code + organisation name are."""
    keys = {header_key(h) for h in headers}
    mapped = {(mapping or {}).get(k) for k in keys}
    people = HEADER_INDEX[PEOPLE]
    if "full_name" in mapped or any(people.get(k) == "full_name" for k in keys):
        return PEOPLE
    orgs = HEADER_INDEX[ORGANIZATIONS]
    found = {orgs.get(k) for k in keys if k not in (mapping or {})} | mapped
    if {"code", "name"} <= found:
        return ORGANIZATIONS
    return None


def resolve_headers(
    kind: str, headers: list[str], mapping: dict[str, str] | None = None
) -> tuple[dict[int, str], list[str]]:
    """{column index: column key} for recognised headers, and the headers nobody recognised.

    `mapping` ({header_key: column key or "" to ignore}) is what the user chose on the mapping page.
    """
    index = HEADER_INDEX[kind]
    valid = {c.key for c in COLUMNS[kind]}
    mapping = {k: v for k, v in (mapping or {}).items() if not v or v in valid}
    resolved: dict[int, str] = {}
    unknown: list[str] = []
    for position, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        if key in mapping:
            if mapping[key]:
                resolved[position] = mapping[key]
            continue
        if key in index:
            resolved[position] = index[key]
        elif key not in IGNORED_HEADERS:
            unknown.append(header)
    return resolved, unknown


def choice_lookup(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Folded label or stored value → stored value."""
    table = {}
    for value, label in choices:
        table[header_key(label)] = value
        if value:
            table[header_key(value)] = value
    for text, value in (extra or {}).items():
        table[header_key(text)] = value
    return table


CHOICES: dict[str, dict[str, Any]] = {
    "sex": choice_lookup(Sex.choices, {"nữ": Sex.FEMALE, "nu": Sex.FEMALE}),
    "status": choice_lookup(
        PersonStatus.choices,
        {
            "Xóa tên": PersonStatus.REMOVED,
            "Khai trừ": PersonStatus.REMOVED,
            "Đã từ trần": PersonStatus.DECEASED,
            "Miễn SH": PersonStatus.EXEMPT,
            "Miễn sinh hoạt đảng": PersonStatus.EXEMPT,
            "Quần chúng": PersonStatus.NON_MEMBER,
        },
    ),
    "theory_level": choice_lookup(
        TheoryLevel.choices,
        {"Không": TheoryLevel.NONE, "Chưa": TheoryLevel.NONE, "Cử nhân": TheoryLevel.ADVANCED},
    ),
    "theory_credential": choice_lookup(
        CredentialKind.choices,
        {"Cử nhân chính trị": CredentialKind.BACHELOR, "Cử nhân": CredentialKind.BACHELOR},
    ),
    "kind": choice_lookup(
        [c for c in OrgKind.choices if c[0] != OrgKind.SUPERIOR],
        {"Đảng bộ bộ phận": OrgKind.PARTIAL_COMMITTEE, "Chi bộ": OrgKind.BRANCH},
    ),
    "has_branch_committee": {"co": True, "x": True, "1": True, "khong": False, "0": False},
}

CHOICE_LABELS = {
    "sex": dict(Sex.choices),
    "status": dict(PersonStatus.choices),
    "theory_level": dict(TheoryLevel.choices),
    "theory_credential": dict(CredentialKind.choices),
    "kind": dict(OrgKind.choices),
}
