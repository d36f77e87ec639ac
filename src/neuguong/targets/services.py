"""Writes for targets and scoring. Each service checks rights and state, changes rows and writes the audit
event in one transaction; a BusinessError leaves nothing half-written (files are checked before any write).
"""

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.services import audit_create, audit_record, audit_update, snapshot
from neuguong.core.dates import check_date, format_vn, local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.limits import check_lengths
from neuguong.core.text import normalize_text
from neuguong.core.uploads import check_upload
from neuguong.organizations.models import Agency, Organization

from . import importers, rules
from .models import (
    Actual,
    ActualEvidence,
    AgencyAssessment,
    AnnualTarget,
    Area,
    AssessmentStatus,
    Component,
    ComponentScore,
    Criterion,
    Direction,
    Frequency,
    Indicator,
    ReportingDuty,
    ScoreEvidence,
    ScoringCycle,
    ScoringSet,
    SetStatus,
)

logger = logging.getLogger(__name__)

MSG_NO_RIGHT = "Bạn không có quyền thực hiện thao tác này ở đơn vị này."
MSG_REQUIRED = "Trường «{label}» không được để trống."
MSG_CODE_EXISTS = "Mã chỉ tiêu «{code}» đã có."
MSG_DIRECTION = "Chiều đánh giá không hợp lệ."
MSG_FREQUENCY = "Kỳ báo cáo không hợp lệ."
MSG_AGENCY_OUTSIDE = "Cơ quan «{agency}» không thuộc phạm vi của cấp ủy ban hành chỉ tiêu."
MSG_YEAR = "Năm phải từ 2000 đến 2100."
MSG_PERIOD = "Kỳ báo cáo phải từ 1 đến {count}."
MSG_REPORTED_FUTURE = "Ngày báo cáo không được sau ngày hôm nay."
MSG_PERIOD_NOT_STARTED = "{label} chưa bắt đầu, chưa báo cáo được."
MSG_SET_PUBLISHED = "Bộ chỉ số đã ban hành thì không sửa được; hãy tạo phiên bản mới."
MSG_SET_NOT_PUBLISHED = "Chỉ dùng được bộ chỉ số đã ban hành."
MSG_SET_INVALID = "Bộ chỉ số chưa hợp lệ, chưa ban hành được: {problems}"
MSG_SET_EMPTY = "Bộ chỉ số chưa có tiêu chí thành phần nào."
MSG_MAX_POSITIVE = "Điểm tối đa phải lớn hơn 0."
MSG_NO_AGENCIES = "Không có cơ quan, đơn vị nào thuộc cấp ủy này để đánh giá."
MSG_SURVEY_MAX = "Điểm điều tra xã hội học tối đa không được âm."
MSG_SCORE_NEGATIVE = "Điểm không được âm."
MSG_SCORE_ABOVE_MAX = "Điểm {score} vượt quá điểm tối đa {maximum} của tiêu chí thành phần {code}."
MSG_LOCKED = "Đã hết hạn tự chấm điểm ({deadline}): bản tự chấm đã khóa, chỉ tổ thẩm định mới mở lại được."
MSG_NOT_DRAFT = "Bản tự chấm đã nộp, không sửa được nữa."
MSG_EVIDENCE_REQUIRED = "Cần tài liệu kiểm chứng hoặc thuyết minh bằng văn bản cho điểm tự chấm."
MSG_INCOMPLETE = (
    "Còn {n} tiêu chí thành phần chưa tự chấm hoặc thiếu tài liệu kiểm chứng/thuyết minh: {codes}."
)
MSG_NOT_IN_TEAM = "Chỉ thành viên tổ thẩm định của đợt đánh giá này mới được thực hiện thao tác này."
MSG_REOPEN_NOT_LOCKED = "Bản tự chấm chưa bị khóa, không cần mở lại."
MSG_REOPEN_STATE = "Chỉ mở lại được bản tự chấm chưa nộp."
MSG_REOPEN_UNTIL = "Ngày mở lại đến phải từ hôm nay trở đi."
MSG_REOPEN_REASON = "Cần ghi lý do mở lại."
MSG_APPRAISAL_STATE = "Chưa thẩm định được: cơ quan chưa nộp bản tự chấm và chưa hết hạn."
MSG_FINALISED = "Kết quả đã công bố, không sửa được nữa."
MSG_SEND_STATE = "Chỉ gửi lấy giải trình được khi cơ quan đã nộp (hoặc đã hết hạn tự chấm)."
MSG_APPRAISAL_INCOMPLETE = "Còn {n} tiêu chí thành phần chưa có điểm thẩm định: {codes}."
MSG_NOT_AWAITING_RESPONSE = "Tổ thẩm định chưa gửi kết quả để cơ quan giải trình."
MSG_ALREADY_RESPONDED = "Cơ quan đã giải trình; mỗi cơ quan chỉ được giải trình một lần."
MSG_RESPONSE_EMPTY = "Nội dung giải trình không được để trống."
MSG_FINALISE_STATE = "Chỉ công bố được kết quả sau khi đã gửi cơ quan giải trình."
MSG_SURVEY_FINALISED = (
    "Dòng {row}: kết quả của cơ quan «{code}» đã công bố, không nhập lại điểm điều tra được."
)

TWO_PLACES = Decimal("0.01")


# --------------------------------------------------------------------------------------------- helpers
def _require_write(actor, path: str) -> None:
    if not scope_for(actor).can_write_path(path):
        raise OutOfScope(MSG_NO_RIGHT)


def _required(value: str, label: str, field: str) -> str:
    value = normalize_text(value or "")
    if not value:
        raise BusinessError(MSG_REQUIRED.format(label=label), field=field)
    return value


def _check_files(files: Sequence) -> None:
    for upload in files:
        check_upload(upload)


def _points(raw, *, field: str) -> Decimal:
    value = rules.parse_number(raw, field=field)
    if value < 0:
        raise BusinessError(MSG_SCORE_NEGATIVE, field=field)
    return value.quantize(TWO_PLACES)


# --------------------------------------------------------------------------------------------- indicators
@transaction.atomic
def indicator_create(
    *,
    actor,
    organization: Organization,
    code: str,
    name: str,
    unit: str,
    direction: str = Direction.HIGHER,
    baseline=None,
    baseline_year: int | None = None,
    source: str = "",
    frequency: str = Frequency.QUARTERLY,
    report_due_days: int = 10,
) -> Indicator:
    """Add an indicator of a resolution issued by `organization`."""
    _require_write(actor, organization.path)
    code = _required(code, "Mã chỉ tiêu", "code")[:32]
    if direction not in Direction.values:
        raise BusinessError(MSG_DIRECTION, field="direction")
    if frequency not in Frequency.values:
        raise BusinessError(MSG_FREQUENCY, field="frequency")
    if Indicator.objects.filter(organization=organization, code=code).exists():
        raise BusinessError(MSG_CODE_EXISTS.format(code=code), field="code")
    indicator = Indicator.objects.create(
        organization=organization,
        code=code,
        name=_required(name, "Tên chỉ tiêu", "name")[:500],
        unit=_required(unit, "Đơn vị tính", "unit")[:64],
        direction=direction,
        baseline=None if baseline in (None, "") else rules.parse_number(baseline, field="baseline"),
        baseline_year=baseline_year,
        source=normalize_text(source)[:255],
        frequency=frequency,
        report_due_days=report_due_days,
    )
    audit_create(actor=actor, target=indicator)
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, **fields) -> Indicator:
    """Change an indicator's wording, unit, baseline or source (its code and owner stay)."""
    _require_write(actor, indicator.organization.path)
    before = snapshot(indicator)
    for name in ("name", "unit", "source"):
        if name in fields:
            value = normalize_text(fields[name] or "")
            if name != "source" and not value:
                raise BusinessError(
                    MSG_REQUIRED.format(label=Indicator._meta.get_field(name).verbose_name), field=name
                )
            setattr(indicator, name, value)
    if "direction" in fields:
        if fields["direction"] not in Direction.values:
            raise BusinessError(MSG_DIRECTION, field="direction")
        indicator.direction = fields["direction"]
    if "baseline" in fields:
        raw = fields["baseline"]
        indicator.baseline = None if raw in (None, "") else rules.parse_number(raw, field="baseline")
    for name in ("baseline_year", "report_due_days"):
        if name in fields and fields[name] is not None:
            setattr(indicator, name, fields[name])
    indicator.save()
    audit_update(actor=actor, target=indicator, before=before)
    return indicator


# --------------------------------------------------------------------------------------------- annual targets
def _check_agency_under(indicator: Indicator, agency: Agency) -> None:
    if not agency.organization.path.startswith(indicator.organization.path):
        raise BusinessError(MSG_AGENCY_OUTSIDE.format(agency=agency.name), field="agency")


@transaction.atomic
def annual_target_set(
    *, actor, indicator: Indicator, agency: Agency, year: int, target_value, note: str = ""
) -> AnnualTarget:
    """Create or change an agency's target for a year; its reporting duties follow the indicator's periods."""
    _require_write(actor, agency.organization.path)
    _check_agency_under(indicator, agency)
    if not 2000 <= int(year) <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    value = rules.parse_number(target_value, field="target_value")
    target = AnnualTarget.objects.filter(indicator=indicator, agency=agency, year=year).first()
    if target is None:
        target = AnnualTarget.objects.create(
            indicator=indicator, agency=agency, year=year, target_value=value, note=normalize_text(note)[:500]
        )
        audit_create(actor=actor, target=target)
        _create_duties(actor=actor, targets=[target])
    else:
        before = snapshot(target)
        target.target_value = value
        target.note = normalize_text(note)[:500]
        target.save()
        audit_update(actor=actor, target=target, before=before)
    return target


@transaction.atomic
def annual_targets_import(*, actor, organization: Organization, upload) -> list[AnnualTarget]:
    """XLSX (Mã chỉ tiêu | Mã cơ quan | Năm | Chỉ tiêu năm | Ghi chú) for indicators of `organization`:
    all rows or none; every problem reported with its row."""
    _require_write(actor, organization.path)
    rows, problems = importers.parse_target_rows(importers.read_rows(upload))
    indicators = {i.code: i for i in Indicator.objects.filter(organization=organization)}
    agency_codes = {row.agency_code for row in rows}
    scope = scope_for(actor)
    agencies = {
        a.code: a
        for a in Agency.objects.filter(
            code__in=agency_codes, organization__path__startswith=organization.path
        ).select_related("organization")
        if scope.can_write_path(a.organization.path)
    }
    for row in rows:
        if row.indicator_code not in indicators:
            problems.append(importers.MSG_ROW_UNKNOWN_INDICATOR.format(row=row.row, code=row.indicator_code))
        if row.agency_code not in agencies:
            problems.append(importers.MSG_ROW_UNKNOWN_AGENCY.format(row=row.row, code=row.agency_code))
    if problems:
        raise importers.ImportProblems(sorted(problems, key=importers._row_of))
    existing = {
        (t.indicator_id, t.agency_id, t.year): t
        for t in AnnualTarget.objects.filter(
            indicator__in=indicators.values(), agency__in=agencies.values(), year__in={r.year for r in rows}
        )
    }
    saved, created = [], []
    for row in rows:
        indicator, agency = indicators[row.indicator_code], agencies[row.agency_code]
        target = existing.get((indicator.pk, agency.pk, row.year))
        if target is None:
            target = AnnualTarget.objects.create(
                indicator=indicator,
                agency=agency,
                year=row.year,
                target_value=row.target_value,
                note=row.note,
            )
            existing[(indicator.pk, agency.pk, row.year)] = target
            created.append(target)
            audit_record(
                actor=actor,
                action="import",
                target=target,
                changes={"target_value": {"old": None, "new": str(row.target_value)}},
            )
        elif target.target_value != row.target_value or target.note != row.note:
            audit_record(
                actor=actor,
                action="import",
                target=target,
                changes={"target_value": {"old": str(target.target_value), "new": str(row.target_value)}},
            )
            target.target_value, target.note = row.target_value, row.note
            target.save(update_fields=["target_value", "note", "updated_at"])
        saved.append(target)
    _create_duties(actor=actor, targets=created)
    return saved


def _create_duties(*, actor, targets: Iterable[AnnualTarget]) -> None:
    """One reporting duty per period; each reminded through a commitment on the agency's board when the
    commitments module is installed (source_kind 'target')."""
    duties = []
    for target in targets:
        indicator = target.indicator
        for period in range(1, rules.period_count(indicator.frequency) + 1):
            deadline = rules.report_deadline(
                target.year, indicator.frequency, period, indicator.report_due_days
            )
            duties.append(ReportingDuty(annual_target=target, period=period, deadline=deadline))
    if not duties:
        return
    duties = ReportingDuty.objects.bulk_create(duties)
    for duty in duties:
        _remind_through_commitment(actor=actor, duty=duty)


def _commitments():
    try:
        from neuguong.commitments import services as commitment_services
    except ImportError:  # pragma: no cover - the module ships with the product
        return None
    return commitment_services if hasattr(commitment_services, "commitment_create") else None


def _remind_through_commitment(*, actor, duty: ReportingDuty) -> None:
    services = _commitments()
    if services is None:
        return
    target = duty.annual_target
    label = rules.period_label(target.year, target.indicator.frequency, duty.period)
    today = local_today()
    commitment = services.commitment_create(
        actor=actor,
        organization=target.agency.organization,
        title=f"Báo cáo kết quả chỉ tiêu «{target.indicator.name}» {label.lower()} — {target.agency.name}"[
            :500
        ],
        deadline=duty.deadline,
        lead_unit=target.agency.organization,
        expected_result=f"Nhập kết quả thực hiện và tài liệu kiểm chứng; chỉ tiêu năm: "
        f"{rules.format_number(target.target_value)} {target.indicator.unit}",
        category="political",
        source_kind="target",
        source_object=target,
        source_note=target.indicator.source[:255],
        start_on=rules.period_start(target.year, target.indicator.frequency, duty.period),
        reason="Nghĩa vụ báo cáo chỉ tiêu cho kỳ đã qua" if duty.deadline < today else "",
    )
    duty.commitment_id = commitment.pk
    duty.save(update_fields=["commitment_id"])


def _complete_commitment(*, actor, duty: ReportingDuty | None, completed_on: dt.date) -> None:
    services = _commitments()
    if services is None or duty is None or duty.commitment_id is None:
        return
    from neuguong.commitments.models import Commitment

    commitment = Commitment.objects.filter(pk=duty.commitment_id, completed_on__isnull=True).first()
    if commitment is not None:
        services.commitment_complete(
            actor=actor,
            commitment=commitment,
            completed_on=completed_on,
            note="Đã nhập kết quả thực hiện chỉ tiêu",
        )


# --------------------------------------------------------------------------------------------- actuals
@transaction.atomic
def actual_record(
    *,
    actor,
    annual_target: AnnualTarget,
    period: int,
    value,
    reported_on: dt.date | None = None,
    note: str = "",
    files: Sequence = (),
) -> Actual:
    """Record (or correct) the value reached in one period, with evidence files."""
    check_lengths(Actual, note=normalize_text(note or ""))
    _require_write(actor, annual_target.agency.organization.path)
    indicator = annual_target.indicator
    count = rules.period_count(indicator.frequency)
    try:
        period = int(period)
    except (TypeError, ValueError) as exc:
        raise BusinessError(MSG_PERIOD.format(count=count), field="period") from exc
    if not 1 <= period <= count:
        raise BusinessError(MSG_PERIOD.format(count=count), field="period")
    parsed = rules.parse_number(value, field="value")
    today = local_today()
    reported_on = reported_on or today
    if reported_on > today:
        raise BusinessError(MSG_REPORTED_FUTURE, field="reported_on")
    check_date(reported_on, field="reported_on", label="Ngày báo cáo", latest=today)
    # A period is reported once it has started; the end-of-period value may be entered on its last days.
    period_start = rules.period_start(annual_target.year, indicator.frequency, period)
    if reported_on < period_start:
        label = rules.period_label(annual_target.year, indicator.frequency, period)
        raise BusinessError(MSG_PERIOD_NOT_STARTED.format(label=label), field="period")
    _check_files(files)
    actual = Actual.objects.filter(annual_target=annual_target, period=period).first()
    if actual is None:
        actual = Actual.objects.create(
            annual_target=annual_target,
            period=period,
            value=parsed,
            reported_on=reported_on,
            reported_by=actor,
            note=normalize_text(note)[:1000],
        )
        audit_create(actor=actor, target=actual)
        duty = ReportingDuty.objects.filter(annual_target=annual_target, period=period).first()
        _complete_commitment(actor=actor, duty=duty, completed_on=reported_on)
    else:
        before = snapshot(actual, ["value", "note"])
        actual.value = parsed
        actual.note = normalize_text(note)[:1000]
        actual.save(update_fields=["value", "note", "updated_at"])
        audit_update(actor=actor, target=actual, before=before)
    for upload in files:
        evidence = ActualEvidence(
            actual=actual, original_name=(upload.name or "")[:255], size=upload.size, uploaded_by=actor
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        audit_record(
            actor=actor,
            action="evidence_add",
            target=actual,
            changes={"evidence": {"old": None, "new": evidence.original_name}},
        )
    return actual


# --------------------------------------------------------------------------------------------- scoring sets
def _next_version(organization: Organization, year: int) -> int:
    last = ScoringSet.objects.filter(organization=organization, year=year).order_by("-version").first()
    return (last.version + 1) if last else 1


def _create_tree(scoring_set: ScoringSet, areas: list[importers.SetNode]) -> None:
    """Three bulk inserts for a whole set (areas, criteria, components)."""
    area_rows = Area.objects.bulk_create(
        [
            Area(scoring_set=scoring_set, order=i, code=a.code, name=a.name, max_points=a.max_points)
            for i, a in enumerate(areas, start=1)
        ]
    )
    criteria_nodes, criteria = [], []
    for area_row, node in zip(area_rows, areas, strict=True):
        for i, c in enumerate(node.children, start=1):
            criteria_nodes.append(c)
            criteria.append(
                Criterion(
                    area=area_row, order=i, code=c.code, name=c.name, max_points=c.max_points, guide=c.guide
                )
            )
    criteria = Criterion.objects.bulk_create(criteria)
    Component.objects.bulk_create(
        [
            Component(
                criterion=crit, order=i, code=c.code, name=c.name, max_points=c.max_points, guide=c.guide
            )
            for crit, node in zip(criteria, criteria_nodes, strict=True)
            for i, c in enumerate(node.children, start=1)
        ]
    )


@transaction.atomic
def scoring_set_import(*, actor, organization: Organization, name: str, year: int, upload) -> ScoringSet:
    """A new draft set from XLSX (Mã | Nội dung | Điểm tối đa | Hướng dẫn chấm): all or nothing."""
    _require_write(actor, organization.path)
    name = _required(name, "Tên bộ chỉ số", "name")
    if not 2000 <= int(year) <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    areas, problems = importers.parse_scoring_rows(importers.read_rows(upload))
    if problems:
        raise importers.ImportProblems(problems)
    scoring_set = ScoringSet.objects.create(
        organization=organization, name=name[:255], year=year, version=_next_version(organization, year)
    )
    _create_tree(scoring_set, areas)
    audit_record(
        actor=actor,
        action="import",
        target=scoring_set,
        changes={
            "components": {
                "old": None,
                "new": Component.objects.filter(criterion__area__scoring_set=scoring_set).count(),
            }
        },
    )
    return scoring_set


def set_tree(scoring_set: ScoringSet) -> list[importers.SetNode]:
    """The set as nodes (three queries), e.g. to copy it or to check its sums."""
    areas = list(scoring_set.areas.prefetch_related("criteria__components"))
    return [
        importers.SetNode(
            row=0,
            code=a.code,
            name=a.name,
            max_points=a.max_points,
            children=[
                importers.SetNode(
                    row=0,
                    code=c.code,
                    name=c.name,
                    max_points=c.max_points,
                    guide=c.guide,
                    children=[
                        importers.SetNode(
                            row=0, code=x.code, name=x.name, max_points=x.max_points, guide=x.guide
                        )
                        for x in c.components.all()
                    ],
                )
                for c in a.criteria.all()
            ],
        )
        for a in areas
    ]


@transaction.atomic
def scoring_set_copy(*, actor, source: ScoringSet, year: int | None = None, name: str = "") -> ScoringSet:
    """A new draft from an existing set: 'copy from last year' (another year) or a new version (same year)."""
    _require_write(actor, source.organization.path)
    year = int(year or source.year)
    if not 2000 <= year <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    copy = ScoringSet.objects.create(
        organization=source.organization,
        name=normalize_text(name)[:255] or source.name,
        year=year,
        version=_next_version(source.organization, year),
        copied_from=source,
    )
    _create_tree(copy, set_tree(source))
    audit_create(actor=actor, target=copy, note=f"Sao từ {source}")
    return copy


def set_problems(scoring_set: ScoringSet) -> list[str]:
    """Sum checks on a stored set, worded as the importer's (without row numbers)."""
    problems = []
    tree = set_tree(scoring_set)
    if not any(c.children for a in tree for c in a.children):
        return [MSG_SET_EMPTY]
    for area in tree:
        total = sum((c.max_points for c in area.children), Decimal(0))
        if total != area.max_points:
            problems.append(
                f"lĩnh vực {area.code}: tổng {rules.format_number(total)} ≠ {rules.format_number(area.max_points)}"
            )
        for criterion in area.children:
            total = sum((c.max_points for c in criterion.children), Decimal(0))
            if total != criterion.max_points:
                problems.append(
                    f"tiêu chí {criterion.code}: tổng {rules.format_number(total)} ≠ {rules.format_number(criterion.max_points)}"
                )
    return problems


@transaction.atomic
def scoring_set_publish(*, actor, scoring_set: ScoringSet) -> ScoringSet:
    """Freeze a draft set (its sums must add up); from now on a change needs a new version."""
    scoring_set = ScoringSet.objects.select_for_update().get(pk=scoring_set.pk)
    _require_write(actor, scoring_set.organization.path)
    if scoring_set.is_published:
        raise BusinessError(MSG_SET_PUBLISHED)
    problems = set_problems(scoring_set)
    if problems:
        raise BusinessError(MSG_SET_INVALID.format(problems="; ".join(problems)))
    before = snapshot(scoring_set)
    scoring_set.status = SetStatus.PUBLISHED
    scoring_set.published_at = timezone.now()
    scoring_set.save(update_fields=["status", "published_at", "updated_at"])
    audit_update(actor=actor, target=scoring_set, before=before, action="publish")
    return scoring_set


@transaction.atomic
def component_update(*, actor, component: Component, name: str, max_points, guide: str = "") -> Component:
    """Edit a component of a draft set; the criterion's maximum follows (sums are checked at publication)."""
    component = Component.objects.select_related("criterion__area__scoring_set__organization").get(
        pk=component.pk
    )
    scoring_set = component.criterion.area.scoring_set
    _require_write(actor, scoring_set.organization.path)
    if scoring_set.is_published:
        raise BusinessError(MSG_SET_PUBLISHED)
    maximum = rules.parse_number(max_points, field="max_points")
    if maximum <= 0:
        raise BusinessError(MSG_MAX_POSITIVE, field="max_points")
    before = snapshot(component)
    component.name = _required(name, "Tiêu chí thành phần", "name")[:1000]
    component.max_points = maximum.quantize(TWO_PLACES)
    component.guide = (guide or "").strip()
    component.save()
    audit_update(actor=actor, target=component, before=before)
    return component


# --------------------------------------------------------------------------------------------- cycles
@transaction.atomic
def cycle_create(
    *,
    actor,
    organization: Organization,
    scoring_set: ScoringSet,
    name: str,
    year: int,
    self_deadline: dt.date,
    survey_max_points=0,
    bands: list[dict] | None = None,
    team: Sequence = (),
    agencies: Sequence[Agency] | None = None,
) -> ScoringCycle:
    """Open a year's assessment for every agency under `organization` (or the given ones)."""
    _require_write(actor, organization.path)
    check_date(self_deadline, field="self_deadline", label="Hạn tự chấm", required=True)
    if not scoring_set.is_published:
        raise BusinessError(MSG_SET_NOT_PUBLISHED, field="scoring_set")
    survey_max = rules.parse_number(survey_max_points, field="survey_max_points")
    if survey_max < 0:
        raise BusinessError(MSG_SURVEY_MAX, field="survey_max_points")
    if agencies is None:
        agencies = list(
            Agency.objects.filter(
                organization__path__startswith=organization.path, organization__dissolved_on__isnull=True
            )
        )
    else:
        for agency in agencies:
            if not agency.organization.path.startswith(organization.path):
                raise BusinessError(MSG_AGENCY_OUTSIDE.format(agency=agency.name), field="agencies")
    if not agencies:
        raise BusinessError(MSG_NO_AGENCIES)
    cycle = ScoringCycle.objects.create(
        organization=organization,
        scoring_set=scoring_set,
        name=_required(name, "Tên đợt đánh giá", "name")[:255],
        year=year,
        self_deadline=self_deadline,
        survey_max_points=survey_max,
        bands=bands or rules.DEFAULT_BANDS,
    )
    cycle.team.set(team)
    assessments = AgencyAssessment.objects.bulk_create(
        [AgencyAssessment(cycle=cycle, agency=agency) for agency in agencies]
    )
    component_ids = list(
        Component.objects.filter(criterion__area__scoring_set=scoring_set).values_list("pk", flat=True)
    )
    ComponentScore.objects.bulk_create(
        [ComponentScore(assessment=a, component_id=cid) for a in assessments for cid in component_ids],
        batch_size=5000,
    )
    audit_create(actor=actor, target=cycle)
    return cycle


@transaction.atomic
def cycle_team_set(*, actor, cycle: ScoringCycle, users: Sequence) -> None:
    """Name the appraisal team (tổ thẩm định)."""
    _require_write(actor, cycle.organization.path)
    old = sorted(u.username for u in cycle.team.all())
    cycle.team.set(users)
    audit_record(
        actor=actor,
        action="team_set",
        target=cycle,
        changes={"team": {"old": old, "new": sorted(u.username for u in users)}},
    )


def is_team_member(user, cycle: ScoringCycle) -> bool:
    return bool(user and user.pk) and cycle.team.filter(pk=user.pk).exists()


def can_self_score(user, assessment: AgencyAssessment) -> bool:
    """The agency's committee (write scope) or the agency's head."""
    scope = scope_for(user)
    head_id = assessment.agency.head_id
    return scope.can_write_path(assessment.agency.organization.path) or (
        head_id is not None and head_id == scope.person_id
    )


def can_see_appraisal(user, assessment: AgencyAssessment) -> bool:
    """Appraisal scores are hidden from the agency until the result is finalised; the team and the
    organising committee see them all along."""
    if assessment.is_finalised:
        return True
    scope = scope_for(user)
    return scope.can_read_path(assessment.cycle.organization.path) or is_team_member(user, assessment.cycle)


def assessment_is_locked(assessment: AgencyAssessment, today: dt.date | None = None) -> bool:
    return rules.is_locked(assessment.cycle.self_deadline, assessment.reopened_until, today or local_today())


def _lock_assessment(assessment: AgencyAssessment) -> AgencyAssessment:
    return (
        AgencyAssessment.objects.select_for_update()
        .select_related("cycle__organization", "agency__organization")
        .get(pk=assessment.pk)
    )


def _check_self_scoring_open(assessment: AgencyAssessment, today: dt.date) -> None:
    if assessment.status != AssessmentStatus.DRAFT:
        raise BusinessError(MSG_NOT_DRAFT)
    if rules.is_locked(assessment.cycle.self_deadline, assessment.reopened_until, today):
        raise BusinessError(MSG_LOCKED.format(deadline=format_vn(assessment.cycle.self_deadline)))


def _check_score_range(value: Decimal, component: Component, field: str) -> None:
    if value < 0:
        raise BusinessError(MSG_SCORE_NEGATIVE, field=field)
    if value > component.max_points:
        raise BusinessError(
            MSG_SCORE_ABOVE_MAX.format(
                score=rules.format_number(value),
                maximum=rules.format_number(component.max_points),
                code=component.code,
            ),
            field=field,
        )


@transaction.atomic
def self_score_save(
    *,
    actor,
    assessment: AgencyAssessment,
    component: Component,
    score,
    explanation: str = "",
    files: Sequence = (),
    today: dt.date | None = None,
) -> ComponentScore:
    """The agency's own score of one component, with evidence files or a written explanation."""
    assessment = _lock_assessment(assessment)
    if not can_self_score(actor, assessment):
        raise OutOfScope(MSG_NO_RIGHT)
    _check_self_scoring_open(assessment, today or local_today())
    row = ComponentScore.objects.select_related("component").get(assessment=assessment, component=component)
    value = rules.parse_number(score, field="score")
    _check_score_range(value, row.component, "score")
    explanation = (explanation or "").strip()[:5000]
    has_evidence = bool(files) or row.evidence.alive().exists()
    if not has_evidence and not explanation:
        raise BusinessError(MSG_EVIDENCE_REQUIRED, field="explanation")
    _check_files(files)
    before = snapshot(row, ["self_score", "explanation"])
    row.self_score = value.quantize(TWO_PLACES)
    row.explanation = explanation
    row.save(update_fields=["self_score", "explanation"])
    audit_update(actor=actor, target=row, before=before, action="self_score")
    for upload in files:
        evidence = ScoreEvidence(
            score=row, original_name=(upload.name or "")[:255], size=upload.size, uploaded_by=actor
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        audit_record(
            actor=actor,
            action="evidence_add",
            target=row,
            changes={"evidence": {"old": None, "new": evidence.original_name}},
        )
    return row


def incomplete_components(assessment: AgencyAssessment) -> list[str]:
    """Codes of components without a self-score, or without evidence and explanation (two queries)."""
    rows = list(
        assessment.scores.select_related("component").order_by(
            "component__criterion__area__order", "component__criterion__order", "component__order"
        )
    )
    with_evidence = set(
        ScoreEvidence.objects.alive().filter(score__assessment=assessment).values_list("score_id", flat=True)
    )
    return [
        r.component.code
        for r in rows
        if r.self_score is None or (r.pk not in with_evidence and not r.explanation.strip())
    ]


@transaction.atomic
def assessment_submit(
    *,
    actor,
    assessment: AgencyAssessment,
    difficulties: str = "",
    recommendations: str = "",
    today: dt.date | None = None,
) -> AgencyAssessment:
    """The agency's leader submits the self-assessment; it can no longer be changed by the agency.
    The leader is the agency's head, or its Party committee acting for it (write scope over its organisation)."""
    assessment = _lock_assessment(assessment)
    if not can_self_score(actor, assessment):
        raise OutOfScope(MSG_NO_RIGHT)
    today = today or local_today()
    _check_self_scoring_open(assessment, today)
    missing = incomplete_components(assessment)
    if missing:
        shown = ", ".join(missing[:15]) + ("…" if len(missing) > 15 else "")
        raise BusinessError(MSG_INCOMPLETE.format(n=len(missing), codes=shown))
    before = snapshot(assessment, ["status", "difficulties", "recommendations"])
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.submitted_late = today > assessment.cycle.self_deadline
    assessment.difficulties = (difficulties or "").strip()[:10000]
    assessment.recommendations = (recommendations or "").strip()[:10000]
    assessment.save()
    audit_update(
        actor=actor,
        target=assessment,
        before=before,
        action="submit",
        note="Nộp muộn (đã được mở lại)" if assessment.submitted_late else "",
    )
    return assessment


def _require_team(actor, assessment: AgencyAssessment) -> None:
    if not is_team_member(actor, assessment.cycle):
        raise BusinessError(MSG_NOT_IN_TEAM)


@transaction.atomic
def assessment_reopen(
    *, actor, assessment: AgencyAssessment, until: dt.date, reason: str, today: dt.date | None = None
) -> AgencyAssessment:
    """The appraisal team lets a locked, unsubmitted agency score and submit late, until a date (recorded)."""
    assessment = _lock_assessment(assessment)
    _require_team(actor, assessment)
    today = today or local_today()
    if assessment.status != AssessmentStatus.DRAFT:
        raise BusinessError(MSG_REOPEN_STATE)
    if not rules.is_locked(assessment.cycle.self_deadline, assessment.reopened_until, today):
        raise BusinessError(MSG_REOPEN_NOT_LOCKED)
    check_date(until, field="until", label="Hạn mở lại", required=True)
    if until < today:
        raise BusinessError(MSG_REOPEN_UNTIL, field="until")
    reason = normalize_text(reason or "")[:500]
    if not reason:
        raise BusinessError(MSG_REOPEN_REASON, field="reason")
    before = snapshot(assessment, ["reopened_until"])
    assessment.reopened_until = until
    assessment.save(update_fields=["reopened_until", "updated_at"])
    audit_update(actor=actor, target=assessment, before=before, action="reopen", note=reason)
    return assessment


def _check_appraisal_open(assessment: AgencyAssessment, today: dt.date) -> None:
    if assessment.status == AssessmentStatus.FINALISED:
        raise BusinessError(MSG_FINALISED)
    if assessment.status == AssessmentStatus.DRAFT and not rules.is_locked(
        assessment.cycle.self_deadline, assessment.reopened_until, today
    ):
        raise BusinessError(MSG_APPRAISAL_STATE)


@transaction.atomic
def appraisal_save(
    *,
    actor,
    assessment: AgencyAssessment,
    component: Component,
    score,
    comment: str = "",
    today: dt.date | None = None,
) -> ComponentScore:
    """A team member's score and comment for one component."""
    assessment = _lock_assessment(assessment)
    _require_team(actor, assessment)
    _check_appraisal_open(assessment, today or local_today())
    row = ComponentScore.objects.select_related("component").get(assessment=assessment, component=component)
    value = rules.parse_number(score, field="score")
    _check_score_range(value, row.component, "score")
    before = snapshot(row, ["appraised_score", "appraisal_comment"])
    row.appraised_score = value.quantize(TWO_PLACES)
    row.appraisal_comment = (comment or "").strip()[:5000]
    row.appraised_by = actor
    row.save(update_fields=["appraised_score", "appraisal_comment", "appraised_by"])
    # Appraisal events are scoped to the organising committee so the agency cannot read scores early.
    changes = {
        "appraised_score": {"old": before["appraised_score"], "new": str(row.appraised_score)},
        "appraisal_comment": {"old": before["appraisal_comment"], "new": row.appraisal_comment},
    }
    audit_record(
        actor=actor,
        action="appraise",
        target=row,
        changes=changes,
        org_path=assessment.cycle.organization.path,
    )
    return row


def appraisal_missing(assessment: AgencyAssessment) -> list[str]:
    return list(
        assessment.scores.filter(appraised_score__isnull=True)
        .order_by("component__criterion__area__order", "component__criterion__order", "component__order")
        .values_list("component__code", flat=True)
    )


@transaction.atomic
def appraisal_send_for_response(
    *, actor, assessment: AgencyAssessment, today: dt.date | None = None
) -> AgencyAssessment:
    """The team sends its comments to the agency, which may then respond once (giải trình)."""
    assessment = _lock_assessment(assessment)
    _require_team(actor, assessment)
    today = today or local_today()
    locked_draft = assessment.status == AssessmentStatus.DRAFT and rules.is_locked(
        assessment.cycle.self_deadline, assessment.reopened_until, today
    )
    if assessment.status != AssessmentStatus.SUBMITTED and not locked_draft:
        raise BusinessError(MSG_SEND_STATE)
    missing = appraisal_missing(assessment)
    if missing:
        raise BusinessError(MSG_APPRAISAL_INCOMPLETE.format(n=len(missing), codes=", ".join(missing[:15])))
    before = snapshot(assessment, ["status"])
    assessment.status = AssessmentStatus.AWAITING_RESPONSE
    assessment.save(update_fields=["status", "updated_at"])
    audit_update(actor=actor, target=assessment, before=before, action="send_for_response")
    return assessment


@transaction.atomic
def assessment_respond(
    *, actor, assessment: AgencyAssessment, response_text: str, responses: dict[int, str] | None = None
) -> AgencyAssessment:
    """The agency's one response to the team's comments: a general text and, optionally, per component."""
    assessment = _lock_assessment(assessment)
    if not can_self_score(actor, assessment):
        raise OutOfScope(MSG_NO_RIGHT)
    if assessment.responded_at is not None:
        raise BusinessError(MSG_ALREADY_RESPONDED)
    if assessment.status != AssessmentStatus.AWAITING_RESPONSE:
        raise BusinessError(MSG_NOT_AWAITING_RESPONSE)
    text = (response_text or "").strip()[:10000]
    responses = {int(k): (v or "").strip()[:5000] for k, v in (responses or {}).items() if (v or "").strip()}
    if not text and not responses:
        raise BusinessError(MSG_RESPONSE_EMPTY, field="response_text")
    rows = list(assessment.scores.filter(component_id__in=responses))
    for row in rows:
        row.response = responses[row.component_id]
    ComponentScore.objects.bulk_update(rows, ["response"])
    before = snapshot(assessment, ["status", "response_text"])
    assessment.status = AssessmentStatus.RESPONDED
    assessment.response_text = text
    assessment.responded_at = timezone.now()
    assessment.save(update_fields=["status", "response_text", "responded_at", "updated_at"])
    audit_update(actor=actor, target=assessment, before=before, action="respond")
    return assessment


@transaction.atomic
def assessment_finalise(*, actor, assessment: AgencyAssessment) -> AgencyAssessment:
    """The team closes the assessment: scores become final and visible to the agency."""
    assessment = _lock_assessment(assessment)
    _require_team(actor, assessment)
    if assessment.status not in (AssessmentStatus.AWAITING_RESPONSE, AssessmentStatus.RESPONDED):
        raise BusinessError(MSG_FINALISE_STATE)
    missing = appraisal_missing(assessment)
    if missing:
        raise BusinessError(MSG_APPRAISAL_INCOMPLETE.format(n=len(missing), codes=", ".join(missing[:15])))
    before = snapshot(assessment, ["status"])
    assessment.status = AssessmentStatus.FINALISED
    assessment.finalised_at = timezone.now()
    assessment.save(update_fields=["status", "finalised_at", "updated_at"])
    audit_update(actor=actor, target=assessment, before=before, action="finalise")
    return assessment


@transaction.atomic
def survey_scores_import(*, actor, cycle: ScoringCycle, upload) -> int:
    """Survey (điều tra xã hội học) scores per agency from XLSX (Mã cơ quan | Điểm): all rows or none."""
    if not (is_team_member(actor, cycle) or scope_for(actor).can_write_path(cycle.organization.path)):
        raise BusinessError(MSG_NOT_IN_TEAM)
    rows, problems = importers.parse_survey_rows(importers.read_rows(upload))
    assessments = {
        a.agency.code: a
        for a in cycle.assessments.select_related("agency").filter(
            agency__code__in=[code for _, code, _ in rows]
        )
    }
    for row, code, score in rows:
        assessment = assessments.get(code)
        if assessment is None:
            problems.append(importers.MSG_ROW_UNKNOWN_AGENCY.format(row=row, code=code))
        elif assessment.is_finalised:
            problems.append(MSG_SURVEY_FINALISED.format(row=row, code=code))
        if not 0 <= score <= cycle.survey_max_points:
            problems.append(
                importers.MSG_ROW_SURVEY_RANGE.format(
                    row=row,
                    value=rules.format_number(score),
                    maximum=rules.format_number(cycle.survey_max_points),
                )
            )
    if problems:
        raise importers.ImportProblems(sorted(problems, key=importers._row_of))
    for _, code, score in rows:
        assessment = assessments[code]
        old = assessment.survey_score
        assessment.survey_score = score.quantize(TWO_PLACES)
        audit_record(
            actor=actor,
            action="import",
            target=assessment,
            changes={
                "survey_score": {
                    "old": None if old is None else str(old),
                    "new": str(assessment.survey_score),
                }
            },
            org_path=cycle.organization.path,
        )
    AgencyAssessment.objects.bulk_update([assessments[code] for _, code, _ in rows], ["survey_score"])
    return len(rows)
