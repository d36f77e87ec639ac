"""Plans benchmark: a plan of the whole province with every commitment serving one of its items, its page
and its progress (page and API) beside the framework floor, for the office (the whole plan) and for a
secretary (her part); the report's figures and files timed once.

    DATABASE_URL=postgres://…/ng_plans_bench .venv/bin/python bench/plans_bench.py [--items 20] [-n 40]

Start from a copy of the province database with commitments (`createdb -T bench_province ng_plans_bench`,
bench/README.md), or from nothing through `bench/with_postgres.sh` (this script then seeds the province
and 5 commitments per member as `commitments_bench.py` does, ~15 min). It migrates (rebuilding the status
tallies when their layout changed), opens one plan at the root with `--items` items (a third of them
sub-items), links every commitment to an item (one UPDATE, the tallies rebuilt after), then measures.
"""

import argparse
import datetime as dt
import time

from common import count_queries, report, setup_django

PLAN_NUMBER = 9165  # the benchmark's own plan: 9165-KH/ĐUK


def _seed_if_empty() -> None:
    from django.core.management import call_command

    from neuguong.commitments.models import Commitment
    from neuguong.core.dates import local_today
    from neuguong.organizations.models import Organization

    if not Organization.objects.exists():
        call_command("seed_demo", size="province", no_accounts=True, core_only=True)
    if not Commitment.objects.exists():
        from commitments_bench import seed_commitments

        seed_commitments(5, local_today().year)


def _plan(items: int):
    """The benchmark's plan (made once): at the root, in force, `items` items, every commitment linked."""
    from django.db import connection, transaction

    from neuguong.commitments import tally
    from neuguong.commitments.models import Commitment, TallyState
    from neuguong.core.dates import local_today
    from neuguong.documents.models import Document
    from neuguong.organizations.models import Organization
    from neuguong.plans import services
    from neuguong.plans.models import Plan
    from neuguong.plans.system import system_actor

    existing = Plan.objects.filter(document__number=PLAN_NUMBER).first()
    if existing is not None:
        return existing
    actor = system_actor()
    root = Organization.objects.get(parent__isnull=True)
    today = local_today()
    start = time.perf_counter()
    with transaction.atomic():
        document = Document.objects.create(
            organization=root,
            doc_type="plan",
            number=PLAN_NUMBER,
            issuer=root.abbreviation or "ĐUK",
            term_key="bench",
            issued_on=dt.date(today.year, 1, 1),
            summary="Kế hoạch thực hiện trách nhiệm nêu gương (benchmark)",
        )
        plan = services.plan_create(
            actor=actor,
            document=document,
            title="Thực hiện trách nhiệm nêu gương trong toàn tỉnh",
            organization=root,
            starts_on=dt.date(today.year, 1, 1),
            ends_on=dt.date(today.year, 12, 31),
        )
        made = []
        tops = max(1, items * 2 // 3)
        for i in range(tops):
            made.append(
                services.plan_item_add(
                    actor=actor,
                    plan=plan,
                    title=f"Nội dung {i + 1} của kế hoạch",
                    lead_unit=root,
                    deadline=dt.date(today.year, 12, 31),
                    weight=1 + i % 3,
                )
            )
        for i in range(items - tops):
            made.append(
                services.plan_item_add(
                    actor=actor,
                    plan=plan,
                    parent=made[i % tops],
                    title=f"Biện pháp {i + 1}",
                    lead_unit=root,
                    deadline=dt.date(today.year, 12, 31),
                )
            )
        services.plan_put_in_force(actor=actor, plan=plan, on=dt.date(today.year, 1, 1))
    ids = [item.pk for item in made]
    # Link every commitment with the tallies switched off, then rebuild them once (a million-row UPDATE
    # through the triggers is what tally_rebuild does faster).
    TallyState.objects.filter(pk=1).update(as_of=None)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE commitments_commitment SET plan_item_id = (%s::bigint[])[1 + (id %% %s)]", [ids, len(ids)]
        )
        linked = cursor.rowcount
    print(
        f"plan {document.number_text}: {len(ids)} items, {linked} commitments linked in {time.perf_counter() - start:.0f} s"
    )
    start = time.perf_counter()
    tally.rebuild(today)
    print(f"status tallies rebuilt in {time.perf_counter() - start:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    assert Commitment.objects.filter(plan_item__plan=plan).count() == linked
    return plan


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("-n", type=int, default=40)
    args = parser.parse_args()
    setup_django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from neuguong.access.models import Role, RoleAssignment
    from neuguong.access.services import api_token_create
    from neuguong.commitments.models import Commitment, PlanItemTally, PlanTally
    from neuguong.core.dates import local_today
    from neuguong.organizations.models import Organization, OrgKind
    from neuguong.plans.report import annex_sheets, plan_report_figures, report_document

    print(f"database: {connection.vendor}")
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrate (tallies rebuilt if their layout changed): {time.perf_counter() - start:.0f} s")
    _seed_if_empty()
    plan = _plan(args.items)
    root = Organization.objects.get(parent__isnull=True)
    committee = Organization.objects.filter(kind=OrgKind.GRASSROOTS_COMMITTEE).order_by("code").first()
    users = get_user_model().objects
    staff, _ = users.get_or_create(username="bench_staff")
    secretary, _ = users.get_or_create(username="bench_secretary")
    RoleAssignment.objects.get_or_create(user=staff, role=Role.STAFF, organization=root)
    RoleAssignment.objects.get_or_create(user=secretary, role=Role.SECRETARY, organization=committee)
    linked = Commitment.objects.filter(plan_item__plan=plan).count()
    in_committee = Commitment.objects.filter(
        plan_item__plan=plan, organization__path__startswith=committee.path
    ).count()
    print(
        f"{Organization.objects.count()} organisations ({root.children.count()} children of the root); plan "
        f"{plan.document.number_text}: {plan.items.count()} items, {linked} commitments; {committee.code}: "
        f"{in_committee}; tally rows: PlanItemTally {PlanItemTally.objects.count()}, PlanTally "
        f"{PlanTally.objects.count()}"
    )
    item = plan.items.filter(parent__isnull=False).first()
    year = local_today().year
    for label, user in (
        ("office (staff of the whole province)", staff),
        (f"secretary of {committee.code} (her part)", secretary),
    ):
        token = api_token_create(user=user)
        token = token[1] if isinstance(token, tuple) else token
        client = Client(headers={"Authorization": f"Bearer {token}"})
        client.force_login(user)
        print(f"\n-- {label}")
        report(
            [
                ("plan page (every deadline)", f"/ke-hoach/{plan.pk}/"),
                (f"plan page, year {year}", f"/ke-hoach/{plan.pk}/?year={year}"),
                ("… its heads behind schedule (after it)", f"/ke-hoach/{plan.pk}/nguoi-dung-dau/"),
                ("progress API", f"/api/v1/plans/{plan.pk}/progress"),
                (f"progress API, year {year}", f"/api/v1/plans/{plan.pk}/progress?year={year}"),
                ("item page", f"/ke-hoach/{plan.pk}/muc/{item.pk}/"),
                ("the plan's commitments, page 1", f"/ke-hoach/{plan.pk}/nhiem-vu/"),
                (
                    "commitments, one item, overdue",
                    f"/ke-hoach/{plan.pk}/nhiem-vu/?item={item.pk}&status=open_overdue",
                ),
            ],
            client,
            n=args.n,
        )

    print("\n-- the report at the root (one run each)")
    today = local_today()
    period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    for what, make in (
        (
            "figures",
            lambda: plan_report_figures(user=staff, plan=plan, start=period[0], end=period[1], today=today),
        ),
    ):
        start = time.perf_counter()
        figures = make()
        figures.progress.heads  # noqa: B018 (the heads are read on first use)
        print(f"{what}: {(time.perf_counter() - start) * 1000:.0f} ms, {count_queries(make)} queries")
    from neuguong.docengine.docformat import render_party_document
    from neuguong.docengine.xlsx import build_workbook

    start = time.perf_counter()
    render_party_document(report_document(figures, narrative={}, issued_on=today))
    print(
        f"DOCX: {(time.perf_counter() - start) * 1000:.0f} ms ({len(figures.progress.by_child)} rows by subtree, {len(figures.progress.heads)} heads)"
    )
    start = time.perf_counter()
    build_workbook(annex_sheets(figures))
    print(f"XLSX annex: {(time.perf_counter() - start) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
