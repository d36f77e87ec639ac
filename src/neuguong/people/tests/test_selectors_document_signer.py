"""Who signs an organisation's documents on a day, and the issuer block built from it."""

import datetime as dt

import pytest

from neuguong.people.models import Position, PositionTitle
from neuguong.people.selectors import DocumentSigner, document_issuer, document_signer

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 4, 7)


def _post(person, title, organization, start, end=None):
    Position.objects.create(
        person=person, title=title, organization=organization, started_on=start, ended_on=end
    )


def test_the_secretary_of_the_day_signs_not_the_one_before(tree):
    _post(tree.person_a, PositionTitle.SECRETARY, tree.org_b, dt.date(2020, 1, 1), dt.date(2025, 12, 31))
    _post(tree.person_b, PositionTitle.SECRETARY, tree.org_b, dt.date(2026, 1, 1))
    _post(tree.person_a2, PositionTitle.DEPUTY_SECRETARY, tree.org_b, dt.date(2020, 1, 1))
    assert document_signer(organization=tree.org_b, on=DAY) == DocumentSigner("Nguyễn Văn Bình", deputy=False)
    assert document_signer(organization=tree.org_b, on=dt.date(2024, 6, 1)).full_name == "Nguyễn Nam Đình"


def test_without_a_secretary_a_deputy_signs_for_the_secretary(tree):
    _post(tree.person_b, PositionTitle.DEPUTY_SECRETARY, tree.org_b, dt.date(2021, 1, 1))
    issuer = document_issuer(organization=tree.org_b, on=DAY)
    assert issuer.signing_authority.split("\n") == ["T/M CHI BỘ", "K/T BÍ THƯ"]
    assert (issuer.signer_position, issuer.signer_name) == ("PHÓ BÍ THƯ", "Nguyễn Văn Bình")


def test_nobody_in_post_leaves_the_name_to_be_written_in(tree):
    assert document_signer(organization=tree.org_b, on=DAY) is None
    issuer = document_issuer(organization=tree.org_b, on=DAY)
    assert (issuer.signing_authority, issuer.signer_position, issuer.signer_name) == (
        "T/M CHI BỘ",
        "BÍ THƯ",
        "",
    )


def test_a_deputy_asked_for_is_never_given_the_secretarys_name(tree):
    _post(tree.person_b, PositionTitle.SECRETARY, tree.org_b, dt.date(2021, 1, 1))
    issuer = document_issuer(organization=tree.org_b, on=DAY, deputy=True)
    assert (issuer.signer_position, issuer.signer_name) == ("PHÓ BÍ THƯ", "")


def test_the_issuer_follows_the_tree(tree):
    root = document_issuer(organization=tree.root, on=DAY)
    assert (root.superior_body, root.issuing_body) == (
        "ĐẢNG BỘ TỈNH NGHỆ AN",
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
    )
    assert root.recipients() == ["Ban Thường vụ Tỉnh ủy Nghệ An (để báo cáo)", "Lưu Văn phòng"]
    branch = document_issuer(organization=tree.branch_a, on=DAY)
    assert (branch.superior_body, branch.issuing_body) == ("ĐẢNG BỘ SỞ TÀI CHÍNH", "CHI BỘ PHÒNG NGÂN SÁCH")
    assert branch.recipients() == ["Đảng ủy Sở Tài chính (để báo cáo)", "Lưu"]
    commission = document_issuer(organization=tree.root, on=DAY, commission=True)
    assert (commission.superior_body, commission.issuing_body) == (
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
        "ỦY BAN KIỂM TRA",
    )
