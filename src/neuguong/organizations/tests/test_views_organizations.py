import pytest
from django.urls import reverse

from neuguong.organizations.forms import MSG_ORGANIZATION_NOT_FOUND
from neuguong.organizations.models import Organization


@pytest.mark.parametrize(
    ("role", "codes"),
    [
        ("staff", {"DUK", "A", "A1", "B"}),
        ("secretary_a", {"A", "A1"}),
        ("inspector_a", {"A", "A1"}),
        ("secretary_b", {"B"}),
    ],
)
def test_organisation_list_is_scoped(tree, login, role, codes):
    response = login(getattr(tree, role)).get(reverse("organizations:list"))
    assert {o.code for o in response.context["page_obj"]} == codes


def test_organisation_list_search_ignores_diacritics(tree, login):
    response = login(tree.staff).get(reverse("organizations:list"), {"q": "so tai chinh"})
    assert [o.code for o in response.context["page_obj"]] == ["A"]


def test_organisation_list_search_puts_the_code_then_names_that_begin_with_the_query_first(tree, login):
    client = login(tree.staff)
    response = client.get(reverse("organizations:list"), {"q": "chi bo"})
    assert [o.code for o in response.context["page_obj"]] == ["A1", "B"]  # names beginning "Chi bộ"
    response = client.get(reverse("organizations:list"), {"q": "a1"})
    assert response.context["page_obj"][0].code == "A1"  # the code first, case-blind
    response = login(tree.secretary_b).get(reverse("organizations:list"), {"q": "chi bo"})
    assert [o.code for o in response.context["page_obj"]] == ["B"]  # scope holds


def test_organisation_page_counts_members_per_child_in_a_bounded_number_of_queries(
    tree, login, django_assert_max_num_queries
):
    client = login(tree.staff)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("organizations:detail", args=["DUK"]))
    counts = {c.code: c.member_count for c in response.context["children"]}
    assert counts == {"A": 2, "B": 1}


def test_staff_creates_a_branch_through_the_page_and_it_appears_in_history(tree, login):
    client = login(tree.staff)
    response = client.post(
        reverse("organizations:create_child", args=["A"]),
        {
            "code": "A3",
            "name": "Chi bộ Phòng Quản lý giá",
            "kind": "branch",
            "decided_on": "10/01/2026",
            "decision_number": "30-QĐ/ĐUK",
        },
    )
    assert response.status_code == 302
    created = Organization.objects.get(code="A3")
    page = client.get(reverse("organizations:detail", args=["A3"])).content.decode()
    assert "Thành lập" in page and "30-QĐ/ĐUK" in page
    assert created.parent == tree.org_a


@pytest.mark.parametrize("role", ["secretary_a", "inspector_a", "member_a", "secretary_b"])
def test_structure_pages_are_404_without_the_right(tree, login, role):
    assert login(getattr(tree, role)).get(reverse("organizations:move", args=["A1"])).status_code == 404


def test_moving_to_a_forged_parent_code_is_a_form_error(tree, login):
    response = login(tree.staff).post(
        reverse("organizations:move", args=["A1"]), {"new_parent": "NOPE", "decided_on": "10/01/2026"}
    )
    assert response.status_code == 200
    assert MSG_ORGANIZATION_NOT_FOUND in response.content.decode()


def test_dissolving_a_non_empty_organisation_shows_the_reason(tree, login):
    response = login(tree.staff).post(
        reverse("organizations:dissolve", args=["B"]), {"decided_on": "10/01/2026"}
    )
    assert response.status_code == 200
    assert "Không thể giải thể" in response.content.decode()
    tree.org_b.refresh_from_db()
    assert tree.org_b.is_active


def test_organisation_list_offers_an_export_of_what_is_shown(tree, login):
    body = login(tree.staff).get(reverse("organizations:list"), {"q": "tai chinh"}).content.decode()
    assert f"{reverse('dataio:export_organizations')}?q=tai+chinh" in body


def test_top_organization_is_the_shallowest_read_path(tree):
    from neuguong.core.tests.factories import Role, UserFactory, grant
    from neuguong.organizations.selectors import top_organization

    assert top_organization(tree.staff) == tree.root
    assert top_organization(tree.secretary_a) == tree.org_a
    assert top_organization(tree.member_a) is None
    both = UserFactory(username="both")
    grant(both, Role.INSPECTOR, tree.branch_a)
    grant(both, Role.SECRETARY, tree.org_b)
    assert top_organization(both) == tree.org_b  # depth 1 beats depth 2
    assert top_organization(UserFactory(username="root_admin", is_superuser=True)) == tree.root
