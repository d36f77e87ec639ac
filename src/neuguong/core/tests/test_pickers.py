"""Search-as-you-type pickers: names, never codes; the organisation's path beside each result; scoped."""

import pytest
from django import forms
from django.urls import reverse

from neuguong.core.forms import BootstrapFormMixin
from neuguong.core.widgets import PickerMultipleWidget, PickerWidget
from neuguong.organizations.models import Organization
from neuguong.people.models import Person, PositionTitle

from .factories import PersonFactory


def _options(response) -> list[tuple[str, str]]:
    return [(o.label, o.detail) for o in response.context["options"]]


def test_person_picker_finds_by_name_without_diacritics_and_shows_where_they_work(tree, login):
    response = login(tree.secretary_a).get(reverse("core:picker", args=["person"]), {"q": "nam dinh"})
    assert response.status_code == 200
    [(label, detail)] = _options(response)
    assert label == "Nguyễn Nam Đình" and detail.startswith("Chi bộ Phòng Ngân sách — Đảng bộ Sở Tài chính")


def test_person_picker_tells_namesakes_apart_by_position_and_birth_year(tree, login):
    import datetime as dt

    from neuguong.people.models import Position

    twin = PersonFactory(
        full_name="Nguyễn Nam Đình", organization=tree.org_a, date_of_birth=dt.date(1970, 3, 2)
    )
    Position.objects.create(
        person=twin, title=PositionTitle.SECRETARY, organization=tree.org_a, started_on=dt.date(2020, 1, 1)
    )
    response = login(tree.secretary_a).get(reverse("core:picker", args=["person"]), {"q": "đình"})
    details = sorted(d for _, d in _options(response))
    assert details[0].startswith("Chi bộ Phòng Ngân sách")
    assert details[1] == "Đảng bộ Sở Tài chính · Bí thư · sinh 1970"


def test_person_picker_never_offers_people_outside_the_users_subtree(tree, login):
    response = login(tree.secretary_b).get(reverse("core:picker", args=["person"]), {"q": "nguyen"})
    assert [label for label, _ in _options(response)] == ["Nguyễn Văn Bình"]


def test_person_picker_can_be_limited_to_a_subtree(tree, login):
    response = login(tree.staff).get(reverse("core:picker", args=["person"]), {"q": "nguyen", "within": "B"})
    assert [label for label, _ in _options(response)] == ["Nguyễn Văn Bình"]
    hidden = login(tree.secretary_b).get(
        reverse("core:picker", args=["person"]), {"q": "nguyen", "within": "A"}
    )
    assert _options(hidden) == []


def test_organisation_picker_finds_by_folded_name_with_its_path(tree, login):
    response = login(tree.staff).get(reverse("core:picker", args=["organization"]), {"q": "ngan sach"})
    assert _options(response) == [("Chi bộ Phòng Ngân sách", "Đảng bộ Sở Tài chính")]
    writable = login(tree.inspector_a).get(
        reverse("core:picker", args=["organization"]), {"q": "chi bo", "writable": "1"}
    )
    assert _options(writable) == []


def test_a_short_query_asks_for_more_and_an_unknown_kind_is_404(tree, login):
    client = login(tree.staff)
    response = client.get(reverse("core:picker", args=["person"]), {"q": "n"})
    assert response.context["options"] == [] and "ít nhất 2 ký tự" in response.content.decode()
    assert client.get(reverse("core:picker", args=["nothing"]), {"q": "nguyen"}).status_code == 404


def test_pickers_answer_in_a_fixed_number_of_queries(tree, login, django_assert_max_num_queries):
    for i in range(30):
        PersonFactory(full_name=f"Nguyễn Văn Thử {i}", organization=tree.branch_a)
    client = login(tree.staff)
    # 5 for the session, user and scope; 4 for people, their organisations, the paths and positions;
    # on PostgreSQL one more: the card-number match, asked apart from the name index.
    with django_assert_max_num_queries(10):
        response = client.get(reverse("core:picker", args=["person"]), {"q": "nguyen van thu"})
    assert len(response.context["options"]) == 20 and response.context["more"]


class _AssignForm(BootstrapFormMixin, forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.all(), widget=PickerWidget("person"))
    units = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.all(), required=False, widget=PickerMultipleWidget("organization")
    )


def test_the_widget_reads_only_the_chosen_records(tree, django_assert_max_num_queries):
    form = _AssignForm(
        data={"person": str(tree.person_a.pk), "units": [str(tree.branch_a.pk), str(tree.org_b.pk)]}
    )
    assert form.is_valid()
    with django_assert_max_num_queries(6):
        html = form.as_div()
    assert "Nguyễn Nam Đình" in html and "Chi bộ Phòng Ngân sách" in html and "Chi bộ Sở Tư pháp" in html
    assert f'name="person" value="{tree.person_a.pk}"' in html
    assert "Nguyễn Văn Bình" not in html  # the other 2 people are never listed
    assert 'role="combobox"' in html


def test_a_forged_value_outside_the_queryset_is_refused(tree):
    class _Scoped(forms.Form):
        person = forms.ModelChoiceField(
            queryset=Person.objects.filter(organization=tree.org_b), widget=PickerWidget("person")
        )

    form = _Scoped(data={"person": str(tree.person_a.pk)})
    assert not form.is_valid() and "person" in form.errors


@pytest.mark.parametrize("kind", ["person", "organization"])
@pytest.mark.parametrize(
    "params", [{"q": "ng\x00uyen"}, {"q": "nguyen", "within": "A\x00"}, {"q": "\x00\x00\x00"}]
)
def test_pickers_take_any_text(tree, login, kind, params):
    """A NUL is refused by PostgreSQL: the pickers answer with no options, never a 500."""
    assert login(tree.staff).get(reverse("core:picker", args=[kind]), params).status_code == 200
