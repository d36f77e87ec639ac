"""Form pages: indicator create/edit, giving a target, team, draft component edit, set round trip, API sets,
home panel."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from neuguong.access.services import api_token_create
from neuguong.organizations.forms import MSG_ORGANIZATION_NOT_FOUND
from neuguong.targets import services
from neuguong.targets.forms import MSG_UNKNOWN_USERS
from neuguong.targets.models import AnnualTarget, Component, Indicator, ScoringSet

from .factories import SET_ROWS, agencies_for, open_cycle, published_set, xlsx

pytestmark = pytest.mark.django_db


def test_indicator_create_and_edit_through_the_pages(tree, client):
    client.force_login(tree.secretary_a)
    data = {
        "organization": "A",
        "code": "CT1",
        "name": "Tỷ lệ văn bản ký số",
        "unit": "%",
        "direction": "higher",
        "baseline": "80,5",
        "frequency": "quarterly",
        "report_due_days": 10,
    }
    response = client.post(reverse("targets:indicator_create"), data)
    indicator = Indicator.objects.get()
    assert response.status_code == 302 and str(indicator.baseline) == "80.5000"
    again = client.post(reverse("targets:indicator_create"), data)
    assert "Mã chỉ tiêu «CT1» đã có." in again.content.decode()
    # She cannot create one for the bloc (not in her write scope): the code is not found for her.
    outside = client.post(reverse("targets:indicator_create"), {**data, "organization": "DUK", "code": "CT2"})
    assert MSG_ORGANIZATION_NOT_FOUND in outside.content.decode()
    edit = client.post(
        reverse("targets:indicator_edit", args=[indicator.pk]),
        {
            "name": "Tỷ lệ văn bản điện tử ký số",
            "unit": "%",
            "direction": "higher",
            "baseline": "abc",
            "report_due_days": 5,
        },
    )
    assert "«abc» không phải là một số." in edit.content.decode()
    client.post(
        reverse("targets:indicator_edit", args=[indicator.pk]),
        {
            "name": "Tỷ lệ văn bản điện tử ký số",
            "unit": "%",
            "direction": "higher",
            "baseline": "81",
            "report_due_days": 5,
        },
    )
    indicator.refresh_from_db()
    assert (indicator.name, indicator.report_due_days) == ("Tỷ lệ văn bản điện tử ký số", 5)
    client.force_login(tree.secretary_b)
    assert client.get(reverse("targets:indicator_edit", args=[indicator.pk])).status_code == 404


def test_giving_a_target_only_to_agencies_in_scope(tree, client):
    agencies_for(tree)
    indicator = services.indicator_create(
        actor=tree.staff, organization=tree.root, code="CT1", name="X", unit="%"
    )
    client.force_login(tree.secretary_a)
    data = {"indicator": indicator.pk, "agency": "CQB", "year": 2026, "target_value": "90"}
    response = client.post(reverse("targets:target_create"), data)
    assert "Không tìm thấy cơ quan có mã «CQB» trong phạm vi của bạn." in response.content.decode()
    response = client.post(
        reverse("targets:target_create"), {**data, "agency": "CQA", "target_value": "90,5"}
    )
    assert response.status_code == 302
    assert str(AnnualTarget.objects.get().target_value) == "90.5000"


def test_team_is_chosen_by_name_and_forged_accounts_are_refused(tree, client):
    agency_a, _, _ = agencies_for(tree)
    cycle = open_cycle(tree, [agency_a])
    client.force_login(tree.staff)
    url = reverse("targets:cycle_team", args=[cycle.pk])
    response = client.post(url, {"team": [tree.staff.pk, 999_999]}, follow=True)
    assert MSG_UNKNOWN_USERS in response.content.decode()
    response = client.post(url, {"team": [tree.staff.pk, tree.inspector_a.pk]})
    assert response.status_code == 302
    assert sorted(u.username for u in cycle.team.all()) == ["inspector_a", "staff"]
    page = client.get(reverse("targets:cycle", args=[cycle.pk])).content.decode()
    assert f'value="{tree.inspector_a.pk}"' in page  # the picker shows the team already chosen
    client.force_login(tree.secretary_a)  # reads the cycle, may not manage it
    assert client.post(url, {"team": tree.secretary_a.pk}).status_code == 404


def test_draft_component_edit_and_publication_checks_the_sums(tree, client):
    scoring_set = services.scoring_set_import(
        actor=tree.staff, organization=tree.root, name="Nháp", year=2026, upload=xlsx(SET_ROWS)
    )
    component = Component.objects.get(criterion__area__scoring_set=scoring_set, code="1.1.1")
    client.force_login(tree.staff)
    response = client.post(
        reverse("targets:component_edit", args=[component.pk]),
        {"name": "Ban hành kế hoạch", "max_points": "5"},
    )
    assert response.status_code == 302
    response = client.post(reverse("targets:set_publish", args=[scoring_set.pk]), follow=True)
    assert "tiêu chí 1.1: tổng 7 ≠ 6" in response.content.decode()
    assert ScoringSet.objects.get(pk=scoring_set.pk).status == "draft"


def test_exported_set_imports_back_to_the_same_tree(tree, client):
    scoring_set = published_set(tree)
    client.force_login(tree.staff)
    exported = client.get(reverse("targets:set", args=[scoring_set.pk]) + "?format=xlsx").content
    upload = SimpleUploadedFile("bo.xlsx", exported)
    copy = services.scoring_set_import(
        actor=tree.staff, organization=tree.root, name="Bản sao", year=2026, upload=upload
    )
    tree_of = lambda s: [  # noqa: E731
        (c.code, c.name, c.max_points, c.guide)
        for c in Component.objects.filter(criterion__area__scoring_set=s).order_by("code")
    ]
    assert tree_of(copy) == tree_of(scoring_set)
    assert copy.version == 2


def test_scoring_sets_api_is_scoped(tree, client):
    scoring_set = published_set(tree)
    token = api_token_create(user=tree.secretary_a)
    listed = json.loads(client.get("/api/v1/scoring/sets", HTTP_AUTHORIZATION=f"Bearer {token}").content)
    assert [(s["id"], s["components"]) for s in listed] == [(scoring_set.pk, 5)]
    detail = json.loads(
        client.get(f"/api/v1/scoring/sets/{scoring_set.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").content
    )
    assert detail["areas"][1]["criteria"][0]["components"][1] == {
        "code": "2.1.2",
        "name": "Công khai thủ tục hành chính",
        "max_points": "8",
        "guide": "",
    }
    outsider = api_token_create(user=tree.outsider)
    assert (
        client.get(
            f"/api/v1/scoring/sets/{scoring_set.pk}", HTTP_AUTHORIZATION=f"Bearer {outsider}"
        ).status_code
        == 404
    )
    assert client.get("/api/v1/scoring/sets", HTTP_AUTHORIZATION=f"Bearer {outsider}").content == b"[]"


def test_home_panel_lists_the_assessment_an_agency_head_must_do(tree, client):
    _, agency_a1, _ = agencies_for(tree)
    cycle = open_cycle(tree, [agency_a1])
    client.force_login(tree.member_a)  # head of agency A1, no organisational role
    page = client.get("/").content.decode()
    assert cycle.name in page and "Phòng Ngân sách" in page
    client.force_login(tree.secretary_b)
    assert cycle.name not in client.get("/").content.decode()


def test_the_office_home_groups_and_counts_many_assessments_with_a_link_to_the_list(tree, client):
    from neuguong.organizations.models import Agency

    agencies = [
        Agency.objects.create(code=f"CQ{i:02d}", name=f"Cơ quan số {i:02d}", organization=tree.org_a)
        for i in range(23)
    ]
    cycle = open_cycle(tree, agencies)
    client.force_login(tree.staff)
    page = client.get("/").content.decode()
    assert "23 cơ quan chờ chấm điểm" in page
    assert page.count("data-cchc-group") == 1 and "<strong>23</strong> cơ quan" in page
    assert reverse("targets:cycle", args=[cycle.pk]) in page
    assert "Cơ quan số 07" not in page  # not 23 rows on the home page


def test_not_xlsx_file_is_refused_clearly(tree, client):
    client.force_login(tree.staff)
    response = client.post(
        reverse("targets:set_import"),
        {
            "organization": "DUK",
            "name": "X",
            "year": 2026,
            "file": SimpleUploadedFile("a.xlsx", b"not a zip"),
        },
    )
    assert "Tệp không phải là bảng tính Excel (.xlsx) hợp lệ." in response.content.decode()
    assert not ScoringSet.objects.exists()
