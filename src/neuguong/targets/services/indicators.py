"""Indicators, annual targets and the actuals reported against them (with their reporting duties,
each reminded through a commitment on the agency's board)."""

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models, transaction

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.commitments import services as commitment_services
from neuguong.core.dates import check_date, local_today
from neuguong.core.errors import BusinessError
from neuguong.core.limits import check_lengths
from neuguong.core.text import normalize_text
from neuguong.organizations.models import Agency, Organization

from .. import events, importers, rules
from ..models import (
    Actual,
    ActualEvidence,
    AnnualTarget,
    Direction,
    Frequency,
    Indicator,
    ReportingDuty,
)
from .common import (
    MSG_AGENCY_OUTSIDE,
    MSG_REQUIRED,
    MSG_YEAR,
    check_files,
    require_write,
    required_text,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_CODE_EXISTS = "Mã chỉ tiêu «{code}» đã có."
MSG_DIRECTION = "Chiều đánh giá không hợp lệ."
MSG_FREQUENCY = "Kỳ báo cáo không hợp lệ."
MSG_PERIOD = "Kỳ báo cáo phải từ 1 đến {count}."
MSG_REPORTED_FUTURE = "Ngày báo cáo không được sau ngày hôm nay."
MSG_PERIOD_NOT_STARTED = "{label} chưa bắt đầu, chưa báo cáo được."


# --------------------------------------------------------------------------------------------- indicators
@transaction.atomic
def indicator_create(
    *,
    actor: "User",
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
    require_write(actor, organization.path)
    code = required_text(code, "Mã chỉ tiêu", "code")[:32]
    if direction not in Direction.values:
        raise BusinessError(MSG_DIRECTION, field="direction")
    if frequency not in Frequency.values:
        raise BusinessError(MSG_FREQUENCY, field="frequency")
    if Indicator.objects.filter(organization=organization, code=code).exists():
        raise BusinessError(MSG_CODE_EXISTS.format(code=code), field="code")
    indicator = Indicator.objects.create(
        organization=organization,
        code=code,
        name=required_text(name, "Tên chỉ tiêu", "name")[:500],
        unit=required_text(unit, "Đơn vị tính", "unit")[:64],
        direction=direction,
        baseline=None
        if baseline in (None, "")
        else rules.parse_number(baseline, field="baseline", **rules.VALUE),
        baseline_year=baseline_year,
        source=normalize_text(source)[:255],
        frequency=frequency,
        report_due_days=report_due_days,
    )
    events.indicator_created(actor=actor, indicator=indicator)
    return indicator


@transaction.atomic
def indicator_update(*, actor: "User", indicator: Indicator, **fields) -> Indicator:
    """Change an indicator's wording, unit, baseline or source (its code and owner stay)."""
    require_write(actor, indicator.organization.path)
    before = snapshot(indicator)
    for name in ("name", "unit", "source"):
        if name in fields:
            value = normalize_text(fields[name] or "")
            if name != "source" and not value:
                field = Indicator._meta.get_field(name)
                label = field.verbose_name if isinstance(field, models.Field) else name
                raise BusinessError(MSG_REQUIRED.format(label=label), field=name)
            setattr(indicator, name, value)
    if "direction" in fields:
        if fields["direction"] not in Direction.values:
            raise BusinessError(MSG_DIRECTION, field="direction")
        indicator.direction = fields["direction"]
    if "baseline" in fields:
        raw = fields["baseline"]
        indicator.baseline = (
            None if raw in (None, "") else rules.parse_number(raw, field="baseline", **rules.VALUE)
        )
    for name in ("baseline_year", "report_due_days"):
        if name in fields and fields[name] is not None:
            setattr(indicator, name, fields[name])
    indicator.save()
    events.indicator_updated(actor=actor, indicator=indicator, before=before)
    return indicator


# --------------------------------------------------------------------------------------------- annual targets
def _check_agency_under(indicator: Indicator, agency: Agency) -> None:
    if not agency.organization.path.startswith(indicator.organization.path):
        raise BusinessError(MSG_AGENCY_OUTSIDE.format(agency=agency.name), field="agency")


@transaction.atomic
def annual_target_set(
    *, actor: "User", indicator: Indicator, agency: Agency, year: int, target_value, note: str = ""
) -> AnnualTarget:
    """Create or change an agency's target for a year; its reporting duties follow the indicator's periods."""
    require_write(actor, agency.organization.path)
    _check_agency_under(indicator, agency)
    if not 2000 <= int(year) <= 2100:
        raise BusinessError(MSG_YEAR, field="year")
    value = rules.parse_number(target_value, field="target_value", **rules.VALUE)
    target = AnnualTarget.objects.filter(indicator=indicator, agency=agency, year=year).first()
    if target is None:
        target = AnnualTarget.objects.create(
            indicator=indicator, agency=agency, year=year, target_value=value, note=normalize_text(note)[:500]
        )
        events.annual_target_set(actor=actor, target=target)
        _create_duties(actor=actor, targets=[target])
    else:
        before = snapshot(target)
        target.target_value = value
        target.note = normalize_text(note)[:500]
        target.save()
        events.annual_target_changed(actor=actor, target=target, before=before)
    return target


@transaction.atomic
def annual_targets_import(*, actor: "User", organization: Organization, upload) -> list[AnnualTarget]:
    """XLSX (Mã chỉ tiêu | Mã cơ quan | Năm | Chỉ tiêu năm | Ghi chú) for indicators of `organization`:
    all rows or none; every problem reported with its row."""
    require_write(actor, organization.path)
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
    saved: list[AnnualTarget] = []
    created: list[AnnualTarget] = []
    # (target, old value, old note, new value, new note)
    changed: list[tuple[AnnualTarget, Decimal | None, str, Decimal, str]] = []
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
            changed.append((target, None, "", row.target_value, row.note))
        elif target.target_value != row.target_value or target.note != row.note:
            changed.append((target, target.target_value, target.note, row.target_value, row.note))
            target.target_value, target.note = row.target_value, row.note
            target.save(update_fields=["target_value", "note", "updated_at"])
        saved.append(target)
    events.annual_targets_imported(actor=actor, changes=changed)
    _create_duties(actor=actor, targets=created)
    return saved


def _create_duties(*, actor: "User", targets: Iterable[AnnualTarget]) -> None:
    """One reporting duty per period, each reminded through a commitment on the agency's board
    (source_kind 'target') that the period's report completes."""
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


def _remind_through_commitment(*, actor: "User", duty: ReportingDuty) -> None:
    target = duty.annual_target
    label = rules.period_label(target.year, target.indicator.frequency, duty.period)
    today = local_today()
    duty.commitment = commitment_services.commitment_create(
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
    duty.save(update_fields=["commitment"])


def _complete_commitment(*, actor: "User", duty: ReportingDuty | None, completed_on: dt.date) -> None:
    """The period's report completes its reminder, unless it is already done or was halted (a suspended or
    cancelled reminder is left as it is: the report is recorded all the same)."""
    commitment = duty.commitment if duty is not None else None
    if commitment is None or commitment.completed_on is not None or commitment.halt:
        return
    commitment_services.commitment_complete(
        actor=actor,
        commitment=commitment,
        completed_on=completed_on,
        note="Đã nhập kết quả thực hiện chỉ tiêu",
    )


# --------------------------------------------------------------------------------------------- actuals
@transaction.atomic
def actual_record(
    *,
    actor: "User",
    annual_target: AnnualTarget,
    period: int,
    value,
    reported_on: dt.date | None = None,
    note: str = "",
    files: Sequence = (),
) -> Actual:
    """Record (or correct) the value reached in one period, with evidence files."""
    require_write(actor, annual_target.agency.organization.path)
    check_lengths(Actual, note=normalize_text(note or ""))
    indicator = annual_target.indicator
    count = rules.period_count(indicator.frequency)
    try:
        period = int(period)
    except (TypeError, ValueError) as exc:
        raise BusinessError(MSG_PERIOD.format(count=count), field="period") from exc
    if not 1 <= period <= count:
        raise BusinessError(MSG_PERIOD.format(count=count), field="period")
    parsed = rules.parse_number(value, field="value", **rules.VALUE)
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
    check_files(files)
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
        events.actual_reported(actor=actor, actual=actual)
        duty = (
            ReportingDuty.objects.select_related("commitment")
            .filter(annual_target=annual_target, period=period)
            .first()
        )
        _complete_commitment(actor=actor, duty=duty, completed_on=reported_on)
    else:
        before = snapshot(actual, ["value", "note"])
        actual.value = parsed
        actual.note = normalize_text(note)[:1000]
        actual.save(update_fields=["value", "note", "updated_at"])
        events.actual_corrected(actor=actor, actual=actual, before=before)
    for upload in files:
        evidence = ActualEvidence(
            actual=actual, original_name=(upload.name or "")[:255], size=upload.size, uploaded_by=actor
        )
        evidence.file.save(upload.name, upload, save=False)
        evidence.save()
        events.actual_evidence_added(actor=actor, actual=actual, file_name=evidence.original_name)
    return actual
