"""Plans for tests: a registered document opened for follow-up, written through the services (so every
invariant and event is what production writes)."""

import datetime as dt

from neuguong.documents.models import Document
from neuguong.plans import services
from neuguong.plans.models import Plan, PlanItem

START = dt.date(2026, 1, 1)
END = dt.date(2026, 12, 31)
TODAY = dt.date(2026, 6, 15)
_numbers = iter(range(100, 10_000))


def document(
    organization, *, doc_type: str = "plan", number: int | None = None, issued_on=dt.date(2025, 12, 20)
):
    abbreviation = {"plan": "KH", "program": "CTr", "project": "ĐA", "resolution": "NQ", "report": "BC"}[
        doc_type
    ]
    return Document.objects.create(
        organization=organization,
        doc_type=doc_type,
        number=number or next(_numbers),
        issuer=organization.abbreviation or "ĐUK",
        term_key=f"t{abbreviation}",
        issued_on=issued_on,
        summary=f"Kế hoạch thực hiện trách nhiệm nêu gương số {number or ''}".strip(),
    )


def make_plan(tree, *, applies_to=None, in_force: bool = True, organization=None, **values) -> Plan:
    organization = organization or tree.root
    plan = services.plan_create(
        actor=tree.staff,
        document=values.pop("document", None) or document(organization),
        title=values.pop("title", "Kế hoạch thực hiện trách nhiệm nêu gương"),
        organization=organization,
        applies_to=applies_to,
        starts_on=values.pop("starts_on", START),
        ends_on=values.pop("ends_on", END),
        today=TODAY,
        **values,
    )
    if in_force:
        if not plan.items.exists():
            make_item(tree, plan)
        plan = services.plan_put_in_force(actor=tree.staff, plan=plan, on=START, today=TODAY)
    return plan


def make_item(tree, plan: Plan, **values) -> PlanItem:
    values.setdefault("title", "Người đứng đầu nêu gương về đạo đức, lối sống")
    values.setdefault("lead_unit", plan.applies_to)
    values.setdefault("deadline", dt.date(2026, 9, 30))
    return services.plan_item_add(actor=tree.staff, plan=plan, today=TODAY, **values)
