"""The audit events of plans: each action declared once with its Vietnamese label, and one function per
business event writing the old and new values. The history on a plan's page reads them."""

from typing import Any

from django.db import models

from neuguong.audit.events import register
from neuguong.audit.models import AuditEvent
from neuguong.audit.services import audit_record, audit_update, snapshot


@register
class PlanEvent(models.TextChoices):
    CREATED = "plans.created", "Mở theo dõi thực hiện văn bản"
    UPDATED = "plans.updated", "Sửa thông tin kế hoạch"
    IN_FORCE = "plans.in_force", "Bắt đầu thực hiện"
    FINISHED = "plans.finished", "Kết thúc thực hiện"
    REPLACED = "plans.replaced", "Được thay thế bằng văn bản khác"
    ITEM_ADDED = "plans.item_added", "Thêm mục của kế hoạch"
    ITEM_UPDATED = "plans.item_updated", "Sửa mục của kế hoạch"
    ITEM_REMOVED = "plans.item_removed", "Bỏ mục của kế hoạch"


PLAN_FIELDS = ("document", "title", "organization", "applies_to", "owner", "starts_on", "ends_on", "parent")
ITEM_FIELDS = (
    "plan",
    "parent",
    "number",
    "title",
    "lead_unit",
    "starts_on",
    "deadline",
    "deadline_reason",
    "expected_result",
    "weight",
)


def _created(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: {"old": None, "new": value} for name, value in values.items() if value not in (None, "")}


def plan_created(*, actor, plan) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=PlanEvent.CREATED,
        target=plan,
        changes=_created(snapshot(plan, list(PLAN_FIELDS))),
    )


def plan_updated(*, actor, plan, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=plan, before=before, action=PlanEvent.UPDATED)


def plan_in_force(*, actor, plan, before: dict[str, Any]) -> AuditEvent | None:
    return audit_update(actor=actor, target=plan, before=before, action=PlanEvent.IN_FORCE)


def plan_closed(*, actor, plan, before: dict[str, Any], closing) -> AuditEvent | None:
    action = PlanEvent.REPLACED if plan.state == "replaced" else PlanEvent.FINISHED
    note = f"{closing.note[:400]} ({closing.open_count} nhiệm vụ chưa hoàn thành được ghi vào biên bản)"
    return audit_update(actor=actor, target=plan, before=before, action=action, note=note)


def _item_names(item) -> dict[str, dict[str, Any]]:
    changes = {}
    co_units = ", ".join(unit.name for unit in item.co_units.all())
    if co_units:
        changes["co_units"] = {"old": None, "new": co_units}
    indicators = ", ".join(str(indicator) for indicator in item.indicators.all())
    if indicators:
        changes["indicators"] = {"old": None, "new": indicators}
    return changes


def item_added(*, actor, item) -> AuditEvent:
    changes = _created(snapshot(item, list(ITEM_FIELDS))) | _item_names(item)
    return audit_record(actor=actor, action=PlanEvent.ITEM_ADDED, target=item, changes=changes)


def item_updated(*, actor, item, before: dict[str, Any], before_names: dict[str, str]) -> AuditEvent | None:
    changes = {
        name: {"old": before[name], "new": value}
        for name, value in snapshot(item, list(before)).items()
        if value != before[name]
    }
    for name, change in _item_names(item).items():
        if change["new"] != before_names.get(name):
            changes[name] = {"old": before_names.get(name) or None, "new": change["new"]}
    for name, old in before_names.items():
        if old and name not in _item_names(item):
            changes[name] = {"old": old, "new": None}
    if not changes:
        return None
    return audit_record(actor=actor, action=PlanEvent.ITEM_UPDATED, target=item, changes=changes)


def item_names(item) -> dict[str, str]:
    """The co-operating units and indicators of an item as the history reads them (before a change)."""
    return {name: change["new"] for name, change in _item_names(item).items()}


def item_removed(*, actor, item) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=PlanEvent.ITEM_REMOVED,
        target=item.plan,
        changes={"item": {"old": str(item), "new": None}},
        note=f"Bỏ mục «{item}»",
    )
