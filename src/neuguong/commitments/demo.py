"""Demo commitments for `seed_demo`: the bloc's plan (a document) turned into exemplary commitments for
every head of agency, each grassroots organisation's annual work program with its exemplary items, and
the annual pledges of the members of a few organisations (among them the demo member's). A few thousand
rows at bloc size, written in bulk: statuses spread over the eight codes as of today."""

import datetime as dt
import random

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from neuguong.core.dates import local_today
from neuguong.core.text import fold
from neuguong.documents.models import Document
from neuguong.organizations.models import Agency, Organization, OrgKind
from neuguong.people.models import ACTIVE_MEMBER_STATUSES, Person, Position, PositionTitle

from .models import (
    DEFAULT_PLEDGE_ITEMS,
    Commitment,
    CommitmentCategory,
    SourceKind,
    WorkProgram,
    WorkProgramItem,
)

PLAN_ITEMS = [
    (
        "Xây dựng kế hoạch nêu gương của cá nhân theo Quy định 08-QĐi/TW",
        "Kế hoạch cá nhân được chi bộ thông qua",
        3,
    ),
    ("Đối thoại trực tiếp với cán bộ, công chức về cải cách hành chính", "Biên bản đối thoại", 6),
    ("Công khai kết quả thực hiện cam kết nêu gương trước chi bộ", "Báo cáo tại sinh hoạt chi bộ", 9),
    ("Kiểm điểm việc thực hiện trách nhiệm nêu gương cuối năm", "Bản kiểm điểm cá nhân", 12),
]
PROGRAM_ITEMS = [
    ("Học tập, quán triệt các nghị quyết mới của Trung ương", False),
    ("Bí thư nêu gương trong sinh hoạt chuyên đề về đạo đức công vụ", True),
    ("Sơ kết 6 tháng thực hiện chương trình công tác", False),
    ("Người đứng đầu nêu gương thực hành tiết kiệm, chống lãng phí", True),
    ("Kiểm tra, giám sát việc thực hiện trách nhiệm nêu gương", False),
    ("Tổng kết công tác xây dựng Đảng năm", False),
]
BATCH = 5_000


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def _life(rng: random.Random, commitment: Commitment, today: dt.date) -> Commitment:
    """Give a commitment a plausible history as of today (completed on time or late, returned, extended).
    Cancellations and suspensions need a deciding user, and demo accounts are made after seeding: none."""
    roll = rng.random()
    if commitment.deadline < today:
        if roll < 0.55:
            commitment.completed_on = commitment.deadline - dt.timedelta(days=rng.randint(0, 20))
        elif roll < 0.7:
            commitment.completed_on = min(today, commitment.deadline + dt.timedelta(days=rng.randint(1, 25)))
        elif roll < 0.8:
            commitment.is_returned = True
        if commitment.completed_on:
            commitment.completed_on = max(
                commitment.completed_on, commitment.start_on or commitment.completed_on
            )
            commitment.progress = 100
        else:
            commitment.progress = rng.choice([20, 40, 60, 80])
    else:
        # No pending extension: its request needs the user who asked (demo accounts come later), and a
        # flag without its request could never be decided (it showed "Đề nghị gia hạn" for good).
        if roll < 0.15:
            commitment.deadline = commitment.deadline + dt.timedelta(days=30)  # extension granted
        commitment.progress = rng.choice([0, 0, 10, 30, 50])
    return commitment


def seed_commitments(*, root: Organization, size: str, log=print, today: dt.date | None = None) -> int:
    today = today or local_today()
    year = today.year
    rng = random.Random(4)
    made: list[Commitment] = []
    with transaction.atomic():
        plan = Document.objects.create(
            organization=root,
            doc_type="plan",
            number=165,
            issuer=root.abbreviation or "ĐUK",
            term_key=str(year),
            issued_on=dt.date(year, 1, 8),
            summary="Kế hoạch thực hiện trách nhiệm nêu gương của cán bộ, đảng viên, trước hết là người đứng đầu",
            signer="Phó Bí thư Thường trực",
            recipients="Các tổ chức cơ sở đảng trực thuộc\nLưu Văn phòng",
        )
        document_type = ContentType.objects.get_for_model(Document)
        # 1. The plan, assigned to every head of agency (one commitment per head and item).
        heads = Agency.objects.filter(head__isnull=False).values_list(
            "head_id", "head__organization_id", "organization_id"
        )
        for head_id, _head_org_id, _agency_org in heads.iterator(chunk_size=BATCH):
            for title, result, month in PLAN_ITEMS:
                made.append(
                    _life(
                        rng,
                        Commitment(
                            title=title,
                            title_folded=fold(title),
                            expected_result=result,
                            organization=root,
                            responsible_person_id=head_id,
                            start_on=dt.date(year, 1, 15),
                            deadline=_month_end(year, month),
                            original_deadline=_month_end(year, month),
                            category=CommitmentCategory.EXEMPLARY,
                            source_kind=SourceKind.DOCUMENT,
                            source_type=document_type,
                            source_id=plan.pk,
                            source_note=f"{plan.number_text}, mục II",
                            batch="demo-plan",
                        ),
                        today,
                    )
                )
        # 2. Each grassroots organisation's work program; exemplary items go to its secretary.
        grassroots = list(
            Organization.objects.filter(kind__in=(OrgKind.GRASSROOTS_COMMITTEE, OrgKind.GRASSROOTS_BRANCH))
        )
        secretaries = dict(
            Position.objects.filter(title=PositionTitle.SECRETARY, organization__in=grassroots).values_list(
                "organization_id", "person_id"
            )
        )
        programs = WorkProgram.objects.bulk_create(
            [
                WorkProgram(organization=org, year=year, title=f"Chương trình công tác năm {year}")
                for org in grassroots
            ]
        )
        items = []
        for program in programs:
            for index, (title, exemplary) in enumerate(PROGRAM_ITEMS):
                items.append(
                    WorkProgramItem(
                        program=program,
                        title=title,
                        quarter=index // 2 + 1 if index < 6 else 4,
                        is_exemplary=exemplary,
                        responsible_person_id=secretaries.get(program.organization_id) if exemplary else None,
                        lead_unit_id=None
                        if secretaries.get(program.organization_id) or not exemplary
                        else program.organization_id,
                    )
                )
        items = WorkProgramItem.objects.bulk_create(items, batch_size=BATCH)
        item_type = ContentType.objects.get_for_model(WorkProgramItem)
        program_org = {p.pk: p.organization_id for p in programs}
        for item in items:
            if not item.is_exemplary or item.quarter is None:
                continue
            deadline = _month_end(year, item.quarter * 3)
            made.append(
                _life(
                    rng,
                    Commitment(
                        title=item.title,
                        title_folded=fold(item.title),
                        organization_id=program_org[item.program_id],
                        responsible_person_id=item.responsible_person_id,
                        lead_unit_id=item.lead_unit_id,
                        deadline=deadline,
                        original_deadline=deadline,
                        category=CommitmentCategory.EXEMPLARY,
                        source_kind=SourceKind.WORK_PROGRAM,
                        source_type=item_type,
                        source_id=item.pk,
                        source_note=f"Chương trình công tác năm {year}",
                    ),
                    today,
                )
            )
        # 3. Annual pledges of the members of the first grassroots organisations (the demo member's among them).
        first = sorted(grassroots, key=lambda o: o.code)[: 12 if size == "bloc" else 40]
        members = Person.objects.filter(status__in=ACTIVE_MEMBER_STATUSES)
        paths = [org.path for org in first]
        from django.db.models import Q

        q = Q()
        for path in paths:
            q |= Q(organization__path__startswith=path)
        pledgers = list(members.filter(q).values_list("pk", "organization_id")[:3000])
        # A Pledge row records the user who entered it; demo accounts do not exist yet, so only the
        # pledges' commitments are seeded (source kind "pledge", no Pledge row).
        for person_id, org_id in pledgers:
            for title in DEFAULT_PLEDGE_ITEMS[:3]:
                deadline = dt.date(year, 12, 31)
                made.append(
                    _life(
                        rng,
                        Commitment(
                            title=title,
                            title_folded=fold(title),
                            organization_id=org_id,
                            responsible_person_id=person_id,
                            start_on=dt.date(year, 1, 10),
                            deadline=deadline,
                            original_deadline=deadline,
                            category=CommitmentCategory.EXEMPLARY,
                            source_kind=SourceKind.PLEDGE,
                            source_note=f"Bản cam kết năm {year}",
                        ),
                        today,
                    )
                )
        Commitment.objects.bulk_create(made, batch_size=BATCH)
    log(f"  {len(made)} nhiệm vụ, cam kết; {len(programs)} chương trình công tác năm")
    return len(made)
