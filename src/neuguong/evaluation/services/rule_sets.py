"""Rule sets: copied from an existing one (e.g. last year's) into a draft, edited while a draft, published
(checked: the settings parse, the criteria add up), then frozen: a change needs a new version."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from neuguong.audit.services import snapshot
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization

from .. import events, levels, shipped
from ..models import RuleSet, RuleSetPart, RuleSetStatus
from .common import clean_text, criteria_of, require_write

MSG_RULE_SET_PUBLISHED = "Bộ quy định đã ban hành thì không sửa được; hãy sao thành phiên bản mới."
MSG_RULE_SET_INVALID = "Bộ quy định chưa hợp lệ, chưa ban hành được: {problems}"
MSG_CODE = "Mã bộ quy định chỉ gồm chữ, số, dấu gạch ngang (tối đa 16 ký tự)."
MSG_YEAR = "Năm phải từ 2000 đến 2100."
MSG_POINTS_TOTAL = "bộ tiêu chí {kind}: tổng {total} điểm ≠ {maximum}"
MSG_TASK_AREA = "bộ tiêu chí {kind}: không có nhóm tiêu chí kết quả thực hiện nhiệm vụ mã «{code}»"
MSG_NO_CRITERIA = "bộ tiêu chí {kind}: chưa có tiêu chí nào"
MSG_CRITERION_MAX = "Điểm tối đa phải lớn hơn 0."
MSG_CRITERION_UNKNOWN = "Không có tiêu chí mã «{code}» trong bộ tiêu chí này."


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise BusinessError(MSG_YEAR, field="year_from") from exc
    if not 2000 <= year <= 2100:
        raise BusinessError(MSG_YEAR, field="year_from")
    return year


def _check_code(code: str) -> str:
    code = (code or "").strip()
    if not code or len(code) > 16 or not all(ch.isalnum() or ch == "-" for ch in code):
        raise BusinessError(MSG_CODE, field="code")
    return code


@transaction.atomic
def rule_set_copy(
    *, actor, source: RuleSet, organization: Organization, year_from: int, code: str = "", name: str = ""
) -> RuleSet:
    """A draft copied from `source` (e.g. last year's), owned by `organization`: same code → the next
    version of it; another code → version 1 of a new one. Criteria trees are copied with it."""
    require_write(actor, organization.path)
    code = _check_code(code or source.code)
    year_from = _check_year(year_from)
    last = RuleSet.objects.select_for_update().filter(code=code).order_by("-version").first()
    copy = RuleSet.objects.create(
        organization=organization,
        code=code,
        version=(last.version + 1) if last else 1,
        name=clean_text(name, "Tên", "name", required=False, limit=255, lines=False) or source.name,
        basis=source.basis,
        year_from=year_from,
        method=source.method,
        settings=source.settings,
        copied_from=source,
    )
    from neuguong.targets.services import set_tree

    for part in source.parts.select_related("criteria"):
        shipped.create_part(rule_set=copy, subject_kind=part.subject_kind, nodes=set_tree(part.criteria))
    events.rule_set_copied(actor=actor, rule_set=copy)
    return copy


def _locked_draft(actor, rule_set: RuleSet) -> RuleSet:
    rule_set = RuleSet.objects.select_for_update().select_related("organization").get(pk=rule_set.pk)
    require_write(actor, rule_set.organization.path)
    if rule_set.is_published:
        raise BusinessError(MSG_RULE_SET_PUBLISHED)
    return rule_set


@transaction.atomic
def rule_set_update(
    *, actor, rule_set: RuleSet, name: str, basis: str, year_from: int, settings: dict[str, Any]
) -> RuleSet:
    """Change a draft's name, basis, first year and rules (every problem in the rules is named at once)."""
    rule_set = _locked_draft(actor, rule_set)
    try:
        levels.parse_rules(rule_set.method, basis, settings)
    except levels.RulesInvalid as error:
        raise BusinessError(
            MSG_RULE_SET_INVALID.format(problems="; ".join(error.problems)), field="settings"
        ) from error
    before = snapshot(rule_set, ["name", "basis", "year_from", "settings"])
    rule_set.name = clean_text(name, "Tên", "name", limit=255, lines=False)
    rule_set.basis = clean_text(basis, "Căn cứ", "basis", limit=128, lines=False)
    rule_set.year_from = _check_year(year_from)
    rule_set.settings = settings
    rule_set.save(update_fields=["name", "basis", "year_from", "settings", "updated_at"])
    events.rule_set_updated(actor=actor, rule_set=rule_set, before=before)
    return rule_set


@transaction.atomic
def criterion_update(
    *, actor, rule_set: RuleSet, part: RuleSetPart, code: str, name: str, max_points: Any = None
) -> RuleSet:
    """Rename a criterion of a draft, or change a scored criterion's maximum (sums are checked when the
    rule set is published)."""
    from neuguong.targets.models import Component, Criterion

    rule_set = _locked_draft(actor, rule_set)
    if part.rule_set_id != rule_set.pk:
        raise BusinessError(MSG_CRITERION_UNKNOWN.format(code=code))
    name = clean_text(name, "Tên tiêu chí", "name", limit=1000, lines=False)
    row: Component | Criterion | None
    if rule_set.method == levels.Method.POINTS:
        row = Component.objects.filter(criterion__area__scoring_set=part.criteria, code=code).first()
    else:
        row = Criterion.objects.filter(area__scoring_set=part.criteria, code=code).first()
    if row is None:
        raise BusinessError(MSG_CRITERION_UNKNOWN.format(code=code), field="code")
    old = {"name": row.name, "max_points": str(row.max_points)}
    row.name = name
    if rule_set.method == levels.Method.POINTS:
        try:
            maximum = levels.parse_points(max_points)
        except levels.PointsError as error:
            raise BusinessError(error.message, field="max_points") from error
        if maximum <= 0:
            raise BusinessError(MSG_CRITERION_MAX, field="max_points")
        row.max_points = maximum
    row.save(update_fields=["name", "max_points"])
    events.criterion_updated(
        actor=actor,
        rule_set=rule_set,
        code=code,
        old=old,
        new={"name": row.name, "max_points": str(row.max_points)},
    )
    return rule_set


def rule_set_problems(rule_set: RuleSet) -> list[str]:
    """Why a rule set cannot be published: its rules, and each criteria tree (points add up to the total;
    the task-results group exists; a grades set has criteria)."""
    from neuguong.targets.services import set_problems

    try:
        rules = levels.parse_rules(rule_set.method, rule_set.basis, rule_set.settings)
    except levels.RulesInvalid as error:
        return error.problems
    problems = []
    for part in rule_set.parts.select_related("criteria"):
        kind = part.get_subject_kind_display()
        criteria = criteria_of(part, rule_set.method)
        if not criteria.leaves:
            problems.append(MSG_NO_CRITERIA.format(kind=kind))
            continue
        if rules.is_points:
            problems += [f"bộ tiêu chí {kind}: {p}" for p in set_problems(part.criteria)]
            total = sum((leaf.maximum for leaf in criteria.leaves), Decimal(0))
            if total != rules.total_points:
                problems.append(
                    MSG_POINTS_TOTAL.format(
                        kind=kind, total=levels.fmt(total), maximum=levels.fmt(rules.total_points)
                    )
                )
            if rules.task_results_area and rules.task_results_area not in {a[0] for a in criteria.areas}:
                problems.append(MSG_TASK_AREA.format(kind=kind, code=rules.task_results_area))
    if not rule_set.parts.exists():
        problems.append("chưa có bộ tiêu chí nào")
    return problems


@transaction.atomic
def rule_set_publish(*, actor, rule_set: RuleSet) -> RuleSet:
    """Freeze a draft (its rules and criteria must hold); its criteria trees are published with it."""
    from neuguong.targets.models import ScoringSet, SetStatus

    rule_set = _locked_draft(actor, rule_set)
    problems = rule_set_problems(rule_set)
    if problems:
        raise BusinessError(MSG_RULE_SET_INVALID.format(problems="; ".join(problems)))
    before = snapshot(rule_set, ["status", "published_at"])
    now = timezone.now()
    rule_set.status = RuleSetStatus.PUBLISHED
    rule_set.published_at = now
    rule_set.save(update_fields=["status", "published_at", "updated_at"])
    ScoringSet.objects.filter(evaluation_part__rule_set=rule_set).update(
        status=SetStatus.PUBLISHED, published_at=now
    )
    events.rule_set_published(actor=actor, rule_set=rule_set, before=before)
    return rule_set
