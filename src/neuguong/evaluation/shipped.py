"""The two rule sets that ship with the software, as data (domain notes, section 7): `124` (Quy định
124-QĐ/TW, 4/10/2023, used up to 2024: four levels from per-criterion grades) and `366` (Quy định
366-QĐ/TW, 30/8/2025, from 2025: 100 points, general group 30 and task results 70).

The public record gives the structure (levels, thresholds, the quota, the triggers, the two groups and
their weights) but not every criterion's weight inside a group: those below are this deployment's
defaults, meant to be adapted. A committee copies a shipped set into a draft of its own (guidance
43-HD/BTCTW asks committees to build their own criteria sets), edits it, and publishes it under its code.

They are written to the database owned by the root organisation, published, when the first root exists
(`ensure_shipped`, after migrate and before a rule set is chosen), never changed afterwards.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from .levels import Method
from .models import RuleSet, RuleSetPart, RuleSetStatus, SubjectKind

# (code, name, max points, [children]) — a leaf criterion of a grades set has no children and 0 points.
Node = tuple

GENERAL_366_PERSON: Node = (
    "I",
    "Nhóm tiêu chí chung",
    30,
    [
        (
            "1",
            "Phẩm chất chính trị, đạo đức, lối sống, ý thức tổ chức kỷ luật; thực hiện trách nhiệm nêu gương",
            15,
            [
                (
                    "1.1",
                    "Phẩm chất chính trị, tư tưởng; chấp hành chủ trương của Đảng, pháp luật của Nhà nước",
                    5,
                ),
                ("1.2", "Đạo đức, lối sống; ý thức tổ chức kỷ luật", 5),
                ("1.3", "Thực hiện trách nhiệm nêu gương và bản cam kết tu dưỡng, rèn luyện, phấn đấu", 5),
            ],
        ),
        (
            "2",
            "Tư duy đổi mới, khát vọng cống hiến; dám nghĩ, dám làm, dám chịu trách nhiệm",
            10,
            [
                ("2.1", "Tư duy đổi mới, sáng tạo trong công việc", 5),
                ("2.2", "Dám nghĩ, dám làm, dám chịu trách nhiệm vì lợi ích chung", 5),
            ],
        ),
        (
            "3",
            "Tự phê bình và phê bình; tự soi, tự sửa, khắc phục hạn chế, khuyết điểm",
            5,
            [("3.1", "Tự phê bình và phê bình; khắc phục hạn chế, khuyết điểm đã được chỉ ra", 5)],
        ),
    ],
)

TREES_366: dict[str, list[Node]] = {
    SubjectKind.MEMBER: [
        GENERAL_366_PERSON,
        (
            "II",
            "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
            70,
            [
                (
                    "4",
                    "Kết quả thực hiện nhiệm vụ chuyên môn được giao (khối lượng, tiến độ, chất lượng)",
                    40,
                    [
                        ("4.1", "Khối lượng công việc hoàn thành theo vị trí việc làm", 15),
                        ("4.2", "Tiến độ: nhiệm vụ hoàn thành đúng hạn", 15),
                        ("4.3", "Chất lượng, hiệu quả; sản phẩm cụ thể", 10),
                    ],
                ),
                (
                    "5",
                    "Thực hiện nhiệm vụ đảng viên",
                    30,
                    [
                        ("5.1", "Sinh hoạt chi bộ, học tập nghị quyết, đóng đảng phí đúng quy định", 15),
                        ("5.2", "Nhiệm vụ chi bộ phân công; kết quả thực hiện bản cam kết", 15),
                    ],
                ),
            ],
        ),
    ],
    SubjectKind.LEADER: [
        GENERAL_366_PERSON,
        (
            "II",
            "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
            70,
            [
                (
                    "4",
                    "Kết quả thực hiện nhiệm vụ của cơ quan, đơn vị, lĩnh vực được giao phụ trách",
                    35,
                    [
                        ("4.1", "Mức độ hoàn thành các chỉ tiêu, nhiệm vụ được giao", 15),
                        ("4.2", "Tiến độ: nhiệm vụ hoàn thành đúng hạn", 10),
                        ("4.3", "Chất lượng, hiệu quả; sản phẩm cụ thể", 10),
                    ],
                ),
                (
                    "5",
                    "Năng lực lãnh đạo, quản lý, điều hành; xây dựng đoàn kết nội bộ",
                    20,
                    [
                        ("5.1", "Lãnh đạo, chỉ đạo, điều hành; xử lý tình huống phát sinh", 10),
                        ("5.2", "Xây dựng đoàn kết, quy chế dân chủ ở cơ sở", 10),
                    ],
                ),
                (
                    "6",
                    "Kết quả thực hiện nhiệm vụ cá nhân được giao",
                    15,
                    [("6.1", "Nhiệm vụ cá nhân và bản cam kết tu dưỡng, rèn luyện, phấn đấu", 15)],
                ),
            ],
        ),
    ],
    SubjectKind.ORGANIZATION: [
        (
            "I",
            "Nhóm tiêu chí chung",
            30,
            [
                (
                    "1",
                    "Lãnh đạo thực hiện chủ trương, nghị quyết; giữ nghiêm kỷ luật, kỷ cương; nêu gương",
                    15,
                    [
                        ("1.1", "Quán triệt, cụ thể hóa chủ trương, nghị quyết của cấp trên", 8),
                        ("1.2", "Giữ nghiêm kỷ luật, kỷ cương; trách nhiệm nêu gương của tập thể", 7),
                    ],
                ),
                ("2", "Đổi mới, sáng tạo trong lãnh đạo, chỉ đạo", 10, [("2.1", "Đổi mới, sáng tạo", 10)]),
                (
                    "3",
                    "Tự phê bình và phê bình; khắc phục hạn chế, khuyết điểm",
                    5,
                    [("3.1", "Khắc phục hạn chế, khuyết điểm đã được chỉ ra", 5)],
                ),
            ],
        ),
        (
            "II",
            "Nhóm tiêu chí về kết quả thực hiện nhiệm vụ",
            70,
            [
                (
                    "4",
                    "Kết quả thực hiện các chỉ tiêu, nhiệm vụ được giao trong năm",
                    40,
                    [
                        ("4.1", "Mức độ hoàn thành các chỉ tiêu", 20),
                        ("4.2", "Tiến độ: nhiệm vụ hoàn thành đúng hạn", 20),
                    ],
                ),
                (
                    "5",
                    "Công tác xây dựng Đảng; kiểm tra, giám sát",
                    20,
                    [
                        ("5.1", "Chính trị tư tưởng, tổ chức, cán bộ, đảng viên", 10),
                        ("5.2", "Kiểm tra, giám sát, kỷ luật đảng", 10),
                    ],
                ),
                (
                    "6",
                    "Lãnh đạo chính quyền, đoàn thể cùng cấp",
                    10,
                    [("6.1", "Lãnh đạo cơ quan, đoàn thể hoàn thành nhiệm vụ", 10)],
                ),
            ],
        ),
    ],
}

MEMBER_124: list[Node] = [
    (
        "I",
        "Phẩm chất chính trị, đạo đức, lối sống; ý thức tổ chức kỷ luật; tác phong, lề lối làm việc",
        0,
        [
            ("1", "Tư tưởng chính trị", 0, []),
            ("2", "Phẩm chất đạo đức, lối sống", 0, []),
            ("3", "Ý thức tổ chức kỷ luật", 0, []),
            ("4", "Tác phong, lề lối làm việc", 0, []),
        ],
    ),
    (
        "II",
        "Kết quả thực hiện chức trách, nhiệm vụ được giao",
        0,
        [
            ("5", "Kết quả thực hiện chức trách, nhiệm vụ được giao", 0, []),
            ("6", "Thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm", 0, []),
        ],
    ),
]

TREES_124: dict[str, list[Node]] = {
    SubjectKind.MEMBER: MEMBER_124,
    SubjectKind.LEADER: [
        MEMBER_124[0],
        (
            "II",
            "Kết quả thực hiện chức trách, nhiệm vụ được giao",
            0,
            [
                ("5", "Kết quả thực hiện chức trách, nhiệm vụ được giao", 0, []),
                ("6", "Thực hiện cam kết tu dưỡng, rèn luyện, phấn đấu hằng năm", 0, []),
                ("7", "Kết quả lãnh đạo, quản lý cơ quan, đơn vị, lĩnh vực phụ trách", 0, []),
            ],
        ),
    ],
    SubjectKind.ORGANIZATION: [
        (
            "I",
            "Công tác xây dựng Đảng",
            0,
            [
                ("1", "Công tác chính trị, tư tưởng", 0, []),
                ("2", "Công tác tổ chức, cán bộ, đảng viên", 0, []),
                ("3", "Công tác kiểm tra, giám sát, kỷ luật đảng", 0, []),
                ("4", "Công tác dân vận", 0, []),
            ],
        ),
        (
            "II",
            "Lãnh đạo thực hiện nhiệm vụ chính trị",
            0,
            [("5", "Lãnh đạo thực hiện nhiệm vụ chính trị, chỉ tiêu được giao", 0, [])],
        ),
    ],
}

SETTINGS_124 = {
    "grade_levels": [
        {"level": "htxs", "min_all": "good", "min_key": "excellent"},
        {"level": "htt", "min_all": "good"},
        {"level": "ht", "min_all": "average"},
    ],
    "key_areas": ["II"],
    "quota": {"applies": True, "percent": "20"},
    "poor_grade_forces": True,
    "discipline_cap": "khtnv",
    "discipline_exempt_if_self_remedied": True,
    "breach_cap": "khtnv",
    "civil_servant_caps_htxs": True,
    "org_conditions": [
        {"level": "htxs", "kind": "no_disciplined"},
        {
            "level": "htxs",
            "kind": "members",
            "all_at_least": "ht",
            "share_level": "htt",
            "share_percent": "80",
        },
    ],
    "overridable": ["discipline", "breach"],
    "transfer_rule": "current",
    "exempt_excusable": True,
}

SETTINGS_366 = {
    "levels_article": "Điều 11",
    "total_points": "100",
    "points_levels": [
        {"level": "htxs", "min_points": "90", "min_on_time_percent": "100", "min_exceeded_percent": "30"},
        {"level": "htt", "min_points": "70", "min_on_time_percent": "100"},
        {"level": "ht", "min_points": "50"},
    ],
    "task_results_area": "II",
    "task_results_scale": True,
    "quota": {"applies": True, "percent": "20"},
    "discipline_cap": "khtnv",
    "discipline_exempt_if_self_remedied": True,
    "breach_cap": "khtnv",
    "civil_servant_caps_htxs": False,
    "org_conditions": [
        {"level": "htxs", "kind": "no_disciplined"},
        {"level": "ht", "kind": "schedule", "max_late_percent": "20"},
        {
            "level": "htxs",
            "kind": "members",
            "all_at_least": "ht",
            "share_level": "htt",
            "share_percent": "80",
        },
    ],
    "overridable": ["discipline", "breach", "on_time", "exceeded"],
    "transfer_rule": "current",
    "exempt_excusable": True,
}

SHIPPED: list[dict[str, Any]] = [
    {
        "code": "124",
        "name": "Quy định 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị (xếp loại theo tiêu chí)",
        "basis": "Quy định 124-QĐ/TW",
        "year_from": 2023,
        "method": Method.GRADES,
        "settings": SETTINGS_124,
        "trees": TREES_124,
    },
    {
        "code": "366",
        "name": "Quy định 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị (thang 100 điểm)",
        "basis": "Quy định 366-QĐ/TW",
        "year_from": 2025,
        "method": Method.POINTS,
        "settings": SETTINGS_366,
        "trees": TREES_366,
    },
]


def tree_nodes(nodes: list[Node]):
    """The data above as `targets.importers.SetNode`s (the tree targets writes)."""
    from neuguong.targets.importers import SetNode

    def node(item) -> SetNode:
        code, name, points, *rest = item
        children = rest[0] if rest else []
        return SetNode(
            row=0, code=code, name=name, max_points=Decimal(points), children=[node(c) for c in children]
        )

    return [node(item) for item in nodes]


def create_part(*, rule_set: RuleSet, subject_kind: str, nodes) -> RuleSetPart:
    """A criteria tree (purpose "evaluation") for one kind of subject, written by targets' tree writer."""
    from neuguong.targets.models import ScoringSet, SetPurpose, SetStatus
    from neuguong.targets.services import create_tree

    criteria = ScoringSet.objects.create(
        organization=rule_set.organization,
        name=f"{rule_set.code} — {SubjectKind(subject_kind).label}"[:255],
        year=rule_set.year_from,
        version=rule_set.version,
        purpose=SetPurpose.EVALUATION,
        status=SetStatus.PUBLISHED if rule_set.is_published else SetStatus.DRAFT,
        published_at=rule_set.published_at,
    )
    create_tree(criteria, nodes)
    return RuleSetPart.objects.create(rule_set=rule_set, subject_kind=subject_kind, criteria=criteria)


def ensure_shipped() -> int:
    """Write the shipped rule sets (published) if missing, owned by the root organisation. Idempotent:
    returns how many were written (0 when they exist or no root exists yet)."""
    from neuguong.organizations.models import Organization

    if RuleSet.objects.filter(is_shipped=True).count() >= len(SHIPPED):
        return 0
    root = Organization.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is None:
        return 0
    written = 0
    with transaction.atomic():
        for spec in SHIPPED:
            if RuleSet.objects.filter(code=spec["code"], is_shipped=True).exists():
                continue
            rule_set = RuleSet.objects.create(
                organization=root,
                code=spec["code"],
                version=1,
                name=spec["name"],
                basis=spec["basis"],
                year_from=spec["year_from"],
                method=spec["method"],
                settings=spec["settings"],
                status=RuleSetStatus.PUBLISHED,
                published_at=timezone.now(),
                is_shipped=True,
            )
            for kind, nodes in spec["trees"].items():
                create_part(rule_set=rule_set, subject_kind=kind, nodes=tree_nodes(nodes))
            written += 1
    return written
