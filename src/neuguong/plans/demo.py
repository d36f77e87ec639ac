"""Demo plans for `seed_demo`, from the source article, so the plan page and the report read real:

- Kế hoạch số 165-KH/ĐUK ngày 31/10/2019 on exemplary responsibility in the provincial agencies, with
  its items, assigned to every head of agency (and to the grassroots organisations for one measure): a
  few hundred commitments with their history (done on time, late, still open past the deadline);
- the congress resolution of the term 2020–2025 and its 7 action programmes (six CTr and the Đề án);
- the Đề án on renewing resolution study and political-theory training, with its 5 solutions, the study
  campaign of the demo linked to one of them, and the grassroots organisations' application plans.

Everything is written through the services (the plans, items and commitments), as a user would, by a
system actor (demo accounts do not exist yet); the commitments' life afterwards by bulk updates (the
status tallies follow through their triggers)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from neuguong.core.dates import local_today
from neuguong.organizations.models import Agency, Organization, OrgKind

from . import services
from .models import Plan
from .system import system_actor

HEADS_MAX = 150  # a few hundred commitments at every size
GRASSROOTS_MAX = 120

PLAN_165_ITEMS = [
    (
        "1",
        "Quán triệt, tuyên truyền Quy định 101-QĐ/TW, Quy định 55-QĐ/TW và Quy định 08-QĐi/TW về trách nhiệm nêu gương",
        "Hội nghị quán triệt; 100 % tổ chức cơ sở đảng tổ chức quán triệt",
        dt.date(2019, 12, 31),
        1,
        [],
    ),
    (
        "2",
        "Người đứng đầu xây dựng, đăng ký và công khai kế hoạch nêu gương của cá nhân",
        "Kế hoạch nêu gương cá nhân được chi bộ thông qua, công khai tại cơ quan",
        dt.date(2020, 3, 31),
        2,
        [],
    ),
    (
        "3",
        "Người đứng đầu nêu gương về tư tưởng chính trị, đạo đức, lối sống, tác phong, lề lối làm việc",
        "Không có người đứng đầu vi phạm; cơ quan, đơn vị hoàn thành nhiệm vụ",
        dt.date(2020, 10, 31),
        3,
        [
            (
                "3.1",
                "Đối thoại trực tiếp với cán bộ, công chức, người lao động; giải quyết kiến nghị",
                "Biên bản đối thoại, kết quả giải quyết kiến nghị",
                dt.date(2020, 6, 30),
            ),
            (
                "3.2",
                "Thực hành tiết kiệm, chống lãng phí; công khai tài chính, tài sản công của cơ quan",
                "Báo cáo công khai tài chính; quy chế chi tiêu nội bộ được rà soát",
                dt.date(2020, 9, 30),
            ),
        ],
    ),
    (
        "4",
        "Kiểm tra, giám sát việc thực hiện trách nhiệm nêu gương của người đứng đầu",
        "Kế hoạch kiểm tra, giám sát; thông báo kết luận",
        dt.date(2020, 10, 31),
        2,
        [],
    ),
    (
        "5",
        "Sơ kết 1 năm thực hiện Kế hoạch, biểu dương tập thể, cá nhân tiêu biểu",
        "Báo cáo sơ kết 1 năm",
        dt.date(2020, 11, 15),
        1,
        [],
    ),
]

PROGRAMMES = [
    ("program", 1, "Chương trình hành động về công tác xây dựng Đảng về chính trị, tư tưởng, đạo đức"),
    ("program", 2, "Chương trình hành động về công tác tổ chức, cán bộ và xây dựng tổ chức cơ sở đảng"),
    ("program", 3, "Chương trình hành động về công tác kiểm tra, giám sát và thi hành kỷ luật đảng"),
    ("program", 4, "Chương trình hành động về công tác dân vận, xây dựng cơ quan, đơn vị văn hóa"),
    ("program", 5, "Chương trình hành động về tăng cường lãnh đạo công tác cải cách hành chính"),
    ("program", 6, "Chương trình hành động về nâng cao trách nhiệm nêu gương của người đứng đầu"),
]
PROJECT_TITLE = (
    "Đề án đổi mới, nâng cao chất lượng học tập, quán triệt Nghị quyết của Đảng, bồi dưỡng lý luận chính "
    "trị trong Đảng bộ Khối Các cơ quan tỉnh"
)
PROJECT_SOLUTIONS = [
    "Nâng cao nhận thức, trách nhiệm của cấp ủy, người đứng đầu trong học tập, quán triệt nghị quyết",
    "Đổi mới nội dung, hình thức, phương pháp học tập, quán triệt; ứng dụng công nghệ thông tin, học trực tuyến",
    "Gắn học tập với xây dựng kế hoạch vận dụng vào thực tiễn, vào vị trí công tác của cán bộ, đảng viên, "
    "cơ quan, đơn vị",
    "Nâng cao chất lượng đội ngũ báo cáo viên; cập nhật kiến thức, bồi dưỡng lý luận chính trị cho cán bộ, đảng viên",
    "Tăng cường kiểm tra, giám sát việc học tập, quán triệt và vận dụng nghị quyết; trách nhiệm nêu gương của người đứng đầu",
]
BREAKTHROUGHS = [
    "Đổi mới, nâng cao chất lượng học tập, quán triệt nghị quyết, bồi dưỡng lý luận chính trị",
    "Tăng cường sự lãnh đạo của Đảng đối với công tác cải cách hành chính",
    "Nâng cao trách nhiệm nêu gương của cấp ủy, người đứng đầu",
]


def _document(root: Organization, doc_type: str, number: int, issued_on: dt.date, summary: str):
    """The document in the bloc's register, numbered in its term (as `document_register` would)."""
    from neuguong.documents.models import Document
    from neuguong.documents.services import term_key_for

    return Document.objects.create(
        organization=root,
        doc_type=doc_type,
        number=number,
        issuer=root.abbreviation or "ĐUK",
        term_key=term_key_for(root, issued_on),
        issued_on=issued_on,
        summary=summary,
        signer="Phó Bí thư Thường trực",
        recipients="Ban Thường vụ Tỉnh ủy (để báo cáo)\nCác tổ chức cơ sở đảng trực thuộc\nLưu Văn phòng",
    )


def _life(rng: random.Random, commitment, today: dt.date) -> None:
    """A plausible history as of today for a commitment due in the past."""
    roll = rng.random()
    if commitment.deadline >= today:
        return
    if roll < 0.68:
        commitment.completed_on = commitment.deadline - dt.timedelta(days=rng.randint(0, 25))
    elif roll < 0.86:
        commitment.completed_on = commitment.deadline + dt.timedelta(days=rng.randint(1, 40))
    elif roll < 0.9:
        commitment.is_returned = True
    if commitment.completed_on:
        commitment.completed_on = max(commitment.completed_on, commitment.start_on or commitment.completed_on)
        commitment.completed_on = min(commitment.completed_on, today)
        commitment.progress = 100
    else:
        commitment.progress = rng.choice([20, 40, 60, 80])


def _assign(actor, organization: Organization, item, people, lead_unit=None, *, today, **override) -> list:
    """The item assigned as the office would (every head given, or a unit), its title and deadline
    unless `override` says otherwise (an item carried out year by year)."""
    from neuguong.commitments.services import commitment_assign

    return commitment_assign(
        actor=actor,
        organization=organization,
        title=override.get("title", item.title),
        deadline=override.get("deadline", item.deadline),
        people=people,
        lead_unit=lead_unit,
        start_on=override.get("start_on", item.starts_on),
        expected_result=override.get("expected_result", item.expected_result),
        category="exemplary",
        source_kind="document",
        plan_item=item,
        reason="Nhập số liệu thực hiện Kế hoạch theo hồ sơ lưu",
        today=today,
    ).commitments


def seed_plans(*, root: Organization, size: str, log=print, today: dt.date | None = None) -> int:
    from neuguong.commitments.models import Commitment

    today = today or local_today()
    rng = random.Random(165)
    actor = system_actor()
    made: list = []
    with transaction.atomic():
        # 1. Kế hoạch 165-KH/ĐUK ngày 31/10/2019, its items, in force from the day it was issued.
        plan_165 = services.plan_create(
            actor=actor,
            document=_document(
                root,
                "plan",
                165,
                dt.date(2019, 10, 31),
                "Kế hoạch thực hiện trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là người đứng đầu "
                "các cơ quan, đơn vị trong Đảng bộ Khối Các cơ quan tỉnh",
            ),
            title="Thực hiện trách nhiệm nêu gương trong các cơ quan cấp tỉnh",
            organization=root,
            starts_on=dt.date(2019, 10, 31),
            ends_on=dt.date(2025, 12, 31),
            today=today,
        )
        items = {}
        for number, title, result, deadline, weight, children in PLAN_165_ITEMS:
            item = services.plan_item_add(
                actor=actor,
                plan=plan_165,
                number=number,
                title=title,
                lead_unit=root,
                starts_on=dt.date(2019, 11, 1),
                deadline=deadline,
                expected_result=result,
                weight=weight,
                today=today,
            )
            items[number] = item
            for sub_number, sub_title, sub_result, sub_deadline in children:
                items[sub_number] = services.plan_item_add(
                    actor=actor,
                    plan=plan_165,
                    parent=item,
                    number=sub_number,
                    title=sub_title,
                    lead_unit=root,
                    starts_on=dt.date(2019, 11, 1),
                    deadline=sub_deadline,
                    expected_result=sub_result,
                    today=today,
                )
        services.plan_put_in_force(actor=actor, plan=plan_165, on=dt.date(2019, 10, 31), today=today)
        heads = list(
            Agency.objects.filter(organization__path__startswith=root.path, head__isnull=False)
            .select_related("head__organization")
            .order_by("code")[:HEADS_MAX]
        )
        people = [agency.head for agency in heads]
        grassroots = list(
            Organization.objects.filter(
                parent=root, kind__in=(OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_BRANCH)
            ).order_by("code")[:GRASSROOTS_MAX]
        )
        if people:
            for number in ("2", "3.1"):
                made += _assign(actor, root, items[number], people, today=today)
        # 3.2 on each grassroots organisation's own board, led by it.
        for organization in grassroots:
            made += _assign(actor, organization, items["3.2"], [], lead_unit=organization, today=today)
        # 4: the bloc's inspection of a sample of organisations.
        for organization in grassroots[:12]:
            made += _assign(actor, root, items["4"], [], lead_unit=organization, today=today)

        # 2. The congress resolution (term 2020–2025) and its 7 action programmes.
        resolution = services.plan_create(
            actor=actor,
            document=_document(
                root,
                "resolution",
                1,
                dt.date(2020, 7, 16),
                "Nghị quyết Đại hội đại biểu Đảng bộ Khối Các cơ quan tỉnh lần thứ XX, nhiệm kỳ 2020–2025",
            ),
            title="Nghị quyết Đại hội đại biểu Đảng bộ Khối lần thứ XX, nhiệm kỳ 2020–2025",
            organization=root,
            starts_on=dt.date(2020, 7, 16),
            ends_on=dt.date(2025, 12, 31),
            items=[
                {"number": str(i + 1), "title": title, "lead_unit": root, "deadline": dt.date(2025, 6, 30)}
                for i, title in enumerate(BREAKTHROUGHS)
            ],
            today=today,
        )
        services.plan_put_in_force(actor=actor, plan=resolution, on=dt.date(2020, 7, 16), today=today)
        for doc_type, programme_number, title in PROGRAMMES:
            programme = services.plan_create(
                actor=actor,
                document=_document(
                    root, doc_type, programme_number, dt.date(2020, 10, 5 + programme_number), title
                ),
                title=title,
                organization=root,
                starts_on=dt.date(2020, 10, 5 + programme_number),
                ends_on=dt.date(2025, 12, 31),
                parent=resolution,
                items=[
                    {
                        "number": "1",
                        "title": f"Triển khai, quán triệt {title[0].lower()}{title[1:]}",
                        "lead_unit": root,
                        "deadline": dt.date(2020, 12, 31),
                    },
                    {
                        "number": "2",
                        "title": "Sơ kết giữa nhiệm kỳ",
                        "lead_unit": root,
                        "deadline": dt.date(2023, 6, 30),
                    },
                ],
                today=today,
            )
            services.plan_put_in_force(actor=actor, plan=programme, on=programme.starts_on, today=today)
            if programme_number == 5:
                _link_indicators(actor, programme, today)

        # 3. The Đề án (the seventh action programme) with its 5 solutions.
        project = services.plan_create(
            actor=actor,
            document=_document(root, "project", 1, dt.date(2021, 4, 7), PROJECT_TITLE),
            title=PROJECT_TITLE,
            organization=root,
            starts_on=dt.date(2021, 4, 7),
            ends_on=dt.date(2025, 12, 31),
            parent=resolution,
            items=[
                {
                    "number": f"Giải pháp {i + 1}",
                    "title": title,
                    "lead_unit": root,
                    "deadline": dt.date(2025, 12, 31),
                    "weight": 2 if i == 2 else 1,
                }
                for i, title in enumerate(PROJECT_SOLUTIONS)
            ],
            today=today,
        )
        services.plan_put_in_force(actor=actor, plan=project, on=dt.date(2021, 4, 7), today=today)
        solutions = list(project.items.order_by("position"))
        # Each grassroots organisation's plan to apply the resolutions (solution 3), one a year.
        for organization in grassroots[: GRASSROOTS_MAX // 2]:
            for year in (2022, 2023, 2024):
                made += _assign(
                    actor,
                    organization,
                    solutions[2],
                    [],
                    lead_unit=organization,
                    today=today,
                    title=f"Xây dựng và thực hiện kế hoạch vận dụng nghị quyết năm {year}",
                    deadline=dt.date(year, 12, 31),
                    start_on=dt.date(year, 1, 1),
                    expected_result="Kế hoạch vận dụng được chi bộ thông qua; báo cáo kết quả cuối năm",
                )
        _link_campaigns(actor, solutions[1])

        # The commitments' history as of today (the tallies follow the updates through their triggers).
        for commitment in made:
            _life(rng, commitment, today)
        Commitment.objects.bulk_update(made, ["completed_on", "is_returned", "progress"], batch_size=2000)
    log(f"  {Plan.objects.count()} kế hoạch, chương trình, đề án; {len(made)} nhiệm vụ gắn với mục kế hoạch")
    return len(made)


def _link_campaigns(actor, item) -> None:
    """The demo's study campaign carries out the Đề án's second solution."""
    from neuguong.study.models import Campaign
    from neuguong.study.services import campaign_link_plan_item

    for campaign in Campaign.objects.filter(organizer__parent__isnull=True)[:2]:
        campaign_link_plan_item(actor=actor, campaign=campaign, plan_item=item)


def _link_indicators(actor, programme, today) -> None:
    """The administrative-reform programme's first item follows the bloc's indicators (targets' demo)."""
    from neuguong.targets.models import Indicator

    indicators = list(Indicator.objects.filter(organization=programme.organization)[:3])
    if indicators:
        item = programme.items.order_by("position").first()
        services.plan_item_update(actor=actor, item=item, indicators=indicators, today=today)
