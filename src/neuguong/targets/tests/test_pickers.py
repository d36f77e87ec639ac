"""The account picker (the appraisal team) and the annual target picker: names, never usernames or ids."""

from django.urls import reverse

from neuguong.core.tests.factories import PersonFactory
from neuguong.targets import services

from .factories import agencies_for


def _options(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200
    return [(o.value, o.label, o.detail) for o in response.context["options"]]


def test_account_picker_finds_an_account_by_its_holders_name(tree, login):
    PersonFactory(full_name="Lê Thị Thẩm Định", organization=tree.org_a, user=tree.inspector_a)
    response = login(tree.staff).get(reverse("core:picker", args=["account"]), {"q": "tham dinh"})
    [(value, label, detail)] = _options(response)
    assert (value, label) == (str(tree.inspector_a.pk), "Lê Thị Thẩm Định")
    assert tree.org_a.name in detail
    assert "inspector_a" not in label


def test_account_picker_never_offers_an_account_out_of_sight(tree, login):
    PersonFactory(full_name="Lê Thị Thẩm Định", organization=tree.org_a, user=tree.inspector_a)
    response = login(tree.secretary_b).get(reverse("core:picker", args=["account"]), {"q": "tham dinh"})
    assert _options(response) == []


def test_annual_target_picker_finds_by_the_indicators_name_with_year_agency_and_value(tree, login):
    agency_a, _, _ = agencies_for(tree)
    indicator = services.indicator_create(
        actor=tree.staff, organization=tree.root, code="CT1", name="Tỷ lệ hồ sơ đúng hạn", unit="%"
    )
    target = services.annual_target_set(
        actor=tree.staff, indicator=indicator, agency=agency_a, year=2026, target_value="95"
    )
    response = login(tree.staff).get(reverse("core:picker", args=["annual_target"]), {"q": "ho so dung han"})
    assert _options(response) == [
        (str(target.pk), "Tỷ lệ hồ sơ đúng hạn", f"năm 2026 · {agency_a.name} · chỉ tiêu 95")
    ]
    assert (
        _options(login(tree.secretary_b).get(reverse("core:picker", args=["annual_target"]), {"q": "ho so"}))
        == []
    )


def test_account_picker_ranks_the_exact_spelling_first_and_finds_role_holders_by_their_own_name(tree, login):
    """Holders found by the name index come best first ("Hường" before "Hương" when typed "Hường"); an
    account with a role in sight and no member record is found by its own name; one without an account,
    or inactive, never."""
    from neuguong.core.tests.factories import UserFactory

    huong = UserFactory(username="u_huong")
    huong_exact = UserFactory(username="u_huong_exact")
    PersonFactory(full_name="Trần Thị Hương", organization=tree.org_a, user=huong)
    PersonFactory(full_name="Lê Thị Hường", organization=tree.branch_a, user=huong_exact)
    PersonFactory(full_name="Vũ Thị Hường", organization=tree.org_a)  # no account
    gone = UserFactory(username="u_gone", is_active=False)
    PersonFactory(full_name="Đỗ Thị Hường", organization=tree.org_a, user=gone)
    client = login(tree.staff)
    options = _options(client.get(reverse("core:picker", args=["account"]), {"q": "Hường"}))
    assert [label for _, label, _ in options] == ["Lê Thị Hường", "Trần Thị Hương"]

    tree.staff.first_name, tree.staff.last_name = "Văn", "Phòng Khối"
    tree.staff.save()
    own = _options(client.get(reverse("core:picker", args=["account"]), {"q": "Phòng Khối"}))
    assert [value for value, _, _ in own] == [str(tree.staff.pk)]
