"""Lengths, numbers and invisible characters are validated before they reach the database (issue 19.7)."""

import pytest

from neuguong.access.services import api_token_create
from neuguong.commitments.models import Commitment
from neuguong.core.api import MSG_INVALID
from neuguong.core.dates import local_today
from neuguong.core.errors import BusinessError
from neuguong.core.limits import MSG_TOO_LONG, TEXT_MAX
from neuguong.core.text import normalize_code, normalize_text
from neuguong.organizations.services import MSG_CODE_TAKEN, organization_create
from neuguong.people.services import MSG_CARD_TAKEN, person_create
from neuguong.portal.api import api


@pytest.fixture
def bearer(tree):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=tree.staff)}"}


def test_a_501_character_title_is_a_400_with_the_limit_and_nothing_is_stored(tree, client, bearer):
    payload = {
        "title": "x" * 501,
        "organization": "A",
        "deadline": local_today().isoformat(),
        "lead_unit": "A",
    }
    response = client.post("/api/v1/commitments", payload, content_type="application/json", **bearer)
    assert response.status_code == 400
    assert response.json() == {
        "detail": MSG_TOO_LONG.format(label="Nội dung công việc", limit=500, length=501),
        "field": "title",
    }
    assert not Commitment.objects.exists()
    payload["title"] = "x" * 500
    assert (
        client.post("/api/v1/commitments", payload, content_type="application/json", **bearer).status_code
        == 201
    )


def test_a_progress_report_longer_than_a_text_field_holds_is_refused(tree, client, bearer):
    payload = {"title": "Việc", "organization": "A", "deadline": local_today().isoformat(), "lead_unit": "A"}
    commitment = client.post("/api/v1/commitments", payload, content_type="application/json", **bearer).json()
    response = client.post(
        f"/api/v1/commitments/{commitment['id']}/reports",
        {"percent": 10, "text": "x" * (TEXT_MAX + 1)},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 400 and response.json()["field"] == "text"


@pytest.mark.parametrize(
    "query",
    [
        "page=9223372036854775807",
        "page=0",
        "page_size=501",
        "year=-1",
        "year=10000",
        "person=99999999999999999999",
        "person=0",
    ],
)
def test_integer_parameters_out_of_range_are_422_not_500(tree, client, bearer, query):
    response = client.get(f"/api/v1/commitments?{query}", **bearer)
    assert response.status_code == 422
    assert response.json()["detail"] == MSG_INVALID


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/commitments/99999999999999999999",
        "/api/v1/people/99999999999999999999",
        "/api/v1/documents/9223372036854775808",
        "/api/v1/inspections/-1",
        "/api/v1/targets/0",
        "/api/v1/scoring/cycles/99999999999999999999/ranking",
    ],
)
def test_identifiers_out_of_range_are_422_not_500(tree, client, bearer, path):
    assert client.get(path, **bearer).status_code == 422


def test_the_openapi_describes_400_401_404_and_422_for_every_operation():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "404", "422"} <= set(operation["responses"]), (method, path)
    page = next(p for p in schema["paths"]["/api/v1/commitments"]["get"]["parameters"] if p["name"] == "page")
    assert page["schema"]["minimum"] == 1 and page["schema"]["maximum"] >= 1000


def test_invisible_characters_are_removed_from_names_codes_and_card_numbers():
    assert normalize_code("1000\u200b2502") == "10002502"
    assert normalize_code(" ＤＵＫ\ufeff ") == "DUK"
    assert normalize_text("Nguyễn\u200b Văn\u2060 An\u202e") == "Nguyễn Văn An"


def test_a_card_number_with_a_zero_width_space_is_the_same_card(tree):
    tree.person_a.card_number = "10002502"
    tree.person_a.save()
    with pytest.raises(BusinessError) as caught:
        person_create(
            actor=tree.staff, organization=tree.org_a, full_name="Trần Văn Ba", card_number="1000\u200b2502"
        )
    assert caught.value.message == MSG_CARD_TAKEN.format(card="10002502")


def test_an_organisation_code_with_invisible_characters_is_the_same_code(tree):
    with pytest.raises(BusinessError) as caught:
        organization_create(
            actor=tree.staff,
            parent=tree.root,
            code="A\u200b",
            name="Chi bộ mới",
            kind="branch",
            decided_on=local_today(),
        )
    assert caught.value.message == MSG_CODE_TAKEN.format(code="A")


def test_every_integer_parameter_of_the_api_is_bounded_in_the_openapi():
    """Unbounded integers reached the database and overflowed; a new route must bound its integers too."""
    schema = api.get_openapi_schema()
    unbounded = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                options = parameter["schema"].get("anyOf", [parameter["schema"]])
                for option in options:
                    if option.get("type") == "integer" and (
                        "minimum" not in option or "maximum" not in option
                    ):
                        unbounded.append(f"{method.upper()} {path} {parameter['name']}")
    assert unbounded == []


def test_a_422_says_in_vietnamese_which_bound_was_crossed(tree, client, bearer):
    body = client.get("/api/v1/people?page=0&page_size=501", **bearer).json()
    assert body["errors"] == [
        {"field": "page", "message": "«page» phải lớn hơn hoặc bằng 1."},
        {"field": "page_size", "message": "«page_size» phải nhỏ hơn hoặc bằng 500."},
    ]
