"""Party document numbers: `<n>-<type>/<issuer>`, e.g. `165-KH/ĐUK`, `08-QĐi/TW`.

The type is chosen by the user and checked against the abbreviation, never inferred from it: `QĐ` is
used both for quyết định and for quy định (domain notes, section 3).
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import models

from neuguong.core.errors import BusinessError


class DocumentType(models.TextChoices):
    RESOLUTION = "resolution", "Nghị quyết"
    DECISION = "decision", "Quyết định"
    REGULATION_QD = "regulation_qd", "Quy định (ký hiệu QĐ)"
    REGULATION = "regulation", "Quy định"
    DIRECTIVE = "directive", "Chỉ thị"
    CONCLUSION = "conclusion", "Kết luận"
    PLAN = "plan", "Kế hoạch"
    PROGRAM = "program", "Chương trình"
    PROJECT = "project", "Đề án"
    GUIDANCE = "guidance", "Hướng dẫn"
    NOTICE = "notice", "Thông báo"
    REPORT = "report", "Báo cáo"
    SUBMISSION = "submission", "Tờ trình"
    OFFICIAL_LETTER = "official_letter", "Công văn"
    RULES = "rules", "Quy chế"
    MINUTES = "minutes", "Biên bản"


ABBREVIATION = {
    DocumentType.RESOLUTION: "NQ",
    DocumentType.DECISION: "QĐ",
    DocumentType.REGULATION_QD: "QĐ",
    DocumentType.REGULATION: "QĐi",
    DocumentType.DIRECTIVE: "CT",
    DocumentType.CONCLUSION: "KL",
    DocumentType.PLAN: "KH",
    DocumentType.PROGRAM: "CTr",
    DocumentType.PROJECT: "ĐA",
    DocumentType.GUIDANCE: "HD",
    DocumentType.NOTICE: "TB",
    DocumentType.REPORT: "BC",
    DocumentType.SUBMISSION: "TTr",
    DocumentType.OFFICIAL_LETTER: "CV",
    DocumentType.RULES: "QC",
    DocumentType.MINUTES: "BB",
}

MSG_NUMBER_FORMAT = "Số, ký hiệu văn bản phải có dạng «số-loại/cơ quan ban hành», ví dụ 165-KH/ĐUK."
MSG_NUMBER_ZERO = "Số văn bản phải lớn hơn 0."
MSG_UNKNOWN_TYPE = "Ký hiệu loại văn bản «{abbr}» không có trong danh mục."
MSG_TYPE_MISMATCH = "Ký hiệu «{abbr}» không khớp với loại văn bản đã chọn ({label}: {expected})."

# Digits, a dash, a type abbreviation of letters, a slash, an issuer of letters/digits/dashes.
_NUMBER_RE = re.compile(r"^\s*(\d{1,6})\s*-\s*([^\W\d_]{1,6})\s*/\s*([^\W_][\w\-]{0,31})\s*$")


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _canonical_abbreviation(abbr: str) -> str | None:
    """The listed spelling of an abbreviation (case-insensitive match, 'QĐI' → 'QĐi'), or None."""
    for known in set(ABBREVIATION.values()):
        if known.casefold() == abbr.casefold():
            return known
    return None


@dataclass(frozen=True)
class DocumentNumber:
    number: int
    abbreviation: str
    issuer: str

    def __str__(self) -> str:
        return format_number(self.number, self.abbreviation, self.issuer)


def format_number(number: int, abbreviation: str, issuer: str) -> str:
    """Numbers below 10 are written with a leading zero, as on Party documents (08-QĐi/TW)."""
    return f"{number:02d}-{abbreviation}/{issuer}"


def types_for_abbreviation(abbreviation: str) -> list[str]:
    """Every type that uses this abbreviation: one for most, two for 'QĐ'."""
    canonical = _canonical_abbreviation(_nfc(abbreviation))
    return [t for t, abbr in ABBREVIATION.items() if abbr == canonical]


def parse_number(raw: str) -> DocumentNumber:
    """Parse `165-KH/ĐUK`; raise BusinessError (field 'number') when it is not a Party document number."""
    match = _NUMBER_RE.match(_nfc(raw or ""))
    if not match:
        raise BusinessError(MSG_NUMBER_FORMAT, field="number")
    number = int(match.group(1))
    if number == 0:
        raise BusinessError(MSG_NUMBER_ZERO, field="number")
    abbreviation = _canonical_abbreviation(match.group(2))
    if abbreviation is None:
        raise BusinessError(MSG_UNKNOWN_TYPE.format(abbr=match.group(2)), field="number")
    return DocumentNumber(number, abbreviation, match.group(3).upper())


def check_type(parsed: DocumentNumber, doc_type: str) -> None:
    """The chosen type must use the abbreviation written in the number."""
    expected = ABBREVIATION[DocumentType(doc_type)]
    if parsed.abbreviation != expected:
        raise BusinessError(
            MSG_TYPE_MISMATCH.format(
                abbr=parsed.abbreviation, label=DocumentType(doc_type).label, expected=expected
            ),
            field="doc_type",
        )
