"""Who issues a Party document, who signs it and who receives it: one rule, over plain data.

Hướng dẫn 36-HD/VPTW (03/4/2018), sections 1.2 (tên cơ quan ban hành) and 1.7 (quyền hạn, chức vụ người
ký), applied to the organisation kinds of the tree:

| kind                         | superior line (above)        | issuing body               | signs            |
|------------------------------|------------------------------|----------------------------|------------------|
| đảng bộ cấp trên cơ sở       | its superior đảng bộ         | ĐẢNG ỦY … (its committee)  | T/M BAN THƯỜNG VỤ|
| đảng bộ cơ sở, bộ phận       | the superior đảng bộ         | ĐẢNG ỦY …                  | T/M ĐẢNG ỦY      |
| chi bộ cơ sở, chi bộ         | the superior đảng bộ         | CHI BỘ …                   | T/M CHI BỘ       |
| the committee's commission   | the committee (ĐẢNG ỦY …)    | ỦY BAN KIỂM TRA            | T/M ỦY BAN KIỂM TRA |

A collective body signs "T/M" (thay mặt) by its head; a deputy signing for the head adds "K/T" (ký thay):
"T/M BAN THƯỜNG VỤ / K/T BÍ THƯ / PHÓ BÍ THƯ". A đảng bộ cơ sở signs T/M ĐẢNG ỦY: only a đảng ủy cơ sở of
9 members or more elects a ban thường vụ, which the organisation kind does not tell, and the đảng ủy is
competent either way (a secretary may still write another authority in a report's draft).

Each body reports to its superior's committee ("Đảng ủy Khối …", "Ban Thường vụ Tỉnh ủy …" for a
committee above grassroots level), and keeps a copy ("Lưu").

The date decides which regulation on inspection, supervision and discipline (Chương VII, VIII Điều lệ
Đảng) a decision cites (`Issuer.inspection_bases`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# The organisation kinds, as stored (organizations.OrgKind values; this layer may not import that app).
SUPERIOR = "superior"
GRASSROOTS_COMMITTEE = "grassroots_committee"
PARTIAL_COMMITTEE = "partial_committee"
GRASSROOTS_BRANCH = "grassroots_branch"
BRANCH = "branch"
KINDS = (SUPERIOR, GRASSROOTS_COMMITTEE, PARTIAL_COMMITTEE, GRASSROOTS_BRANCH, BRANCH)
COMMITTEE_KINDS = (SUPERIOR, GRASSROOTS_COMMITTEE, PARTIAL_COMMITTEE)

COMMISSION = "ỦY BAN KIỂM TRA"
CHARTER_BASIS = "Căn cứ Điều lệ Đảng Cộng sản Việt Nam;"
DECIDES_LINE_MAX_CHARS = 36  # with " QUYẾT ĐỊNH:" the line stays under ~48 capitals
MSG_UNKNOWN_KIND = "Loại tổ chức đảng không hợp lệ: {kind}."

# The Central Committee's regulation implementing Chương VII, VIII of the Charter in force from each date.
INSPECTION_REGULATIONS: tuple[tuple[dt.date, str], ...] = (
    (
        dt.date(2011, 11, 1),
        "Quyết định số 46-QĐ/TW, ngày 01/11/2011 của Ban Chấp hành Trung ương hướng dẫn thực hiện các quy "
        "định về công tác kiểm tra, giám sát và kỷ luật của Đảng trong Chương VII và Chương VIII Điều lệ Đảng",
    ),
    (
        dt.date(2016, 7, 26),
        "Quy định số 30-QĐ/TW, ngày 26/7/2016 của Ban Chấp hành Trung ương thi hành Chương VII và Chương VIII "
        "Điều lệ Đảng về công tác kiểm tra, giám sát, kỷ luật của Đảng",
    ),
    (
        dt.date(2021, 7, 28),
        "Quy định số 22-QĐ/TW, ngày 28/7/2021 của Ban Chấp hành Trung ương về công tác kiểm tra, giám sát và "
        "kỷ luật của Đảng (thi hành Chương VII, Chương VIII Điều lệ Đảng)",
    ),
    (
        dt.date(2025, 2, 3),
        "Quy định số 22-QĐ/TW, ngày 28/7/2021 của Ban Chấp hành Trung ương về công tác kiểm tra, giám sát và "
        "kỷ luật của Đảng (thi hành Chương VII, Chương VIII Điều lệ Đảng), được sửa đổi, bổ sung bởi Quy định "
        "số 262-QĐ/TW, ngày 03/02/2025",
    ),
    (
        dt.date(2025, 5, 30),
        "Quy định số 296-QĐ/TW, ngày 30/5/2025 của Ban Chấp hành Trung ương về công tác kiểm tra, giám sát và "
        "kỷ luật của Đảng (thi hành Chương VII, Chương VIII Điều lệ Đảng)",
    ),
)
INSPECTION_REGULATION_BEFORE = (
    "các quy định của Ban Chấp hành Trung ương thi hành Chương VII, Chương VIII Điều lệ Đảng về công tác "
    "kiểm tra, giám sát và kỷ luật của Đảng"
)

# "Đảng bộ tỉnh Nghệ An" is led by the "Tỉnh ủy Nghệ An"; any other "Đảng bộ X" by the "Đảng ủy X".
_COMMITTEE_OF_LOCALITY = {
    "đảng bộ tỉnh ": "Tỉnh ủy ",
    "đảng bộ thành phố ": "Thành ủy ",
    "đảng bộ huyện ": "Huyện ủy ",
    "đảng bộ quận ": "Quận ủy ",
    "đảng bộ thị xã ": "Thị ủy ",
}


def _casefold_startswith(text: str, prefix: str) -> bool:
    return text[: len(prefix)].casefold() == prefix.casefold()


def _sentence_rest(rest: str, *, proper_noun: bool) -> str:
    """The rest of a name typed in capitals ('NGHỆ AN', 'KHỐI CÁC CƠ QUAN TỈNH') in ordinary case: a
    place name word by word, anything else with a capital first word only."""
    if rest != rest.upper() or not rest.strip():
        return rest
    if proper_noun:
        return " ".join(word.capitalize() for word in rest.split(" "))
    return rest[:1] + rest[1:].lower()


def committee_name(organisation_name: str) -> str:
    """The committee that leads a đảng bộ, in ordinary case: 'Đảng bộ Khối Các cơ quan tỉnh' → 'Đảng ủy Khối
    Các cơ quan tỉnh', 'ĐẢNG BỘ TỈNH NGHỆ AN' → 'Tỉnh ủy Nghệ An'. A chi bộ is its own body."""
    name = " ".join(organisation_name.split())
    for prefix, committee in _COMMITTEE_OF_LOCALITY.items():
        if _casefold_startswith(name, prefix):
            return committee + _sentence_rest(name[len(prefix) :], proper_noun=True)
    if _casefold_startswith(name, "đảng bộ "):
        return "Đảng ủy " + _sentence_rest(name[len("đảng bộ ") :], proper_noun=False)
    return name


@dataclass(frozen=True)
class Issuer:
    """The header, signing block and recipients of a document, ready for `PartyDocument`."""

    superior_body: str  # the line above the issuing body, in capitals ("" when none)
    issuing_body: str  # in capitals
    signing_authority: str  # "T/M BAN THƯỜNG VỤ", or two lines "T/M …\nK/T BÍ THƯ" for a deputy
    signer_position: str  # "BÍ THƯ", "PHÓ BÍ THƯ", "CHỦ NHIỆM", "PHÓ CHỦ NHIỆM"
    deciding_body: str  # who "… QUYẾT ĐỊNH:" in a decision, in capitals
    report_to: str  # the superior's committee, in ordinary case ("" when unknown)
    archive: str  # the file copy: "Lưu Văn phòng" or "Lưu"
    on: dt.date
    signer_name: str = ""

    def document_fields(self) -> dict[str, str]:
        """The `PartyDocument` fields this rule decides: `PartyDocument(**issuer.document_fields(), …)`."""
        return {
            "superior_body": self.superior_body,
            "issuing_body": self.issuing_body,
            "signing_authority": self.signing_authority,
            "signer_position": self.signer_position,
            "signer_name": self.signer_name,
        }

    @property
    def decides_line(self) -> str:
        """'BAN THƯỜNG VỤ ĐẢNG ỦY KHỐI … QUYẾT ĐỊNH:', the line before the articles of a decision. A long
        body name puts "QUYẾT ĐỊNH:" on a line of its own rather than let the line break between the two
        words (a 14 pt bold line holds about 50 capitals of the 165 mm text width)."""
        separator = "\n" if len(self.deciding_body) > DECIDES_LINE_MAX_CHARS else " "
        return f"{self.deciding_body}{separator}QUYẾT ĐỊNH:"

    def recipients(self, *others: str, report: bool = True) -> list[str]:
        """'Nơi nhận:': the superior's committee (to be informed), then `others`, then the file copy."""
        lines = [f"{self.report_to} (để báo cáo)"] if report and self.report_to else []
        return [*lines, *(o for o in others if o), self.archive]

    @property
    def inspection_regulation(self) -> str:
        """The regulation implementing Chương VII, VIII of the Charter in force on the document's date."""
        current = INSPECTION_REGULATION_BEFORE
        for since, regulation in INSPECTION_REGULATIONS:
            if self.on >= since:
                current = regulation
        return current

    def inspection_bases(self, *, program: str) -> list[str]:
        """'Căn cứ …' lines of an inspection or supervision decision: the Charter, the regulation in force,
        the program or plan it carries out."""
        return [
            CHARTER_BASIS,
            f"Căn cứ {self.inspection_regulation};",
            f"Căn cứ {program.strip().rstrip(';.')};",
        ]


def party_issuer(
    *,
    kind: str,
    name: str,
    superior_name: str,
    on: dt.date,
    deputy: bool = False,
    commission: bool = False,
    signer_name: str = "",
) -> Issuer:
    """The issuer of a document of the organisation `name` of `kind` (an OrgKind value) whose direct
    superior is `superior_name` (its parent's name, or for the top of the tree the superior body's name),
    dated `on`; signed by its head, or by a deputy when `deputy`; by its inspection commission when
    `commission` (a committee kind only); `signer_name` is printed under the position."""
    if kind not in KINDS or (commission and kind not in COMMITTEE_KINDS):
        raise ValueError(MSG_UNKNOWN_KIND.format(kind=kind))
    name = " ".join(name.split())
    superior_name = " ".join(superior_name.split())
    if commission:
        committee = committee_name(name)
        return Issuer(
            superior_body=committee.upper(),
            issuing_body=COMMISSION,
            signing_authority=f"T/M {COMMISSION}" + ("\nK/T CHỦ NHIỆM" if deputy else ""),
            signer_position="PHÓ CHỦ NHIỆM" if deputy else "CHỦ NHIỆM",
            deciding_body=f"{COMMISSION} {committee.upper()}",
            report_to=("Ban Thường vụ " if kind == SUPERIOR else "") + committee,
            archive="Lưu",
            on=on,
            signer_name=signer_name,
        )
    if kind in COMMITTEE_KINDS:
        body = committee_name(name)
        collective = "BAN THƯỜNG VỤ" if kind == SUPERIOR else "ĐẢNG ỦY"
        deciding = f"BAN THƯỜNG VỤ {body.upper()}" if kind == SUPERIOR else body.upper()
    else:
        body = name
        collective = "CHI BỘ"
        deciding = body.upper()
    superior_committee = committee_name(superior_name) if superior_name else ""
    return Issuer(
        superior_body=superior_name.upper(),
        issuing_body=body.upper(),
        signing_authority=f"T/M {collective}" + ("\nK/T BÍ THƯ" if deputy else ""),
        signer_position="PHÓ BÍ THƯ" if deputy else "BÍ THƯ",
        deciding_body=deciding,
        # A committee above grassroots level reports to its superior's standing committee.
        report_to=("Ban Thường vụ " if kind == SUPERIOR and superior_committee else "") + superior_committee,
        archive="Lưu Văn phòng" if kind == SUPERIOR else "Lưu",
        on=on,
        signer_name=signer_name,
    )
