"""Demo data: the bloc's 2021 draft resolution on leading administrative reform, as in the source article
(put to the organisations and delegates in March 2021, a few hundred comments gathered, the drafting
committee halfway through taking them in), and a draft of this year still open for comment.

Written through the services (as the drafting committee's demo account, `soanthao`), with the moments of
2021 passed to them, so every demo row obeys the rules. Deterministic (one seeded random generator)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from neuguong.access.models import Role, RoleAssignment
from neuguong.core.dates import LOCAL_ZONE, local_now
from neuguong.organizations.models import Organization
from neuguong.people.models import Person, PersonStatus

from . import services
from .models import Comment, CommentVisibility, DispositionKind, DraftKind, Stance
from .outline import parse_text

DEMO_USERNAME = "soanthao"
DEMO_PASSWORD = "NeuGuong@2026"

RESOLUTION_TITLE = (
    "Nghị quyết của Ban Chấp hành Đảng bộ Khối về tăng cường sự lãnh đạo của Đảng đối với công tác cải cách "
    "hành chính trong các cơ quan tỉnh, giai đoạn 2021–2025"
)
RESOLUTION_TEXT = """Căn cứ Điều lệ Đảng Cộng sản Việt Nam;
Căn cứ Nghị quyết Đại hội đại biểu Đảng bộ Khối lần thứ XX, nhiệm kỳ 2020–2025;
Ban Chấp hành Đảng bộ Khối ban hành Nghị quyết về tăng cường sự lãnh đạo của Đảng đối với công tác cải cách hành chính trong các cơ quan tỉnh như sau:
I. TÌNH HÌNH
1. Kết quả đạt được
Những năm qua, cấp ủy các cấp trong Đảng bộ Khối đã quan tâm lãnh đạo công tác cải cách hành chính; thủ tục hành chính được rà soát, đơn giản hóa; ứng dụng công nghệ thông tin trong các cơ quan có nhiều tiến bộ.
2. Hạn chế, nguyên nhân
Một số cấp ủy chưa thật sự coi cải cách hành chính là nhiệm vụ trọng tâm; vai trò nêu gương của người đứng đầu ở một số nơi chưa rõ; việc kiểm tra, giám sát còn hình thức.
II. QUAN ĐIỂM, MỤC TIÊU, CHỈ TIÊU
1. Quan điểm
Cải cách hành chính là nhiệm vụ "xương sống" của nhiệm kỳ 2020–2025; cấp ủy lãnh đạo chứ không làm thay chính quyền; người đứng đầu chịu trách nhiệm trực tiếp.
2. Mục tiêu chung
Nâng cao ý thức, trách nhiệm và hiệu quả giải quyết công việc của cán bộ, đảng viên; đẩy mạnh cải cách hành chính trong công tác xây dựng Đảng, nhất là ứng dụng công nghệ thông tin.
3. Chỉ tiêu đến năm 2025
a) 100% cấp ủy cơ sở ban hành nghị quyết hoặc kế hoạch lãnh đạo công tác cải cách hành chính hằng năm.
b) Từ 98% hồ sơ thủ tục hành chính trở lên được giải quyết đúng hạn.
c) 100% văn bản của cấp ủy (trừ văn bản mật) được gửi, nhận trên môi trường mạng.
d) Chỉ số cải cách hành chính của các cơ quan tỉnh thuộc nhóm khá trở lên.
III. NHIỆM VỤ, GIẢI PHÁP
1. Nâng cao nhận thức, trách nhiệm của cấp ủy, người đứng đầu
Cấp ủy đưa nội dung cải cách hành chính vào chương trình công tác năm; người đứng đầu nêu gương, rõ việc, rõ người, rõ thời gian.
2. Cải cách thủ tục hành chính, nâng cao chất lượng phục vụ
Rà soát, công khai thủ tục; đánh giá mức độ hài lòng của người dân, doanh nghiệp.
3. Ứng dụng công nghệ thông tin, chuyển đổi số trong công tác đảng
Sử dụng hệ thống quản lý văn bản điều hành, sổ tay đảng viên điện tử; số hóa hồ sơ đảng viên.
4. Tăng cường kiểm tra, giám sát
Đưa việc thực hiện cải cách hành chính vào chương trình kiểm tra, giám sát hằng năm của cấp ủy, ủy ban kiểm tra.
5. Gắn cải cách hành chính với đánh giá, xếp loại tổ chức đảng, đảng viên
Kết quả cải cách hành chính là tiêu chí đánh giá, xếp loại hằng năm.
IV. TỔ CHỨC THỰC HIỆN
1. Các tổ chức cơ sở đảng tổ chức quán triệt, xây dựng kế hoạch thực hiện Nghị quyết.
2. Văn phòng Đảng ủy Khối chủ trì, phối hợp theo dõi, đôn đốc, định kỳ báo cáo Ban Thường vụ.
"""
# What the organisations said, by the section they spoke to: (stance, words).
REMARKS = {
    "3. Chỉ tiêu đến năm 2025": [
        (
            Stance.PARTLY,
            "Đề nghị nêu lộ trình thực hiện các chỉ tiêu theo từng năm để dễ kiểm tra, đánh giá.",
        ),
        (Stance.PARTLY, "Chỉ tiêu hồ sơ đúng hạn nên nâng lên 99% cho phù hợp với thực tế các sở."),
        (
            Stance.DISAGREE,
            "Chỉ tiêu 100% văn bản gửi trên môi trường mạng khó đạt ở các chi bộ nhỏ, chưa có máy tính riêng.",
        ),
        (Stance.AGREE, ""),
    ],
    "a) 100% cấp ủy cơ sở": [
        (Stance.PARTLY, "Nên ghi rõ thời hạn ban hành nghị quyết, kế hoạch (trước 31/3 hằng năm)."),
        (Stance.AGREE, ""),
    ],
    "b) Từ 98% hồ sơ": [
        (Stance.PARTLY, "Đề nghị bổ sung chỉ tiêu về tỷ lệ hồ sơ giải quyết trực tuyến."),
        (Stance.AGREE, ""),
    ],
    "1. Quan điểm": [
        (Stance.AGREE, "Tán thành quan điểm cấp ủy lãnh đạo chứ không làm thay."),
        (Stance.AGREE, ""),
    ],
    "2. Mục tiêu chung": [
        (Stance.PARTLY, "Bổ sung mục tiêu nâng cao chỉ số hài lòng của người dân, doanh nghiệp."),
        (Stance.AGREE, ""),
    ],
    "1. Nâng cao nhận thức": [
        (
            Stance.PARTLY,
            "Cần quy định rõ trách nhiệm của người đứng đầu khi để xảy ra chậm trễ, nhũng nhiễu.",
        ),
        (Stance.AGREE, ""),
    ],
    "3. Ứng dụng công nghệ thông tin": [
        (
            Stance.PARTLY,
            "Đề nghị bố trí kinh phí, tập huấn cho các chi bộ trước khi triển khai sổ tay điện tử.",
        ),
        (
            Stance.DISAGREE,
            "Chưa nên bắt buộc số hóa toàn bộ hồ sơ đảng viên trong năm 2021 vì thiếu nhân lực.",
        ),
        (Stance.AGREE, ""),
    ],
    "4. Tăng cường kiểm tra, giám sát": [
        (
            Stance.PARTLY,
            "Nên giao Ủy ban Kiểm tra giám sát chuyên đề về cải cách hành chính ít nhất một lần trong nhiệm kỳ.",
        ),
        (Stance.AGREE, ""),
    ],
    "5. Gắn cải cách hành chính": [
        (
            Stance.PARTLY,
            "Cần hướng dẫn cụ thể cách lượng hóa kết quả cải cách hành chính khi đánh giá, xếp loại.",
        ),
        (Stance.AGREE, ""),
    ],
    "IV. TỔ CHỨC THỰC HIỆN": [
        (Stance.PARTLY, "Bổ sung chế độ báo cáo 6 tháng, 1 năm của các tổ chức cơ sở đảng."),
        (Stance.AGREE, ""),
    ],
    None: [
        (Stance.AGREE, ""),
        (Stance.AGREE, "Dự thảo công phu, sát thực tiễn; tán thành ban hành."),
        (
            Stance.PARTLY,
            "Đề nghị rà soát để nghị quyết ngắn gọn hơn, tránh trùng lặp với kế hoạch của Ủy ban nhân dân tỉnh.",
        ),
    ],
}
# The drafting committee's revisions in the new version (by label start: new title, new text or None).
REVISIONS: dict[str, tuple[str | None, str | None]] = {
    "3. Chỉ tiêu đến năm 2025": ("Chỉ tiêu đến năm 2025 (lộ trình từng năm tại Phụ lục kèm theo)", None),
    "a) 100% cấp ủy cơ sở": (
        None,
        "100% cấp ủy cơ sở ban hành nghị quyết hoặc kế hoạch lãnh đạo công tác cải cách hành chính hằng năm, trước ngày 31 tháng 3.",
    ),
    "2. Mục tiêu chung": (
        None,
        "Nâng cao ý thức, trách nhiệm và hiệu quả giải quyết công việc của cán bộ, đảng viên; nâng cao mức độ hài "
        "lòng của người dân, doanh nghiệp; đẩy mạnh cải cách hành chính trong công tác xây dựng Đảng, nhất là ứng "
        "dụng công nghệ thông tin.",
    ),
}
EXPLANATIONS: dict[str, str] = {
    Stance.DISAGREE: "Giữ như dự thảo: chỉ tiêu là mục tiêu đến năm 2025; Văn phòng Đảng ủy Khối sẽ hỗ trợ các chi bộ còn khó khăn.",
    Stance.PARTLY: "Nội dung này đã được thể hiện trong kế hoạch thực hiện; không đưa vào nghị quyết để bảo đảm ngắn gọn.",
}

RULES_TITLE = "Quy chế làm việc của Ban Chấp hành Đảng bộ Khối nhiệm kỳ 2025–2030"
RULES_TEXT = """Chương I
QUY ĐỊNH CHUNG
Điều 1. Phạm vi điều chỉnh
Quy chế này quy định trách nhiệm, quyền hạn, chế độ làm việc của Ban Chấp hành, Ban Thường vụ Đảng ủy Khối.
Điều 2. Nguyên tắc làm việc
Bảo đảm nguyên tắc tập trung dân chủ, tập thể lãnh đạo, cá nhân phụ trách.
Chương II
TRÁCH NHIỆM, QUYỀN HẠN
Điều 3. Ban Chấp hành Đảng bộ Khối
1. Lãnh đạo thực hiện nghị quyết đại hội.
2. Họp thường lệ 6 tháng một lần, họp bất thường khi cần.
Điều 4. Ban Thường vụ Đảng ủy Khối
Họp thường lệ mỗi tháng một lần; chuẩn bị nội dung trình Ban Chấp hành.
Chương III
ĐIỀU KHOẢN THI HÀNH
Điều 5. Hiệu lực
Quy chế có hiệu lực từ ngày ký.
"""


def _vn(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE)


def _demo_actor(root: Organization):
    user = get_user_model().objects.create_user(
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        first_name="Ban soạn thảo",
        last_name="(Văn phòng Đảng ủy Khối)",
    )
    RoleAssignment.objects.create(user=user, role=Role.STAFF, organization=root)
    return user


def _member_account(person: Person):
    """An account for a member who comments online (no password usable: the demo writes as them)."""
    user = get_user_model().objects.create_user(username=f"dv_demo_{person.pk}", password=None)
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, organization=person.organization)
    Person.objects.filter(pk=person.pk).update(user=user)
    return user


def _section_by_start(sections, start: str | None):
    if start is None:
        return None
    return next((s for s in sections if s.label.startswith(start)), None)


def seed_consultation(*, root: Organization, size: str, log) -> None:
    rng = random.Random(2021)
    actor = _demo_actor(root)
    with transaction.atomic():
        _draft, comments = _resolution_2021(root, actor, rng)
        open_now = _rules_open_now(root, actor, rng)
    log(
        f"  lấy ý kiến dự thảo: nghị quyết CCHC 2021 ({comments} ý kiến, đang tổng hợp), "
        f"quy chế làm việc đang lấy ý kiến đến {open_now.closes_at.astimezone(LOCAL_ZONE):%d/%m/%Y}; "
        f"tài khoản {DEMO_USERNAME} / {DEMO_PASSWORD} — ban soạn thảo"
    )


def _resolution_2021(root, actor, rng):
    outline = parse_text(RESOLUTION_TEXT)
    draft = services.draft_create(
        actor=actor,
        organization=root,
        kind=DraftKind.RESOLUTION,
        title=RESOLUTION_TITLE,
        opens_at=_vn(2021, 3, 22, 8),
        closes_at=_vn(2021, 4, 5, 17),
        sections=outline.sections,
        preamble=outline.preamble,
        publish_synthesis=True,
        now=_vn(2021, 3, 18, 9),
    )
    services.draft_open(actor=actor, draft=draft, now=_vn(2021, 3, 19, 9))
    draft.refresh_from_db()
    sections = list(draft.consulted.sections.order_by("position"))
    organizations = list(Organization.objects.filter(parent=root, dissolved_on__isnull=True).order_by("code"))
    during = [_vn(2021, 3, 22, 8) + dt.timedelta(days=d, hours=h) for d in range(14) for h in (0, 2, 5, 7)]
    made: list[tuple[Comment, dt.datetime]] = []
    # Nearly every grassroots organisation sends its collective comments (a written submission the office
    # enters), on two to four places.
    for organization in organizations:
        if rng.random() < 0.1:
            continue
        for place in rng.sample(list(REMARKS), k=rng.randint(2, 4)):
            stance, text = rng.choice(REMARKS[place])
            moment = rng.choice(during)
            comment = services.comment_submit(
                actor=actor,
                draft=draft,
                section=_section_by_start(sections, place),
                stance=stance,
                text=text,
                organization=organization,
                participant_count=rng.randint(5, 35),
                on_paper=True,
                now=moment,
            )
            made.append((comment, moment))
    # Members comment on their own, online, or on a paper form the office enters for them.
    members = list(
        Person.objects.filter(
            organization__path__startswith=root.path, status=PersonStatus.OFFICIAL, user__isnull=True
        )
        .exclude(organization=root)
        .select_related("organization")
        .order_by("id")[:4000]
    )
    for person in rng.sample(members, k=min(60, len(members))):
        place = rng.choice([p for p in REMARKS if p is not None])
        stance, text = rng.choice(REMARKS[place])
        moment = rng.choice(during)
        on_paper = rng.random() < 0.3
        comment = services.comment_submit(
            actor=actor if on_paper else _member_account(person),
            draft=draft,
            section=_section_by_start(sections, place),
            stance=stance,
            text=text,
            person=person if on_paper else None,
            now=moment,
        )
        made.append((comment, moment))
    # The comments were sent in 2021: their bookkeeping times say so.
    for comment, moment in made:
        Comment.objects.filter(pk=comment.pk).update(created_at=moment, updated_at=moment)
    # The window closed; the committee is halfway through: a second version, some groups, half answered.
    after = _vn(2021, 4, 6, 8)
    services.close_due(now=_vn(2021, 4, 5, 17))
    version = services.version_create(
        actor=actor, draft=draft, note="Dự thảo lần 2, sau khi tiếp thu ý kiến góp ý", now=after
    )
    revised = list(version.sections.order_by("position"))
    for start, (title, text) in REVISIONS.items():
        section = _section_by_start(revised, start)
        if section is None:
            continue
        services.section_update(
            actor=actor,
            draft=draft,
            section=section,
            number=section.number,
            title=title if title is not None else section.title,
            text=text if text is not None else section.text,
        )
    goal = _section_by_start(sections, "3. Chỉ tiêu đến năm 2025")
    roadmap = [c for c, _m in made if c.section_id == goal.pk and "lộ trình" in c.text]
    if len(roadmap) >= 2:
        group = services.group_create(
            actor=actor,
            draft=draft,
            comments=roadmap,
            summary="Đề nghị nêu lộ trình thực hiện các chỉ tiêu theo từng năm",
            now=after,
        )
        services.group_dispose(
            actor=actor,
            group=group,
            kind=DispositionKind.ACCEPTED,
            text="Tiếp thu: bổ sung phụ lục lộ trình chỉ tiêu theo từng năm.",
            now=after,
        )
    services.agreeing_acknowledge(actor=actor, draft=draft, now=after)
    waiting = list(
        Comment.objects.filter(draft=draft, disposition="")
        .select_related("section", "version")
        .order_by("id")
    )
    for comment in waiting[: len(waiting) // 3]:
        revised_start = next(
            (s for s in REVISIONS if comment.section is not None and comment.section.label.startswith(s)),
            None,
        )
        if revised_start is not None:
            services.comment_dispose(
                actor=actor,
                comment=comment,
                kind=DispositionKind.ACCEPTED,
                text="Tiếp thu, đã sửa trong dự thảo lần 2.",
                now=after,
            )
        elif comment.stance in EXPLANATIONS:
            services.comment_dispose(
                actor=actor,
                comment=comment,
                kind=DispositionKind.EXPLAINED,
                text=EXPLANATIONS[comment.stance],
                now=after,
            )
    return draft, len(made)


def _rules_open_now(root, actor, rng):
    now = local_now().replace(hour=8, minute=0, second=0, microsecond=0)
    outline = parse_text(RULES_TEXT)
    draft = services.draft_create(
        actor=actor,
        organization=root,
        kind=DraftKind.RULES,
        title=RULES_TITLE,
        opens_at=now - dt.timedelta(days=3),  # 08:00 three days ago
        closes_at=(now + dt.timedelta(days=10)).replace(hour=17),
        sections=outline.sections,
        preamble=outline.preamble,
        comments_visibility=CommentVisibility.AUDIENCE,
        now=now - dt.timedelta(days=4),
    )
    services.draft_open(actor=actor, draft=draft, now=now - dt.timedelta(days=3))
    return draft
