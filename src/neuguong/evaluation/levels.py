"""The classification rules as pure functions: no database, no clock. The rule set's settings (data, not
code: domain notes section 7) are parsed once into `Rules`; every function here takes plain values.

- `level_for_points`: the thresholds (inclusive: 90 is HTXSNV, 89.99 is HTTNV).
- `level_for_grades`: the per-criterion grades (Xuất sắc / Tốt / Trung bình / Kém) of a 124-style set.
- `fact_caps`: "100 % of tasks on time", "≥ 30 % exceeding requirements" (366, art. 11).
- `trigger_caps`: what forces a lower level: a criterion rated Kém, discipline in the year, a concluded
  breach of exemplary responsibility, the civil-servant rating.
- `org_condition_caps`: the conditions on a collective (no disciplined subordinate unit or leadership
  member; all tasks done and ≤ 20 % behind schedule; its members' levels).
- `quota_check`: HTXSNV ≤ 20 % of those rated HTTNV, counted exactly (5 × HTXSNV ≤ HTTNV at 20 %).
- `assess`: the level a subject's scores or grades and facts allow, with the caps that lowered it.
- `task_results_proposal`: the task-results group proposed from the on-time rate.

Rounding: points are Decimals with at most two decimal places; more places are refused, never rounded
(89.995 must not become 90). Rates are compared exactly in integers (100 × on time ≥ p × counted) and
rounded half up to two places only for display.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models

TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


class Level(models.TextChoices):
    HTXS = "htxs", "Hoàn thành xuất sắc nhiệm vụ"
    HTT = "htt", "Hoàn thành tốt nhiệm vụ"
    HT = "ht", "Hoàn thành nhiệm vụ"
    KHTNV = "khtnv", "Không hoàn thành nhiệm vụ"


LEVELS = (Level.HTXS, Level.HTT, Level.HT, Level.KHTNV)  # best first
LEVEL_RANK = {Level.HTXS: 3, Level.HTT: 2, Level.HT: 1, Level.KHTNV: 0}
LEVEL_SHORT = {Level.HTXS: "HTXSNV", Level.HTT: "HTTNV", Level.HT: "HTNV", Level.KHTNV: "KHTNV"}
LEVEL_COLOURS = {Level.HTXS: "success", Level.HTT: "primary", Level.HT: "info", Level.KHTNV: "danger"}


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "Xuất sắc"
    GOOD = "good", "Tốt"
    AVERAGE = "average", "Trung bình"
    POOR = "poor", "Kém"


GRADE_RANK = {Grade.EXCELLENT: 3, Grade.GOOD: 2, Grade.AVERAGE: 1, Grade.POOR: 0}


class Method(models.TextChoices):
    GRADES = "grades", "Xếp loại theo tiêu chí (Xuất sắc, Tốt, Trung bình, Kém)"
    POINTS = "points", "Chấm điểm theo thang 100 điểm"


def rank(level: str) -> int:
    return LEVEL_RANK[Level(level)]


def lowest(levels: Iterable[str]) -> Level:
    return min((Level(level) for level in levels), key=rank)


def level_below(level: str) -> Level:
    """The next level down (KHTNV stays KHTNV)."""
    index = LEVELS.index(Level(level))
    return LEVELS[min(index + 1, len(LEVELS) - 1)]


def short(level: str | None) -> str:
    return LEVEL_SHORT[Level(level)] if level else ""


# ------------------------------------------------------------------------------------------- numbers
MSG_POINTS_NOT_NUMBER = "Điểm «{value}» không phải là một số."
MSG_POINTS_PLACES = "Điểm «{value}» chỉ được có tối đa 2 chữ số thập phân."
MSG_POINTS_NEGATIVE = "Điểm không được âm ({value})."
MSG_POINTS_ABOVE_MAX = "Điểm {value} vượt quá điểm tối đa {maximum} của tiêu chí «{criterion}»."
MSG_TOTAL_ABOVE_MAX = "Tổng điểm {value} vượt quá {maximum} điểm."


class PointsError(ValueError):
    """Bad points input; `message` is the Vietnamese text shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_points(raw: Any) -> Decimal:
    """Points as typed ("89,5", "89.5", 89.5): at most two decimal places, never rounded, never negative."""
    shown = str(raw)[:40]
    if isinstance(raw, bool) or raw is None:
        raise PointsError(MSG_POINTS_NOT_NUMBER.format(value=shown))
    if isinstance(raw, float):
        raw = repr(raw)
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not text or len(text) > 20 or text.count(".") > 1:
        raise PointsError(MSG_POINTS_NOT_NUMBER.format(value=shown))
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise PointsError(MSG_POINTS_NOT_NUMBER.format(value=shown)) from exc
    if not value.is_finite():
        raise PointsError(MSG_POINTS_NOT_NUMBER.format(value=shown))
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2 and value != value.quantize(TWO_PLACES):
        raise PointsError(MSG_POINTS_PLACES.format(value=shown))
    if value < 0:
        raise PointsError(MSG_POINTS_NEGATIVE.format(value=fmt(value)))
    if value >= Decimal(10) ** 6:
        raise PointsError(MSG_POINTS_NOT_NUMBER.format(value=shown))
    return value.quantize(TWO_PLACES)


def fmt(value: Decimal | None) -> str:
    """Vietnamese display: 89,5 (comma, trailing zeros dropped)."""
    if value is None:
        return ""
    whole, _, frac = format(value.quantize(TWO_PLACES), "f").partition(".")
    frac = frac.rstrip("0")
    return f"{whole},{frac}" if frac else whole


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole in percent, two places, half up; None when there is nothing to count."""
    if whole <= 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def at_least_percent(part: int, whole: int, threshold: Decimal) -> bool:
    """part / whole ≥ threshold %, exactly (no rounding): 100 × part ≥ threshold × whole."""
    return Decimal(part) * HUNDRED >= threshold * Decimal(whole)


# ------------------------------------------------------------------------------------------- rules
class RuleCode(models.TextChoices):
    """Each rule a level can break, named in refusals and in the report."""

    POINTS = "points", "Ngưỡng điểm"
    GRADES = "grades", "Mức xếp loại các tiêu chí"
    POOR_GRADE = "poor_grade", "Có tiêu chí xếp loại Kém"
    DISCIPLINE = "discipline", "Bị kỷ luật trong năm"
    BREACH = "breach", "Vi phạm trách nhiệm nêu gương đã được kết luận"
    ON_TIME = "on_time", "Tỷ lệ nhiệm vụ hoàn thành đúng hạn"
    EXCEEDED = "exceeded", "Tỷ lệ nhiệm vụ vượt yêu cầu"
    CIVIL_SERVANT = "civil_servant", "Kết quả xếp loại công chức, viên chức"
    QUOTA = "quota", "Tỷ lệ Hoàn thành xuất sắc nhiệm vụ"
    ORG_DISCIPLINED = "org_disciplined", "Đơn vị trực thuộc, thành viên lãnh đạo bị kỷ luật"
    ORG_SCHEDULE = "org_schedule", "Hoàn thành nhiệm vụ, chậm tiến độ"
    ORG_MEMBERS = "org_members", "Chất lượng đảng viên của tổ chức"
    COMPLETE = "complete", "Mọi đối tượng đều được xếp loại hoặc miễn"


@dataclass(frozen=True)
class PointsLevel:
    level: Level
    min_points: Decimal
    min_on_time_percent: Decimal | None = None
    min_exceeded_percent: Decimal | None = None


@dataclass(frozen=True)
class GradeLevel:
    level: Level
    min_all: Grade
    min_key: Grade | None = None


@dataclass(frozen=True)
class Quota:
    applies: bool = False
    percent: Decimal = Decimal(20)


@dataclass(frozen=True)
class OrgCondition:
    """A collective may be rated `level` or higher only if the condition holds."""

    level: Level
    kind: str  # "no_disciplined" | "schedule" | "members"
    max_late_percent: Decimal | None = None
    all_at_least: Level | None = None
    share_level: Level | None = None
    share_percent: Decimal | None = None


@dataclass(frozen=True)
class Rules:
    method: Method
    basis: str  # "Quy định 366-QĐ/TW" — how refusals name the rule set
    levels_article: str = ""
    total_points: Decimal = HUNDRED
    points_levels: tuple[PointsLevel, ...] = ()
    grade_levels: tuple[GradeLevel, ...] = ()
    key_areas: tuple[str, ...] = ()
    task_results_area: str = ""
    task_results_scale: bool = False
    quota: Quota = field(default_factory=Quota)
    poor_grade_forces: bool = False
    discipline_cap: Level | None = None
    discipline_exempt_if_self_remedied: bool = True
    breach_cap: Level | None = None
    civil_servant_caps_htxs: bool = False
    org_conditions: tuple[OrgCondition, ...] = ()
    overridable: frozenset[str] = frozenset()
    transfer_rule: str = "current"  # "current": where they are on the end date; "longest": most of the period
    exempt_excusable: bool = True

    def can_override(self, rule: str) -> bool:
        return rule in self.overridable

    @property
    def is_points(self) -> bool:
        return self.method == Method.POINTS


class RulesInvalid(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


MSG_SETTING = "«{key}»: {problem}"
TRANSFER_RULES = {"current": "nơi sinh hoạt vào cuối kỳ", "longest": "nơi sinh hoạt lâu nhất trong kỳ"}
OVERRIDABLE_RULES = {
    RuleCode.POOR_GRADE,
    RuleCode.DISCIPLINE,
    RuleCode.BREACH,
    RuleCode.ON_TIME,
    RuleCode.EXCEEDED,
    RuleCode.CIVIL_SERVANT,
    RuleCode.QUOTA,
    RuleCode.ORG_DISCIPLINED,
    RuleCode.ORG_SCHEDULE,
    RuleCode.ORG_MEMBERS,
}


def _decimal(data: Mapping, key: str, problems: list[str], *, required: bool = False) -> Decimal | None:
    value = data.get(key)
    if value in (None, ""):
        if required:
            problems.append(MSG_SETTING.format(key=key, problem="bắt buộc"))
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        problems.append(MSG_SETTING.format(key=key, problem=f"«{value}» không phải là số"))
        return None
    if not number.is_finite() or number < 0 or number > 1000:
        problems.append(MSG_SETTING.format(key=key, problem=f"«{value}» phải từ 0 đến 1000"))
        return None
    return number


def _choice(enum, data: Mapping, key: str, problems: list[str], *, required: bool = False):
    value = data.get(key)
    if value in (None, ""):
        if required:
            problems.append(MSG_SETTING.format(key=key, problem="bắt buộc"))
        return None
    if value not in enum.values:
        problems.append(MSG_SETTING.format(key=key, problem=f"«{value}» không hợp lệ"))
        return None
    return enum(value)


def parse_rules(method: str, basis: str, settings: Mapping[str, Any]) -> Rules:
    """The rule set's settings (JSON) as `Rules`; every problem is listed at once (RulesInvalid)."""
    problems: list[str] = []
    if method not in Method.values:
        raise RulesInvalid([MSG_SETTING.format(key="method", problem=f"«{method}» không hợp lệ")])
    if not isinstance(settings, Mapping):
        raise RulesInvalid([MSG_SETTING.format(key="settings", problem="phải là một đối tượng JSON")])
    points_levels = []
    for row in settings.get("points_levels") or []:
        level = _choice(Level, row, "level", problems, required=True)
        minimum = _decimal(row, "min_points", problems, required=True)
        if level is not None and minimum is not None:
            points_levels.append(
                PointsLevel(
                    level,
                    minimum,
                    _decimal(row, "min_on_time_percent", problems),
                    _decimal(row, "min_exceeded_percent", problems),
                )
            )
    grade_levels = []
    for row in settings.get("grade_levels") or []:
        level = _choice(Level, row, "level", problems, required=True)
        min_all = _choice(Grade, row, "min_all", problems, required=True)
        if level is not None and min_all is not None:
            grade_levels.append(GradeLevel(level, min_all, _choice(Grade, row, "min_key", problems)))
    if method == Method.POINTS and not points_levels:
        problems.append(MSG_SETTING.format(key="points_levels", problem="cần ít nhất một ngưỡng điểm"))
    if method == Method.GRADES and not grade_levels:
        problems.append(MSG_SETTING.format(key="grade_levels", problem="cần ít nhất một mức"))
    for rows, key in ((points_levels, "points_levels"), (grade_levels, "grade_levels")):
        ranks = [rank(r.level) for r in rows]
        if (
            ranks != sorted(ranks, reverse=True)
            or len(set(ranks)) != len(ranks)
            or Level.KHTNV in [r.level for r in rows]
        ):
            problems.append(
                MSG_SETTING.format(
                    key=key, problem="các mức phải xếp từ cao xuống thấp, không lặp, không có KHTNV"
                )
            )
    minima = [r.min_points for r in points_levels]
    if minima != sorted(minima, reverse=True) or len(set(minima)) != len(minima):
        problems.append(MSG_SETTING.format(key="points_levels", problem="ngưỡng điểm phải giảm dần"))
    quota_data = settings.get("quota") or {}
    quota = Quota(
        applies=bool(quota_data.get("applies", False)),
        percent=_decimal(quota_data, "percent", problems) or Decimal(20),
    )
    conditions = []
    for row in settings.get("org_conditions") or []:
        level = _choice(Level, row, "level", problems, required=True)
        kind = row.get("kind")
        if kind not in ("no_disciplined", "schedule", "members"):
            problems.append(MSG_SETTING.format(key="org_conditions.kind", problem=f"«{kind}» không hợp lệ"))
            continue
        if level is None:
            continue
        conditions.append(
            OrgCondition(
                level=level,
                kind=kind,
                max_late_percent=_decimal(row, "max_late_percent", problems, required=kind == "schedule"),
                all_at_least=_choice(Level, row, "all_at_least", problems),
                share_level=_choice(Level, row, "share_level", problems),
                share_percent=_decimal(row, "share_percent", problems),
            )
        )
    overridable = frozenset(settings.get("overridable") or [])
    unknown = sorted(overridable - {str(code) for code in OVERRIDABLE_RULES})
    if unknown:
        problems.append(
            MSG_SETTING.format(key="overridable", problem="không có quy tắc " + ", ".join(unknown))
        )
    transfer_rule = settings.get("transfer_rule") or "current"
    if transfer_rule not in TRANSFER_RULES:
        problems.append(MSG_SETTING.format(key="transfer_rule", problem=f"«{transfer_rule}» không hợp lệ"))
    total = _decimal(settings, "total_points", problems) or HUNDRED
    if problems:
        raise RulesInvalid(problems)
    return Rules(
        method=Method(method),
        basis=basis,
        levels_article=str(settings.get("levels_article") or ""),
        total_points=total,
        points_levels=tuple(points_levels),
        grade_levels=tuple(grade_levels),
        key_areas=tuple(str(a) for a in settings.get("key_areas") or ()),
        task_results_area=str(settings.get("task_results_area") or ""),
        task_results_scale=bool(settings.get("task_results_scale", False)),
        quota=quota,
        poor_grade_forces=bool(settings.get("poor_grade_forces", False)),
        discipline_cap=_choice(Level, settings, "discipline_cap", []),
        discipline_exempt_if_self_remedied=bool(settings.get("discipline_exempt_if_self_remedied", True)),
        breach_cap=_choice(Level, settings, "breach_cap", []),
        civil_servant_caps_htxs=bool(settings.get("civil_servant_caps_htxs", False)),
        org_conditions=tuple(conditions),
        overridable=overridable,
        transfer_rule=transfer_rule,
        exempt_excusable=bool(settings.get("exempt_excusable", True)),
    )


# ------------------------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class TaskFacts:
    """The commitments due in the period, counted by the one status rule (domain notes, section 13):
    `counted` = done on time + done late + open overdue (cancelled, suspended and open-in-time left out)."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    exceeded: int = 0

    @property
    def counted(self) -> int:
        return self.on_time + self.late + self.overdue

    @property
    def on_time_rate(self) -> Decimal | None:
        return percent(self.on_time, self.counted)

    @property
    def exceeded_rate(self) -> Decimal | None:
        return percent(self.exceeded, self.counted)


@dataclass(frozen=True)
class SubjectFacts:
    tasks: TaskFacts = field(default_factory=TaskFacts)
    disciplines: int = 0  # in the period, not counting those self-detected and remedied (when exempt)
    disciplines_self_remedied: int = 0
    breaches: int = 0
    civil_servant_level: Level | None = None
    # Collectives only:
    disciplined_units: int = 0
    disciplined_leaders: int = 0
    member_levels: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Cap:
    """A rule that holds a subject at `level` at most."""

    rule: RuleCode
    level: Level
    message: str
    overridable: bool

    def as_dict(self) -> dict:
        return {
            "rule": str(self.rule),
            "level": str(self.level),
            "message": self.message,
            "overridable": self.overridable,
        }


def _named(rules: Rules, article: str = "") -> str:
    return f"{article} {rules.basis}".strip() if article else rules.basis


def _label(level: str) -> str:
    return Level(level).label


def level_for_points(total: Decimal, levels: Sequence[PointsLevel]) -> Level:
    """The highest level whose threshold the total reaches (inclusive); below every threshold, KHTNV."""
    for row in sorted(levels, key=lambda r: r.min_points, reverse=True):
        if total >= row.min_points:
            return row.level
    return Level.KHTNV


def level_for_grades(
    grades: Mapping[str, str], key_codes: Iterable[str], levels: Sequence[GradeLevel]
) -> Level:
    """The highest level whose grade conditions hold: every criterion at least `min_all`, the key ones
    (task results) at least `min_key`. No grade at all: nothing to judge (KHTNV is not inferred)."""
    if not grades:
        raise ValueError("no grades")
    key = set(key_codes)
    worst = min(GRADE_RANK[Grade(g)] for g in grades.values())
    key_grades = [GRADE_RANK[Grade(g)] for code, g in grades.items() if code in key]
    worst_key = min(key_grades) if key_grades else worst
    for row in sorted(levels, key=lambda r: rank(r.level), reverse=True):
        if worst >= GRADE_RANK[row.min_all] and (row.min_key is None or worst_key >= GRADE_RANK[row.min_key]):
            return row.level
    return Level.KHTNV


def fact_caps(rules: Rules, tasks: TaskFacts) -> list[Cap]:
    """The task conditions of each points level (366, art. 11): the highest level whose conditions the
    facts fail is capped at the level below it. With nothing counted, "all on time" holds (nothing late)
    but "≥ 30 % exceeding" cannot be shown."""
    caps = []
    for row in sorted(rules.points_levels, key=lambda r: rank(r.level), reverse=True):
        below = level_below(row.level)
        if (
            row.min_on_time_percent is not None
            and tasks.counted
            and not at_least_percent(tasks.on_time, tasks.counted, row.min_on_time_percent)
        ):
            caps.append(
                Cap(
                    RuleCode.ON_TIME,
                    below,
                    f"Mức {_label(row.level)} cần {fmt(row.min_on_time_percent)} % nhiệm vụ hoàn thành đúng hạn "
                    f"(đúng hạn {tasks.on_time}/{tasks.counted}) — {_named(rules, rules.levels_article)}.",
                    rules.can_override(RuleCode.ON_TIME),
                )
            )
        if row.min_exceeded_percent is not None and not (
            tasks.counted and at_least_percent(tasks.exceeded, tasks.counted, row.min_exceeded_percent)
        ):
            caps.append(
                Cap(
                    RuleCode.EXCEEDED,
                    below,
                    f"Mức {_label(row.level)} cần ít nhất {fmt(row.min_exceeded_percent)} % nhiệm vụ vượt yêu cầu "
                    f"(vượt {tasks.exceeded}/{tasks.counted}) — {_named(rules, rules.levels_article)}.",
                    rules.can_override(RuleCode.EXCEEDED),
                )
            )
    return caps


def trigger_caps(rules: Rules, facts: SubjectFacts, grades: Mapping[str, str] | None = None) -> list[Cap]:
    caps = []
    if rules.poor_grade_forces and grades and any(g == Grade.POOR for g in grades.values()):
        caps.append(
            Cap(
                RuleCode.POOR_GRADE,
                Level.KHTNV,
                f"Có tiêu chí xếp loại Kém: xếp loại Không hoàn thành nhiệm vụ — {rules.basis}.",
                rules.can_override(RuleCode.POOR_GRADE),
            )
        )
    counted = facts.disciplines + (
        0 if rules.discipline_exempt_if_self_remedied else facts.disciplines_self_remedied
    )
    if rules.discipline_cap is not None and counted:
        caps.append(
            Cap(
                RuleCode.DISCIPLINE,
                rules.discipline_cap,
                f"Bị kỷ luật trong kỳ ({counted} quyết định): không xếp loại cao hơn mức "
                f"{_label(rules.discipline_cap)} — {rules.basis}.",
                rules.can_override(RuleCode.DISCIPLINE),
            )
        )
    if rules.breach_cap is not None and facts.breaches:
        caps.append(
            Cap(
                RuleCode.BREACH,
                rules.breach_cap,
                f"Có {facts.breaches} vi phạm trách nhiệm nêu gương đã được kết luận: không xếp loại cao hơn mức "
                f"{_label(rules.breach_cap)} — {rules.basis}.",
                rules.can_override(RuleCode.BREACH),
            )
        )
    if rules.civil_servant_caps_htxs and facts.civil_servant_level not in (None, Level.HTXS):
        caps.append(
            Cap(
                RuleCode.CIVIL_SERVANT,
                Level.HTT,
                "Chỉ xếp loại Hoàn thành xuất sắc nhiệm vụ khi được xếp loại công chức, viên chức Hoàn thành "
                f"xuất sắc nhiệm vụ (kết quả: {_label(facts.civil_servant_level)}) — {rules.basis}.",
                rules.can_override(RuleCode.CIVIL_SERVANT),
            )
        )
    return caps


def org_condition_caps(rules: Rules, facts: SubjectFacts) -> list[Cap]:
    """The collective's conditions: failing the condition of a level caps it at the level below."""
    caps = []
    for condition in rules.org_conditions:
        below = level_below(condition.level)
        name = _label(condition.level)
        if condition.kind == "no_disciplined":
            if facts.disciplined_units or facts.disciplined_leaders:
                caps.append(
                    Cap(
                        RuleCode.ORG_DISCIPLINED,
                        below,
                        f"Mức {name} cần không có đơn vị trực thuộc hoặc thành viên lãnh đạo bị kỷ luật "
                        f"(đơn vị: {facts.disciplined_units}, thành viên: {facts.disciplined_leaders}) — "
                        f"{_named(rules, rules.levels_article)}.",
                        rules.can_override(RuleCode.ORG_DISCIPLINED),
                    )
                )
        elif condition.kind == "schedule":
            tasks = facts.tasks
            limit = condition.max_late_percent or ZERO
            late_within = Decimal(tasks.late) * HUNDRED <= limit * Decimal(tasks.counted)
            if tasks.overdue or not late_within:
                caps.append(
                    Cap(
                        RuleCode.ORG_SCHEDULE,
                        below,
                        f"Mức {name} cần hoàn thành mọi nhiệm vụ (còn {tasks.overdue} quá hạn) và không quá "
                        f"{fmt(limit)} % chậm tiến độ (chậm {tasks.late}/{tasks.counted}) — "
                        f"{_named(rules, rules.levels_article)}.",
                        rules.can_override(RuleCode.ORG_SCHEDULE),
                    )
                )
        elif condition.kind == "members":
            counts = {Level(k): int(v) for k, v in facts.member_levels.items()}
            total = sum(counts.values())
            if not total:  # no member decided yet: judged at the decision, with the levels then decided
                continue
            failed = False
            if condition.all_at_least is not None:
                failed |= any(n and rank(level) < rank(condition.all_at_least) for level, n in counts.items())
            if condition.share_level is not None and condition.share_percent is not None:
                good = sum(n for level, n in counts.items() if rank(level) >= rank(condition.share_level))
                failed |= not (total and at_least_percent(good, total, condition.share_percent))
            if failed:
                parts = []
                if condition.all_at_least is not None:
                    parts.append(f"mọi đảng viên từ {_label(condition.all_at_least)} trở lên")
                if condition.share_level is not None and condition.share_percent is not None:
                    parts.append(
                        f"ít nhất {fmt(condition.share_percent)} % đảng viên từ {_label(condition.share_level)} trở lên"
                    )
                summary = ", ".join(f"{short(level)} {n}" for level, n in counts.items() if n) or "chưa có"
                caps.append(
                    Cap(
                        RuleCode.ORG_MEMBERS,
                        below,
                        f"Mức {name} cần {' và '.join(parts)} (xếp loại đảng viên: {summary}) — {rules.basis}.",
                        rules.can_override(RuleCode.ORG_MEMBERS),
                    )
                )
    return caps


@dataclass(frozen=True)
class Assessment:
    """What the rules make of one subject: the level its points or grades give (`base`), the caps the
    facts and triggers put on it, and the level they allow (`allowed`)."""

    base: Level
    caps: tuple[Cap, ...]

    @property
    def allowed(self) -> Level:
        return lowest([self.base, *(cap.level for cap in self.caps)])

    def blocking(self, level: str) -> list[Cap]:
        """The caps a chosen level breaks."""
        return [cap for cap in self.caps if rank(level) > rank(cap.level)]

    def overridable_to(self, level: str) -> bool:
        """`level` is within the points or grades and only overridable caps stand in its way."""
        return rank(level) <= rank(self.base) and all(cap.overridable for cap in self.blocking(level))


def assess(
    rules: Rules,
    facts: SubjectFacts,
    *,
    total: Decimal | None = None,
    grades: Mapping[str, str] | None = None,
    key_codes: Iterable[str] = (),
    is_collective: bool = False,
) -> Assessment:
    """The base level from the total (points) or the grades (a grades set without grades: HTXSNV, the
    caps alone then limit it), and every cap the facts, triggers and the collective's conditions put on it."""
    if rules.is_points:
        if total is None:
            raise ValueError("a points rule set needs a total")
        base = level_for_points(total, rules.points_levels)
    else:
        base = level_for_grades(grades, key_codes, rules.grade_levels) if grades else Level.HTXS
    caps = [*fact_caps(rules, facts.tasks), *trigger_caps(rules, facts, grades)]
    if is_collective:
        caps += org_condition_caps(rules, facts)
    return Assessment(base=base, caps=tuple(cap for cap in caps if rank(cap.level) < rank(base)))


# ------------------------------------------------------------------------------------------- quota
@dataclass(frozen=True)
class QuotaCheck:
    group: str
    excellent: int
    good: int
    allowed: int
    percent: Decimal

    @property
    def ok(self) -> bool:
        return self.excellent <= self.allowed


def quota_allowed(good: int, percent_value: Decimal) -> int:
    """The most HTXSNV allowed for `good` HTTNV: floor(percent × good / 100), exactly."""
    return int((Decimal(good) * percent_value) // HUNDRED)


def quota_check(group: str, counts: Mapping[str, int], quota: Quota) -> QuotaCheck:
    """HTXSNV ≤ percent of those rated HTTNV (Quy định 124-QĐ/TW; 20 % exactly is within the quota)."""
    good = int(counts.get(Level.HTT, 0))
    return QuotaCheck(
        group=group,
        excellent=int(counts.get(Level.HTXS, 0)),
        good=good,
        allowed=quota_allowed(good, quota.percent),
        percent=quota.percent,
    )


def quota_message(rules: Rules, check: QuotaCheck) -> str:
    return (
        f"Vượt tỷ lệ Hoàn thành xuất sắc nhiệm vụ ở {check.group}: {check.excellent} HTXSNV, tối đa "
        f"{check.allowed} ({fmt(check.percent)} % của {check.good} HTTNV) — {rules.basis}."
    )


# ------------------------------------------------------------------------------------------- task results
def task_results_proposal(
    maxima: Mapping[str, Decimal], on_time_rate: Decimal | None
) -> dict[str, Decimal] | None:
    """Each task-results criterion's maximum scaled by the on-time rate (two places, half up); None when
    no task fell due (nothing to scale: the chi bộ scores the group)."""
    if on_time_rate is None:
        return None
    return {
        code: (maximum * on_time_rate / HUNDRED).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        for code, maximum in maxima.items()
    }


# ------------------------------------------------------------------------------------------- transfers
def home_organization(
    spans: Sequence[tuple[int, Any, Any]], start: Any, end: Any, rule: str
) -> tuple[int | None, list[int]]:
    """Where a member is reviewed, from their memberships (organisation id, from, to or None) overlapping
    the period: "current" = the one holding the end date (else the latest), "longest" = the one with most
    days in the period. Returns (that organisation, the others they belonged to in the period, in order)."""
    overlapping = []
    for org_id, started, ended in spans:
        lo = max(started, start)
        hi = min(ended, end) if ended is not None else end
        if lo <= hi:
            overlapping.append((org_id, lo, hi, (hi - lo).days + 1))
    if not overlapping:
        return None, []
    overlapping.sort(key=lambda row: row[1])
    if rule == "longest":
        home = max(overlapping, key=lambda row: (row[3], row[2]))[0]
    else:
        holding = [row for row in overlapping if row[2] >= end]
        home = (holding or overlapping)[-1][0]
    others = []
    for org_id, *_ in overlapping:
        if org_id != home and org_id not in others:
            others.append(org_id)
    return home, others
