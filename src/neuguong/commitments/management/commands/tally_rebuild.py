"""Rebuild the commitment status tallies, or check them against a live count.

python manage.py tally_rebuild            # recompute every tally as of today (seconds per million)
python manage.py tally_rebuild --check    # compare each organisation's all-time counts with a live
                                          # count; exit 1 and list the differences if any
"""

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Sum

from neuguong.commitments import tally
from neuguong.commitments.models import Commitment, OrgTally, PlanItemTally, TallyState
from neuguong.commitments.status import status_case
from neuguong.core.dates import local_today
from neuguong.organizations.models import Organization, path_ids


class Command(BaseCommand):
    help = "Dựng lại (hoặc kiểm tra) bảng đếm trạng thái cam kết, nhiệm vụ."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Chỉ kiểm tra, không dựng lại.")

    def handle(self, *args, check: bool = False, **options):
        today = local_today()
        if not check:
            tally.install_triggers()
            tally.rebuild(today)
            self.stdout.write(self.style.SUCCESS(f"Đã dựng lại bảng đếm, tính đến ngày {today:%d/%m/%Y}."))
            return
        state = TallyState.objects.filter(pk=1).first()
        if state is None or state.as_of is None:
            raise CommandError("Bảng đếm chưa được dựng: chạy `manage.py tally_rebuild`.")
        as_of = state.as_of
        paths = dict(Organization.objects.values_list("pk", "path"))
        live: Counter = Counter()
        rows = (
            Commitment.objects.annotate(code=status_case(as_of))
            .values("organization_id", "code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            for ancestor in path_ids(paths[row["organization_id"]]):
                live[(ancestor, row["code"])] += row["n"]
        stored = Counter(
            {
                (r["organization_id"], r["status"]): r["total"]
                for r in OrgTally.objects.filter(period=0)
                .values("organization_id", "status")
                .annotate(total=Sum("n"))
                .exclude(total=0)
                .order_by()
            }
        )
        differences = sorted(set(live) | set(stored))
        differences = [key for key in differences if live[key] != stored[key]]
        for organization_id, code in differences[:50]:
            self.stdout.write(
                f"tổ chức {organization_id}, {code}: bảng đếm {stored[(organization_id, code)]}, "
                f"đếm trực tiếp {live[(organization_id, code)]}"
            )
        # The plan items' counts (PlanItemTally), per organisation, item and status.
        live_items: Counter = Counter()
        rows = (
            Commitment.objects.filter(plan_item__isnull=False)
            .annotate(code=status_case(as_of))
            .values("organization_id", "plan_item_id", "code")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            for ancestor in path_ids(paths[row["organization_id"]]):
                live_items[(ancestor, row["plan_item_id"], row["code"])] += row["n"]
        stored_items = Counter(
            {
                (r["organization_id"], r["plan_item_key"], r["status"]): r["total"]
                for r in PlanItemTally.objects.values("organization_id", "plan_item_key", "status")
                .annotate(total=Sum("n"))
                .exclude(total=0)
                .order_by()
            }
        )
        item_differences = sorted(
            key for key in set(live_items) | set(stored_items) if live_items[key] != stored_items[key]
        )
        for organization_id, item_id, code in item_differences[:50]:
            self.stdout.write(
                f"tổ chức {organization_id}, mục kế hoạch {item_id}, {code}: bảng đếm "
                f"{stored_items[(organization_id, item_id, code)]}, đếm trực tiếp {live_items[(organization_id, item_id, code)]}"
            )
        differences += item_differences
        if differences:
            raise CommandError(f"{len(differences)} chỗ lệch: chạy `manage.py tally_rebuild`.")
        self.stdout.write(self.style.SUCCESS(f"Bảng đếm khớp với dữ liệu (tính đến ngày {as_of:%d/%m/%Y})."))
