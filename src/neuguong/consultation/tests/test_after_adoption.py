"""After adoption (issue 17, point 5): the adopted text's targets become indicators of the targets module in
one step, each keeping the article it came from; refusals name the section and write nothing."""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from neuguong.audit.models import AuditEvent
from neuguong.consultation import services
from neuguong.consultation.models import AdoptedIndicator
from neuguong.consultation.selectors import adopted_rows
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.documents.numbers import DocumentType
from neuguong.targets.models import Direction, Frequency, Indicator

from .factories import AFTER, open_draft, section

pytestmark = pytest.mark.django_db

# The plan part needs the plans module (issue 14), landing on main beside this one.
needs_plans = pytest.mark.skipif(
    not apps.is_installed("neuguong.plans"), reason="the plans module is not installed yet"
)


def _adopted(tree):
    draft = open_draft(tree)
    services.synthesis_approve(actor=tree.staff, draft=draft, now=AFTER)
    services.draft_adopt(
        actor=tree.staff,
        draft=draft,
        doc_type=DocumentType.RESOLUTION,
        issued_on=dt.date(2021, 4, 20),
        summary="Về tăng cường sự lãnh đạo của Đảng đối với công tác cải cách hành chính",
        today=dt.date(2021, 4, 20),
        now=AFTER,
    )
    draft.refresh_from_db()
    return draft


def _spec(draft, start: str, code: str, **extra):
    return {"section": section(draft, start), "code": code, "name": f"Chỉ tiêu {code}", "unit": "%", **extra}


def test_the_points_under_the_targets_heading_are_suggested_and_the_tasks_recognised(tree):
    draft = _adopted(tree)
    rows = {row.section.label: row for row in adopted_rows(draft)}
    targets = [label for label, row in rows.items() if row.target]
    tasks = [label for label, row in rows.items() if row.task]
    assert targets == [
        "a) 100% cơ quan có kế hoạch cải cách hành chính hằng năm.",
        "b) Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên.",
    ]
    assert tasks == [
        "1. Nâng cao nhận thức của cấp ủy, người đứng đầu",
        "2. Đẩy mạnh ứng dụng công nghệ thông tin",
    ]
    assert rows[targets[0]].unit == "%"
    assert rows[targets[0]].label == "II › 2 › a) 100% cơ quan có kế hoạch cải cách hành chính hằng năm."


def test_targets_become_indicators_keeping_their_article(tree):
    draft = _adopted(tree)
    made = services.adopted_implement(
        actor=tree.staff,
        draft=draft,
        indicators=[
            _spec(draft, "a)", "01-NQ.1", frequency=Frequency.YEARLY),
            _spec(draft, "b)", "01-NQ.2", direction=Direction.HIGHER),
        ],
    )
    assert [i.code for i in made.indicators] == ["01-NQ.1", "01-NQ.2"] and made.plan is None
    first = Indicator.objects.get(code="01-NQ.1")
    assert first.organization == tree.root and first.frequency == Frequency.YEARLY
    assert first.source == (
        "Nghị quyết 01-NQ/ĐUK, II › 2 › a) 100% cơ quan có kế hoạch cải cách hành chính hằng năm."
    )
    link = AdoptedIndicator.objects.get(indicator=first)
    assert link.draft == draft and link.section == section(draft, "a)") and link.created_by == tree.staff
    assert first.adopted_from.draft.adopted_document == draft.adopted_document
    event = AuditEvent.objects.for_object(draft).get(action="consultation.implemented")
    assert "01-NQ.1" in event.changes["indicators"]["new"]
    # A section made once is not made twice.
    with pytest.raises(BusinessError) as error:
        services.adopted_implement(actor=tree.staff, draft=draft, indicators=[_spec(draft, "a)", "X")])
    assert error.value.message == services.MSG_SECTION_HAS_INDICATOR.format(
        label="II › 2 › a) 100% cơ quan có kế hoạch cải cách hành chính hằng năm.", code="01-NQ.1"
    )
    assert Indicator.objects.count() == 2


def test_a_refusal_names_the_section_and_writes_nothing(tree):
    draft = _adopted(tree)
    with pytest.raises(BusinessError) as error:
        services.adopted_implement(
            actor=tree.staff,
            draft=draft,
            indicators=[_spec(draft, "a)", "K1"), _spec(draft, "b)", "K1")],
        )
    assert error.value.message == (
        "«II › 2 › b) Tỷ lệ hồ sơ giải quyết đúng hạn đạt từ 98% trở lên.»: Mã chỉ tiêu «K1» đã có."
    )
    assert error.value.field == f"code_{section(draft, 'b)').pk}"
    with pytest.raises(BusinessError) as error:
        services.adopted_implement(
            actor=tree.staff, draft=draft, indicators=[_spec(draft, "a)", "K2", unit=" ")]
        )
    assert error.value.field == f"unit_{section(draft, 'a)').pk}"
    assert not Indicator.objects.exists() and not AdoptedIndicator.objects.exists()
    with pytest.raises(BusinessError) as error:
        services.adopted_implement(actor=tree.staff, draft=draft, indicators=[])
    assert error.value.message == services.MSG_NOTHING_CHOSEN


def test_only_an_adopted_text_and_only_its_committee(tree):
    draft = open_draft(tree)
    with pytest.raises(BusinessError) as error:
        services.adopted_implement(actor=tree.staff, draft=draft, indicators=[_spec(draft, "a)", "K1")])
    assert error.value.message == services.MSG_NOT_ADOPTED
    draft = _adopted(tree)
    with pytest.raises(OutOfScope):
        services.adopted_implement(actor=tree.secretary_a, draft=draft, indicators=[_spec(draft, "a)", "K1")])
    assert not Indicator.objects.exists()


def test_the_page_suggests_the_targets_and_makes_them_in_one_step(tree, client):
    draft = _adopted(tree)
    url = reverse("consultation:implement", args=[draft.pk])
    client.force_login(tree.secretary_a)
    assert client.get(url).status_code == 404
    client.force_login(tree.staff)
    detail = client.get(reverse("consultation:detail", args=[draft.pk])).content.decode()
    assert url in detail
    page = client.get(url)
    form = page.context["form"]
    a, b = section(draft, "a)"), section(draft, "b)")
    assert form[f"indicator_{a.pk}"].initial is True and form[f"code_{a.pk}"].initial == "01-NQ.1"
    assert form[f"code_{b.pk}"].initial == "01-NQ.2" and form[f"unit_{b.pk}"].initial == "%"
    data = {"frequency": Frequency.YEARLY}
    for row in form.rows:
        pk = row.section.pk
        data |= {
            f"code_{pk}": form[f"code_{pk}"].initial,
            f"name_{pk}": form[f"name_{pk}"].initial,
            f"unit_{pk}": form[f"unit_{pk}"].initial,
            f"direction_{pk}": Direction.HIGHER,
        }
    # The unit left empty: the refusal is next to that row's field, nothing made.
    refused = client.post(url, data | {f"indicator_{a.pk}": "on", f"unit_{a.pk}": ""})
    assert refused.status_code == 200
    assert refused.context["form"].errors[f"unit_{a.pk}"] == [
        "«II › 2 › a) 100% cơ quan có kế hoạch cải cách hành chính hằng năm.»: "
        "Trường «Đơn vị tính» không được để trống."
    ]
    assert not Indicator.objects.exists()
    done = client.post(url, data | {f"indicator_{a.pk}": "on", f"indicator_{b.pk}": "on"}, follow=True)
    assert "Đã chuyển 2 phần của văn bản 01-NQ/ĐUK thành chỉ tiêu: 01-NQ.1, 01-NQ.2." in done.content.decode()
    assert set(Indicator.objects.values_list("code", flat=True)) == {"01-NQ.1", "01-NQ.2"}
    assert [row.section for row in done.context["made"]] == [a, b]
    assert f"indicator_{a.pk}" not in done.context["form"].fields
    if not apps.is_installed("neuguong.plans"):
        assert not done.context["form"].with_plan
        return
    # The tasks: a plan on the adopted document, from the same page.
    form = client.get(url).context["form"]
    assert form["plan_title"].initial.startswith("Kế hoạch thực hiện Nghị quyết số 01-NQ/ĐUK")
    tasks = [row.section for row in adopted_rows(draft) if row.task]
    assert all(form[f"task_{s.pk}"].initial for s in tasks)
    start = form["plan_starts_on"].initial
    planned = client.post(
        url,
        {
            "frequency": Frequency.YEARLY,
            "plan_title": "Kế hoạch thực hiện Nghị quyết 01-NQ/ĐUK",
            "plan_starts_on": start.isoformat(),
            "plan_ends_on": start.replace(year=start.year + 1).isoformat(),
        }
        | {f"task_{s.pk}": "on" for s in tasks},
        follow=True,
    )
    assert "Đã lập kế hoạch «Kế hoạch thực hiện Nghị quyết 01-NQ/ĐUK» với 2 mục từ văn bản." in (
        planned.content.decode()
    )
    assert planned.context["plan"].document == draft.adopted_document
    assert not planned.context["form"].with_plan


def _plan(draft, *starts, **extra):
    return {
        "title": "Kế hoạch thực hiện Nghị quyết 01-NQ/ĐUK",
        "starts_on": dt.date(2021, 5, 1),
        "ends_on": dt.date(2025, 12, 31),
        "sections": [section(draft, start) for start in starts],
        **extra,
    }


@needs_plans
def test_the_tasks_become_a_plan_on_the_adopted_document_in_the_same_step(tree):
    from neuguong.plans.models import Plan

    draft = _adopted(tree)
    made = services.adopted_implement(
        actor=tree.staff,
        draft=draft,
        indicators=[_spec(draft, "a)", "K1")],
        plan=_plan(draft, "1. Nâng cao", "2. Đẩy mạnh"),
        today=dt.date(2021, 5, 1),
    )
    plan = Plan.objects.get()
    assert made.plan == plan and plan.document == draft.adopted_document  # the link back
    assert plan.organization == tree.root and plan.title == "Kế hoạch thực hiện Nghị quyết 01-NQ/ĐUK"
    items = list(plan.items.order_by("position"))
    assert [(i.number, i.title, i.deadline) for i in items] == [
        ("III.1", "Nâng cao nhận thức của cấp ủy, người đứng đầu", dt.date(2025, 12, 31)),
        ("III.2", "Đẩy mạnh ứng dụng công nghệ thông tin", dt.date(2025, 12, 31)),
    ]
    assert all(i.lead_unit == tree.root for i in items)
    event = AuditEvent.objects.for_object(draft).get(action="consultation.implemented")
    assert event.changes["plan"]["new"] == str(plan) and "K1" in event.changes["indicators"]["new"]
    # The document has its plan: a second one is refused, next to the plan's fields, nothing written.
    with pytest.raises(BusinessError) as error:
        services.adopted_implement(
            actor=tree.staff,
            draft=draft,
            indicators=[_spec(draft, "b)", "K2")],
            plan=_plan(draft, "1. Nâng cao"),
            today=dt.date(2021, 5, 1),
        )
    assert error.value.field == "plan_document" and "01-NQ/ĐUK" in error.value.message
    assert Indicator.objects.count() == 1 and Plan.objects.count() == 1


@needs_plans
def test_a_plan_refused_writes_no_indicator_either(tree):
    from neuguong.plans.models import Plan

    draft = _adopted(tree)
    with pytest.raises(BusinessError) as error:
        services.adopted_implement(
            actor=tree.staff,
            draft=draft,
            indicators=[_spec(draft, "a)", "K1")],
            plan=_plan(draft, "1. Nâng cao", ends_on=dt.date(2021, 4, 1)),
            today=dt.date(2021, 5, 1),
        )
    assert error.value.field == "plan_ends_on"
    assert not Indicator.objects.exists() and not Plan.objects.exists()


def test_chosen_sections_nest_as_in_the_text(tree):
    draft = _adopted(tree)
    sections = list(draft.current.sections.order_by("position"))
    items = services.plan_items(sections, [section(draft, "III."), section(draft, "2. Đẩy mạnh")])
    assert items == [
        {
            "number": "III",
            "title": "NHIỆM VỤ, GIẢI PHÁP",
            "expected_result": "",
            "children": [
                {
                    "number": "III.2",
                    "title": "Đẩy mạnh ứng dụng công nghệ thông tin",
                    "expected_result": "",
                    "children": [],
                }
            ],
        }
    ]
