"""python manage.py purge_import_files [--days N] [--dry-run]: remove expired uploaded import files."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from neuguong.dataio.retention import purge_import_files, retention_days


class Command(BaseCommand):
    help = (
        "Xóa tệp đã tải lên của các lần nhập đã kết thúc quá số ngày lưu giữ "
        "(IMPORT_FILE_RETENTION_DAYS); hồ sơ lần nhập được giữ lại."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Số ngày lưu giữ (mặc định theo cấu hình)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không xóa gì.")

    def handle(self, *args, days=None, dry_run=False, **options):
        if days is not None and days < 0:
            raise CommandError("Số ngày lưu giữ không được âm.")
        days = retention_days() if days is None else days
        result = purge_import_files(days=days, dry_run=dry_run)
        verb = "Sẽ xóa" if dry_run else "Đã xóa"
        self.stdout.write(
            f"{verb} tệp của {len(result.removed)} lần nhập (lưu giữ {days} ngày, "
            f"trước {timezone.localtime(result.cutoff):%d/%m/%Y %H:%M}); {len(result.missing)} lần nhập không còn tệp."
        )
        for run_id in result.removed + result.missing:
            self.stdout.write(f"  lần nhập #{run_id}")
        if result.failed:
            raise CommandError(f"Không xóa được tệp của {len(result.failed)} lần nhập: {result.failed}")
