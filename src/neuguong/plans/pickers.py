"""Pickers of the plans module (ask for names, never ids):
- "plan_item": an item of a plan in force, shown with its plan's number ("165-KH/ĐUK ngày 31/10/2019");
  `for=<organisation code>` keeps the plans that apply to that organisation (what a commitment of its
  board may serve); `state=any` also offers plans not (or no longer) in force.
- "plan_document": a registered document that can be opened for follow-up (kế hoạch, chương trình, đề
  án, nghị quyết, chỉ thị, kết luận) and is not yet.
- "plan": a plan, by its number or title (a parent plan, the plan that replaces another).
- "study_campaign": a study campaign the user organises (to say which item it carries out).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q

from neuguong.core.pickers import MAX_OPTIONS, PickerOption, register_picker
from neuguong.core.text import search_key, without_nul
from neuguong.organizations.models import Organization, path_ids

from .models import PLAN_DOCUMENT_TYPES, Plan, PlanItem, PlanState


def _words(query: str) -> tuple[str, str]:
    """(folded key, the query as typed, for numbers such as '165-KH' or 'II.3')."""
    return search_key(query), without_nul(query).strip()[:64]


def plan_item_options(items: Iterable[Any]) -> list[PickerOption]:
    """Labels of plan items (the picker's `labels`: whatever the form holds, plan items here)."""
    items = list(items)
    plans = {
        p.pk: p for p in Plan.objects.filter(pk__in={i.plan_id for i in items}).select_related("document")
    }
    return [
        PickerOption(
            str(item.pk),
            f"{plans[item.plan_id].document.number_text} — {item.label}",
            f"{plans[item.plan_id].reference}: {plans[item.plan_id].title}",
        )
        for item in items
    ]


def search_plan_items(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    plans = Plan.objects.visible_to(user)
    if params.get("for"):
        organization = (
            Organization.objects.visible_to(user).filter(code=without_nul(params["for"])[:32]).first()
        )
        if organization is None:
            return []
        # The plan applies to the organisation: its subtree's root is the organisation or one above it.
        plans = plans.filter(applies_to_id__in=path_ids(organization.path))
    if params.get("plan", "").isdigit():
        plans = plans.filter(pk=int(params["plan"]))
    if params.get("state") != "any":
        plans = plans.filter(state=PlanState.IN_FORCE)
    key, typed = _words(query)
    found = (
        PlanItem.objects.filter(plan__in=plans.values("pk"))
        .filter(
            Q(title_folded__contains=key)
            | Q(number__iexact=typed)
            | Q(plan__document__number_text__icontains=typed)
            | Q(plan__title_folded__contains=key)
        )
        .order_by("-plan__starts_on", "plan_id", "position", "id")[: MAX_OPTIONS + 1]
    )
    return plan_item_options(found)


def _document_options(documents: Iterable) -> list[PickerOption]:
    return [
        PickerOption(
            str(d.pk),
            f"{d.number_text} ngày {d.issued_on:%d/%m/%Y}",
            f"{d.get_doc_type_display()}: {d.summary}",
        )
        for d in documents
    ]


def search_plan_documents(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    from neuguong.documents.models import Document

    key, typed = _words(query)
    found = (
        Document.objects.visible_to(user)
        .filter(doc_type__in=PLAN_DOCUMENT_TYPES, plan__isnull=True)
        .filter(Q(summary_folded__contains=key) | Q(number_text__icontains=typed))
        .order_by("-issued_on", "-id")[: MAX_OPTIONS + 1]
    )
    return _document_options(found)


def plan_options(plans: Iterable[Any]) -> list[PickerOption]:
    plans = list(plans)
    documents = {
        p.pk: p.document for p in Plan.objects.filter(pk__in=[p.pk for p in plans]).select_related("document")
    }
    return [
        PickerOption(str(p.pk), documents[p.pk].number_text, f"{p.title} ({p.get_state_display().lower()})")
        for p in plans
    ]


def search_plans(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    qs = Plan.objects.visible_to(user)
    if params.get("open"):
        qs = qs.exclude(state__in=(PlanState.FINISHED, PlanState.REPLACED))
    if params.get("not", "").isdigit():
        qs = qs.exclude(pk=int(params["not"]))
    return plan_options(qs.search(query).order_by("-starts_on", "-id")[: MAX_OPTIONS + 1])


def campaign_options(campaigns: Iterable) -> list[PickerOption]:
    return [
        PickerOption(str(c.pk), c.title, f"{c.organizer.name} · {c.get_level_display()}") for c in campaigns
    ]


def search_campaigns(user, query: str, params: dict[str, str]) -> list[PickerOption]:
    from neuguong.access.scope import scope_for
    from neuguong.study.models import Campaign

    key, _ = _words(query)
    found = (
        Campaign.objects.filter(scope_for(user).write_q("organizer__path"))
        .filter(title__icontains=query.strip()[:100])
        .select_related("organizer")
        .order_by("-created_at", "-id")[: MAX_OPTIONS + 1]
        if key
        else []
    )
    return campaign_options(found)


def register() -> None:
    register_picker(
        "plan_item",
        search=search_plan_items,
        labels=plan_item_options,
        placeholder="Gõ số kế hoạch hoặc nội dung mục, ví dụ: 165-KH, II.3…",
    )
    register_picker(
        "plan_document",
        search=search_plan_documents,
        labels=_document_options,
        placeholder="Gõ số, ký hiệu hoặc trích yếu văn bản, ví dụ: 165-KH…",
    )
    register_picker("plan", search=search_plans, labels=plan_options, placeholder="Gõ số hoặc tên kế hoạch…")
    register_picker(
        "study_campaign",
        search=search_campaigns,
        labels=campaign_options,
        placeholder="Gõ tên đợt học tập…",
    )
