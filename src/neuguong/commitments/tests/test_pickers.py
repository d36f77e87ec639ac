"""The commitment picker: by the folded title, scoped, told apart by person, deadline and organisation."""

import datetime as dt

import pytest
from django.urls import reverse

from .factories import CommitmentFactory


def _options(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200
    return [(o.value, o.label, o.detail) for o in response.context["options"]]


def test_commitment_picker_finds_by_title_without_diacritics_with_person_deadline_and_organisation(
    tree, login
):
    commitment = CommitmentFactory(
        title="Xây dựng kế hoạch nêu gương", responsible_person=tree.person_a, deadline=dt.date(2026, 6, 30)
    )
    CommitmentFactory(title="Việc khác", responsible_person=tree.person_a)
    response = login(tree.secretary_a).get(reverse("core:picker", args=["commitment"]), {"q": "ke hoach neu"})
    assert _options(response) == [
        (
            str(commitment.pk),
            "Xây dựng kế hoạch nêu gương",
            f"{tree.person_a.full_name} · hạn 30/06/2026 · {tree.person_a.organization.name}",
        )
    ]


def test_commitment_picker_never_offers_commitments_out_of_sight(tree, login):
    CommitmentFactory(title="Kế hoạch của chi bộ A", responsible_person=tree.person_a)
    CommitmentFactory(title="Kế hoạch của chi bộ B", responsible_person=tree.person_b)
    response = login(tree.secretary_b).get(reverse("core:picker", args=["commitment"]), {"q": "ke hoach"})
    assert [label for _, label, _ in _options(response)] == ["Kế hoạch của chi bộ B"]


def test_on_postgresql_a_title_search_has_its_trigram_index(db):
    """The picker's LIKE '%…%' on the folded title is served by an index on PostgreSQL (a query matching
    nothing read every commitment of the nation: migration 0014)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no trigram index; the same query stays correct there")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'commitments_commitment'"
            " AND indexname = 'commitment_title_trgm_idx'"
        )
        (definition,) = cursor.fetchone()
    assert "gin (title_folded gin_trgm_ops)" in definition


@pytest.mark.parametrize(
    "role", ["staff", "secretary_a", "secretary_b", "inspector_a", "member_a", "outsider"]
)
def test_the_picker_offers_exactly_what_the_user_sees_nearest_deadline_first(tree, role, monkeypatch):
    """A subtree names its organisations (and one's own commitments elsewhere count); above the bound the
    picker reads through `visible_to`: the same commitments either way, in deadline order."""
    from neuguong.commitments import pickers
    from neuguong.commitments.models import Commitment

    people = [tree.person_a, tree.person_b, tree.person_a2]
    for n in range(9):
        CommitmentFactory(
            title=f"Kế hoạch nêu gương {n}",
            responsible_person=people[n % 3],
            deadline=dt.date(2026, 1 + n, 10),
        )
    CommitmentFactory(title="Việc khác", responsible_person=tree.person_a)
    user = getattr(tree, role)
    want = list(
        Commitment.objects.visible_to(user)
        .search("ke hoach")
        .order_by("deadline", "id")
        .values_list("pk", flat=True)
    )
    got = [int(o.value) for o in pickers.search_commitments(user, "ke hoach", {})]
    assert got == want[: len(got)] and len(got) == min(len(want), 21)
    monkeypatch.setattr(pickers, "ORGANIZATIONS_NAMED_UP_TO", 0)
    assert [int(o.value) for o in pickers.search_commitments(user, "ke hoach", {})] == got
