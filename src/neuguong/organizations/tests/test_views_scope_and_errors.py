"""The organisation tree's pages: 404 for what is not the user's (GET and POST), business errors next to
their fields, no 500 for bad input, the history in Vietnamese."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from neuguong.organizations import services
from neuguong.organizations.models import Organization

DECIDED = "10/01/2026"

ROUTES = {
    "detail": ("get", "organizations:detail", {}),
    "create_page": ("get", "organizations:create_child", {}),
    "create": (
        "post",
        "organizations:create_child",
        {"code": "NEW", "name": "Chi bộ mới", "kind": "branch", "decided_on": DECIDED},
    ),
    "edit_page": ("get", "organizations:edit", {}),
    "edit": ("post", "organizations:edit", {"name": "Tên mới", "decided_on": DECIDED}),
    "move_page": ("get", "organizations:move", {}),
    "move": ("post", "organizations:move", {"new_parent": "DUK", "decided_on": DECIDED}),
    "merge": ("post", "organizations:merge", {"target": "A", "decided_on": DECIDED}),
    "dissolve_page": ("get", "organizations:dissolve", {}),
    "dissolve": ("post", "organizations:dissolve", {"decided_on": DECIDED}),
}


def _call(client, route: str, code: str):
    method, name, data = ROUTES[route]
    return getattr(client, method)(reverse(name, args=[code]), data)


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("user", ["secretary_b", "outsider", "member_a"])
def test_nothing_of_another_subtree_exists(tree, login, user, route):
    assert _call(login(getattr(tree, user)), route, "A1").status_code == 404, route
    tree.branch_a.refresh_from_db()
    assert (tree.branch_a.name, tree.branch_a.parent, tree.branch_a.is_active) == (
        "Chi bộ Phòng Ngân sách",
        tree.org_a,
        True,
    )


# Secretaries and inspectors read their subtree but change its structure only through the bloc's staff.
@pytest.mark.parametrize("route", [route for route in ROUTES if route != "detail"])
@pytest.mark.parametrize("user", ["secretary_a", "inspector_a"])
def test_structure_changes_are_404_for_readers(tree, login, user, route):
    assert _call(login(getattr(tree, user)), route, "A1").status_code == 404, route
    assert not Organization.objects.filter(code="NEW").exists()


@pytest.mark.parametrize("user", ["staff", "secretary_a", "inspector_a"])
def test_the_organisation_page_opens_inside_the_subtree(tree, login, user):
    assert _call(login(getattr(tree, user)), "detail", "A1").status_code == 200


@pytest.mark.parametrize(
    ("route", "code", "data", "field", "message"),
    [
        ("create", "A", {"code": "A1"}, "code", services.MSG_CODE_TAKEN.format(code="A1")),
        ("create", "A", {"code": "có dấu"}, "code", services.MSG_CODE_INVALID),
        ("move", "A", {"new_parent": "A1"}, "new_parent", services.MSG_MOVE_INTO_SELF),
        ("merge", "A", {"target": "A"}, "target", services.MSG_MERGE_SELF),
        ("merge", "A", {"target": "A1"}, "target", services.MSG_MOVE_INTO_SELF),
    ],
)
def test_a_business_error_is_shown_next_to_its_field(tree, login, route, code, data, field, message):
    _method, name, base = ROUTES[route]
    response = login(tree.staff).post(reverse(name, args=[code]), base | data)
    assert response.status_code == 200
    assert {name: list(errors) for name, errors in response.context["form"].errors.items()} == {
        field: [message]
    }
    assert message in response.content.decode()


def test_a_change_to_a_dissolved_organisation_says_why(tree, login):
    from neuguong.core.tests.factories import OrganizationFactory

    empty = OrganizationFactory(code="E", name="Chi bộ trống", parent=tree.org_a)
    services.organization_dissolve(actor=tree.staff, organization=empty, decided_on=dt.date(2026, 1, 1))
    response = login(tree.staff).post(
        reverse("organizations:edit", args=["E"]), {"name": "Tên khác", "decided_on": DECIDED}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [services.MSG_DISSOLVED.format(name="Chi bộ trống")]


def test_the_messages_name_the_organisations(tree, login):
    client = login(tree.staff)
    response = client.post(
        reverse("organizations:create_child", args=["A"]), ROUTES["create"][2], follow=True
    )
    assert f"Đã thành lập Chi bộ mới trực thuộc {tree.org_a.name}." in response.content.decode()
    response = client.post(
        reverse("organizations:move", args=["NEW"]), {"new_parent": "B", "decided_on": DECIDED}, follow=True
    )
    assert f"Đã chuyển Chi bộ mới về trực thuộc {tree.org_b.name}." in response.content.decode()


@pytest.mark.parametrize(
    ("route", "data"),
    [
        ("create", {"code": "x" * 500, "name": "", "kind": "superior", "decided_on": "31/02/2026"}),
        ("edit", {"name": "x" * 5000, "decided_on": "hôm nay"}),
        ("move", {"new_parent": "\x00", "decided_on": DECIDED}),
        ("merge", {"target": "x" * 100, "decided_on": ""}),
        ("dissolve", {"decided_on": "99/99/9999"}),
    ],
)
def test_malformed_forms_are_answered_with_the_form(tree, login, route, data):
    _method, name, _ = ROUTES[route]
    response = login(tree.staff).post(reverse(name, args=["A1"]), data)
    assert response.status_code == 200 and response.context["form"].errors


@pytest.mark.parametrize("code", ["NOPE", "x" * 300, "%00", "A1%2F..%2F"])
def test_unknown_codes_are_404(tree, login, code):
    assert login(tree.staff).get(f"/to-chuc/{code}/").status_code == 404


def test_the_history_reads_in_vietnamese(tree, login):
    client = login(tree.staff)
    client.post(reverse("organizations:create_child", args=["A"]), ROUTES["create"][2])
    client.post(
        reverse("organizations:edit", args=["NEW"]),
        {"name": "Chi bộ đổi tên", "has_branch_committee": "on", "decided_on": DECIDED},
    )
    client.post(reverse("organizations:move", args=["NEW"]), {"new_parent": "B", "decided_on": DECIDED})
    page = client.get(reverse("organizations:detail", args=["NEW"])).content.decode()
    history = page[page.index('id="history-title"') :]
    for label in ("Thành lập tổ chức", "Sửa thông tin tổ chức", "Chuyển tổ chức cấp trên"):
        assert label in history
    assert "Chi bộ trực thuộc" in history  # the kind's label, not "branch"
    assert f"<td>{tree.org_a.name}</td><td>{tree.org_b.name}</td>" in history
    assert "<td>Có chi ủy</td><td>Không</td><td>Có</td>" in history
    assert "organizations." not in history and not re.search(r"\d{4}-\d{2}-\d{2}", history)
    assert not re.search(r">\s*(True|False)\s*<", history)


def test_a_merge_reads_in_the_history_of_the_merged_organisation(tree, login):
    client = login(tree.staff)
    response = client.post(reverse("organizations:merge", args=["B"]), {"target": "A", "decided_on": DECIDED})
    assert response.status_code == 302
    page = client.get(reverse("organizations:detail", args=["B"])).content.decode()
    history = page[page.index('id="history-title"') :]
    assert "Sáp nhập" in history and "Chuyển sinh hoạt toàn bộ đảng viên" in history
    assert "<td>Số đảng viên chuyển sinh hoạt</td><td>—</td><td>1</td>" in history
    assert f"<td>Chuyển đến</td><td>—</td><td>{tree.org_a.name}</td>" in history
    assert f"<td>Sáp nhập vào</td><td>—</td><td>{tree.org_a.name}</td>" in history
    assert "<td>Ngày giải thể/sáp nhập</td><td>—</td><td>10/01/2026</td>" in history


@pytest.mark.parametrize("query", ["\x00", "A\x00", "x" * 10_000, "%"])
def test_the_list_search_takes_any_text(tree, login, query):
    assert login(tree.staff).get(reverse("organizations:list"), {"q": query}).status_code == 200
