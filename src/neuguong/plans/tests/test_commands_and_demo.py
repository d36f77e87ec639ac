"""The one-off linking of free-text sources, the pickers, and the demo data."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from neuguong.commitments.tests.factories import CommitmentFactory
from neuguong.plans.models import Plan

from .factories import document, make_item, make_plan

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("link_plan_sources", *args, stdout=out)
    return out.getvalue()


def test_link_plan_sources_proposes_then_links_and_keeps_the_text(tree):
    plan = make_plan(tree, document=document(tree.root, number=165))
    item = make_item(tree, plan, number="II.3")
    named = CommitmentFactory(
        responsible_person=tree.person_a, source_kind="document", source_note="KH 165-KH/ĐUK, mục II.3"
    )
    only_document = CommitmentFactory(
        responsible_person=tree.person_b, source_kind="other", source_note="Theo 165-KH/ĐUK"
    )
    unknown = CommitmentFactory(responsible_person=tree.person_b, source_note="Theo 77-KH/ĐUK, mục 1")
    untouched = CommitmentFactory(responsible_person=tree.person_b, source_note="Chỉ đạo miệng của Bí thư")
    output = _run()
    assert f"#{named.pk}" in output and item.label in output
    assert f"#{only_document.pk}" in output and "77-KH/ĐUK: chưa có văn bản này trong sổ văn bản" in output
    assert f"#{untouched.pk}" not in output
    assert "Chưa ghi gì (chạy thử)" in output
    named.refresh_from_db()
    assert named.plan_item_id is None  # a dry run writes nothing
    _run("--apply")
    named.refresh_from_db()
    only_document.refresh_from_db()
    unknown.refresh_from_db()
    assert named.plan_item == item and named.source == plan.document
    assert named.source_note == "KH 165-KH/ĐUK, mục II.3"
    assert only_document.plan_item_id is None and only_document.source == plan.document
    assert only_document.source_kind == "document"
    assert unknown.source_type_id is None
    # Run again: nothing left to propose for what was linked.
    assert f"#{named.pk}" not in _run()


def test_link_plan_sources_does_not_link_a_plan_that_does_not_apply(tree):
    plan = make_plan(
        tree, organization=tree.org_a, applies_to=tree.org_a, document=document(tree.org_a, number=9)
    )
    make_item(tree, plan, number="2")
    stranger = CommitmentFactory(
        responsible_person=tree.person_b, source_note=f"Theo {plan.document.number_text}, mục 2"
    )
    _run("--apply")
    stranger.refresh_from_db()
    assert stranger.plan_item_id is None


def test_the_plan_item_picker_offers_items_of_plans_that_apply(tree, login):
    bloc = make_plan(tree)
    own = make_plan(tree, organization=tree.org_a, applies_to=tree.org_a, document=document(tree.org_a))
    make_item(tree, bloc, title="Đối thoại với cán bộ")
    make_item(tree, own, title="Đối thoại trong Sở")
    client = login(tree.staff)
    for_b = client.get("/chon/plan_item/?q=doi thoai&for=B").content.decode()
    assert "Đối thoại với cán bộ" in for_b and "Đối thoại trong Sở" not in for_b
    for_a = client.get("/chon/plan_item/?q=DOI THOAI&for=A").content.decode()
    assert "Đối thoại với cán bộ" in for_a and "Đối thoại trong Sở" in for_a
    assert bloc.document.number_text in for_a
    outsider = login(tree.secretary_b).get("/chon/plan_item/?q=doi thoai").content.decode()
    assert "Đối thoại trong Sở" not in outsider


def test_the_demo_opens_the_articles_plans(tree):
    from neuguong.plans.demo import seed_plans

    made = seed_plans(root=tree.root, size="tiny", log=lambda line: None)
    plans = {p.document.number_text: p for p in Plan.objects.select_related("document")}
    plan_165 = plans["165-KH/ĐUK"]
    assert plan_165.document.issued_on == dt.date(2019, 10, 31) and plan_165.state == "in_force"
    assert plan_165.items.count() == 7
    resolution = plans["01-NQ/ĐUK"]
    assert resolution.children.count() == 7
    project = plans["01-ĐA/ĐUK"]
    assert project.parent == resolution and project.items.count() == 5
    assert made > 0 and plan_165.items.filter(commitments__isnull=False).exists()
