"""What the evaluation services share: rights, the criteria of a review, scores and grades checked against
them, the level chosen checked against the rules, messages."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, overload

from neuguong.access.scope import scope_for
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text, without_nul

from .. import levels
from ..levels import Assessment, Cap, Grade, Level, PointsError, RuleCode, Rules
from ..models import Review, RuleSet, RuleSetPart, SubjectKind

MSG_NO_RIGHT = "Bạn không có quyền thực hiện việc này ở tổ chức đảng này."
MSG_REQUIRED = "Trường «{label}» không được để trống."
MSG_TOO_LONG = "Trường «{label}» dài quá {limit} ký tự."
MSG_WRONG_STATE = "Không thể {action} khi kiểm điểm đang ở trạng thái «{state}»."
MSG_PERIOD_CLOSED = "Kỳ kiểm điểm «{period}» đã có quyết định xếp loại: không sửa được nữa."
MSG_LEVEL = "Chọn một mức xếp loại: htxs, htt, ht hoặc khtnv."
MSG_GRADE = "Xếp loại tiêu chí «{code}» phải là Xuất sắc, Tốt, Trung bình hoặc Kém."
MSG_UNKNOWN_CRITERION = "Không có tiêu chí mã «{code}» trong bộ tiêu chí «{part}»."
MSG_SCORES_INCOMPLETE = "Chưa chấm đủ các tiêu chí: {codes}."
MSG_GRADES_INCOMPLETE = "Chưa xếp loại đủ các tiêu chí: {codes}."
MSG_TOTAL_MISMATCH = "Tổng điểm các tiêu chí ({total}) không khớp với tổng điểm đã nhập ({score})."
MSG_POINTS_NEEDED = "Bộ quy định {code} chấm theo thang điểm: nhập điểm từng tiêu chí (hoặc tổng điểm)."
MSG_GRADES_METHOD = (
    "Bộ quy định {code} xếp loại theo tiêu chí, không chấm điểm: chọn mức xếp loại từng tiêu chí."
)
MSG_LEVEL_OR_GRADES = "Chọn mức xếp loại (hoặc xếp loại từng tiêu chí)."
MSG_LEVEL_ABOVE_BASE = "Mức {level} cao hơn mức mà {what} cho phép ({base}) — {basis}."
MSG_LEVEL_BLOCKED = "Không thể xếp loại {level}: {rules}"
MSG_OVERRIDE_REASON = "Mức {level} vượt quy tắc: {rules} Quy định cho phép cấp có thẩm quyền quyết định khác nhưng phải ghi rõ lý do."
MSG_NO_PART = "Bộ quy định {code} chưa có bộ tiêu chí cho {kind}."

MAX_TEXT = 20_000
MAX_REASON = 2_000


def require_write(actor, path: str) -> None:
    if not scope_for(actor).can_write_path(path):
        raise OutOfScope(MSG_NO_RIGHT)


def can_write(actor, path: str) -> bool:
    return scope_for(actor).can_write_path(path)


def clean_text(
    value: str | None,
    label: str,
    field: str,
    *,
    required: bool = True,
    limit: int = MAX_TEXT,
    lines: bool = True,
) -> str:
    """Typed text, NUL removed (PostgreSQL refuses it), NFC; line breaks kept for multi-line texts."""
    raw = unicodedata.normalize("NFC", without_nul(value or ""))
    text = (
        "\n".join(normalize_text(line) for line in raw.strip().splitlines()).strip()
        if lines
        else normalize_text(raw)
    )
    if required and not text:
        raise BusinessError(MSG_REQUIRED.format(label=label), field=field)
    if len(text) > limit:
        raise BusinessError(MSG_TOO_LONG.format(label=label, limit=limit), field=field)
    return text


def state_error(action: str, state_label: str) -> BusinessError:
    return BusinessError(MSG_WRONG_STATE.format(action=action, state=state_label))


@overload
def parse_level(value: str | None, *, field: str = ..., required: Literal[True] = ...) -> Level: ...
@overload
def parse_level(value: str | None, *, field: str = ..., required: bool) -> Level | None: ...


def parse_level(value: str | None, *, field: str = "level", required: bool = True) -> Level | None:
    value = (value or "").strip().lower()
    if not value:
        if required:
            raise BusinessError(MSG_LEVEL, field=field)
        return None
    if value not in Level.values:
        raise BusinessError(MSG_LEVEL, field=field)
    return Level(value)


# ------------------------------------------------------------------------------------------------ criteria
@dataclass(frozen=True)
class Leaf:
    code: str
    name: str
    area: str
    maximum: Decimal


@dataclass(frozen=True)
class Criteria:
    """The scored (points) or graded (grades) criteria of one part, in order."""

    part: RuleSetPart
    leaves: tuple[Leaf, ...]
    areas: tuple[tuple[str, str, Decimal], ...]  # (code, name, maximum)

    @property
    def by_code(self) -> dict[str, Leaf]:
        return {leaf.code: leaf for leaf in self.leaves}

    def area_maximum(self, code: str) -> Decimal:
        return sum((leaf.maximum for leaf in self.leaves if leaf.area == code), Decimal(0))


def part_for(rule_set: RuleSet, subject_kind: str) -> RuleSetPart:
    """The criteria of the subject's kind; a leader falls back to the members' criteria when the rule set
    has none of its own."""
    parts = {p.subject_kind: p for p in rule_set.parts.select_related("criteria")}
    part = parts.get(subject_kind) or (
        parts.get(SubjectKind.MEMBER) if subject_kind == SubjectKind.LEADER else None
    )
    if part is None:
        raise BusinessError(MSG_NO_PART.format(code=rule_set.code, kind=SubjectKind(subject_kind).label))
    return part


def criteria_of(part: RuleSetPart, method: str) -> Criteria:
    """Points: the components (tiêu chí thành phần) are scored; grades: the criteria are graded."""
    areas = list(part.criteria.areas.prefetch_related("criteria__components"))
    leaves = []
    for area in areas:
        for criterion in area.criteria.all():
            if method == levels.Method.POINTS:
                for component in criterion.components.all():
                    leaves.append(Leaf(component.code, component.name, area.code, component.max_points))
            else:
                leaves.append(Leaf(criterion.code, criterion.name, area.code, Decimal(0)))
    return Criteria(
        part=part,
        leaves=tuple(leaves),
        areas=tuple((a.code, a.name, a.max_points) for a in areas),
    )


def review_criteria(review: Review) -> Criteria:
    rule_set = review.period.rule_set
    return criteria_of(part_for(rule_set, review.subject_kind), rule_set.method)


def parse_scores(
    criteria: Criteria, scores: Mapping[str, Any], *, complete: bool = True
) -> dict[str, Decimal]:
    """Points per criterion code: each within [0, its maximum], two places at most, all of them given."""
    by_code = criteria.by_code
    parsed: dict[str, Decimal] = {}
    for code, raw in scores.items():
        code = str(code).strip()[:16]
        leaf = by_code.get(code)
        if leaf is None:
            raise BusinessError(
                MSG_UNKNOWN_CRITERION.format(code=code, part=criteria.part.get_subject_kind_display()),
                field="scores",
            )
        try:
            value = levels.parse_points(raw)
        except PointsError as error:
            raise BusinessError(f"Tiêu chí {code}: {error.message}", field="scores") from error
        if value > leaf.maximum:
            raise BusinessError(
                levels.MSG_POINTS_ABOVE_MAX.format(
                    value=levels.fmt(value),
                    maximum=levels.fmt(leaf.maximum),
                    criterion=f"{code}. {leaf.name}",
                ),
                field="scores",
            )
        parsed[code] = value
    missing = [leaf.code for leaf in criteria.leaves if leaf.code not in parsed]
    if complete and missing:
        raise BusinessError(MSG_SCORES_INCOMPLETE.format(codes=", ".join(missing)), field="scores")
    return {leaf.code: parsed[leaf.code] for leaf in criteria.leaves if leaf.code in parsed}


def parse_grades(criteria: Criteria, grades: Mapping[str, Any]) -> dict[str, str]:
    by_code = criteria.by_code
    parsed: dict[str, str] = {}
    for code, value in grades.items():
        code = str(code).strip()[:16]
        if code not in by_code:
            raise BusinessError(
                MSG_UNKNOWN_CRITERION.format(code=code, part=criteria.part.get_subject_kind_display()),
                field="grades",
            )
        value = str(value or "").strip().lower()
        if value not in Grade.values:
            raise BusinessError(MSG_GRADE.format(code=code), field="grades")
        parsed[code] = value
    missing = [leaf.code for leaf in criteria.leaves if leaf.code not in parsed]
    if missing:
        raise BusinessError(MSG_GRADES_INCOMPLETE.format(codes=", ".join(missing)), field="grades")
    return {leaf.code: parsed[leaf.code] for leaf in criteria.leaves}


@dataclass(frozen=True)
class Scored:
    """What was entered for a review step: a total (points) and its parts, or grades, and a level."""

    total: Decimal | None
    scores: dict[str, Decimal]
    grades: dict[str, str]
    level: Level | None


def parse_entry(
    rule_set: RuleSet,
    rules: Rules,
    criteria: Criteria,
    *,
    level: str | None = None,
    score: Any = None,
    scores: Mapping[str, Any] | None = None,
    grades: Mapping[str, Any] | None = None,
) -> Scored:
    """Scores (each criterion, or the total alone) for a points set; grades and/or a level for a grades
    set. The total of the parts must equal a total given beside them."""
    chosen = parse_level(level, required=False)
    if rules.is_points:
        if grades:
            raise BusinessError(MSG_GRADES_METHOD.format(code=rule_set.code), field="grades")
        parsed = parse_scores(criteria, scores) if scores else {}
        total = sum(parsed.values(), Decimal(0)) if parsed else None
        if score not in (None, ""):
            try:
                given = levels.parse_points(score)
            except PointsError as error:
                raise BusinessError(error.message, field="score") from error
            if given > rules.total_points:
                raise BusinessError(
                    levels.MSG_TOTAL_ABOVE_MAX.format(
                        value=levels.fmt(given), maximum=levels.fmt(rules.total_points)
                    ),
                    field="score",
                )
            if total is not None and total != given:
                raise BusinessError(
                    MSG_TOTAL_MISMATCH.format(total=levels.fmt(total), score=levels.fmt(given)), field="score"
                )
            total = given
        if total is None:
            raise BusinessError(MSG_POINTS_NEEDED.format(code=rule_set.code), field="scores")
        return Scored(total=total, scores=parsed, grades={}, level=chosen)
    if scores or score not in (None, ""):
        raise BusinessError(MSG_GRADES_METHOD.format(code=rule_set.code), field="scores")
    parsed_grades = parse_grades(criteria, grades) if grades else {}
    if not parsed_grades and chosen is None:
        raise BusinessError(MSG_LEVEL_OR_GRADES, field="level")
    return Scored(total=None, scores={}, grades=parsed_grades, level=chosen)


def key_codes(rules: Rules, criteria: Criteria) -> list[str]:
    return [leaf.code for leaf in criteria.leaves if leaf.area in rules.key_areas]


# ------------------------------------------------------------------------------------------------ checks
def assessment_dict(assessment: Assessment) -> dict:
    return {"base": str(assessment.base), "caps": [cap.as_dict() for cap in assessment.caps]}


def assessment_from(data: Mapping) -> Assessment:
    """A stored assessment (the review's, taken at proposal) back as `levels.Assessment`."""
    caps = tuple(
        Cap(RuleCode(c["rule"]), Level(c["level"]), c["message"], bool(c["overridable"]))
        for c in data.get("caps", [])
    )
    return Assessment(base=Level(data.get("base") or Level.HTXS), caps=caps)


def check_level(
    rules: Rules, assessment: Assessment, level: Level, reason: str, *, field: str = "level"
) -> bool:
    """A chosen level within the points or grades; above a cap only when the rule set lets the cap be set
    aside and a reason is written. Returns whether a cap was set aside."""
    if levels.rank(level) > levels.rank(assessment.base):
        what = "số điểm" if rules.is_points else "xếp loại các tiêu chí"
        raise BusinessError(
            MSG_LEVEL_ABOVE_BASE.format(
                level=level.label, what=what, base=assessment.base.label, basis=rules.basis
            ),
            field=field,
        )
    blocking = assessment.blocking(level)
    hard = [cap for cap in blocking if not cap.overridable]
    if hard:
        raise BusinessError(
            MSG_LEVEL_BLOCKED.format(level=level.label, rules=" ".join(cap.message for cap in hard)),
            field=field,
        )
    if blocking and not reason:
        raise BusinessError(
            MSG_OVERRIDE_REASON.format(level=level.label, rules=" ".join(cap.message for cap in blocking)),
            field="reason",
        )
    return bool(blocking)
