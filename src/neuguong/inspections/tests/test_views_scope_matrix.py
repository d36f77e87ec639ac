"""Every inspection page, for every role inside and outside the subtree, GET and POST: what a user may not
reach answers 404 exactly like a missing record (never 403, never a message that reveals it), and the same
addresses answer the insiders, so the 404s are not an accident of a wrong URL."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.core.dates import local_today
from neuguong.core.tests.factories import PersonFactory
from neuguong.inspections import services
from neuguong.inspections.models import InspectionState, Program, ProgramBody, StepKind
from neuguong.organizations.forms import MSG_ORGANIZATION_NOT_FOUND

from .factories import advance, make_inspection, make_program, pdf

pytestmark = pytest.mark.django_db


def _concluded(tree, *, program, subjects):
    """An item at the 'conclusion issued' stage with a recommendation, a finding and documents."""
    inspection = make_inspection(tree, program=program, subjects=subjects)
    advance(tree, inspection, InspectionState.EXAMINING)
    services.recommendation_add(
        actor=tree.staff,
        inspection=inspection,
        text="Khắc phục hạn chế",
        deadline=local_today() + dt.timedelta(days=30),
        lead_unit=subjects[0],
    )
    advance(tree, inspection, InspectionState.CONCLUDED)
    return inspection


def _pages(inspection) -> dict[str, str]:
    """Every address that concerns one inspection (and its program)."""
    decision = inspection.steps.get(kind=StepKind.DECISION)
    document = decision.documents.get()
    recommendation = inspection.recommendations.get()
    args = [inspection.pk]
    return {
        "detail": reverse("inspections:detail", args=args),
        "program": reverse("inspections:program", args=[inspection.program_id]),
        "create": reverse("inspections:create", args=[inspection.program_id]),
        "action": reverse("inspections:action", args=[inspection.pk, "notify_conclusion"]),
        "edit": reverse("inspections:edit", args=args),
        "team": reverse("inspections:team", args=args),
        "content_link": reverse("inspections:content_link", args=args),
        "working_note": reverse("inspections:working_note", args=args),
        "finding_add": reverse("inspections:finding_add", args=args),
        "breach_add": reverse("inspections:breach_add", args=args),
        "recommendation_add": reverse("inspections:recommendation_add", args=args),
        "carry_over": reverse(
            "inspections:recommendation_carry_over", args=[inspection.pk, recommendation.pk]
        ),
        "party_document": reverse("inspections:party_document", args=[inspection.pk, "quyet-dinh"]),
        "document_add": reverse("inspections:document_add", args=[inspection.pk, decision.pk]),
        "document": reverse("inspections:document", args=[inspection.pk, document.pk]),
        "document_delete": reverse("inspections:document_delete", args=[inspection.pk, document.pk]),
    }


POST_ONLY = {"document_delete"}


@pytest.fixture
def matrix(tree):
    """Two inspections in two subtrees:
    - `root_item`: the bloc committee's program inspects chi bộ B (org_b);
    - `a_item`: org A's own committee's program inspects its chi bộ A1 (branch_a)."""
    root_item = _concluded(tree, program=make_program(tree), subjects=[tree.org_b])
    a_program = Program.objects.create(
        organization=tree.org_a, body=ProgramBody.COMMITTEE, year=local_today().year, title="Chương trình A"
    )
    leader = PersonFactory(organization=tree.org_a)
    a_item = make_inspection(tree, program=a_program, subjects=[tree.branch_a], leader=leader)
    advance(tree, a_item, InspectionState.EXAMINING)
    services.recommendation_add(
        actor=tree.staff,
        inspection=a_item,
        text="Khắc phục",
        deadline=local_today() + dt.timedelta(days=30),
        lead_unit=tree.branch_a,
    )
    advance(tree, a_item, InspectionState.CONCLUDED)
    return {"root_item": root_item, "a_item": a_item}


def _status(client, method: str, url: str) -> int:
    return (client.post(url, {}) if method == "POST" else client.get(url)).status_code


# Who stands where, for each inspection: outside (nothing), subject side or overseer (some pages).
OUTSIDE = {
    "root_item": ["secretary_a", "inspector_a", "member_a", "outsider"],
    "a_item": ["secretary_b", "member_a", "outsider"],
}
# Users who see the inspection at a lower level: the committee's pages stay 404 to them.
LOWER_LEVEL = {"root_item": ["secretary_b"], "a_item": ["secretary_a", "inspector_a"]}
INSIDER_ONLY = [
    "create",
    "action",
    "edit",
    "team",
    "content_link",
    "working_note",
    "finding_add",
    "breach_add",
    "recommendation_add",
    "carry_over",
    "document_add",
    "document",
    "document_delete",
]


@pytest.mark.parametrize("item", ["root_item", "a_item"])
def test_every_page_is_404_for_users_outside_the_subtree(tree, login, matrix, item):
    pages = _pages(matrix[item])
    for name in OUTSIDE[item]:
        client = login(getattr(tree, name))
        for page, url in pages.items():
            for method in ("GET", "POST"):
                if method == "GET" and page in POST_ONLY:
                    continue
                assert _status(client, method, url) == 404, (name, page, method)
    inspection = matrix[item]
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CONCLUDED
    assert inspection.documents.alive().count() == inspection.documents.count()


@pytest.mark.parametrize("item", ["root_item", "a_item"])
def test_the_committees_pages_are_404_for_the_subject_and_overseers(tree, login, matrix, item):
    pages = _pages(matrix[item])
    for name in LOWER_LEVEL[item]:
        client = login(getattr(tree, name))
        assert client.get(pages["detail"]).status_code == 200, name
        for page in INSIDER_ONLY:
            if page == "document" and item == "a_item":
                continue  # an overseer reads the issued decision (test_views_confidentiality)
            for method in ("GET", "POST"):
                if method == "GET" and page in POST_ONLY:
                    continue
                assert _status(client, method, pages[page]) == 404, (name, page, method)


@pytest.mark.parametrize("item", ["root_item", "a_item"])
def test_the_same_pages_answer_the_committees_staff(tree, login, matrix, item):
    pages = _pages(matrix[item])
    client = login(tree.staff)
    for page, url in pages.items():
        if page in POST_ONLY:
            continue
        assert client.get(url).status_code == 200, page
    assert client.post(pages["document_delete"]).status_code == 302


def test_lists_and_coverage_are_404_for_a_committee_outside_the_subtree(tree, login, matrix):
    client = login(tree.secretary_a)
    assert client.get(reverse("inspections:list"), {"org": "B"}).status_code == 404
    assert client.get(reverse("inspections:coverage"), {"org": "B"}).status_code == 404
    assert client.get(reverse("inspections:coverage"), {"org": "A"}).status_code == 200
    for name in ("member_a", "outsider"):
        assert login(getattr(tree, name)).get(reverse("inspections:coverage")).status_code == 404


@pytest.mark.parametrize("name", ["secretary_a", "inspector_a", "member_a", "outsider"])
def test_only_who_may_plan_opens_a_new_program_and_a_foreign_committee_is_refused(tree, login, name):
    client = login(getattr(tree, name))
    url = reverse("inspections:program_create")
    assert client.get(url).status_code == 404
    data = {"organization": "DUK", "body": "commission", "year": local_today().year, "title": "Chương trình"}
    assert client.post(url, data).status_code == 404
    assert not Program.objects.exists()
    assert "Chương trình mới" not in client.get(reverse("inspections:programs")).content.decode()


def test_a_member_of_org_as_commission_plans_only_for_org_a(tree, login):
    from neuguong.people.models import PositionTitle

    from .factories import account_for, seat

    person = PersonFactory(organization=tree.org_a)
    seat(person, PositionTitle.INSPECTION_MEMBER, tree.org_a)
    client = login(account_for(person, "ubkt_a"))
    url = reverse("inspections:program_create")
    data = {"body": "commission", "year": local_today().year, "title": "Chương trình của UBKT"}
    response = client.post(url, {**data, "organization": "DUK"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"organization": [MSG_ORGANIZATION_NOT_FOUND]}
    assert client.post(url, {**data, "organization": "A"}).status_code == 302
    assert Program.objects.get().organization == tree.org_a


def test_a_missing_inspection_answers_like_a_hidden_one(tree, login, matrix):
    client = login(tree.secretary_a)
    hidden = _pages(matrix["root_item"])
    missing = {
        name: url.replace(f"/{matrix['root_item'].pk}/", "/999999/", 1) for name, url in hidden.items()
    }
    for page in ("detail", "edit", "finding_add"):
        shown, absent = client.get(hidden[page]), client.get(missing[page])
        assert shown.status_code == absent.status_code == 404
        assert shown.templates[0].name == absent.templates[0].name == "404.html"
        assert matrix["root_item"].title not in shown.content.decode()


def test_a_self_report_file_is_added_by_the_subject_but_a_decision_file_is_not(tree, login):
    inspection = make_inspection(tree, subjects=[tree.org_b])
    advance(tree, inspection, InspectionState.EXAMINING)
    client = login(tree.secretary_b)
    self_report = inspection.steps.get(kind=StepKind.SELF_REPORT)
    decision = inspection.steps.get(kind=StepKind.DECISION)
    url = reverse("inspections:document_add", args=[inspection.pk, self_report.pk])
    assert client.post(url, {"file": pdf("phu-luc.pdf")}).status_code == 302
    url = reverse("inspections:document_add", args=[inspection.pk, decision.pk])
    assert client.post(url, {"file": pdf("gia-mao.pdf")}).status_code == 404
    assert sorted(inspection.documents.values_list("original_name", flat=True)) == [
        "phu-luc.pdf",
        "van-ban.pdf",
        "van-ban.pdf",
        "van-ban.pdf",
    ]
