"""Demo data for `seed_demo`: the bloc's administrative-reform indicators with this year's targets and
quarterly actuals for every agency (some reports missing, so overdue reports show), a published PAR-like
scoring set, last year's finalised cycle (ranked) and this year's open cycle. Written in bulk.

Reporting duties are created without reminder commitments here (seeding stays fast); targets set through
the pages or the import create the commitments.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from neuguong.core.dates import local_today
from neuguong.organizations.models import Agency, Organization

from . import rules
from .models import (
    Actual,
    AgencyAssessment,
    AnnualTarget,
    Area,
    AssessmentStatus,
    Component,
    ComponentScore,
    Criterion,
    Direction,
    Indicator,
    ReportingDuty,
    ScoringCycle,
    ScoringSet,
    SetStatus,
)

INDICATORS = [
    ("CT01", "Tỷ lệ hồ sơ thủ tục hành chính giải quyết đúng và trước hạn", "%", Direction.HIGHER, 95, 98),
    (
        "CT02",
        "Tỷ lệ thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình",
        "%",
        Direction.HIGHER,
        40,
        60,
    ),
    ("CT03", "Thời gian giải quyết trung bình một hồ sơ thủ tục hành chính", "ngày", Direction.LOWER, 7, 5),
    (
        "CT04",
        "Tỷ lệ văn bản điện tử được ký số gửi, nhận trên môi trường mạng",
        "%",
        Direction.HIGHER,
        85,
        95,
    ),
]
SOURCE = "Nghị quyết 05-NQ/ĐUK về lãnh đạo cải cách hành chính giai đoạn 2025–2030"

# (area, max, [(criterion, [(component, max), ...]), ...]) — 100 points, like the provincial PAR Index.
SET = [
    (
        "Công tác chỉ đạo, điều hành cải cách hành chính",
        12,
        [
            (
                "Kế hoạch cải cách hành chính năm",
                [("Ban hành kế hoạch đúng thời hạn", 2), ("Mức độ hoàn thành kế hoạch", 4)],
            ),
            (
                "Công tác kiểm tra, báo cáo",
                [("Báo cáo định kỳ đầy đủ, đúng hạn", 3), ("Xử lý tồn tại sau kiểm tra", 3)],
            ),
        ],
    ),
    (
        "Cải cách thủ tục hành chính",
        20,
        [
            (
                "Công khai thủ tục hành chính",
                [("Niêm yết, công khai đầy đủ", 4), ("Cập nhật trên Cổng dịch vụ công", 4)],
            ),
            (
                "Kết quả giải quyết thủ tục hành chính",
                [("Tỷ lệ hồ sơ đúng hạn", 8), ("Xin lỗi khi trễ hạn", 4)],
            ),
        ],
    ),
    (
        "Cải cách tổ chức bộ máy",
        12,
        [
            (
                "Sắp xếp tổ chức bộ máy",
                [("Thực hiện quy định về chức năng, nhiệm vụ", 6), ("Tinh giản biên chế đúng lộ trình", 6)],
            ),
        ],
    ),
    (
        "Cải cách chế độ công vụ",
        16,
        [
            ("Vị trí việc làm", [("Phê duyệt vị trí việc làm", 4), ("Bố trí đúng vị trí việc làm", 4)]),
            ("Kỷ luật, kỷ cương hành chính", [("Không có vi phạm bị xử lý kỷ luật", 8)]),
        ],
    ),
    (
        "Cải cách tài chính công",
        10,
        [
            (
                "Quản lý, sử dụng tài chính",
                [("Giải ngân vốn đầu tư công", 5), ("Thực hiện cơ chế tự chủ", 5)],
            ),
        ],
    ),
    (
        "Xây dựng chính quyền điện tử, chính quyền số",
        20,
        [
            (
                "Hạ tầng và ứng dụng",
                [("Văn bản điện tử có ký số", 6), ("Dịch vụ công trực tuyến toàn trình", 8)],
            ),
            ("An toàn thông tin", [("Phương án bảo đảm an toàn thông tin", 6)]),
        ],
    ),
    (
        "Tác động của cải cách hành chính",
        10,
        [
            ("Sự hài lòng của người dân", [("Kết quả khảo sát sự hài lòng", 10)]),
        ],
    ),
]


def _scoring_set(root: Organization, year: int) -> ScoringSet:
    scoring_set = ScoringSet.objects.create(
        organization=root,
        name="Bộ chỉ số cải cách hành chính các cơ quan khối",
        year=year,
        status=SetStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    for a_index, (area_name, area_max, criteria) in enumerate(SET, start=1):
        area = Area.objects.create(
            scoring_set=scoring_set, order=a_index, code=str(a_index), name=area_name, max_points=area_max
        )
        for c_index, (criterion_name, components) in enumerate(criteria, start=1):
            criterion = Criterion.objects.create(
                area=area,
                order=c_index,
                code=f"{a_index}.{c_index}",
                name=criterion_name,
                max_points=sum(m for _, m in components),
            )
            Component.objects.bulk_create(
                Component(
                    criterion=criterion,
                    order=x_index,
                    code=f"{a_index}.{c_index}.{x_index}",
                    name=name,
                    max_points=maximum,
                    guide=f"Đạt đầy đủ: {maximum} điểm; đạt một phần: theo tỷ lệ; không đạt: 0 điểm.",
                )
                for x_index, (name, maximum) in enumerate(components, start=1)
            )
    return scoring_set


def _cycle(root, scoring_set, agencies, year, deadline, rng, *, finalised: bool) -> ScoringCycle:
    cycle = ScoringCycle.objects.create(
        organization=root,
        scoring_set=scoring_set,
        year=year,
        name=f"Chấm điểm cải cách hành chính năm {year}",
        self_deadline=deadline,
        survey_max_points=10,
        bands=rules.DEFAULT_BANDS,
    )
    components = list(Component.objects.filter(criterion__area__scoring_set=scoring_set))
    now = timezone.now()
    assessments = AgencyAssessment.objects.bulk_create(
        AgencyAssessment(
            cycle=cycle,
            agency=agency,
            status=AssessmentStatus.FINALISED if finalised else AssessmentStatus.DRAFT,
            submitted_at=now if finalised else None,
            finalised_at=now if finalised else None,
            survey_score=Decimal(rng.randint(55, 100)) / 10 if finalised else None,
        )
        for agency in agencies
    )
    scores = []
    for index, assessment in enumerate(assessments):
        skill = rng.uniform(0.55, 1.0)
        scored = finalised or index % 4 == 0  # this year: a quarter of the agencies have begun
        for component in components:
            if not scored:
                scores.append(ComponentScore(assessment=assessment, component=component))
                continue
            self_score = (component.max_points * Decimal(str(round(min(1, skill + 0.1), 2)))).quantize(
                Decimal("0.25")
            )
            appraised = (component.max_points * Decimal(str(round(skill, 2)))).quantize(Decimal("0.25"))
            scores.append(
                ComponentScore(
                    assessment=assessment,
                    component=component,
                    self_score=min(self_score, component.max_points),
                    explanation="Có văn bản, báo cáo lưu tại văn phòng cơ quan.",
                    appraised_score=min(appraised, component.max_points) if finalised else None,
                    appraisal_comment="Cơ bản đạt yêu cầu."
                    if finalised and appraised < component.max_points
                    else "",
                )
            )
    ComponentScore.objects.bulk_create(scores, batch_size=5000)
    return cycle


@transaction.atomic
def seed_targets(*, root: Organization, size: str, log=print, today: dt.date | None = None) -> None:
    today = today or local_today()
    rng = random.Random(2026)
    agencies = list(Agency.objects.filter(organization__path__startswith=root.path).order_by("code")[:150])
    if not agencies:
        return
    indicators = [
        Indicator.objects.create(
            organization=root,
            code=code,
            name=name,
            unit=unit,
            direction=direction,
            baseline=baseline,
            baseline_year=today.year - 1,
            source=SOURCE,
        )
        for code, name, unit, direction, baseline, _ in INDICATORS
    ]
    targets = AnnualTarget.objects.bulk_create(
        AnnualTarget(indicator=indicator, agency=agency, year=today.year, target_value=spec[5])
        for indicator, spec in zip(indicators, INDICATORS, strict=True)
        for agency in agencies
    )
    duties, actuals = [], []
    by_indicator = {i.pk: (i, spec) for i, spec in zip(indicators, INDICATORS, strict=True)}
    for target in targets:
        indicator, spec = by_indicator[target.indicator_id]
        baseline, goal = Decimal(spec[4]), Decimal(spec[5])
        for period in range(1, 5):
            deadline = rules.report_deadline(
                today.year, indicator.frequency, period, indicator.report_due_days
            )
            duties.append(ReportingDuty(annual_target=target, period=period, deadline=deadline))
            period_end = rules.period_end(today.year, indicator.frequency, period)
            if period_end > today or rng.random() < 0.12:
                continue  # not yet due, or missed: shows as overdue once the deadline passes
            # Around the target: some agencies exceed it, some meet it exactly, some fall short.
            spread = Decimal(str(round(rng.uniform(-0.9, 0.6), 2))) * abs(goal - baseline)
            value = goal if rng.random() < 0.15 else (goal + spread if goal >= baseline else goal - spread)
            value = min(value, Decimal(100)) if indicator.unit == "%" else value
            value = value.quantize(Decimal("0.1"))
            reported_on = min(today, deadline + dt.timedelta(days=rng.choice([-8, -3, 0, 0, 4])))
            actuals.append((target, period, value, reported_on))
    ReportingDuty.objects.bulk_create(duties, batch_size=5000)
    Actual.objects.bulk_create(
        (
            Actual(annual_target=t, period=p, value=v, reported_on=r, note="Số liệu từ hệ thống một cửa")
            for t, p, v, r in actuals
        ),
        batch_size=5000,
    )
    last_set = _scoring_set(root, today.year - 1)
    this_set = _scoring_set(root, today.year)
    this_set.copied_from = last_set
    this_set.save(update_fields=["copied_from"])
    _cycle(root, last_set, agencies, today.year - 1, dt.date(today.year - 1, 12, 15), rng, finalised=True)
    _cycle(root, this_set, agencies, today.year, dt.date(today.year, 12, 15), rng, finalised=False)
    log(
        f"  {len(targets)} chỉ tiêu năm, {len(actuals)} kết quả kỳ, 2 đợt chấm điểm CCHC ({len(agencies)} cơ quan)"
    )
