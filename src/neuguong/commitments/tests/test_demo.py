import datetime as dt

from neuguong.commitments.demo import seed_commitments
from neuguong.commitments.models import Commitment, WorkProgram
from neuguong.commitments.selectors import status_counts
from neuguong.organizations.models import Agency


def test_demo_seeder_writes_valid_commitments_from_plan_programs_and_pledges(tree):
    Agency.objects.create(code="CQ1", name="Sở Tài chính", organization=tree.org_a, head=tree.person_a)
    today = dt.date(2026, 8, 15)
    made = seed_commitments(root=tree.root, size="bloc", log=lambda _: None, today=today)
    assert made == Commitment.objects.count()
    assert WorkProgram.objects.count() == 2  # org_a and org_b
    kinds = set(Commitment.objects.values_list("source_kind", flat=True))
    assert kinds == {"document", "work_program", "pledge"}
    counts = status_counts(Commitment.objects.all(), today)
    assert sum(counts.values()) == made
    for c in Commitment.objects.all():
        c.full_clean(exclude=["title_folded", "created_by"])  # seeded by no user
