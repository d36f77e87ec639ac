"""Demo data for `seed_demo`: the demo secretary's grassroots organisation (`bithu`'s) and the bloc each
have a 2024 review under 124 decided and published, and a 2025 review under 366 half-way through (some
self-assessed, some proposed), so the comparison with last year reads real. The members' 2025 commitments
(with outcomes), a few pledges and one discipline give the facts beside each review something to say.

Everything goes through the services (as a demo organisation-office account, `danhgia`), so demo rows
obey every rule: quota, triggers, the decision registered as a QĐ document."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from neuguong.access.models import Role, RoleAssignment
from neuguong.commitments.models import Commitment, CommitmentCategory, Outcome, Pledge, SourceKind
from neuguong.core.dates import local_today
from neuguong.core.text import fold
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from . import services, shipped
from .levels import Grade, Level
from .models import Period, ReviewState, RuleSet

DEMO_USERNAME = "danhgia"
DEMO_PASSWORD = "NeuGuong@2026"
SELF_TEXT = (
    "Ưu điểm: giữ vững phẩm chất chính trị, đạo đức, lối sống; hoàn thành các nhiệm vụ được giao.\n"
    "Hạn chế: có việc còn chậm tiến độ; chưa chủ động đề xuất giải pháp mới.\n"
    "Biện pháp khắc phục: lập kế hoạch công việc theo tháng, báo cáo tiến độ đúng hạn."
)
TASKS_2025 = [
    "Hoàn thành báo cáo chuyên môn quý",
    "Tham mưu văn bản triển khai nghị quyết",
    "Thực hiện cải cách thủ tục hành chính tại bộ phận",
    "Viết bài thu hoạch học tập nghị quyết",
    "Tham gia đoàn kiểm tra chuyên đề",
]


def _actor(root: Organization):
    user = get_user_model().objects.create_user(username=DEMO_USERNAME, password=DEMO_PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.STAFF, organization=root)
    return user


def _rule_set(code: str) -> RuleSet:
    return RuleSet.objects.published().get(code=code, is_shipped=True)


def _grades_for(rng: random.Random, criteria, target: Level) -> dict[str, str]:
    """Grades that give exactly `target` under 124's grade levels (the task-results group, "II", decides
    between HTXSNV and HTTNV)."""
    grades: dict[str, str] = {}
    for leaf in criteria.leaves:
        key = leaf.area == "II"
        if target == Level.HTXS:
            grades[leaf.code] = Grade.EXCELLENT if key else rng.choice([Grade.EXCELLENT, Grade.GOOD])
        elif target == Level.HTT:
            grades[leaf.code] = Grade.GOOD if key else rng.choice([Grade.GOOD, Grade.GOOD, Grade.EXCELLENT])
        elif target == Level.HT:
            grades[leaf.code] = rng.choice([Grade.GOOD, Grade.AVERAGE])
        else:
            grades[leaf.code] = Grade.POOR
    if target == Level.HT and Grade.AVERAGE not in grades.values():
        grades[criteria.leaves[0].code] = Grade.AVERAGE
    return grades


def _targets(rng: random.Random, n: int) -> list[Level]:
    """Levels for n subjects: most HTTNV, HTXSNV within 20 % of them, a few HTNV, rarely KHTNV."""
    levels = []
    for _ in range(n):
        roll = rng.random()
        levels.append(Level.HT if roll < 0.12 else Level.KHTNV if roll < 0.14 else Level.HTT)
    # k HTXSNV out of `good` leave good − k HTTNV: 5k ≤ good − k keeps the 20 % quota.
    allowed = levels.count(Level.HTT) // 6
    indices = [i for i, level in enumerate(levels) if level == Level.HTT]
    for i in rng.sample(indices, min(allowed, len(indices))):
        levels[i] = Level.HTXS
    return levels


def _decided_124(
    *, actor, organization, includes_members: bool, rng: random.Random, today: dt.date
) -> Period:
    rule_set = _rule_set("124")
    period = services.period_open(
        actor=actor,
        organization=organization,
        rule_set=rule_set,
        year=2024,
        includes_members=includes_members,
        includes_organizations=not includes_members,
        today=dt.date(2024, 11, 25),
    )
    reviews = list(
        period.reviews.select_related("person", "organization", "home_organization", "period__rule_set")
    )
    for review in reviews:
        if review.is_exempt:
            services.review_excuse(
                actor=actor, review=review, reason="Đảng viên được miễn sinh hoạt do tuổi cao"
            )
    reviews = [r for r in reviews if not r.is_exempt]
    # The quota is counted per grassroots organisation (members) or group of organisations: so are targets.
    groups: dict[str, list] = {}
    for review in reviews:
        groups.setdefault(review.quota_group, []).append(review)
    planned = [
        (review, target)
        for members in groups.values()
        for review, target in zip(members, _targets(rng, len(members)), strict=True)
    ]
    for review, target in planned:
        criteria = services.review_criteria(review)
        grades = _grades_for(rng, criteria, target)
        services.review_self_assess(
            actor=actor, review=review, text=SELF_TEXT, grades=grades, today=dt.date(2024, 12, 3)
        )
        services.review_propose(
            actor=actor,
            review=review,
            grades=grades,
            level=target,
            votes_present=max(3, len(reviews) // 8),
            votes_for=max(3, len(reviews) // 8),
            votes_against=0,
            opinion="Chi bộ thống nhất mức xếp loại.",
            today=dt.date(2024, 12, 18),
        )
    services.period_decide(actor=actor, period=period, decided_on=dt.date(2025, 1, 8), today=today)
    services.period_publish(actor=actor, period=period)
    return period


def _facts_2025(*, actor, organization: Organization, rng: random.Random) -> None:
    """The 2025 year of the members of the organisation: commitments with outcomes, pledges, one discipline."""
    from .models import Discipline, DisciplineForm

    people = list(
        Person.objects.filter(organization__path__startswith=organization.path)
        .active_members()
        .order_by("id")
    )
    rows = []
    for person in people:
        for index in range(rng.randint(2, 5)):
            deadline = dt.date(2025, rng.randint(2, 11), 28)
            roll = rng.random()
            completed = None
            if roll < 0.8:
                completed = deadline - dt.timedelta(days=rng.randint(0, 15))
            elif roll < 0.9:
                completed = deadline + dt.timedelta(days=rng.randint(2, 20))
            outcome = ""
            if completed:
                outcome = rng.choice(
                    [Outcome.EXCEEDED, Outcome.MET, Outcome.MET, Outcome.EXCEEDED, Outcome.NOT_MET]
                )
            title = f"{TASKS_2025[index % len(TASKS_2025)]} năm 2025"
            rows.append(
                Commitment(
                    title=title,
                    title_folded=fold(title),
                    organization_id=person.organization_id,
                    responsible_person=person,
                    deadline=deadline,
                    original_deadline=deadline,
                    completed_on=completed,
                    outcome=outcome,
                    progress=100 if completed else 60,
                    category=CommitmentCategory.PROFESSIONAL,
                    source_kind=SourceKind.OTHER,
                    created_reason="Dữ liệu mẫu năm 2025",
                    created_by=actor,
                )
            )
    Commitment.objects.bulk_create(rows, batch_size=2000)
    pledge_type = ContentType.objects.get_for_model(Pledge)
    pledge_rows = []
    for person in people[: max(1, len(people) // 2)]:
        pledge = Pledge.objects.create(
            person=person,
            organization_id=person.organization_id,
            year=2025,
            registered_on=dt.date(2025, 1, 15),
            entered_by=actor,
            is_proxy_entry=True,
        )
        for title in ("Gương mẫu thực hiện nhiệm vụ chuyên môn", "Tham gia đầy đủ sinh hoạt chi bộ"):
            kept = rng.random() < 0.85
            pledge_rows.append(
                Commitment(
                    title=title,
                    title_folded=fold(title),
                    organization_id=person.organization_id,
                    responsible_person=person,
                    deadline=dt.date(2025, 12, 31),
                    original_deadline=dt.date(2025, 12, 31),
                    completed_on=dt.date(2025, 12, 15) if kept else None,
                    outcome=Outcome.MET if kept else "",
                    is_returned=not kept,
                    progress=100 if kept else 50,
                    category=CommitmentCategory.EXEMPLARY,
                    source_kind=SourceKind.PLEDGE,
                    source_type=pledge_type,
                    source_id=pledge.pk,
                    source_note="Bản cam kết năm 2025",
                    created_by=actor,
                )
            )
    Commitment.objects.bulk_create(pledge_rows, batch_size=2000)
    if len(people) > 5:
        Discipline.objects.create(
            person=people[5],
            form=DisciplineForm.REPRIMAND,
            decided_on=dt.date(2025, 9, 12),
            decision_number="15-QĐ/ĐU",
            reason="Vi phạm quy định về những điều đảng viên không được làm (chậm trễ giải quyết hồ sơ của dân).",
            created_by=actor,
        )


def _half_way_366(*, actor, organization, includes_members: bool, rng: random.Random) -> Period:
    """366 in December 2025: about 40 % self-assessed, 25 % proposed, the rest not started."""
    period = services.period_open(
        actor=actor,
        organization=organization,
        rule_set=_rule_set("366"),
        year=2025,
        includes_members=includes_members,
        includes_organizations=not includes_members,
        today=dt.date(2025, 12, 1),
    )
    reviews = list(
        period.reviews.select_related("person", "organization", "home_organization", "period__rule_set")
    )
    for index, review in enumerate(reviews):
        stage = index % 20
        if stage >= 13 or review.is_exempt:
            continue  # not started yet
        criteria = services.review_criteria(review)
        self_scores = {
            leaf.code: str(max(0, min(leaf.maximum, round(float(leaf.maximum) * rng.uniform(0.72, 1.0), 1))))
            for leaf in criteria.leaves
        }
        services.review_self_assess(
            actor=actor, review=review, text=SELF_TEXT, scores=self_scores, today=dt.date(2025, 12, 4)
        )
        if stage >= 5:
            continue  # self-assessed, waiting for the chi bộ
        review.refresh_from_db()
        year_facts = services.live_facts(review, today=dt.date(2025, 12, 18))
        from .facts import subject_facts

        rate = subject_facts(year_facts, collective=review.is_collective).tasks.on_time_rate
        rules = review.period.rule_set.rules()
        proposal = services.task_results(review, criteria, rules, rate) or {}
        scores = {**self_scores, **{code: str(value) for code, value in proposal.items()}}
        services.review_propose(
            actor=actor,
            review=review,
            scores=scores,
            votes_present=max(3, len(reviews) // 8),
            votes_for=max(3, len(reviews) // 8),
            votes_against=0,
            opinion="Chi bộ thống nhất đề xuất.",
            today=dt.date(2025, 12, 18),
        )
    return period


def seed_evaluation(*, root: Organization, size: str, log=print, today: dt.date | None = None) -> None:
    today = today or local_today()
    shipped.ensure_shipped()
    grassroots = Organization.objects.filter(parent=root).order_by("code").first()
    if grassroots is None:
        return
    rng = random.Random(2024)
    actor = _actor(root)
    _facts_2025(actor=actor, organization=grassroots, rng=rng)
    decided = _decided_124(actor=actor, organization=grassroots, includes_members=True, rng=rng, today=today)
    bloc_decided = _decided_124(actor=actor, organization=root, includes_members=False, rng=rng, today=today)
    current = _half_way_366(actor=actor, organization=grassroots, includes_members=True, rng=rng)
    bloc_current = _half_way_366(actor=actor, organization=root, includes_members=False, rng=rng)
    counts = {
        state: current.reviews.filter(state=state).count()
        for state in (ReviewState.NOT_STARTED, ReviewState.SELF_ASSESSED, ReviewState.PROPOSED)
    }
    log(
        f"  đánh giá, xếp loại: {decided.reviews.count()} đảng viên và {bloc_decided.reviews.count()} tổ chức năm 2024 "
        f"(124, đã quyết định); năm 2025 (366): {counts[ReviewState.PROPOSED]} đã đề xuất, "
        f"{counts[ReviewState.SELF_ASSESSED]} đã tự kiểm điểm, {counts[ReviewState.NOT_STARTED]} chưa tự kiểm điểm; "
        f"{bloc_current.reviews.count()} tổ chức của khối"
    )
