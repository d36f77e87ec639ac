"""Evaluation keeps its criteria in the scoring-set tree (purpose "evaluation"): targets never lists, opens,
edits or scores those trees, and the PAR-index version numbers are not taken by them."""

import pytest
from django.http import Http404

from neuguong.core.errors import BusinessError
from neuguong.targets import selectors, services
from neuguong.targets.models import Component, ScoringSet, SetPurpose, SetStatus

from .factories import SET_ROWS, agencies_for, published_set, xlsx


def _evaluation_tree(tree, *, year: int = 2026) -> ScoringSet:
    criteria = ScoringSet.objects.create(
        organization=tree.root,
        name="Tiêu chí đánh giá đảng viên",
        year=year,
        version=1,
        purpose=SetPurpose.EVALUATION,
        status=SetStatus.PUBLISHED,
    )
    services.create_tree(criteria, services.set_tree(published_set(tree, year=year)))
    return criteria


@pytest.mark.django_db
def test_targets_pages_and_api_never_see_an_evaluation_criteria_tree(tree, login):
    criteria = _evaluation_tree(tree)
    assert criteria not in selectors.scoring_set_list(user=tree.staff)
    client = login(tree.staff)
    assert client.get(f"/chi-tieu/cham-diem/bo/{criteria.pk}/").status_code == 404
    component = Component.objects.filter(criterion__area__scoring_set=criteria).first()
    with pytest.raises(Http404):
        selectors.component_for_edit(user=tree.staff, component_id=component.pk)


@pytest.mark.django_db
def test_an_evaluation_tree_does_not_take_a_version_number_of_the_par_index_sets(tree):
    _evaluation_tree(tree)
    upload = xlsx(SET_ROWS)
    first = services.scoring_set_import(
        actor=tree.staff, organization=tree.root, name="Bộ chỉ số", year=2026, upload=upload
    )
    # The evaluation tree of the same committee and year (version 1) did not push the PAR set to 2.
    assert ScoringSet.objects.cchc().filter(pk=first.pk).exists()
    assert first.version == 2  # published_set() above imported version 1 of the PAR sets
    assert ScoringSet.objects.filter(organization=tree.root, year=2026, version=1).count() == 2


@pytest.mark.django_db
def test_a_scoring_cycle_cannot_run_on_an_evaluation_criteria_tree(tree):
    criteria = _evaluation_tree(tree)
    agencies_for(tree)
    with pytest.raises(BusinessError) as error:
        services.cycle_create(
            actor=tree.staff,
            organization=tree.root,
            scoring_set=criteria,
            name="Đợt sai",
            year=2026,
            self_deadline=criteria.created_at.date(),
        )
    assert error.value.message == services.MSG_SET_NOT_PUBLISHED
