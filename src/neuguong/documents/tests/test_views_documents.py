"""The document register's pages: 404 outside one's subtree, business errors next to their fields, no
500 for bad input, the history in Vietnamese."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neuguong.core.dates import local_today
from neuguong.documents import numbers, services
from neuguong.documents.models import Document


@pytest.fixture
def document(tree):
    return services.document_register(
        actor=tree.secretary_a,
        organization=tree.org_a,
        doc_type="plan",
        number_text="01-KH/ĐU",
        issued_on=local_today(),
        summary="Kế hoạch học tập",
        signer="Nguyễn Văn Ký",
        file=SimpleUploadedFile("kh.pdf", b"%PDF-1.4\n%%EOF\n"),
    )


def _form(**overrides) -> dict:
    return {
        "org": "A",
        "doc_type": "plan",
        "number_text": "",
        "issued_on": local_today().isoformat(),
        "summary": "Kế hoạch năm",
    } | overrides


def _routes(document) -> dict:
    return {
        "detail": ("get", reverse("documents:detail", args=[document.pk]), {}),
        "file": ("get", reverse("documents:file", args=[document.pk]), {}),
        "create_page": ("get", reverse("documents:create") + "?org=A", {}),
        "create": ("post", reverse("documents:create") + "?org=A", _form()),
        "next_number": ("get", reverse("documents:next_number"), {"org": "A", "doc_type": "plan"}),
        "list_of_a": ("get", reverse("documents:list"), {"org": "A"}),
    }


@pytest.mark.parametrize("route", ["detail", "file", "create_page", "create", "next_number", "list_of_a"])
@pytest.mark.parametrize("user", ["secretary_b", "outsider"])
def test_nothing_of_another_subtree_exists(tree, document, login, user, route):
    method, url, data = _routes(document)[route]
    assert getattr(login(getattr(tree, user)), method)(url, data).status_code == 404, route


@pytest.mark.parametrize(
    ("user", "route", "status"),
    [
        ("staff", "detail", 200),
        ("secretary_a", "file", 200),
        ("inspector_a", "detail", 200),
        ("inspector_a", "create_page", 404),
        ("inspector_a", "create", 404),
        ("inspector_a", "next_number", 404),
        ("member_a", "create", 404),
        ("member_a", "list_of_a", 404),
        ("secretary_a", "create_page", 200),
        ("secretary_a", "next_number", 200),
    ],
)
def test_roles_inside_the_subtree(tree, document, login, user, route, status):
    method, url, data = _routes(document)[route]
    assert getattr(login(getattr(tree, user)), method)(url, data).status_code == status
    assert Document.objects.count() == 1 or route != "create"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"number_text": "01-KH/ĐU"},
            "number_text",
            services.MSG_NUMBER_TAKEN.format(
                number="01-KH/ĐU",
                label="kế hoạch",
                issuer="ĐU",
                term=str(local_today().year),
                next="02-KH/ĐU",
            ),
        ),
        ({"number_text": "KH-ĐU"}, "number_text", numbers.MSG_NUMBER_FORMAT),
        (
            {"issued_on": (local_today() + dt.timedelta(days=1)).isoformat()},
            "issued_on",
            services.MSG_ISSUED_FUTURE,
        ),
        ({"classification": "mat"}, "classification", services.MSG_CLASSIFIED),
    ],
)
def test_a_business_error_is_shown_next_to_its_field(tree, document, login, data, field, message):
    response = login(tree.secretary_a).post(reverse("documents:create") + "?org=A", _form(**data))
    assert response.status_code == 200
    assert {name: list(errors) for name, errors in response.context["form"].errors.items()} == {
        field: [message]
    }
    assert message in response.content.decode()
    assert Document.objects.count() == 1


def test_a_file_that_is_neither_pdf_nor_docx_is_refused_next_to_the_file(tree, login):
    response = login(tree.secretary_a).post(
        reverse("documents:create") + "?org=A", _form(file=SimpleUploadedFile("a.txt", b"hello"))
    )
    assert response.context["form"].errors == {"file": [services.MSG_DOCUMENT_FILE]}


def test_registering_says_which_number_was_entered(tree, login):
    client = login(tree.secretary_a)
    response = client.post(reverse("documents:create") + "?org=A", _form(), follow=True)
    assert f"Đã vào sổ văn bản 01-KH/ĐU của {tree.org_a.name}." in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"year": "99999999999999999999"},
        {"type": "nope", "page": "abc"},
        {"org": "\x00"},
        {"page": "9" * 30},
    ],
)
def test_malformed_list_parameters_never_crash(tree, document, login, params):
    assert login(tree.staff).get(reverse("documents:list"), params).status_code in (200, 404)


@pytest.mark.parametrize(
    "data",
    [
        {"doc_type": "bogus", "issued_on": "31/02/2026", "summary": ""},
        {"doc_type": "plan", "issued_on": "0001-01-01", "summary": "x" * 5000, "number_text": "9" * 100},
        {
            "doc_type": "plan",
            "issued_on": "2026-01-01",
            "summary": "x",
            "number_text": "99999999999999999999-KH/ĐU",
        },
    ],
)
def test_malformed_forms_are_answered_with_the_form(tree, login, data):
    response = login(tree.secretary_a).post(reverse("documents:create") + "?org=A", {"org": "A", **data})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Document.objects.exists()


def test_out_of_range_ids_are_404(tree, login):
    client = login(tree.staff)
    for object_id in (0, 2**63 - 1, 10**20):
        assert client.get(reverse("documents:detail", args=[object_id])).status_code == 404
        assert client.get(reverse("documents:file", args=[object_id])).status_code == 404


def test_the_history_reads_in_vietnamese(tree, document, login):
    page = login(tree.inspector_a).get(reverse("documents:detail", args=[document.pk])).content.decode()
    history = page[page.index('id="history-title"') :]
    assert "Vào sổ văn bản" in history
    assert "Số, ký hiệu" in history and "01-KH/ĐU" in history
    assert "Kế hoạch</td>" in history  # the type's label, not "plan"
    assert f"{local_today():%d/%m/%Y}" in history and "kh.pdf" in history
    assert "documents.registered" not in history and not re.search(r"\d{4}-\d{2}-\d{2}", history)
