import unicodedata

import pytest
from django.urls import reverse

from neuguong.audit.models import AuditEvent, SensitiveAccess
from neuguong.core.tests.factories import PersonFactory
from neuguong.organizations.forms import MSG_ORGANIZATION_NOT_FOUND
from neuguong.people.events import PersonEvent
from neuguong.people.models import Person

ROLES_INSIDE_A = ["staff", "secretary_a", "inspector_a"]
ROLES_OUTSIDE_A = ["secretary_b", "outsider"]


@pytest.mark.parametrize("role", [*ROLES_INSIDE_A, "member_a"])
def test_person_page_is_visible_inside_the_subtree(tree, login, role):
    response = login(getattr(tree, role)).get(reverse("people:detail", args=[tree.person_a.pk]))
    assert response.status_code == 200
    assert "Nguyễn Nam Đình" in response.content.decode()


@pytest.mark.parametrize("role", ROLES_OUTSIDE_A)
def test_person_page_outside_the_subtree_is_404_like_a_missing_one(tree, login, role):
    client = login(getattr(tree, role))
    assert client.get(reverse("people:detail", args=[tree.person_a.pk])).status_code == 404
    assert client.get(reverse("people:detail", args=[999_999])).status_code == 404


def test_member_cannot_see_another_member_of_her_branch(tree, login):
    assert login(tree.member_a).get(reverse("people:detail", args=[tree.person_a2.pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff", 3), ("secretary_a", 2), ("inspector_a", 2), ("secretary_b", 1)],
)
def test_people_list_shows_only_the_users_subtree(tree, login, role, expected):
    response = login(getattr(tree, role)).get(reverse("people:list"))
    assert response.context["page_obj"].paginator.count == expected


@pytest.mark.parametrize("role", ["member_a", "outsider"])
def test_people_list_is_not_offered_to_members_without_an_organisation_role(tree, login, role):
    assert login(getattr(tree, role)).get(reverse("people:list")).status_code == 404


def test_people_list_searches_without_diacritics_in_nfc_and_nfd(tree, login):
    client = login(tree.staff)
    for query in ["nguyen nam dinh", "NGUYEN NAM ĐINH", unicodedata.normalize("NFD", "Nguyễn Nam Đình")]:
        response = client.get(reverse("people:list"), {"q": query})
        assert [p.full_name for p in response.context["page_obj"]] == ["Nguyễn Nam Đình"], query


def test_people_list_filters_by_organisation_code_and_rejects_foreign_codes(tree, login):
    client = login(tree.secretary_a)
    response = client.get(reverse("people:list"), {"org": "A1"})
    assert response.context["page_obj"].paginator.count == 2
    assert client.get(reverse("people:list"), {"org": "B"}).status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"page": "abc"},
        {"page": "-5"},
        {"sort": "'; drop table"},
        {"status": "nope"},
        {"org": "\x00"},
        {"page": "99999999999999999999"},
    ],
)
def test_malformed_list_parameters_never_crash(tree, login, params):
    response = login(tree.staff).get(reverse("people:list"), params)
    assert response.status_code in (200, 404)


def test_people_list_query_count_does_not_grow_with_rows(tree, login, django_assert_max_num_queries):
    for _ in range(30):
        PersonFactory(organization=tree.branch_a)
    client = login(tree.staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("people:list"))
    assert response.status_code == 200


def test_htmx_request_returns_only_the_table(tree, login):
    response = login(tree.staff).get(reverse("people:list"), {"q": "binh"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<nav" not in body.split("Phân trang")[0]
    assert "Nguyễn Văn Bình" in body


def test_citizen_id_is_masked_and_every_reveal_is_logged(tree, login):
    client = login(tree.secretary_a)
    page = client.get(reverse("people:detail", args=[tree.person_a.pk])).content.decode()
    assert tree.person_a.citizen_id not in page
    assert tree.person_a.masked_citizen_id in page
    revealed = client.post(reverse("people:reveal_citizen_id", args=[tree.person_a.pk]))
    assert tree.person_a.citizen_id in revealed.content.decode()
    assert SensitiveAccess.objects.filter(user=tree.secretary_a, person=tree.person_a).count() == 1


@pytest.mark.parametrize("role", ["inspector_a", "member_a", "secretary_b"])
def test_roles_without_the_right_cannot_reveal_the_citizen_id(tree, login, role):
    response = login(getattr(tree, role)).post(reverse("people:reveal_citizen_id", args=[tree.person_a.pk]))
    assert response.status_code == 404
    assert not SensitiveAccess.objects.exists()


def test_secretary_edits_a_member_and_the_change_is_in_the_history(tree, login):
    client = login(tree.secretary_a)
    url = reverse("people:edit", args=[tree.person_a.pk])
    form = client.get(url).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "phone": "0988000111",
            "date_of_birth": "17/05/1980",
            "admitted_on": "03/03/2005",
            "official_on": "03/03/2006",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=PersonEvent.UPDATED, target_id=str(tree.person_a.pk))
    assert event.actor == tree.secretary_a
    assert event.changes["phone"]["new"] == "0988000111"
    detail = client.get(reverse("people:detail", args=[tree.person_a.pk])).content.decode()
    assert "Lịch sử thay đổi" in detail and "0988000111" in detail


def test_invalid_edit_keeps_input_and_shows_a_vietnamese_error(tree, login):
    client = login(tree.secretary_a)
    response = client.post(
        reverse("people:edit", args=[tree.person_a.pk]),
        {
            "full_name": "Nguyễn Nam Đình",
            "status": "official",
            "theory_level": "none",
            "admitted_on": "03/03/2010",
            "official_on": "01/01/2009",
            "phone": "0911",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Ngày chính thức không được trước ngày vào Đảng." in body
    assert 'value="0911"' in body


def test_forged_organisation_code_in_the_create_form_is_refused(tree, login):
    client = login(tree.secretary_a)
    response = client.post(
        reverse("people:create"),
        {
            "organization": "B",
            "full_name": "Người Lạ",
            "status": "official",
            "theory_level": "none",
        },
    )
    assert response.status_code == 200
    assert MSG_ORGANIZATION_NOT_FOUND in response.content.decode()
    assert not Person.objects.filter(full_name="Người Lạ").exists()


def test_secretary_transfers_a_member_inside_her_subtree(tree, login):
    client = login(tree.secretary_a)
    response = client.post(
        reverse("people:transfer", args=[tree.person_a2.pk]),
        {"target": "A", "moved_on": "01/02/2026", "note": "Điều động"},
    )
    assert response.status_code == 302
    tree.person_a2.refresh_from_db()
    assert tree.person_a2.organization == tree.org_a
    assert tree.person_a2.memberships.count() == 2


def test_people_search_puts_exact_diacritics_then_names_that_begin_with_the_query_first(tree, login):
    for name in ["Trần Thị Hương", "Lê Thị Hường", "Hương Thị Mai"]:
        PersonFactory(full_name=name, organization=tree.org_b)
    client = login(tree.staff)
    response = client.get(reverse("people:list"), {"q": "Hường"})
    assert [p.full_name for p in response.context["page_obj"]] == [
        "Lê Thị Hường",
        "Hương Thị Mai",
        "Trần Thị Hương",
    ]
    response = client.get(reverse("people:list"), {"q": "huong", "sort": "-name"})  # a chosen order stays
    assert [p.full_name for p in response.context["page_obj"]] == [
        "Trần Thị Hương",
        "Lê Thị Hường",
        "Hương Thị Mai",
    ]


def test_people_search_beyond_the_cap_says_more_than_and_keeps_paging(tree, login):
    from neuguong.core.paging import COUNT_CAP

    Person.objects.bulk_create(
        Person(
            full_name=f"Phạm Văn Thử {i:04d}", name_folded=f"pham van thu {i:04d}", organization=tree.org_b
        )
        for i in range(COUNT_CAP + 1)
    )
    response = login(tree.staff).get(
        reverse("people:list"), {"q": "pham van", "page": 2}, HTTP_HX_REQUEST="true"
    )
    assert response.context["page_obj"].paginator.is_capped
    assert "Hơn 1.000 người" in response.content.decode()
    assert [p.full_name for p in response.context["page_obj"]][:2] == [
        "Phạm Văn Thử 0050",
        "Phạm Văn Thử 0051",
    ]


def test_people_search_query_count_does_not_grow_with_matches(tree, login, django_assert_max_num_queries):
    PersonFactory.create_batch(40, full_name="Đỗ Thị Thử", organization=tree.branch_a)
    client = login(tree.staff)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("people:list"), {"q": "do thi"})
    assert len(response.context["page_obj"]) == 40
