"""Drafts in a given state, built through the services (never around them), on the shared `tree`.

Times are fixed in Viet Nam time: the draft is created on 20/03/2021, open from 08:00 on 25/03/2021 to
17:00 on 06/04/2021; `DURING` is inside that window and `AFTER` past it."""

import datetime as dt

from neuguong.core.dates import LOCAL_ZONE

from .. import services
from ..models import DraftKind
from ..outline import parse_text


def vn(year, month, day, hour=0, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LOCAL_ZONE)


CREATED = vn(2021, 3, 20, 9)
OPENS = vn(2021, 3, 25, 8)
CLOSES = vn(2021, 4, 6, 17)
DURING = vn(2021, 3, 30, 10)
AFTER = vn(2021, 4, 7, 8)

TEXT = """Căn cứ Điều lệ Đảng;
I. TÌNH HÌNH
Công tác cải cách hành chính trong các cơ quan tỉnh có chuyển biến.
II. MỤC TIÊU, CHỈ TIÊU
1. Mục tiêu chung
Nâng cao chất lượng lãnh đạo của cấp ủy đối với cải cách hành chính.
2. Chỉ tiêu
a) 100% cơ quan có kế hoạch cải cách hành chính hằng năm.
b) Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên.
III. NHIỆM VỤ, GIẢI PHÁP
1. Nâng cao nhận thức của cấp ủy, người đứng đầu
2. Đẩy mạnh ứng dụng công nghệ thông tin
IV. TỔ CHỨC THỰC HIỆN
Các tổ chức cơ sở đảng xây dựng kế hoạch thực hiện.
"""


def make_draft(tree, *, actor=None, organization=None, text=TEXT, now=CREATED, **kwargs):
    outline = parse_text(text)
    return services.draft_create(
        actor=actor or tree.staff,
        organization=organization or tree.root,
        kind=kwargs.pop("kind", DraftKind.RESOLUTION),
        title=kwargs.pop(
            "title", "Nghị quyết về tăng cường sự lãnh đạo của Đảng đối với công tác cải cách hành chính"
        ),
        opens_at=kwargs.pop("opens_at", OPENS),
        closes_at=kwargs.pop("closes_at", CLOSES),
        sections=outline.sections,
        preamble=outline.preamble,
        now=now,
        **kwargs,
    )


def open_draft(tree, **kwargs):
    draft = make_draft(tree, **kwargs)
    return services.draft_open(actor=tree.staff, draft=draft, now=CREATED)


def section(draft, label_start: str, version=None):
    """The section of the consulted (or given) version whose label starts with `label_start`."""
    version = version or draft.consulted_version or draft.current_version
    return next(s for s in version.sections.order_by("position") if s.label.startswith(label_start))


def live_draft(tree, *, opened: bool = True, **kwargs):
    """A draft whose window is open now (from yesterday to a week ahead), by org A's secretary to org A's
    subtree unless told otherwise."""
    from django.utils import timezone

    now = timezone.now()
    kwargs.setdefault("actor", tree.secretary_a)
    kwargs.setdefault("organization", tree.org_a)
    kwargs.setdefault("opens_at", now - dt.timedelta(days=1))
    kwargs.setdefault("closes_at", now + dt.timedelta(days=7))
    draft = make_draft(tree, now=now - dt.timedelta(days=1, minutes=5), **kwargs)
    if opened:
        services.draft_open(actor=kwargs["actor"], draft=draft, now=now - dt.timedelta(days=1, minutes=1))
        draft.refresh_from_db()
    return draft
