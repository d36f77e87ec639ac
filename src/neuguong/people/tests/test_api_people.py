import pytest

from neuguong.access.services import api_token_create


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user)}"}


def test_api_requires_a_token(client, tree):
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Cần mã truy cập")


def test_api_lists_people_in_scope_with_items_and_count(client, tree):
    response = client.get("/api/v1/people", {"q": "nguyen"}, **auth(tree.secretary_a))
    body = response.json()
    assert body["count"] == 2
    assert {item["organization"] for item in body["items"]} == {"A1"}
    assert set(body["items"][0]) >= {"id", "full_name", "organization"}
    assert all("*" in item["citizen_id"] for item in body["items"])


def test_api_person_outside_scope_is_404(client, tree):
    assert client.get(f"/api/v1/people/{tree.person_b.pk}", **auth(tree.secretary_a)).status_code == 404
    assert client.get(f"/api/v1/people/{tree.person_a.pk}", **auth(tree.secretary_a)).status_code == 200


def test_api_org_filter_outside_scope_is_404(client, tree):
    assert client.get("/api/v1/people", {"org": "B"}, **auth(tree.secretary_a)).status_code == 404


def test_api_organizations_carry_parent_codes(client, tree):
    body = client.get("/api/v1/organizations", **auth(tree.staff)).json()
    parents = {item["code"]: item["parent"] for item in body["items"]}
    assert parents == {"DUK": None, "A": "DUK", "A1": "A", "B": "DUK"}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"page_size": 501}, 422),
        ({"page_size": 0}, 422),
        ({"page": 0}, 422),
        ({"page": "x"}, 422),
        ({"q": "y" * 10_000}, 200),
    ],
)
def test_api_bad_paging_gets_a_clear_error(client, tree, params, status):
    response = client.get("/api/v1/people", params, **auth(tree.staff))
    assert response.status_code == status
    if status != 200:
        assert response.json()["detail"]


def test_api_pages_through_results(client, tree):
    body = client.get("/api/v1/people", {"page": 2, "page_size": 2}, **auth(tree.staff)).json()
    assert body["count"] == 3 and len(body["items"]) == 1


def test_openapi_schema_is_published(client):
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_revoked_or_unknown_token_is_refused(client, tree):
    assert client.get("/api/v1/people", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
