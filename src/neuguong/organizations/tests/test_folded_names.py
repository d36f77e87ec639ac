"""Every road that creates or renames an organisation or agency leaves it findable by its name without
diacritics (the search key `name_folded`; issue 13.2: it was empty for 315 of 316 seeded organisations)."""

import datetime as dt

import pytest

from neuguong.organizations import services
from neuguong.organizations.models import Agency, Organization, OrgKind

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 1, 10)


def _found(query: str) -> list[str]:
    return list(Organization.objects.search(query).values_list("code", flat=True))


def test_an_organisation_created_by_the_service_is_found_by_its_folded_name(tree):
    services.organization_create(
        actor=tree.staff,
        code="VP",
        name="Chi bộ Văn phòng Đảng ủy",
        kind=OrgKind.BRANCH,
        parent=tree.org_a,
        decided_on=DAY,
    )
    assert Organization.objects.get(code="VP").name_folded == "chi bo van phong dang uy"
    assert _found("van phong dang uy") == ["VP"]


def test_a_renamed_organisation_is_found_by_its_new_name_only(tree):
    services.organization_update(
        actor=tree.staff, organization=tree.branch_a, name="Chi bộ Phòng Quản lý Giá", decided_on=DAY
    )
    assert _found("quan ly gia") == ["A1"]
    assert _found("phong ngan sach") == []


def test_a_save_limited_to_the_name_writes_the_folded_name_too(tree):
    organization = Organization.objects.get(pk=tree.org_b.pk)
    organization.name = "Chi bộ Sở Xây dựng"
    organization.save(update_fields=["name"])
    assert Organization.objects.get(pk=tree.org_b.pk).name_folded == "chi bo so xay dung"
    agency = Agency.objects.create(code="CQ9", name="Sở Y tế", organization=tree.org_a)
    agency.name = "Sở Nội vụ"
    agency.save(update_fields=["name"])
    assert Agency.objects.get(pk=agency.pk).name_folded == "so noi vu"


def test_an_agency_created_one_by_one_is_found_by_its_folded_name(tree):
    Agency.objects.create(code="CQ8", name="Sở Giáo dục và Đào tạo", organization=tree.org_a)
    assert Agency.objects.get(code="CQ8").name_folded == "so giao duc va dao tao"


def test_moving_and_merging_keep_the_folded_names(tree):
    services.organization_move(
        actor=tree.staff, organization=tree.branch_a, new_parent=tree.root, decided_on=DAY
    )
    services.organization_merge(actor=tree.staff, source=tree.org_b, target=tree.org_a, decided_on=DAY)
    assert _found("phong ngan sach") == ["A1"]
    assert _found("so tu phap") == ["B"]
