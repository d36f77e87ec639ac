"""The decision and the notice of conclusion as Party-format DOCX, and who may download them when."""

import datetime as dt

import pytest
from django.urls import reverse

from neuguong.core.dates import local_today
from neuguong.core.tests.factories import Role, UserFactory, grant
from neuguong.docengine.docformat import document_text
from neuguong.inspections import services
from neuguong.inspections.models import InspectionState

from .factories import advance, make_inspection

pytestmark = pytest.mark.django_db


def _url(inspection, name):
    return reverse("inspections:party_document", args=[inspection.pk, name])


def test_the_decision_is_in_party_format_with_team_subjects_and_number(tree, login):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.DECIDED)
    response = login(tree.staff).get(_url(inspection, "quyet-dinh"))
    assert response.status_code == 200
    text = document_text(response.content)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    # Was "ỦY BAN KIỂM TRA ĐẢNG BỘ KHỐI …": the commission belongs to the committee (issue 12).
    assert "ỦY BAN KIỂM TRA ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH\nQUYẾT ĐỊNH:" in text
    assert "01-QĐ/ĐUK" in text
    assert "QUYẾT ĐỊNH" in text and tree.org_a.name in text
    assert inspection.leader.full_name in text
    assert f"Nghệ An, ngày {local_today().day:02d} tháng {local_today().month}" in text


def test_the_notice_of_conclusion_lists_the_recommendations(tree, login):
    inspection = make_inspection(tree)
    advance(tree, inspection, InspectionState.EXAMINING)
    services.recommendation_add(
        actor=tree.staff,
        inspection=inspection,
        text="Ban hành kế hoạch khắc phục",
        deadline=local_today() + dt.timedelta(days=15),
        lead_unit=tree.org_a,
    )
    advance(tree, inspection, InspectionState.NOTICE_ISSUED)
    response = login(tree.secretary_a).get(_url(inspection, "thong-bao-ket-luan"))
    assert response.status_code == 200
    text = document_text(response.content)
    assert "THÔNG BÁO" in text and "Ban hành kế hoạch khắc phục" in text
    assert "Nội dung dự thảo kết luận" in text  # the notice text given at the step (factories' text)


@pytest.mark.parametrize(
    ("state", "name", "user", "status"),
    [
        (InspectionState.PLANNED, "quyet-dinh", "staff", 200),  # insiders draft it before issue
        (InspectionState.PLANNED, "quyet-dinh", "overseer", 404),
        (InspectionState.DECIDED, "quyet-dinh", "overseer", 200),
        (InspectionState.NOTIFIED, "quyet-dinh", "secretary_a", 404),  # the subject gets the notice only
        (InspectionState.DRAFT_CONCLUSION, "thong-bao-ket-luan", "staff", 404),
        (InspectionState.CONCLUDED, "thong-bao-ket-luan", "staff", 200),
        (InspectionState.CONCLUDED, "thong-bao-ket-luan", "secretary_a", 404),
        (InspectionState.NOTICE_ISSUED, "thong-bao-ket-luan", "secretary_a", 200),
        (InspectionState.NOTICE_ISSUED, "thong-bao-ket-luan", "secretary_b", 404),
        (InspectionState.NOTICE_ISSUED, "khong-co", "staff", 404),
    ],
)
def test_who_may_download_which_document_when(tree, login, state, name, user, status):
    overseer = UserFactory(username="bt_root")
    grant(overseer, Role.SECRETARY, tree.root)
    inspection = make_inspection(tree)
    if state != InspectionState.PLANNED:
        advance(tree, inspection, state)
    actor = overseer if user == "overseer" else getattr(tree, user)
    assert login(actor).get(_url(inspection, name)).status_code == status
