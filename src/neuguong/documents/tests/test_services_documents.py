import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as Docx

from neuguong.access.services import api_token_create
from neuguong.core.errors import BusinessError, OutOfScope
from neuguong.documents import services
from neuguong.documents.models import Document
from neuguong.organizations.models import Term

TODAY = dt.date(2026, 3, 10)


def register(tree, **kw):
    values = {
        "actor": tree.staff,
        "organization": tree.root,
        "doc_type": "plan",
        "issued_on": dt.date(2026, 3, 1),
        "summary": "Kế hoạch thực hiện Quy định 08-QĐi/TW",
        "today": TODAY,
    }
    return services.document_register(**(values | kw))


def docx_bytes(*lines) -> bytes:
    doc = Docx()
    for line in lines:
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def test_number_is_parsed_and_next_free_number_is_proposed(tree):
    document = register(tree, number_text="165-KH/ĐUK")
    assert (document.number, document.issuer, document.number_text) == (165, "ĐUK", "165-KH/ĐUK")
    assert document.term_key == "2026"
    assert services.propose_number(organization=tree.root, doc_type="plan", issued_on=TODAY) == "166-KH/ĐUK"
    assert services.propose_number(organization=tree.root, doc_type="report", issued_on=TODAY) == "01-BC/ĐUK"
    assert register(tree).number_text == "166-KH/ĐUK"


def test_number_taken_in_the_same_term_is_refused_with_the_next_free_one(tree):
    register(tree, number_text="165-KH/ĐUK")
    with pytest.raises(BusinessError) as exc:
        register(tree, number_text="165-KH/ĐUK")
    assert exc.value.message == services.MSG_NUMBER_TAKEN.format(
        number="165-KH/ĐUK", label="kế hoạch", issuer="ĐUK", term="2026", next="166-KH/ĐUK"
    )


def test_numbers_restart_each_term(tree):
    Term.objects.create(organization=tree.root, name="2020–2025", start_year=2020, end_year=2025)
    Term.objects.create(organization=tree.root, name="2025–2030", start_year=2025, end_year=2030)
    old = register(tree, number_text="05-KH/ĐUK", issued_on=dt.date(2024, 5, 1))
    new = register(tree, number_text="05-KH/ĐUK", issued_on=dt.date(2026, 1, 5))
    assert (old.term_key, new.term_key) == ("2020–2025", "2025–2030")


def test_same_number_for_another_type_is_allowed_and_qd_type_is_chosen(tree):
    register(tree, number_text="12-QĐ/ĐUK", doc_type="decision")
    register(tree, number_text="12-QĐ/ĐUK", doc_type="regulation_qd")
    with pytest.raises(BusinessError):
        register(tree, number_text="12-QĐ/ĐUK", doc_type="decision")


def test_type_not_matching_the_abbreviation_is_refused(tree):
    with pytest.raises(BusinessError) as exc:
        register(tree, number_text="165-KH/ĐUK", doc_type="report")
    assert exc.value.field == "doc_type"


@pytest.mark.parametrize("classification", ["mat", "toi_mat", "tuyet_mat"])
def test_record_marked_classified_is_refused(tree, classification):
    with pytest.raises(BusinessError) as exc:
        register(tree, number_text="01-KH/ĐUK", classification=classification)
    assert exc.value.message == services.MSG_CLASSIFIED
    assert not Document.objects.exists()


def test_classified_docx_upload_is_refused(tree):
    upload = SimpleUploadedFile("kh.docx", docx_bytes("ĐẢNG CỘNG SẢN VIỆT NAM", "Tối mật", "KẾ HOẠCH"))
    with pytest.raises(BusinessError) as exc:
        register(tree, number_text="01-KH/ĐUK", file=upload)
    assert exc.value.message == services.MSG_CLASSIFIED_FILE.format(mark="TỐI MẬT")
    assert not Document.objects.exists()


def test_ordinary_docx_is_stored_under_a_random_name(tree):
    upload = SimpleUploadedFile("ke-hoach.docx", docx_bytes("KẾ HOẠCH", "Giữ bí mật thông tin cá nhân"))
    document = register(tree, number_text="01-KH/ĐUK", file=upload)
    assert document.file_name == "ke-hoach.docx"
    assert "ke-hoach" not in document.file.name


def test_executable_upload_is_refused(tree):
    with pytest.raises(BusinessError):
        register(tree, number_text="01-KH/ĐUK", file=SimpleUploadedFile("a.exe", b"MZ\x90"))


def test_secretary_registers_only_in_her_subtree(tree):
    with pytest.raises(OutOfScope):
        register(tree, actor=tree.secretary_b, organization=tree.org_a, number_text="01-KH/ĐU")
    assert register(tree, actor=tree.secretary_a, organization=tree.org_a).number_text == "01-KH/ĐU"


def test_malformed_number_is_refused(tree):
    with pytest.raises(BusinessError) as exc:
        register(tree, number_text="KH165")
    assert exc.value.field == "number"


@pytest.mark.parametrize(
    ("user", "expected"),
    # Members read the documents of their own organisation's ancestors (the sources of their tasks).
    [("staff", 3), ("secretary_a", 1), ("secretary_b", 1), ("member_a", 2), ("outsider", 0)],
)
def test_api_list_is_scoped(tree, client, user, expected):
    register(tree, number_text="165-KH/ĐUK")
    register(tree, actor=tree.secretary_a, organization=tree.org_a, number_text="01-KH/ĐU")
    register(tree, actor=tree.secretary_b, organization=tree.org_b, number_text="01-KH/CB")
    token = api_token_create(user=getattr(tree, user))
    response = client.get("/api/v1/documents", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_api_create_refuses_classified(tree, client):
    token = api_token_create(user=tree.staff)
    payload = {
        "organization": "DUK",
        "doc_type": "plan",
        "issued_on": "2026-01-05",
        "summary": "Kế hoạch",
        "classification": "mat",
    }
    response = client.post(
        "/api/v1/documents", payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == services.MSG_CLASSIFIED
    payload.pop("classification")
    response = client.post(
        "/api/v1/documents", payload, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201
    assert response.json()["number"] == "01-KH/ĐUK"


@pytest.mark.parametrize(
    ("user", "status"), [("staff", 200), ("secretary_a", 200), ("secretary_b", 404), ("outsider", 404)]
)
def test_document_page_is_scoped(tree, login, user, status):
    document = register(tree, actor=tree.secretary_a, organization=tree.org_a, number_text="01-KH/ĐU")
    assert login(getattr(tree, user)).get(f"/van-ban/{document.pk}/").status_code == status


def test_register_page_creates_and_lists(tree, login):
    client = login(tree.secretary_a)
    response = client.post(
        "/van-ban/them/?org=A",
        {
            "org": "A",
            "doc_type": "plan",
            "number_text": "",
            "issued_on": "2026-01-05",
            "summary": "Kế hoạch năm",
        },
    )
    assert response.status_code == 302
    body = client.get("/van-ban/").content.decode()
    assert "01-KH/ĐU" in body
    response = client.post(
        "/van-ban/them/?org=A",
        {
            "org": "A",
            "doc_type": "plan",
            "number_text": "01-KH/ĐU",
            "issued_on": "2026-01-05",
            "summary": "Trùng số",
        },
    )
    assert response.status_code == 200
    assert "Số tiếp theo còn trống: 02-KH/ĐU" in response.content.decode()


def test_register_list_query_count_does_not_grow(tree, login, django_assert_max_num_queries):
    for n in range(1, 31):
        register(tree, number_text=f"{n:02d}-CV/ĐUK", doc_type="official_letter")
    client = login(tree.staff)
    with django_assert_max_num_queries(8):
        body = client.get("/van-ban/").content.decode()
    assert "30-CV/ĐUK" in body
