"""Deterministic synthetic data: a realistic tree of organisations and people at three sizes.

The same seed always gives the same data, so benchmarks compare like with like. Rows are written in
batches (bulk_create), never one query per person, so the national size streams on PostgreSQL.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from neuguong.access.models import Role, RoleAssignment
from neuguong.organizations.models import Agency, Organization, OrgKind, Term
from neuguong.people.models import Membership, Person, PersonStatus, Position, PositionTitle, Sex, TheoryLevel

DEMO_PASSWORD = "NeuGuong@2026"


@dataclass(frozen=True)
class Size:
    grassroots: int
    people: int
    committee_share: float  # share of grassroots organisations that are đảng bộ cơ sở (with branches)
    branches_per_committee: tuple[int, int]
    partial_committees: bool = False


SIZES = {
    "tiny": Size(grassroots=6, people=300, committee_share=0.5, branches_per_committee=(2, 4)),
    "bloc": Size(grassroots=100, people=10_000, committee_share=0.35, branches_per_committee=(3, 8)),
    "province": Size(grassroots=1_500, people=200_000, committee_share=0.35, branches_per_committee=(3, 9)),
    "national": Size(
        grassroots=52_000,
        people=5_500_000,
        committee_share=0.3,
        branches_per_committee=(3, 9),
        partial_committees=True,
    ),
}

SURNAMES = (
    ["Nguyễn"] * 8
    + ["Trần"] * 4
    + ["Lê"] * 4
    + ["Phạm"] * 3
    + [
        "Hoàng",
        "Phan",
        "Vũ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Đinh",
        "Thái",
        "Chu",
        "Cao",
        "Võ",
    ]
)
MALE_MIDDLE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Xuân", "Thanh", "Đình", "Nam", "Trọng", "Văn"]
FEMALE_MIDDLE = ["Thị", "Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Kim", "Phương", "Thùy", "Mai"]
MALE_GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đình",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Nam",
    "Phong",
    "Quang",
    "Sơn",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Vinh",
    "Hoàng",
    "Đức",
    "Hiếu",
    "Lâm",
    "Tâm",
    "Toàn",
]
FEMALE_GIVEN = [
    "Anh",
    "Chi",
    "Dung",
    "Hà",
    "Hằng",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngọc",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Trang",
    "Vân",
    "Yến",
    "Nhung",
    "Huyền",
    "Thủy",
]
AGENCY_NAMES = [
    "Văn phòng Tỉnh ủy",
    "Văn phòng UBND tỉnh",
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Thanh tra tỉnh",
    "Ban Dân tộc",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Báo Nghệ An",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Trường Chính trị tỉnh",
    "Bệnh viện Hữu nghị Đa khoa",
    "Bệnh viện Sản Nhi",
    "Trường Đại học Vinh",
    "Trường Cao đẳng Kỹ thuật",
    "Kho bạc Nhà nước khu vực",
    "Cục Thuế tỉnh",
    "Bảo hiểm xã hội tỉnh",
    "Ngân hàng Nhà nước chi nhánh",
    "Cục Thống kê tỉnh",
    "Hội Nông dân tỉnh",
    "Liên đoàn Lao động tỉnh",
    "Tỉnh đoàn",
    "Hội Liên hiệp Phụ nữ tỉnh",
    "Ủy ban MTTQ tỉnh",
    "Ban Quản lý Khu kinh tế Đông Nam",
    "Vườn Quốc gia Pù Mát",
    "Sở Ngoại vụ",
    "Sở Dân tộc và Tôn giáo",
    "Trung tâm Phục vụ hành chính công",
    "Quỹ Đầu tư phát triển",
]
BRANCH_UNITS = [
    "Văn phòng",
    "Phòng Tổng hợp",
    "Phòng Kế hoạch",
    "Phòng Tài chính",
    "Phòng Tổ chức",
    "Phòng Nghiệp vụ 1",
    "Phòng Nghiệp vụ 2",
    "Phòng Thanh tra",
    "Trung tâm Dịch vụ",
    "Khoa Nội",
    "Khoa Ngoại",
    "Phòng Pháp chế",
    "Phòng Hành chính",
    "Trung tâm Thông tin",
]
JOB_TITLES = [
    "Chuyên viên",
    "Chuyên viên chính",
    "Chuyên viên",
    "Kế toán viên",
    "Thanh tra viên",
    "Bác sĩ",
    "Giảng viên",
    "Phóng viên",
    "Cán sự",
    "Trưởng phòng",
    "Phó Trưởng phòng",
]
BATCH = 5_000


def _name(rng: random.Random, sex: str) -> str:
    if sex == Sex.MALE:
        return f"{rng.choice(SURNAMES)} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"
    return f"{rng.choice(SURNAMES)} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"


DISTRICTS = [
    "Quỳnh Lưu",
    "Diễn Châu",
    "Yên Thành",
    "Đô Lương",
    "Nghĩa Đàn",
    "Thanh Chương",
    "Nam Đàn",
    "Hưng Nguyên",
    "Nghi Lộc",
    "Con Cuông",
    "Tương Dương",
    "Kỳ Sơn",
    "Quế Phong",
    "Quỳ Châu",
    "Quỳ Hợp",
    "Tân Kỳ",
    "Anh Sơn",
    "Thái Hòa",
    "Hoàng Mai",
    "Cửa Lò",
    "Vinh",
]
DISTRICT_UNITS = [
    "Bệnh viện Đa khoa khu vực {d}",
    "Chi cục Thuế khu vực {d}",
    "Kho bạc Nhà nước {d}",
    "Trường THPT {d}",
    "Trung tâm Giáo dục nghề nghiệp {d}",
    "Hạt Kiểm lâm {d}",
    "Bảo hiểm xã hội {d}",
    "Chi nhánh Văn phòng Đăng ký đất đai {d}",
    "Trung tâm Y tế {d}",
    "Ban Quản lý rừng phòng hộ {d}",
]


def _agency_name(index: int) -> str:
    """Distinct, plausible agency names: provincial bodies first, then district-level units."""
    if index < len(AGENCY_NAMES):
        return AGENCY_NAMES[index]
    index -= len(AGENCY_NAMES)
    unit = DISTRICT_UNITS[index % len(DISTRICT_UNITS)]
    district_index = index // len(DISTRICT_UNITS)
    name = unit.format(d=DISTRICTS[district_index % len(DISTRICTS)])
    cycle = district_index // len(DISTRICTS)
    return name if cycle == 0 else f"{name} số {cycle + 1}"


def _bulk_orgs(orgs: list[Organization], parent: Organization) -> list[Organization]:
    created = Organization.objects.bulk_create(orgs, batch_size=BATCH)
    for org in created:
        org.path = f"{parent.path}{org.pk}/"
        org.depth = parent.depth + 1
    Organization.objects.bulk_update(created, ["path", "depth"], batch_size=BATCH)
    return created


def build_tree(rng: random.Random, size: Size, log: Callable[[str], None]) -> tuple[Organization, list]:
    """The root, grassroots organisations and their branches. Returns the root and the member-holding units."""
    root = Organization.objects.create(
        code="DUK",
        name="Đảng bộ Khối Các cơ quan tỉnh",
        kind=OrgKind.SUPERIOR,
        abbreviation="ĐUK",
        superior_body="ĐẢNG BỘ TỈNH NGHỆ AN",
    )
    root.path, root.depth = f"/{root.pk}/", 0
    root.save(update_fields=["path", "depth"])
    Term.objects.create(organization=root, name="2020–2025", start_year=2020, end_year=2025)
    Term.objects.create(organization=root, name="2025–2030", start_year=2025, end_year=2030)
    grassroots_specs = []
    for i in range(size.grassroots):
        agency = _agency_name(i)
        is_committee = rng.random() < size.committee_share
        kind = OrgKind.GRASSROOTS_COMMITTEE if is_committee else OrgKind.GRASSROOTS_BRANCH
        prefix = "Đảng bộ" if is_committee else "Chi bộ"
        grassroots_specs.append(
            Organization(
                code=f"CS{i + 1:05d}",
                name=f"{prefix} {agency}",
                kind=kind,
                parent=root,
                abbreviation="ĐU" if is_committee else "CB",
            )
        )
    grassroots = []
    for start in range(0, len(grassroots_specs), BATCH):
        grassroots += _bulk_orgs(grassroots_specs[start : start + BATCH], root)
    log(f"  {len(grassroots)} tổ chức cơ sở")
    agencies = Agency.objects.bulk_create(
        [
            Agency(code=f"CQ{i + 1:05d}", name=_agency_name(i), organization=g)
            for i, g in enumerate(grassroots)
        ],
        batch_size=BATCH,
    )
    units: list[tuple[Organization, Agency]] = []
    branch_specs: dict[int, list[Organization]] = {}
    for g, agency in zip(grassroots, agencies, strict=True):
        if g.kind == OrgKind.GRASSROOTS_BRANCH:
            units.append((g, agency))
            continue
        n = rng.randint(*size.branches_per_committee)
        branch_specs[g.pk] = [
            Organization(
                code=f"{g.code}-{j + 1:02d}",
                name=f"Chi bộ {BRANCH_UNITS[j % len(BRANCH_UNITS)]}"
                f"{'' if j < len(BRANCH_UNITS) else f' {j // len(BRANCH_UNITS) + 1}'}",
                kind=OrgKind.BRANCH,
                parent=g,
                abbreviation="CB",
                has_branch_committee=rng.random() < 0.4,
            )
            for j in range(n)
        ]
    by_pk = {g.pk: (g, a) for g, a in zip(grassroots, agencies, strict=True)}
    for parent_pk, specs in branch_specs.items():
        parent, agency = by_pk[parent_pk]
        for branch in _bulk_orgs(specs, parent):
            units.append((branch, agency))
    log(f"  {len(units)} chi bộ có đảng viên")
    return root, units


def _people_for(
    rng: random.Random, unit: Organization, agency: Agency, count: int, seq: Iterator[int]
) -> list[Person]:
    people = []
    today = dt.date(2026, 1, 1)
    for _ in range(count):
        number = next(seq)
        sex = Sex.MALE if rng.random() < 0.55 else Sex.FEMALE
        born = dt.date(rng.randint(1955, 2000), rng.randint(1, 12), rng.randint(1, 28))
        admitted = min(born + dt.timedelta(days=365 * rng.randint(19, 40) + rng.randint(0, 300)), today)
        roll = rng.random()
        if admitted > today - dt.timedelta(days=365):
            status = PersonStatus.PROBATIONARY
        elif roll < 0.04:
            status = PersonStatus.EXEMPT
        elif roll < 0.05:
            status = PersonStatus.TRANSFERRED_OUT
        else:
            status = PersonStatus.OFFICIAL
        official = admitted + dt.timedelta(days=365) if status != PersonStatus.PROBATIONARY else None
        level_roll = rng.random()
        level = (
            TheoryLevel.ADVANCED
            if level_roll < 0.15
            else TheoryLevel.INTERMEDIATE
            if level_roll < 0.55
            else TheoryLevel.PRIMARY
            if level_roll < 0.9
            else TheoryLevel.NONE
        )
        people.append(
            Person(
                full_name=_name(rng, sex),
                sex=sex,
                date_of_birth=born,
                admitted_on=admitted,
                official_on=official,
                card_number="" if rng.random() < 0.01 else f"{number:08d}",
                citizen_id=f"040{rng.randint(0, 999_999_999):09d}",
                phone=f"09{rng.randint(10_000_000, 99_999_999)}",
                organization=unit,
                agency=agency,
                job_title=rng.choice(JOB_TITLES),
                theory_level=level,
                status=status,
            )
        )
    return people


def _flush(people: list[Person]) -> list[Person]:
    from neuguong.core.text import fold, normalize_text

    for p in people:
        p.full_name = normalize_text(p.full_name)
        p.name_folded = fold(p.full_name)
    created = Person.objects.bulk_create(people, batch_size=BATCH)
    memberships = []
    for p in created:
        assert p.admitted_on is not None  # every demo member is given an admission date above
        memberships.append(Membership(person=p, organization_id=p.organization_id, started_on=p.admitted_on))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return created


def seed(size_name: str, *, seed_value: int = 2021, log: Callable[[str], None] = print) -> Organization:
    """Generate the demo tree and people. Refuses to run twice (the root code DUK is unique)."""
    size = SIZES[size_name]
    rng = random.Random(seed_value)
    with transaction.atomic():
        root, units = build_tree(rng, size, log)
    per_unit = max(size.people // max(len(units), 1), 3)
    seq = iter(range(10_000_001, 99_999_999))
    pending: list[Person] = []
    total = 0
    heads: list[Position] = []
    for index, (unit, agency) in enumerate(units):
        count = max(3, int(per_unit * rng.uniform(0.5, 1.5)))
        if total + count > size.people:
            count = max(size.people - total, 3 if index < len(units) else 0)
        pending += _people_for(rng, unit, agency, count, seq)
        total += count
        if len(pending) >= BATCH or index == len(units) - 1:
            with transaction.atomic():
                created = _flush(pending)
                heads += _positions_for(created)
            pending = []
            if total % 50_000 < BATCH:
                log(f"  {total} đảng viên…")
    Position.objects.bulk_create(heads, batch_size=BATCH)
    _set_agency_heads()
    log(f"  {total} đảng viên, {len(units)} chi bộ")
    return root


def _positions_for(created: list[Person]) -> list[Position]:
    """The first person of each unit is its secretary; the first of each agency its head."""
    positions = []
    seen_units: set[int] = set()
    for person in created:
        if person.organization_id not in seen_units:
            seen_units.add(person.organization_id)
            positions.append(
                Position(
                    person=person,
                    title=PositionTitle.SECRETARY,
                    organization_id=person.organization_id,
                    started_on=dt.date(2025, 6, 1),
                )
            )
    return positions


def _set_agency_heads() -> None:
    first_by_agency = {}
    for person_id, agency_id, org_id in (
        Person.objects.order_by("id")
        .values_list("id", "agency_id", "organization_id")
        .iterator(chunk_size=BATCH)
    ):
        if agency_id not in first_by_agency:
            first_by_agency[agency_id] = (person_id, org_id)
    agencies = list(Agency.objects.filter(pk__in=first_by_agency))
    for agency in agencies:
        agency.head_id = first_by_agency[agency.pk][0]
    Agency.objects.bulk_update(agencies, ["head"], batch_size=BATCH)
    Position.objects.bulk_create(
        [
            Position(
                person_id=pid,
                title=PositionTitle.HEAD_OF_AGENCY,
                organization_id=oid,
                started_on=dt.date(2024, 1, 1),
            )
            for pid, oid in first_by_agency.values()
        ],
        batch_size=BATCH,
    )


def create_demo_accounts(root: Organization) -> list[tuple[str, str, str]]:
    """Accounts a new user can log in with; returned as (username, password, what it can do)."""
    user_model = get_user_model()
    grassroots = Organization.objects.filter(parent=root).order_by("code").first()
    if grassroots is None:
        raise ValueError("The demo tree has no organisation under its root.")
    # The deepest organisation under it (itself at worst).
    branch = Organization.objects.filter(path__startswith=grassroots.path).order_by("-depth", "code").first()
    assert branch is not None
    member = Person.objects.filter(organization=branch, status=PersonStatus.OFFICIAL).order_by("id").first()
    secretary_person = Person.objects.filter(organization=grassroots.pk).order_by("id").first() or member
    accounts = [
        ("admin", "Quản trị hệ thống (toàn bộ cây tổ chức)", None, None),
        ("vanphong", f"Cán bộ Văn phòng {root.name} (toàn khối)", Role.STAFF, root),
        ("kiemtra", "Kiểm tra viên (xem toàn khối)", Role.INSPECTOR, root),
        ("bithu", f"Bí thư {grassroots.name}", Role.SECRETARY, grassroots),
        ("dangvien", f"Đảng viên {member.full_name if member else ''} — {branch.name}", Role.MEMBER, branch),
    ]
    out = []
    for username, label, role, org in accounts:
        user = user_model.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            is_superuser=username == "admin",
            is_staff=username == "admin",
        )
        if role and org is not None:
            RoleAssignment.objects.create(user=user, role=role, organization=org)
        out.append((username, DEMO_PASSWORD, label))
    if member:
        Person.objects.filter(pk=member.pk).update(user=user_model.objects.get(username="dangvien"))
    if secretary_person and secretary_person.pk != getattr(member, "pk", None):
        Person.objects.filter(pk=secretary_person.pk).update(user=user_model.objects.get(username="bithu"))
    return out
