import datetime as dt

import pytest
from django.db.models import Q
from django.urls import reverse

from neuguong.core import registry
from neuguong.documents import services
from neuguong.documents.models import Document
from neuguong.documents.pickers import search_documents

pytestmark = pytest.mark.django_db


def register(tree, organization, summary: str, number: str) -> Document:
    return services.document_register(
        number_text=number,
        actor=tree.staff,
        organization=organization,
        doc_type="plan",
        issued_on=dt.date(2026, 3, 1),
        summary=summary,
        today=dt.date(2026, 3, 10),
    )


def test_document_picker_finds_by_summary_without_diacritics_and_only_what_the_user_sees(tree):
    register(tree, tree.org_b, "Kế hoạch sinh hoạt chuyên đề năm 2026", "12-KH/CB")
    options = search_documents(tree.staff, "sinh hoat chuyen de", {})
    assert [(o.label, o.detail) for o in options] == [
        ("12-KH/CB — Kế hoạch sinh hoạt chuyên đề năm 2026", "ngày 01/03/2026 · Chi bộ Sở Tư pháp")
    ]
    assert [o.label for o in search_documents(tree.staff, "12-KH", {})] == [options[0].label]
    assert search_documents(tree.secretary_a, "sinh hoat chuyen de", {}) == []


def test_a_registered_reader_hook_widens_who_reads_a_document_and_nothing_else(tree, client, monkeypatch):
    document = register(tree, tree.org_b, "Tài liệu của Chi bộ Sở Tư pháp", "3-KH/CB")
    other = register(tree, tree.org_b, "Tài liệu khác của Chi bộ Sở Tư pháp", "4-KH/CB")
    client.force_login(tree.member_a)
    url = reverse("documents:detail", args=[document.pk])
    assert client.get(url).status_code == 404

    def readers(scope):
        return Q(pk=document.pk) if scope.person_id == tree.person_a.pk else None

    monkeypatch.setattr(registry, "DOCUMENT_READERS", [readers])
    assert client.get(url).status_code == 200
    assert client.get(reverse("documents:detail", args=[other.pk])).status_code == 404
    assert list(Document.objects.visible_to(tree.secretary_a).filter(pk=document.pk)) == []
