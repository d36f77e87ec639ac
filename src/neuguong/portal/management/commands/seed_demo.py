from django.core.management.base import BaseCommand, CommandError

from neuguong.core.registry import DEMO_SEEDERS
from neuguong.organizations.models import Organization
from neuguong.portal.demo import SIZES, create_demo_accounts
from neuguong.portal.demo import seed as seed_data


class Command(BaseCommand):
    help = "Sinh dữ liệu mẫu xác định (bloc ≈ 10.000, province ≈ 200.000, national ≈ 5,5 triệu đảng viên)."

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(SIZES), default="bloc")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--if-empty", action="store_true", help="Không làm gì nếu đã có dữ liệu.")
        parser.add_argument("--no-accounts", action="store_true")
        parser.add_argument(
            "--core-only",
            action="store_true",
            help="Chỉ sinh tổ chức và đảng viên (không sinh dữ liệu các mô-đun).",
        )

    def handle(self, *args, size, seed: int, if_empty: bool, no_accounts: bool, core_only: bool, **options):
        if Organization.objects.exists():
            if if_empty:
                self.stdout.write("Đã có dữ liệu, bỏ qua sinh dữ liệu mẫu.")
                return
            raise CommandError("Cơ sở dữ liệu đã có dữ liệu; dùng cơ sở dữ liệu trống để sinh dữ liệu mẫu.")
        self.stdout.write(f"Sinh dữ liệu mẫu cỡ «{size}»…")
        root = seed_data(size, seed_value=seed, log=self.stdout.write)
        for hook in [] if core_only else DEMO_SEEDERS:
            hook(root=root, size=size, log=self.stdout.write)
        if not no_accounts:
            accounts = create_demo_accounts(root)
            self.stdout.write("\nTài khoản dùng thử (tên đăng nhập / mật khẩu):")
            for username, password, label in accounts:
                self.stdout.write(f"  {username:10s} / {password}   — {label}")
