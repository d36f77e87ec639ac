"""Changes to the organisation tree. Each is made by a decision with a date and is kept in history."""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from neuguong.access.scope import scope_for
from neuguong.audit.services import snapshot
from neuguong.core.dates import check_date
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.core.text import normalize_code, normalize_text

from . import events
from .models import DecisionKind, Organization, OrgKind, StructureDecision
from .signals import organization_moved

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MSG_CODE_TAKEN = "Mã tổ chức «{code}» đã được dùng."
MSG_CODE_INVALID = "Mã tổ chức chỉ gồm chữ không dấu, số, dấu gạch ngang hoặc gạch dưới (tối đa 32 ký tự)."
MSG_NAME_REQUIRED = "Tên tổ chức không được để trống."
MSG_NO_RIGHT = "Bạn không có quyền thay đổi cơ cấu tổ chức ở đây."
MSG_ROOT_EXISTS = "Chỉ có một tổ chức gốc (Đảng bộ cấp trên cơ sở) trong mỗi hệ thống."
MSG_PARENT_REQUIRED = "Phải chọn tổ chức cấp trên."
MSG_MOVE_INTO_SELF = "Không thể chuyển một tổ chức vào chính nó hoặc tổ chức cấp dưới của nó."
MSG_DISSOLVED = "Tổ chức «{name}» đã giải thể hoặc sáp nhập."
MSG_MERGE_SELF = "Không thể sáp nhập một tổ chức vào chính nó."
MSG_DISSOLVE_NOT_EMPTY = (
    "Không thể giải thể «{name}»: còn {children} tổ chức trực thuộc và {people} đảng viên đang sinh hoạt. "
    "Hãy chuyển hoặc sáp nhập trước."
)

_ALLOWED_CODE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


def _check_code(code: str) -> str:
    code = normalize_code(code or "")
    if not code or len(code) > 32 or not set(code) <= _ALLOWED_CODE:
        raise BusinessError(MSG_CODE_INVALID, field="code")
    if Organization.objects.filter(code__iexact=code).exists():
        raise BusinessError(MSG_CODE_TAKEN.format(code=code), field="code")
    return code


def _require_structure_right(actor: "User", organization: Organization | None) -> None:
    scope = scope_for(actor)
    if organization is None:
        if not scope.is_global:
            raise OutOfScope(MSG_NO_RIGHT)
        return
    if not scope.can_change_structure(organization.path):
        raise OutOfScope(MSG_NO_RIGHT)


def _require_active(organization: Organization) -> None:
    if not organization.is_active:
        raise BusinessError(MSG_DISSOLVED.format(name=organization.name))


def _decide(actor: "User", organization, kind, decided_on, decision_number, **details) -> StructureDecision:
    check_date(decided_on, field="decided_on", label="Ngày quyết định")
    return StructureDecision.objects.create(
        organization=organization,
        kind=kind,
        decided_on=decided_on,
        decision_number=decision_number or "",
        details=details,
        actor=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def organization_create(
    *,
    actor: "User",
    code: str,
    name: str,
    kind: str,
    parent: Organization | None,
    decided_on: dt.date,
    decision_number: str = "",
    abbreviation: str = "",
    superior_body: str = "",
    has_branch_committee: bool = False,
    check_rights: bool = True,
) -> Organization:
    """Create an organisation under `parent` (or the root when parent is None)."""
    if check_rights:
        _require_structure_right(actor, parent)
    name = normalize_text(name)
    if not name:
        raise BusinessError(MSG_NAME_REQUIRED, field="name")
    code = _check_code(code)
    if parent is None:
        if kind != OrgKind.SUPERIOR:
            raise BusinessError(MSG_PARENT_REQUIRED, field="parent")
        if Organization.objects.filter(parent__isnull=True).exists():
            raise BusinessError(MSG_ROOT_EXISTS, field="parent")
    else:
        _require_active(parent)
    organization = Organization.objects.create(
        code=code,
        name=name,
        kind=kind,
        parent=parent,
        abbreviation=abbreviation,
        superior_body=superior_body,
        has_branch_committee=has_branch_committee,
    )
    organization.path = f"{parent.path if parent else '/'}{organization.pk}/"
    organization.depth = parent.depth + 1 if parent else 0
    organization.save(update_fields=["path", "depth"])
    _decide(actor, organization, DecisionKind.CREATE, decided_on, decision_number)
    events.organization_created(actor=actor, organization=organization)
    return organization


@transaction.atomic
def organization_update(
    *,
    actor: "User",
    organization: Organization,
    decided_on: dt.date | None = None,
    decision_number: str = "",
    **fields,
) -> Organization:
    """Rename or edit descriptive fields; a rename is a structural decision kept in history."""
    _require_structure_right(actor, organization)
    _require_active(organization)
    before = snapshot(organization, ["name", "abbreviation", "superior_body", "kind", "has_branch_committee"])
    for name, value in fields.items():
        if name not in before:
            raise ValueError(f"not an editable field: {name}")
        setattr(organization, name, value)
    if not normalize_text(organization.name):
        raise BusinessError(MSG_NAME_REQUIRED, field="name")
    organization.save()
    if before["name"] != organization.name:
        _decide(
            actor,
            organization,
            DecisionKind.RENAME,
            decided_on or dt.date.today(),
            decision_number,
            old_name=before["name"],
            new_name=organization.name,
        )
    events.organization_updated(actor=actor, organization=organization, before=before)
    return organization


def _repath_subtree(organization: Organization, new_parent: Organization) -> None:
    """Rewrite the paths of a subtree in one UPDATE (no per-row work, whatever its size)."""
    old_prefix = organization.path
    new_prefix = f"{new_parent.path}{organization.pk}/"
    depth_shift = new_parent.depth + 1 - organization.depth
    Organization.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", Length(Value(old_prefix)) + 1)),
        depth=F("depth") + depth_shift,
        updated_at=timezone.now(),  # bulk updates skip auto_now; caches keyed on the tree read it
    )


@transaction.atomic
def organization_move(
    *,
    actor: "User",
    organization: Organization,
    new_parent: Organization,
    decided_on: dt.date,
    decision_number: str = "",
) -> Organization:
    """Put an organisation (and its whole subtree) under another parent."""
    _require_structure_right(actor, organization)
    _require_structure_right(actor, new_parent)
    _require_active(organization)
    _require_active(new_parent)
    if new_parent.path.startswith(organization.path):
        raise BusinessError(MSG_MOVE_INTO_SELF, field="new_parent")
    old_parent = organization.parent
    old_path = organization.path
    _repath_subtree(organization, new_parent)
    Organization.objects.filter(pk=organization.pk).update(parent=new_parent, updated_at=timezone.now())
    organization.refresh_from_db()
    organization_moved.send(
        sender=Organization, organization_id=organization.pk, old_path=old_path, new_path=organization.path
    )
    _decide(
        actor,
        organization,
        DecisionKind.MOVE,
        decided_on,
        decision_number,
        old_parent=old_parent.code if old_parent else None,
        new_parent=new_parent.code,
    )
    events.organization_moved(
        actor=actor, organization=organization, old_parent=old_parent, new_parent=new_parent
    )
    return organization


@transaction.atomic
def organization_merge(
    *,
    actor: "User",
    source: Organization,
    target: Organization,
    decided_on: dt.date,
    decision_number: str = "",
) -> Organization:
    """Merge `source` into `target`: children and members move to the target; the source is kept, closed."""
    from neuguong.people.services import person_transfer_all

    _require_structure_right(actor, source)
    _require_structure_right(actor, target)
    _require_active(source)
    _require_active(target)
    if source.pk == target.pk:
        raise BusinessError(MSG_MERGE_SELF, field="target")
    if target.path.startswith(source.path):
        raise BusinessError(MSG_MOVE_INTO_SELF, field="target")
    for child in list(source.children.active()):
        organization_move(
            actor=actor,
            organization=child,
            new_parent=target,
            decided_on=decided_on,
            decision_number=decision_number,
        )
    moved = person_transfer_all(
        actor=actor, source=source, target=target, moved_on=decided_on, note=f"Sáp nhập vào {target.name}"
    )
    Organization.objects.filter(pk=source.pk).update(
        dissolved_on=decided_on, merged_into=target, updated_at=timezone.now()
    )
    source.refresh_from_db()
    _decide(
        actor, source, DecisionKind.MERGE, decided_on, decision_number, target=target.code, people_moved=moved
    )
    events.organization_merged(actor=actor, source=source, target=target)
    return target


@transaction.atomic
def organization_dissolve(
    *, actor: "User", organization: Organization, decided_on: dt.date, decision_number: str = ""
) -> Organization:
    """Close an empty organisation. Its records stay and remain readable in history."""
    from neuguong.people.models import ACTIVE_MEMBER_STATUSES

    _require_structure_right(actor, organization)
    _require_active(organization)
    children = organization.children.active().count()
    people = organization.people.filter(status__in=ACTIVE_MEMBER_STATUSES).count()
    if children or people:
        raise BusinessError(
            MSG_DISSOLVE_NOT_EMPTY.format(name=organization.name, children=children, people=people)
        )
    Organization.objects.filter(pk=organization.pk).update(dissolved_on=decided_on, updated_at=timezone.now())
    organization.refresh_from_db()
    _decide(actor, organization, DecisionKind.DISSOLVE, decided_on, decision_number)
    events.organization_dissolved(actor=actor, organization=organization, dissolved_on=decided_on)
    return organization
