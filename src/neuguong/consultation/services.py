"""Writes of consultations. Every service has the same shape: one transaction; the draft's row locked and
re-read first (so no check passes on a state another user has just changed, and a comment cannot slip in
while the window is being closed); then the actor's right, the state, the input; the change, saved field
by field; the event (`events.py`).

The state machine (docs/consultation.md): drafting → open → closed → synthesis → approved → adopted, or
withdrawn from any state before adoption. "closed" is recorded when the committee ends the consultation,
by the scheduler once the window has passed (`close_due`), or by the first step of the synthesis; comments
are taken only while the state is open and the moment is inside the window (`rules.accepts_comments`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_text
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from . import access, events, rules
from .events import ConsultationEvent as E
from .models import (
    DOCUMENT_TYPES_OF_KIND,
    Comment,
    CommenterKind,
    CommentGroup,
    CommentVisibility,
    DispositionKind,
    Draft,
    DraftKind,
    DraftState,
    DraftVersion,
    Section,
    Stance,
)
from .outline import (
    MAX_NUMBER,
    MAX_SECTION_TEXT,
    MAX_SECTIONS,
    MAX_TITLE,
    Node,
    Outline,
    clean_line,
    clean_text,
)

S = DraftState

MSG_NO_RIGHT = "Bạn không có quyền thực hiện thao tác này với dự thảo."
MSG_TITLE_REQUIRED = "Cần nhập tên văn bản dự thảo."
MSG_TITLE_TOO_LONG = "Tên văn bản dự thảo không quá 500 ký tự."
MSG_KIND = "Loại văn bản không hợp lệ: chọn nghị quyết, kế hoạch, chương trình, báo cáo, quy chế hoặc văn kiện đại hội."
MSG_VISIBILITY = "Chế độ xem ý kiến không hợp lệ."
MSG_ORG_DISSOLVED = "Tổ chức «{name}» đã giải thể."
MSG_WINDOW_ORDER = "Thời điểm hết hạn góp ý phải sau thời điểm bắt đầu."
MSG_WINDOW_TOO_LONG = "Thời gian lấy ý kiến không quá 366 ngày."
MSG_WINDOW_YEARS = "Thời gian lấy ý kiến phải trong các năm 2000–2100."
MSG_WINDOW_PAST = "Thời điểm hết hạn góp ý ({closes}) đã qua: hãy chọn thời điểm sau bây giờ."
MSG_FROZEN_AFTER_OPEN = (
    "Dự thảo đã đưa ra lấy ý kiến: chỉ còn gia hạn thời gian góp ý (khi đang lấy ý kiến) "
    "hoặc đổi việc công bố báo cáo tổng hợp."
)
MSG_EXTEND_ONLY = "Chỉ được gia hạn (lùi thời điểm hết hạn góp ý), không rút ngắn."
MSG_AUDIENCE_FROZEN = "Dự thảo đã đưa ra lấy ý kiến: không đổi được đối tượng lấy ý kiến."
MSG_AUDIENCE_OUTSIDE = "«{name}» không thuộc phạm vi của {organization}."
MSG_NO_AUDIENCE = "Chưa chọn đối tượng lấy ý kiến: chọn tổ chức (và các đảng viên trong đó), hoặc đại biểu, tổ chức được mời."
MSG_NO_SECTIONS = (
    "Dự thảo chưa có nội dung (chương, điều, mục, điểm): hãy nhập hoặc tải văn bản lên trước khi lấy ý kiến."
)
MSG_WRONG_STATE = "Không thể «{action}» khi dự thảo đang ở trạng thái «{state}»."
MSG_ADOPTED_IMMUTABLE = "Văn bản đã được thông qua, vào sổ văn bản: không sửa được nội dung."
MSG_WITHDRAWN = "Dự thảo đã bị rút: không sửa được."
MSG_APPROVED_FROZEN = "Báo cáo tổng hợp đã được duyệt: hãy mở lại tổng hợp trước khi sửa dự thảo."
MSG_VERSION_FROZEN = (
    "Dự thảo lần {number} đã đưa ra lấy ý kiến nên giữ nguyên: hãy tạo bản dự thảo mới để sửa."
)
MSG_VERSION_AFTER_WINDOW = "Chỉ tạo bản dự thảo mới sau khi hết thời gian góp ý."
MSG_SECTION_EMPTY = "Cần nhập số thứ tự, tiêu đề hoặc nội dung của phần."
MSG_SECTION_TEXT_TOO_LONG = "Nội dung một phần không quá {limit} ký tự."
MSG_SECTION_TITLE_TOO_LONG = "Tiêu đề một phần không quá {limit} ký tự."
MSG_SECTION_NUMBER_TOO_LONG = "Số thứ tự một phần không quá {limit} ký tự."
MSG_TOO_MANY_SECTIONS = "Dự thảo có quá {limit} phần (chương, điều, mục, điểm)."
MSG_SECTION_NOT_IN_VERSION = "Phần này không thuộc bản dự thảo đang sửa."
MSG_SECTION_LINKED = "Không bỏ được «{label}»: phần này đang được ghi là nơi tiếp thu {count} ý kiến."
MSG_TEXT_LINKED = (
    "Không thay được toàn bộ nội dung: {count} ý kiến đã được ghi tiếp thu vào các phần của bản này."
)
# Comments
MSG_NOT_PUT_TO_COMMENT = "Dự thảo chưa được đưa ra lấy ý kiến."
MSG_NO_LONGER_OPEN = "Dự thảo không còn nhận góp ý (trạng thái «{state}»)."
MSG_WINDOW_NOT_OPEN = "Chưa đến thời gian góp ý: dự thảo nhận ý kiến từ {opens} đến {closes} (giờ Việt Nam)."
MSG_WINDOW_CLOSED = "Đã hết thời gian góp ý: hạn cuối là {closes} (giờ Việt Nam)."
MSG_STANCE = "Chọn một ý kiến: tán thành, không tán thành hoặc đồng ý một phần."
MSG_REASON_REQUIRED = "Không tán thành thì cần nêu lý do."
MSG_PARTLY_TEXT_REQUIRED = "Đồng ý một phần thì cần ghi rõ nội dung đề nghị sửa đổi, bổ sung."
MSG_COMMENT_TOO_LONG = "Ý kiến góp ý không quá {limit} ký tự."
MSG_SECTION_UNKNOWN = "Không tìm thấy phần được góp ý trong dự thảo này."
MSG_SECTION_OTHER_VERSION = (
    "Phần được góp ý thuộc dự thảo lần {number}, không phải bản đang lấy ý kiến (lần {consulted})."
)
MSG_NO_MEMBER_RECORD = "Tài khoản của bạn chưa gắn với hồ sơ đảng viên nên chưa góp ý cá nhân được."
MSG_NOT_IN_AUDIENCE = "Bạn không thuộc đối tượng được lấy ý kiến về dự thảo này."
MSG_PERSON_NOT_IN_AUDIENCE = "Đồng chí {name} không thuộc đối tượng được lấy ý kiến về dự thảo này."
MSG_ORG_NOT_IN_AUDIENCE = "{name} không thuộc đối tượng được lấy ý kiến về dự thảo này."
MSG_PARTICIPANTS = "Số đảng viên tham gia thảo luận phải từ 1 đến {limit}."
MSG_DUPLICATE_PERSON = "Đồng chí {name} đã góp ý {where}: hãy sửa ý kiến đã gửi thay vì gửi thêm."
MSG_DUPLICATE_ORG = "{name} đã gửi ý kiến tập thể {where}: hãy sửa ý kiến đã gửi thay vì gửi thêm."
# Synthesis
MSG_SYNTHESIS_STATE = (
    "Chỉ tổng hợp, tiếp thu, giải trình sau khi hết thời gian góp ý và trước khi duyệt báo cáo tổng hợp."
)
MSG_DISPOSITION_KIND = (
    "Chọn một cách xử lý: tiếp thu, tiếp thu một phần, giải trình hoặc đã có trong dự thảo."
)
MSG_EXPLANATION_REQUIRED = "Giải trình thì cần ghi nội dung giải trình."
MSG_PARTLY_ACCEPTED_TEXT = "Tiếp thu một phần thì cần ghi rõ phần tiếp thu và phần giải trình."
MSG_DISPOSITION_TOO_LONG = "Nội dung tiếp thu, giải trình không quá {limit} ký tự."
MSG_ACCEPT_NEEDS_REVISION = (
    "Tiếp thu ý kiến thì cần chỉ ra phần đã sửa trong bản dự thảo mới: hãy tạo bản dự thảo mới, "
    "sửa phần này, rồi chọn phần đã sửa."
)
MSG_REVISED_SECTION_VERSION = "Phần đã sửa phải thuộc một bản dự thảo mới hơn bản được góp ý (lần {number})."
MSG_LINKED_SECTION_UNKNOWN = "Không tìm thấy phần được chọn trong dự thảo này."
MSG_GROUP_SUMMARY = "Cần ghi nội dung tóm tắt của nhóm ý kiến."
MSG_GROUP_EMPTY = "Chọn ít nhất hai ý kiến để gộp nhóm."
MSG_GROUP_OTHER_DRAFT = "Có ý kiến không thuộc dự thảo này."
MSG_UNDISPOSED = "Còn {count} ý kiến chưa được tiếp thu, giải trình: chưa duyệt được báo cáo tổng hợp."
MSG_WITHDRAW_REASON = "Cần ghi lý do rút dự thảo."
MSG_DOC_TYPE = "Văn bản {kind} chỉ vào sổ với loại: {allowed}."
MSG_SUMMARY_REQUIRED = "Cần nhập trích yếu của văn bản ban hành."

MAX_COMMENT = 5000
MAX_DISPOSITION = 5000
MAX_PARTICIPANTS = 100_000
MAX_WINDOW = dt.timedelta(days=366)

ACTION_LABELS = {
    "open": "Đưa ra lấy ý kiến",
    "close": "Kết thúc lấy ý kiến",
    "synthesis": "Tổng hợp, tiếp thu, giải trình",
    "approve": "Duyệt báo cáo tổng hợp",
    "reopen": "Mở lại tổng hợp",
    "adopt": "Thông qua, vào sổ văn bản",
    "withdraw": "Rút dự thảo",
    "new_version": "Tạo bản dự thảo mới",
}
STATE_FIELDS = ["state", "opened_at", "closed_at", "approved_at", "adopted_at", "withdrawn_at"]


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _lock(draft: Draft | int) -> Draft:
    """The draft (given, or by id) locked for the rest of the transaction and re-read, with its
    organisations and versions: every check that follows sees the latest committed state, and a second
    writer (a comment arriving while the window is being closed) waits here until the first has committed."""
    rows = Draft.objects.select_for_update(of=("self",)).select_related(
        "organization", "audience_root", "current_version", "consulted_version"
    )
    if isinstance(draft, Draft):
        draft.refresh_from_db(from_queryset=rows)
        return draft
    return rows.get(pk=draft)


def _require_manage(actor, draft: Draft) -> None:
    if not access.can_manage(actor, draft):
        raise OutOfScope(MSG_NO_RIGHT)


def _wrong_state(action: str, draft: Draft) -> BusinessError:
    return BusinessError(
        MSG_WRONG_STATE.format(action=ACTION_LABELS[action], state=DraftState(draft.state).label),
        field="state",
    )


def _require_state(draft: Draft, action: str, *states: str) -> None:
    if draft.state not in states:
        raise _wrong_state(action, draft)


def _title(title: str) -> str:
    title = normalize_text(title or "")
    if not title:
        raise BusinessError(MSG_TITLE_REQUIRED, field="title")
    if len(title) > 500:
        raise BusinessError(MSG_TITLE_TOO_LONG, field="title")
    return title


def _check_window(opens_at: dt.datetime, closes_at: dt.datetime) -> None:
    for value, name in ((opens_at, "opens_at"), (closes_at, "closes_at")):
        if not 2000 <= value.year <= 2100:
            raise BusinessError(MSG_WINDOW_YEARS, field=name)
    if closes_at <= opens_at:
        raise BusinessError(MSG_WINDOW_ORDER, field="closes_at")
    if closes_at - opens_at > MAX_WINDOW:
        raise BusinessError(MSG_WINDOW_TOO_LONG, field="closes_at")


def _aware(value: dt.datetime) -> dt.datetime:
    """A time typed without a zone is a time in Viet Nam."""
    from neuguong.core.dates import LOCAL_ZONE

    return value if timezone.is_aware(value) else value.replace(tzinfo=LOCAL_ZONE)


def _check_in_subtree(organization: Organization, records: Iterable, field: str) -> None:
    for record in records:
        path = record.path if isinstance(record, Organization) else record.organization.path
        if not path.startswith(organization.path):
            name = record.name if isinstance(record, Organization) else record.full_name
            raise BusinessError(
                MSG_AUDIENCE_OUTSIDE.format(name=name, organization=organization.name), field=field
            )


# ----------------------------------------------------------------------------------------- sections
def _flatten(nodes: Sequence[Node]) -> list[tuple[Node, int, Node | None]]:
    flat: list[tuple[Node, int, Node | None]] = []

    def visit(items: Sequence[Node], depth: int, parent: Node | None) -> None:
        for node in items:
            flat.append((node, depth, parent))
            visit(node.children, depth + 1, node)

    visit(nodes, 0, None)
    return flat


def _check_node(node: Node) -> None:
    if not (node.number or node.title or node.text):
        raise BusinessError(MSG_SECTION_EMPTY, field="text")
    if len(node.number) > MAX_NUMBER:
        raise BusinessError(MSG_SECTION_NUMBER_TOO_LONG.format(limit=MAX_NUMBER), field="number")
    if len(node.title) > MAX_TITLE:
        raise BusinessError(MSG_SECTION_TITLE_TOO_LONG.format(limit=MAX_TITLE), field="title")
    if len(node.text) > MAX_SECTION_TEXT:
        raise BusinessError(MSG_SECTION_TEXT_TOO_LONG.format(limit=MAX_SECTION_TEXT), field="text")


def _create_sections(
    version: DraftVersion, nodes: Sequence[Node], origins: dict[int, Section] | None = None
) -> int:
    """Write the nested `nodes` as the version's sections in reading order, one INSERT per depth."""
    flat = _flatten(nodes)
    if len(flat) > MAX_SECTIONS:
        raise BusinessError(MSG_TOO_MANY_SECTIONS.format(limit=MAX_SECTIONS), field="text")
    for node, _depth, _parent in flat:
        _check_node(node)
    by_depth: dict[int, list[tuple[int, Node, Node | None]]] = defaultdict(list)
    for position, (node, depth, parent) in enumerate(flat):
        by_depth[depth].append((position, node, parent))
    created: dict[int, Section] = {}
    for depth in sorted(by_depth):
        rows = [
            Section(
                version=version,
                parent=created[id(parent)] if parent is not None else None,
                position=position,
                depth=depth,
                number=node.number,
                title=node.title,
                text=node.text,
                origin=(origins or {}).get(id(node)),
            )
            for position, node, parent in by_depth[depth]
        ]
        Section.objects.bulk_create(rows)
        for (_position, node, _parent), row in zip(by_depth[depth], rows, strict=True):
            created[id(node)] = row
    return len(flat)


def _tree(version: DraftVersion) -> tuple[list[Section], dict[int | None, list[Section]]]:
    sections = list(version.sections.order_by("position", "pk"))
    children: dict[int | None, list[Section]] = defaultdict(list)
    for section in sections:
        children[section.parent_id].append(section)
    return sections, children


def _renumber(children: dict[int | None, list[Section]]) -> None:
    """Positions and depths again in reading order after a section was added or removed."""
    changed: list[Section] = []
    position = 0

    def visit(parent_id: int | None, depth: int) -> None:
        nonlocal position
        for section in children.get(parent_id, []):
            if section.position != position or section.depth != depth:
                section.position, section.depth = position, depth
                changed.append(section)
            position += 1
            visit(section.pk, depth + 1)

    visit(None, 0)
    if changed:
        Section.objects.bulk_update(changed, ["position", "depth"])


def _editable_version(draft: Draft) -> DraftVersion:
    """The version whose text may change now: the current one, unless it is the one put to comment, or
    the synthesis is approved, or the draft is adopted or withdrawn."""
    if draft.state == S.ADOPTED:
        raise BusinessError(MSG_ADOPTED_IMMUTABLE)
    if draft.state == S.WITHDRAWN:
        raise BusinessError(MSG_WITHDRAWN)
    if draft.state == S.APPROVED:
        raise BusinessError(MSG_APPROVED_FROZEN)
    version = draft.current_version
    if version is None or draft.consulted_version_id == version.pk:
        raise BusinessError(MSG_VERSION_FROZEN.format(number=version.number if version else 1))
    return version


def _outline_origins(previous: DraftVersion | None, nodes: Sequence[Node]) -> dict[int, Section]:
    """When a later version's whole text is imported again, each section keeps the section of the version
    before with the same numbers and titles down its path as its origin (so the differences stay section
    by section)."""
    if previous is None:
        return {}
    _sections, children = _tree(previous)
    keyed: dict[tuple, list[Section]] = defaultdict(list)

    def visit_old(parent_id: int | None, path: tuple) -> None:
        for section in children.get(parent_id, []):
            key = (*path, (section.number, section.title))
            keyed[key].append(section)
            visit_old(section.pk, key)

    visit_old(None, ())
    origins: dict[int, Section] = {}

    def visit_new(items: Sequence[Node], path: tuple) -> None:
        for node in items:
            key = (*path, (node.number, node.title))
            if keyed.get(key):
                origins[id(node)] = keyed[key].pop(0)
            visit_new(node.children, key)

    visit_new(nodes, ())
    return origins


# ------------------------------------------------------------------------------------------- drafts
@transaction.atomic
def draft_create(
    *,
    actor,
    organization: Organization,
    kind: str,
    title: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    comments_visibility: str = CommentVisibility.COMMITTEE,
    publish_synthesis: bool = False,
    sections: Sequence[Node] = (),
    preamble: str = "",
    audience_root: Organization | None = None,
    invite_official: bool = True,
    invite_probationary: bool = True,
    invite_exempt: bool = False,
    delegates: Iterable[Person] = (),
    invited_organizations: Iterable[Organization] = (),
    now: dt.datetime | None = None,
) -> Draft:
    """A new draft of `organization` (its first version, with `sections`). Its audience is the subtree of
    `audience_root` and/or the named delegates and organisations; with none of them, the organisation's
    own subtree."""
    now = _now(now)
    if not scope_for(actor).can_write_path(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)
    if organization.dissolved_on is not None:
        raise BusinessError(MSG_ORG_DISSOLVED.format(name=organization.name), field="organization")
    title = _title(title)
    if kind not in DraftKind.values:
        raise BusinessError(MSG_KIND, field="kind")
    if comments_visibility not in CommentVisibility.values:
        raise BusinessError(MSG_VISIBILITY, field="comments_visibility")
    opens_at, closes_at = _aware(opens_at), _aware(closes_at)
    _check_window(opens_at, closes_at)
    if closes_at <= now:
        raise BusinessError(MSG_WINDOW_PAST.format(closes=rules.local_time(closes_at)), field="closes_at")
    delegates, invited_organizations = list(delegates), list(invited_organizations)
    if audience_root is None and not delegates and not invited_organizations:
        audience_root = organization  # by default a draft is put to the organisation's own subtree
    roots = [audience_root] if audience_root is not None else []
    _check_in_subtree(organization, [*roots, *invited_organizations], "audience_root")
    _check_in_subtree(organization, delegates, "delegates")
    draft = Draft.objects.create(
        organization=organization,
        kind=kind,
        title=title,
        opens_at=opens_at,
        closes_at=closes_at,
        comments_visibility=comments_visibility,
        publish_synthesis=bool(publish_synthesis),
        audience_root=audience_root,
        invite_official=bool(invite_official),
        invite_probationary=bool(invite_probationary),
        invite_exempt=bool(invite_exempt),
        created_by=actor,
    )
    draft.delegates.set(delegates)
    draft.invited_organizations.set(invited_organizations)
    version = DraftVersion.objects.create(
        draft=draft, number=1, preamble=clean_text(preamble), created_by=actor
    )
    _create_sections(version, sections)
    draft.current_version = version
    draft.save(update_fields=["current_version"])
    events.draft_created(actor=actor, draft=draft)
    events.audience_changed(
        actor=actor,
        draft=draft,
        before={},
        after=events.audience_state(draft, delegates, invited_organizations),
    )
    return draft


@transaction.atomic
def draft_update(
    *,
    actor,
    draft: Draft,
    title: str | None = None,
    kind: str | None = None,
    opens_at: dt.datetime | None = None,
    closes_at: dt.datetime | None = None,
    comments_visibility: str | None = None,
    publish_synthesis: bool | None = None,
    now: dt.datetime | None = None,
) -> Draft:
    """Change the draft's particulars while drafting; once put to comment, only extend its window (while
    open) or change whether the approved synthesis is published."""
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    if draft.state in (S.ADOPTED, S.WITHDRAWN):
        raise BusinessError(MSG_ADOPTED_IMMUTABLE if draft.state == S.ADOPTED else MSG_WITHDRAWN)
    before = events.draft_state(draft)
    opens_at = _aware(opens_at) if opens_at else draft.opens_at
    closes_at = _aware(closes_at) if closes_at else draft.closes_at
    title = _title(title) if title is not None else draft.title
    kind = kind if kind is not None else draft.kind
    if kind not in DraftKind.values:
        raise BusinessError(MSG_KIND, field="kind")
    visibility = comments_visibility if comments_visibility is not None else draft.comments_visibility
    if visibility not in CommentVisibility.values:
        raise BusinessError(MSG_VISIBILITY, field="comments_visibility")
    if draft.state != S.DRAFTING:
        frozen = (title != draft.title, kind != draft.kind, opens_at != draft.opens_at)
        if any(frozen) or visibility != draft.comments_visibility:
            raise BusinessError(MSG_FROZEN_AFTER_OPEN, field="title")
        if closes_at != draft.closes_at:
            if draft.state != S.OPEN or rules.window_has_closed(draft, now):
                raise BusinessError(MSG_FROZEN_AFTER_OPEN, field="closes_at")
            if closes_at < draft.closes_at:
                raise BusinessError(MSG_EXTEND_ONLY, field="closes_at")
    _check_window(opens_at, closes_at)
    if closes_at != draft.closes_at and closes_at <= now:
        raise BusinessError(MSG_WINDOW_PAST.format(closes=rules.local_time(closes_at)), field="closes_at")
    draft.title, draft.kind, draft.opens_at, draft.closes_at = title, kind, opens_at, closes_at
    draft.comments_visibility = visibility
    if publish_synthesis is not None:
        draft.publish_synthesis = bool(publish_synthesis)
    draft.save(
        update_fields=[
            "title",
            "title_folded",
            "kind",
            "opens_at",
            "closes_at",
            "comments_visibility",
            "publish_synthesis",
            "updated_at",
        ]
    )
    events.draft_updated(actor=actor, draft=draft, before=before)
    return draft


@transaction.atomic
def audience_set(
    *,
    actor,
    draft: Draft,
    audience_root: Organization | None,
    invite_official: bool,
    invite_probationary: bool,
    invite_exempt: bool,
    delegates: Iterable[Person] = (),
    invited_organizations: Iterable[Organization] = (),
) -> Draft:
    """Who is asked: a subtree (its organisations, and its members of the chosen statuses), and/or named
    delegates and organisations; all inside the drafting organisation's subtree. Only while drafting."""
    draft = _lock(draft)
    _require_manage(actor, draft)
    if draft.state != S.DRAFTING:
        raise BusinessError(MSG_AUDIENCE_FROZEN, field="audience_root")
    delegates, invited_organizations = list(delegates), list(invited_organizations)
    roots = [audience_root] if audience_root is not None else []
    _check_in_subtree(draft.organization, [*roots, *invited_organizations], "audience_root")
    _check_in_subtree(draft.organization, delegates, "delegates")
    before = events.audience_state(draft, draft.delegates.all(), draft.invited_organizations.all())
    draft.audience_root = audience_root
    draft.invite_official, draft.invite_probationary = bool(invite_official), bool(invite_probationary)
    draft.invite_exempt = bool(invite_exempt)
    draft.save(
        update_fields=[
            "audience_root",
            "invite_official",
            "invite_probationary",
            "invite_exempt",
            "updated_at",
        ]
    )
    draft.delegates.set(delegates)
    draft.invited_organizations.set(invited_organizations)
    events.audience_changed(
        actor=actor,
        draft=draft,
        before=before,
        after=events.audience_state(draft, delegates, invited_organizations),
    )
    return draft


def _has_audience(draft: Draft) -> bool:
    return (
        draft.audience_root_id is not None or draft.delegates.exists() or draft.invited_organizations.exists()
    )


@transaction.atomic
def text_replace(*, actor, draft: Draft, outline: Outline, file_name: str = "") -> DraftVersion:
    """Replace the whole text of the version being edited (pasted or imported from a DOCX)."""
    draft = _lock(draft)
    _require_manage(actor, draft)
    version = _editable_version(draft)
    linked = Comment.objects.filter(revised_section__version=version).count()
    if linked:
        raise BusinessError(MSG_TEXT_LINKED.format(count=linked), field="text")
    old_count = version.sections.count()
    previous = draft.versions.filter(number=version.number - 1).first()
    origins = _outline_origins(previous, outline.sections)
    # Children before their parents: the rows protect each other.
    for depth in sorted(set(version.sections.values_list("depth", flat=True)), reverse=True):
        version.sections.filter(depth=depth).delete()
    new_count = _create_sections(version, outline.sections, origins)
    version.preamble = clean_text(outline.preamble)
    version.source_file_name = (file_name or "")[:255]
    version.save(update_fields=["preamble", "source_file_name"])
    events.text_replaced(
        actor=actor,
        draft=draft,
        version=version,
        old_count=old_count,
        new_count=new_count,
        file_name=file_name,
    )
    return version


def _section_node(number: str, title: str, text: str) -> Node:
    node = Node(number=clean_line(number), title=clean_line(title), text=clean_text(text))
    _check_node(node)
    return node


@transaction.atomic
def section_update(*, actor, draft: Draft, section: Section, number: str, title: str, text: str) -> Section:
    """Change one section's number, title or text in the version being edited."""
    draft = _lock(draft)
    _require_manage(actor, draft)
    version = _editable_version(draft)
    section = Section.objects.select_for_update().get(pk=section.pk)
    if section.version_id != version.pk:
        raise BusinessError(MSG_SECTION_NOT_IN_VERSION)
    node = _section_node(number, title, text)
    before = events.section_values(section)
    section.number, section.title, section.text = node.number, node.title, node.text
    section.save(update_fields=["number", "title", "text"])
    events.section_changed(actor=actor, draft=draft, section=section, before=before)
    return section


@transaction.atomic
def section_add(
    *,
    actor,
    draft: Draft,
    number: str,
    title: str,
    text: str,
    parent: Section | None = None,
    after: Section | None = None,
) -> Section:
    """A new section in the version being edited: after the section `after` (as its next sibling), else the
    last child of `parent` (or the last top-level section)."""
    draft = _lock(draft)
    _require_manage(actor, draft)
    version = _editable_version(draft)
    node = _section_node(number, title, text)
    sections, children = _tree(version)
    if len(sections) >= MAX_SECTIONS:
        raise BusinessError(MSG_TOO_MANY_SECTIONS.format(limit=MAX_SECTIONS), field="text")
    for anchor in (parent, after):
        if anchor is not None and anchor.version_id != version.pk:
            raise BusinessError(MSG_SECTION_NOT_IN_VERSION)
    parent_id = after.parent_id if after is not None else parent.pk if parent is not None else None
    section = Section.objects.create(
        version=version,
        parent_id=parent_id,
        position=len(sections),
        depth=0,
        number=node.number,
        title=node.title,
        text=node.text,
    )
    siblings = children[parent_id]
    index = next(
        (i + 1 for i, s in enumerate(siblings) if after is not None and s.pk == after.pk), len(siblings)
    )
    siblings.insert(index, section)
    _renumber(children)
    section.refresh_from_db()
    events.section_added(actor=actor, draft=draft, section=section)
    return section


@transaction.atomic
def section_remove(*, actor, draft: Draft, section: Section) -> int:
    """Drop a section (and the sections inside it) from the version being edited; returns how many."""
    draft = _lock(draft)
    _require_manage(actor, draft)
    version = _editable_version(draft)
    if section.version_id != version.pk:
        raise BusinessError(MSG_SECTION_NOT_IN_VERSION)
    sections, children = _tree(version)
    doomed: list[Section] = []

    def collect(item: Section) -> None:
        doomed.append(item)
        for child in children.get(item.pk, []):
            collect(child)

    collect(next(s for s in sections if s.pk == section.pk))
    linked = Comment.objects.filter(revised_section__in=doomed).count()
    if linked:
        raise BusinessError(MSG_SECTION_LINKED.format(label=section.label, count=linked))
    values = events.section_values(section)
    for item in sorted(doomed, key=lambda s: s.depth, reverse=True):
        item.delete()
    children[section.parent_id] = [s for s in children[section.parent_id] if s.pk != section.pk]
    ids = {s.pk for s in doomed}
    for key in list(children):
        if key in ids:
            del children[key]
    _renumber(children)
    events.section_removed(actor=actor, draft=draft, values=values, version=version)
    return len(doomed)


# ------------------------------------------------------------------------------------------ the steps
def _before(draft: Draft) -> dict:
    return snapshot(draft, STATE_FIELDS)


@transaction.atomic
def draft_open(*, actor, draft: Draft, now: dt.datetime | None = None) -> Draft:
    """Put the draft's current version to comment: its audience is told and may comment inside the window."""
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    _require_state(draft, "open", S.DRAFTING)
    if not draft.current.sections.exists():
        raise BusinessError(MSG_NO_SECTIONS, field="text")
    if not _has_audience(draft):
        raise BusinessError(MSG_NO_AUDIENCE, field="audience_root")
    if draft.closes_at <= now:
        raise BusinessError(
            MSG_WINDOW_PAST.format(closes=rules.local_time(draft.closes_at)), field="closes_at"
        )
    from .selectors import invited_counts

    before = _before(draft)
    draft.state = S.OPEN
    draft.opened_at = now
    draft.consulted_version = draft.current_version
    draft.invited_counts = invited_counts(draft)
    draft.save(update_fields=["state", "opened_at", "consulted_version", "invited_counts", "updated_at"])
    events.step_taken(actor=actor, draft=draft, event=E.OPENED, before=before)
    from . import notices

    notices.draft_opened(actor=actor, draft=draft)
    return draft


def _record_closed(draft: Draft, actor, now: dt.datetime, note: str) -> None:
    before = _before(draft)
    draft.state = S.CLOSED
    draft.closed_at = min(now, draft.closes_at) if now >= draft.closes_at else now
    draft.save(update_fields=["state", "closed_at", "updated_at"])
    events.step_taken(actor=actor, draft=draft, event=E.CLOSED, before=before, note=note)


NOTE_CLOSED_EARLY = "Kết thúc lấy ý kiến trước hạn."
NOTE_WINDOW_PASSED = "Hết thời gian góp ý."


@transaction.atomic
def draft_close(*, actor, draft: Draft, now: dt.datetime | None = None) -> Draft:
    """End the consultation (before its deadline, or record that the deadline has passed)."""
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    _require_state(draft, "close", S.OPEN)
    _record_closed(
        draft, actor, now, NOTE_WINDOW_PASSED if rules.window_has_closed(draft, now) else NOTE_CLOSED_EARLY
    )
    return draft


def close_due(*, now: dt.datetime | None = None) -> int:
    """For the scheduler: record as closed every draft whose window has passed; returns how many."""
    now = _now(now)
    closed = 0
    for pk in Draft.objects.filter(state=S.OPEN, closes_at__lte=now).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            draft = _lock(pk)
            if draft.state == S.OPEN and rules.window_has_closed(draft, now):
                _record_closed(draft, None, now, NOTE_WINDOW_PASSED)
                closed += 1
    return closed


def _ensure_synthesis(draft: Draft, actor, now: dt.datetime) -> None:
    """The synthesis begins with its first step once the window has passed (the draft is recorded as closed
    on the way); nothing changes after the approval."""
    if draft.state == S.OPEN and rules.window_has_closed(draft, now):
        _record_closed(draft, actor, now, NOTE_WINDOW_PASSED)
    if draft.state == S.CLOSED:
        before = _before(draft)
        draft.state = S.SYNTHESIS
        draft.save(update_fields=["state", "updated_at"])
        events.step_taken(actor=actor, draft=draft, event=E.SYNTHESIS_STARTED, before=before)
    if draft.state != S.SYNTHESIS:
        raise BusinessError(MSG_SYNTHESIS_STATE, field="state")


@transaction.atomic
def synthesis_start(*, actor, draft: Draft, now: dt.datetime | None = None) -> Draft:
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    _ensure_synthesis(draft, actor, now)
    return draft


@transaction.atomic
def version_create(*, actor, draft: Draft, note: str = "", now: dt.datetime | None = None) -> DraftVersion:
    """A new version to revise (dự thảo lần n+1): a copy of the current one whose sections remember their
    origin; the old version stays as it was."""
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    if draft.state == S.OPEN and not rules.window_has_closed(draft, now):
        raise BusinessError(MSG_VERSION_AFTER_WINDOW)
    if draft.state in (S.DRAFTING,):
        raise _wrong_state("new_version", draft)
    if draft.state in (S.APPROVED, S.ADOPTED, S.WITHDRAWN):
        _editable_version(draft)  # says why
    _ensure_synthesis(draft, actor, now)
    old = draft.current
    version = DraftVersion.objects.create(
        draft=draft,
        number=old.number + 1,
        preamble=old.preamble,
        note=normalize_text(note)[:500] or f"Dự thảo lần {old.number + 1}, sau khi tiếp thu ý kiến góp ý",
        created_by=actor,
    )
    sections, _children = _tree(old)
    copies: dict[int, Section] = {}
    for depth in sorted({s.depth for s in sections}):
        rows = [
            Section(
                version=version,
                parent=copies[s.parent_id] if s.parent_id is not None else None,
                position=s.position,
                depth=s.depth,
                number=s.number,
                title=s.title,
                text=s.text,
                origin=s,
            )
            for s in sections
            if s.depth == depth
        ]
        Section.objects.bulk_create(rows)
        for row, source in zip(rows, (s for s in sections if s.depth == depth), strict=True):
            copies[source.pk] = row
    draft.current_version = version
    draft.save(update_fields=["current_version", "updated_at"])
    events.version_created(actor=actor, draft=draft, version=version, copied_from=old)
    return version


# ------------------------------------------------------------------------------------------- comments
def _where(section: Section | None) -> str:
    return f"về «{section.label}»" if section is not None else "về toàn bộ dự thảo"


def _check_window_open(draft: Draft, now: dt.datetime) -> None:
    if draft.state == S.DRAFTING:
        raise BusinessError(MSG_NOT_PUT_TO_COMMENT)
    if draft.state != S.OPEN:
        raise BusinessError(MSG_NO_LONGER_OPEN.format(state=DraftState(draft.state).label))
    phase = rules.window_phase(draft.opens_at, draft.closes_at, now)
    if phase == rules.Phase.BEFORE:
        raise BusinessError(
            MSG_WINDOW_NOT_OPEN.format(
                opens=rules.local_time(draft.opens_at), closes=rules.local_time(draft.closes_at)
            )
        )
    if phase == rules.Phase.AFTER:
        raise BusinessError(MSG_WINDOW_CLOSED.format(closes=rules.local_time(draft.closes_at)))


def _check_section(draft: Draft, section: Section | None) -> None:
    if section is None:
        return
    version = DraftVersion.objects.filter(pk=section.version_id).only("draft_id", "number").first()
    if version is None or version.draft_id != draft.pk:
        raise BusinessError(MSG_SECTION_UNKNOWN, field="section")
    if section.version_id != draft.consulted_version_id:
        raise BusinessError(
            MSG_SECTION_OTHER_VERSION.format(number=version.number, consulted=draft.consulted.number),
            field="section",
        )


def _checked_content(stance: str, text: str) -> str:
    if stance not in Stance.values:
        raise BusinessError(MSG_STANCE, field="stance")
    text = clean_text(text)
    if len(text) > MAX_COMMENT:
        raise BusinessError(MSG_COMMENT_TOO_LONG.format(limit=MAX_COMMENT), field="text")
    if stance == Stance.DISAGREE and not text:
        raise BusinessError(MSG_REASON_REQUIRED, field="text")
    if stance == Stance.PARTLY and not text:
        raise BusinessError(MSG_PARTLY_TEXT_REQUIRED, field="text")
    return text


def _checked_participants(value) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = 0
    if not 1 <= count <= MAX_PARTICIPANTS:
        raise BusinessError(
            MSG_PARTICIPANTS.format(limit=f"{MAX_PARTICIPANTS:,}".replace(",", ".")),
            field="participant_count",
        )
    return count


def _own_person(actor) -> Person:
    person_id = scope_for(actor).person_id
    if not person_id:
        raise BusinessError(MSG_NO_MEMBER_RECORD)
    return Person.objects.select_related("organization").get(pk=person_id)


@transaction.atomic
def comment_submit(
    *,
    actor,
    draft: Draft,
    section: Section | None,
    stance: str,
    text: str,
    organization: Organization | None = None,
    participant_count: int | None = None,
    person: Person | None = None,
    on_paper: bool = False,
    now: dt.datetime | None = None,
) -> Comment:
    """A comment on a section of the version put to comment (or on the whole draft), inside the window:
    the actor's own; an organisation's after its collective discussion (`organization`, with the number of
    members who took part); or a member's gathered on paper, entered by their secretary (`person`)."""
    now = _now(now)
    draft = _lock(draft)
    _check_window_open(draft, now)
    kind: str
    commenter: Person | None
    if organization is not None:
        if not access.organization_in_audience(draft, organization):
            raise BusinessError(MSG_ORG_NOT_IN_AUDIENCE.format(name=organization.name), field="organization")
        if not scope_for(actor).can_write_path(organization.path):
            raise OutOfScope(MSG_NO_RIGHT)
        kind, commenter, count = CommenterKind.ORGANIZATION, None, _checked_participants(participant_count)
        commenting_org = organization
    else:
        own = scope_for(actor).person_id
        if person is None or person.pk == own:
            commenter = _own_person(actor)
            on_paper = False
        else:
            commenter = Person.objects.select_related("organization").get(pk=person.pk)
            if not access.can_enter_for(actor, commenter):
                raise OutOfScope(MSG_NO_RIGHT)
            on_paper = True
        found = access.person_commenter_kind(draft, commenter)
        if found is None:
            message = (
                MSG_NOT_IN_AUDIENCE
                if commenter.pk == own
                else MSG_PERSON_NOT_IN_AUDIENCE.format(name=commenter.full_name)
            )
            raise BusinessError(message, field="person")
        kind, count, commenting_org = found, None, commenter.organization
    _check_section(draft, section)
    text = _checked_content(stance, text)
    duplicate = Comment.objects.filter(version=draft.consulted, section=section)
    if commenter is None:
        duplicate = duplicate.filter(commenter_kind=kind, organization=commenting_org)
        message = MSG_DUPLICATE_ORG.format(name=commenting_org.name, where=_where(section))
    else:
        duplicate = duplicate.filter(person=commenter)
        message = MSG_DUPLICATE_PERSON.format(name=commenter.full_name, where=_where(section))
    if duplicate.exists():
        raise BusinessError(message, field="section")
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                draft=draft,
                version=draft.consulted,
                section=section,
                stance=stance,
                text=text,
                commenter_kind=kind,
                person=commenter,
                organization=commenting_org,
                participant_count=count,
                on_paper=bool(on_paper),
                entered_by=actor,
            )
    except IntegrityError as exc:  # the same commenter twice at once
        raise BusinessError(message, field="section") from exc
    events.comment_submitted(
        actor=actor,
        comment=comment,
        on_behalf_of=commenter.full_name if on_paper and commenter is not None else "",
    )
    return comment


def may_edit_comment(user, comment: Comment) -> bool:
    """Who wrote or entered it, the member it is of, or (for a collective comment) the organisation's writers."""
    if comment.entered_by_id == user.pk:
        return True
    if comment.commenter_kind == CommenterKind.ORGANIZATION:
        return scope_for(user).can_write_path(comment.organization.path)
    return comment.person_id is not None and comment.person_id == scope_for(user).person_id


@transaction.atomic
def comment_edit(
    *,
    actor,
    comment: Comment,
    stance: str,
    text: str,
    participant_count: int | None = None,
    now: dt.datetime | None = None,
) -> Comment:
    """Change a comment until the window closes."""
    now = _now(now)
    comment = Comment.objects.select_related("organization", "person", "section").get(pk=comment.pk)
    draft = _lock(comment.draft_id)
    if not may_edit_comment(actor, comment):
        raise OutOfScope(MSG_NO_RIGHT)
    _check_window_open(draft, now)
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("organization", "person", "section")
        .get(pk=comment.pk)
    )
    text = _checked_content(stance, text)
    before = events.comment_state(comment)
    comment.stance, comment.text = stance, text
    if comment.commenter_kind == CommenterKind.ORGANIZATION and participant_count is not None:
        comment.participant_count = _checked_participants(participant_count)
    comment.save(update_fields=["stance", "text", "participant_count", "updated_at"])
    person = comment.person
    proxy = person.full_name if person is not None and person.pk != scope_for(actor).person_id else ""
    events.comment_edited(actor=actor, comment=comment, before=before, on_behalf_of=proxy)
    return comment


# ------------------------------------------------------------------------------------------ synthesis
def _linked_section(draft: Draft, section: Section | None) -> Section | None:
    if section is None:
        return None
    found = Section.objects.select_related("version").filter(pk=section.pk, version__draft=draft).first()
    if found is None:
        raise BusinessError(MSG_LINKED_SECTION_UNKNOWN, field="revised_section")
    return found


def successor_in(version: DraftVersion, section: Section) -> Section | None:
    """The section of `version` that descends from `section` through the versions in between (None when it
    was dropped on the way)."""
    current: Section | None = section
    while current is not None and current.version_id != version.pk:
        current = Section.objects.filter(origin=current).select_related("version").first()
        if current is not None and current.version.number > version.number:
            return None
    return current


def _checked_disposition(
    draft: Draft, comment: Comment, kind: str, text: str, revised_section: Section | None
) -> tuple[str, Section | None]:
    if kind not in DispositionKind.values:
        raise BusinessError(MSG_DISPOSITION_KIND, field="kind")
    text = clean_text(text)
    if len(text) > MAX_DISPOSITION:
        raise BusinessError(MSG_DISPOSITION_TOO_LONG.format(limit=MAX_DISPOSITION), field="text")
    if kind == DispositionKind.EXPLAINED and not text:
        raise BusinessError(MSG_EXPLANATION_REQUIRED, field="text")
    if kind == DispositionKind.PARTLY_ACCEPTED and not text:
        raise BusinessError(MSG_PARTLY_ACCEPTED_TEXT, field="text")
    linked = _linked_section(draft, revised_section)
    if kind == DispositionKind.EXPLAINED:
        return text, None
    commented_number = comment.version.number
    if kind in (DispositionKind.ACCEPTED, DispositionKind.PARTLY_ACCEPTED):
        if linked is None and comment.section is not None and draft.current.number > commented_number:
            linked = successor_in(draft.current, comment.section)
        if linked is None and kind == DispositionKind.ACCEPTED and comment.section_id:
            raise BusinessError(MSG_ACCEPT_NEEDS_REVISION, field="revised_section")
        if linked is not None and linked.version.number <= commented_number:
            raise BusinessError(
                MSG_REVISED_SECTION_VERSION.format(number=commented_number), field="revised_section"
            )
    elif linked is not None and linked.version.number < commented_number:
        raise BusinessError(
            MSG_REVISED_SECTION_VERSION.format(number=commented_number), field="revised_section"
        )
    return text, linked


def _dispose(actor, draft: Draft, comment: Comment, kind: str, text: str, revised_section, now) -> Comment:
    text, linked = _checked_disposition(draft, comment, kind, text, revised_section)
    before = events.disposition_state(comment)
    comment.disposition, comment.disposition_text, comment.revised_section = kind, text, linked
    comment.disposed_by, comment.disposed_at = actor, now
    comment.save(
        update_fields=["disposition", "disposition_text", "revised_section", "disposed_by", "disposed_at"]
    )
    events.disposed(actor=actor, comment=comment, before=before)
    return comment


def _draft_comment(draft: Draft, comment: Comment) -> Comment:
    locked = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("version", "section", "organization", "person")
        .filter(pk=comment.pk, draft=draft)
        .first()
    )
    if locked is None:
        raise BusinessError(MSG_GROUP_OTHER_DRAFT)
    return locked


@transaction.atomic
def comment_dispose(
    *,
    actor,
    comment: Comment,
    kind: str,
    text: str = "",
    revised_section: Section | None = None,
    now: dt.datetime | None = None,
) -> Comment:
    """The drafting committee's answer to one comment: accepted (linking the revised section of a newer
    version; by default the commented section's successor in the current version), partly accepted,
    explained (with the explanation), or already in the draft."""
    now = _now(now)
    draft = _lock(comment.draft_id)
    _require_manage(actor, draft)
    _ensure_synthesis(draft, actor, now)
    return _dispose(actor, draft, _draft_comment(draft, comment), kind, text, revised_section, now)


@transaction.atomic
def group_create(
    *, actor, draft: Draft, comments: Sequence[Comment], summary: str, now: dt.datetime | None = None
) -> CommentGroup:
    """Group similar comments under one summary (a comment in another group moves to this one)."""
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    _ensure_synthesis(draft, actor, now)
    summary = normalize_text(summary)[:1000]
    if not summary:
        raise BusinessError(MSG_GROUP_SUMMARY, field="summary")
    rows = [_draft_comment(draft, c) for c in comments]
    if len({c.pk for c in rows}) < 2:
        raise BusinessError(MSG_GROUP_EMPTY, field="comments")
    sections = {c.section_id for c in rows}
    group = CommentGroup.objects.create(
        draft=draft,
        section_id=sections.pop() if len(sections) == 1 else None,
        summary=summary,
        created_by=actor,
    )
    Comment.objects.filter(pk__in=[c.pk for c in rows]).update(group=group)
    events.group_created(actor=actor, group=group, comments=len(rows))
    return group


@transaction.atomic
def comment_ungroup(*, actor, comment: Comment, now: dt.datetime | None = None) -> Comment:
    now = _now(now)
    draft = _lock(comment.draft_id)
    _require_manage(actor, draft)
    _ensure_synthesis(draft, actor, now)
    comment = _draft_comment(draft, comment)
    if comment.group is not None:
        summary = comment.group.summary
        comment.group = None
        comment.save(update_fields=["group"])
        events.ungrouped(actor=actor, comment=comment, group_summary=summary)
    return comment


@transaction.atomic
def group_dispose(
    *,
    actor,
    group: CommentGroup,
    kind: str,
    text: str = "",
    revised_section: Section | None = None,
    now: dt.datetime | None = None,
) -> int:
    """The same answer for every comment of the group; returns how many were answered."""
    now = _now(now)
    draft = _lock(group.draft_id)
    _require_manage(actor, draft)
    _ensure_synthesis(draft, actor, now)
    comments = list(
        Comment.objects.select_for_update(of=("self",))
        .select_related("version", "section")
        .filter(group=group, draft=draft)
        .order_by("pk")
    )
    for comment in comments:
        _dispose(actor, draft, comment, kind, text, revised_section, now)
    return len(comments)


NOTE_AGREEING = "Tán thành với dự thảo."


@transaction.atomic
def agreeing_acknowledge(*, actor, draft: Draft, now: dt.datetime | None = None) -> int:
    """Every comment that only agrees (tán thành, without any words) and has no answer yet is answered
    "already in the draft" in one step; returns how many."""
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    _ensure_synthesis(draft, actor, now)
    comments = list(
        Comment.objects.select_for_update(of=("self",))
        .select_related("version", "section")
        .filter(draft=draft, stance=Stance.AGREE, text="", disposition="")
        .order_by("pk")
    )
    for comment in comments:
        _dispose(actor, draft, comment, DispositionKind.ALREADY_IN_DRAFT, NOTE_AGREEING, None, now)
    return len(comments)


def undisposed_count(draft: Draft) -> int:
    return Comment.objects.filter(draft=draft, disposition="").count()


@transaction.atomic
def synthesis_approve(*, actor, draft: Draft, now: dt.datetime | None = None) -> Draft:
    """Approve the synthesis once every comment has its answer; the text then waits for adoption."""
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    if draft.state in (S.OPEN, S.CLOSED):
        _ensure_synthesis(draft, actor, now)
    _require_state(draft, "approve", S.SYNTHESIS)
    left = undisposed_count(draft)
    if left:
        raise BusinessError(MSG_UNDISPOSED.format(count=left), field="state")
    before = _before(draft)
    draft.state, draft.approved_at = S.APPROVED, now
    draft.save(update_fields=["state", "approved_at", "updated_at"])
    events.step_taken(actor=actor, draft=draft, event=E.SYNTHESIS_APPROVED, before=before)
    return draft


@transaction.atomic
def synthesis_reopen(*, actor, draft: Draft) -> Draft:
    draft = _lock(draft)
    _require_manage(actor, draft)
    _require_state(draft, "reopen", S.APPROVED)
    before = _before(draft)
    draft.state, draft.approved_at = S.SYNTHESIS, None
    draft.save(update_fields=["state", "approved_at", "updated_at"])
    events.step_taken(actor=actor, draft=draft, event=E.SYNTHESIS_REOPENED, before=before)
    return draft


@transaction.atomic
def draft_withdraw(*, actor, draft: Draft, reason: str, now: dt.datetime | None = None) -> Draft:
    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    if draft.state in (S.ADOPTED, S.WITHDRAWN):
        raise _wrong_state("withdraw", draft)
    reason = normalize_text(reason)[:500]
    if not reason:
        raise BusinessError(MSG_WITHDRAW_REASON, field="reason")
    before = _before(draft) | {"withdrawal_reason": draft.withdrawal_reason}
    draft.state, draft.withdrawn_at, draft.withdrawal_reason = S.WITHDRAWN, now, reason
    draft.save(update_fields=["state", "withdrawn_at", "withdrawal_reason", "updated_at"])
    events.step_taken(actor=actor, draft=draft, event=E.WITHDRAWN, before=before)
    return draft


@transaction.atomic
def draft_adopt(
    *,
    actor,
    draft: Draft,
    doc_type: str,
    issued_on: dt.date,
    summary: str,
    number_text: str = "",
    signer: str = "",
    now: dt.datetime | None = None,
    today: dt.date | None = None,
):
    """Adopt the approved text: it is rendered in the Party's format and entered in the documents register
    (numbered, with the file), and from then on it never changes. Returns the registered document."""
    from neuguong.documents.numbers import DocumentType
    from neuguong.documents.services import document_register, propose_number

    from .partydocs import adopted_text_docx

    now = _now(now)
    draft = _lock(draft)
    _require_manage(actor, draft)
    _require_state(draft, "adopt", S.APPROVED)
    allowed = DOCUMENT_TYPES_OF_KIND[draft.kind]
    if doc_type not in allowed:
        raise BusinessError(
            MSG_DOC_TYPE.format(
                kind=DraftKind(draft.kind).label.lower(),
                allowed=", ".join(DocumentType(t).label for t in allowed),
            ),
            field="doc_type",
        )
    summary = normalize_text(summary)
    if not summary:
        raise BusinessError(MSG_SUMMARY_REQUIRED, field="summary")
    signer = normalize_text(signer)[:128]
    today = today or local_today()
    # The number printed in the file is the one the register takes: proposed now when left empty (two
    # clerks taking it at once are told by the register's unique number).
    number_text = normalize_text(number_text) or propose_number(
        organization=draft.organization, doc_type=doc_type, issued_on=issued_on
    )
    data = adopted_text_docx(
        draft=draft,
        version=draft.current,
        doc_type=doc_type,
        number_text=number_text,
        issued_on=issued_on,
        summary=summary,
        signer=signer,
    )
    document = document_register(
        actor=actor,
        organization=draft.organization,
        doc_type=doc_type,
        issued_on=issued_on,
        summary=summary,
        number_text=number_text,
        signer=signer,
        file=ContentFile(data, name="van-ban-thong-qua.docx"),
        today=today,
    )
    before = _before(draft)
    draft.state, draft.adopted_at, draft.adopted_document = S.ADOPTED, now, document
    draft.save(update_fields=["state", "adopted_at", "adopted_document", "updated_at"])
    events.step_taken(
        actor=actor, draft=draft, event=E.ADOPTED, before=before, note=f"Số văn bản: {document.number_text}"
    )
    return document


# ------------------------------------------------------------------------------------------ after adoption
MSG_NOT_ADOPTED = "Chỉ chuyển thành chỉ tiêu, kế hoạch thực hiện sau khi văn bản đã được thông qua, vào sổ."
MSG_NOTHING_CHOSEN = "Chọn ít nhất một phần của văn bản để chuyển thành chỉ tiêu hoặc nhiệm vụ của kế hoạch."
MSG_SECTION_NOT_ADOPTED = "Phần «{label}» không thuộc văn bản đã thông qua."
MSG_SECTION_HAS_INDICATOR = "Phần «{label}» đã được chuyển thành chỉ tiêu {code}."
MSG_IN_SECTION = "«{label}»: {message}"


@dataclass
class Implemented:
    """What `adopted_implement` made: the indicators, and the plan (or None)."""

    indicators: list
    plan: Any  # a plans.Plan, or None


def _adopted_source(draft: Draft, label: str) -> str:
    """'Nghị quyết 01-NQ/ĐUK, I › 2. Chỉ tiêu › a) 100% cơ quan …' (the indicator's source, 255 at most)."""
    document = draft.adopted_document
    assert document is not None
    return f"{document.get_doc_type_display()} {document.number_text}, {label}"[:255]


def _item_number(section: Section, by_pk: dict[int, Section]) -> str:
    """The plan item's number from the article's: 'III.1' (the numbers above it too, so two '1.' differ);
    empty (numbered by the plan) when it would not fit the plan's form of numbers."""
    numbers = []
    node: Section | None = section
    while node is not None:
        if node.number:
            numbers.append(node.number.strip().rstrip(".)").strip())
        node = by_pk.get(node.parent_id or 0)
    number = ".".join(reversed([n for n in numbers if n]))
    allowed = set("0123456789.-–/ ()")
    return number if len(number) <= 24 and all(ch.isalpha() or ch in allowed for ch in number) else ""


def plan_items(sections: Sequence[Section], chosen: Iterable[Section]) -> list[dict]:
    """The chosen sections as the plan's items, nested as in the text (a chosen section inside another
    chosen one is its child item): number, title (the heading, or the first line), expected result (the
    words under the heading)."""
    by_pk = {s.pk: s for s in sections}
    chosen_ids = {s.pk for s in chosen}
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    for section in sections:
        if section.pk not in chosen_ids:
            continue
        first, _, rest = section.text.partition("\n")
        title = section.title or first
        spec = {
            "number": _item_number(section, by_pk),
            "title": title[:500],
            "expected_result": section.text if section.title else rest.strip(),
            "children": [],
        }
        ancestor = by_pk.get(section.parent_id or 0)
        while ancestor is not None and ancestor.pk not in chosen_ids:
            ancestor = by_pk.get(ancestor.parent_id or 0)
        (nodes[ancestor.pk]["children"] if ancestor is not None else roots).append(spec)
        nodes[section.pk] = spec
    return roots


@transaction.atomic
def adopted_implement(
    *,
    actor,
    draft: Draft,
    indicators: Sequence[dict] = (),
    plan: dict | None = None,
    today: dt.date | None = None,
) -> Implemented:
    """In one step, turn sections of the adopted text into indicators of the targets module (each keeps
    its article: `AdoptedIndicator`, and the indicator's source names the document and the section).

    `indicators`: dicts with `section` (a Section of the adopted version) and `indicator_create`'s
    `code`, `name`, `unit`, optional `direction`, `frequency`, `baseline`, `baseline_year`. A refusal of the
    targets module names the section it concerns and the form field `<field>_<section id>`; nothing is
    written unless everything is.

    `plan`: `title`, `starts_on`, `ends_on` and `sections` (of the adopted version): a plan of the plans
    module on the adopted document (`plan_create_from_document`: the plan's document is the adopted text,
    the link back), its items the chosen sections nested as in the text (`plan_items`). Its refusals name
    the form field `plan_<field>`. Returns what was made."""
    from neuguong.targets.services import indicator_create

    from .models import AdoptedIndicator
    from .selectors import full_labels

    draft = _lock(draft)
    _require_manage(actor, draft)
    if draft.state != S.ADOPTED or draft.adopted_document is None:
        raise BusinessError(MSG_NOT_ADOPTED, field="state")
    if not indicators and not (plan and plan.get("sections")):
        raise BusinessError(MSG_NOTHING_CHOSEN)
    version = draft.current
    labels = full_labels(list(version.sections.order_by("position", "pk")))
    taken = {
        link.section_id: link.indicator.code
        for link in AdoptedIndicator.objects.filter(draft=draft).select_related("indicator")
    }
    made = []
    for spec in indicators:
        values = dict(spec)
        section = values.pop("section")
        if section.version_id != version.pk:
            raise BusinessError(MSG_SECTION_NOT_ADOPTED.format(label=section.label), field="section")
        label = labels[section.pk]
        if section.pk in taken:
            raise BusinessError(
                MSG_SECTION_HAS_INDICATOR.format(label=label, code=taken[section.pk]),
                field=f"indicator_{section.pk}",
            )
        try:
            indicator = indicator_create(
                actor=actor,
                organization=draft.organization,
                source=_adopted_source(draft, label),
                **values,
            )
        except OutOfScope:
            raise
        except BusinessError as error:
            raise BusinessError(
                MSG_IN_SECTION.format(label=label, message=error.message),
                field=f"{error.field}_{section.pk}" if error.field else None,
            ) from error
        AdoptedIndicator.objects.create(
            draft=draft,
            section=section,
            indicator=indicator,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        taken[section.pk] = indicator.code
        made.append(indicator)
    made_plan = None
    if plan is not None and plan.get("sections"):
        made_plan = _plan_from_adopted(actor, draft, version, dict(plan), today)
    events.implemented(actor=actor, draft=draft, indicators=made, plan=made_plan)
    return Implemented(indicators=made, plan=made_plan)


def _plan_from_adopted(actor, draft: Draft, version: DraftVersion, values: dict, today: dt.date | None):
    from neuguong.plans.services import plan_create_from_document

    chosen = list(values.pop("sections"))
    for section in chosen:
        if section.version_id != version.pk:
            raise BusinessError(MSG_SECTION_NOT_ADOPTED.format(label=section.label), field="plan_sections")
    items = plan_items(list(version.sections.order_by("position", "pk")), chosen)
    try:
        return plan_create_from_document(
            actor=actor,
            document=draft.adopted_document,
            organization=draft.organization,
            items=items,
            today=today,
            **values,
        )
    except OutOfScope:
        raise
    except BusinessError as error:
        raise BusinessError(error.message, field=f"plan_{error.field}" if error.field else None) from error
