"""The demo seeder on the shared tree: a 2024 period under 124 decided and published, a 2025 period under
366 half-way, for the first grassroots organisation and for the bloc, every rule obeyed."""

import pytest

from neuguong.evaluation.demo import seed_evaluation
from neuguong.evaluation.models import Period, PeriodState, ReviewState


@pytest.mark.django_db
def test_the_demo_has_last_year_decided_and_this_year_half_way(tree):
    seed_evaluation(root=tree.root, size="bloc", log=lambda _: None)
    periods = {
        (p.organization.code, p.year): p for p in Period.objects.select_related("organization", "rule_set")
    }
    assert set(periods) == {("A", 2024), ("DUK", 2024), ("A", 2025), ("DUK", 2025)}
    for code in ("A", "DUK"):
        assert periods[(code, 2024)].rule_set.code == "124"
        assert periods[(code, 2024)].state == PeriodState.PUBLISHED
        assert periods[(code, 2024)].decision_document is not None
        assert periods[(code, 2025)].rule_set.code == "366"
        assert periods[(code, 2025)].state == PeriodState.OPEN
    states = set(periods[("A", 2025)].reviews.values_list("state", flat=True))
    assert states == {ReviewState.PROPOSED}  # two members: both in the first, proposed, stages
    proposed = periods[("A", 2025)].reviews.filter(state=ReviewState.PROPOSED).first()
    assert proposed.facts["tasks"]["counted"] > 0


@pytest.mark.django_db
def test_every_page_of_the_demo_opens(tree, login):
    seed_evaluation(root=tree.root, size="bloc", log=lambda _: None)
    client = login(tree.staff)
    for period in Period.objects.all():
        assert client.get(f"/danh-gia/ky/{period.pk}/").status_code == 200
        assert client.get(f"/danh-gia/ky/{period.pk}/?format=xlsx").status_code == 200
        assert client.get(f"/danh-gia/ky/{period.pk}/quyet-dinh.docx").status_code == 200
        for review in period.reviews.all()[:3]:
            assert client.get(f"/danh-gia/kiem-diem/{review.pk}/").status_code == 200
    for query in (
        "org=DUK&year=2025",
        "org=A&year=2025",
        "org=A&year=2024",
        "org=DUK&year=2025&format=docx",
        "org=DUK&year=2025&format=xlsx",
    ):
        assert client.get(f"/danh-gia/bao-cao/?{query}").status_code == 200, query
    assert client.get("/danh-gia/").status_code == 200
    assert client.get("/").status_code == 200
    assert login(tree.member_a).get("/danh-gia/cua-toi/").status_code == 200
