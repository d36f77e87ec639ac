"""`manage.py restore DIR [--force]`: verify checksums, refuse a non-empty database unless forced, restore."""

from django.core.management.base import BaseCommand, CommandError

from neuguong.dataio.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục dữ liệu từ một bản sao lưu (chạy `migrate` trước trên cơ sở dữ liệu mới)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument(
            "--force", action="store_true", help="Xóa dữ liệu hiện có trong cơ sở dữ liệu rồi khôi phục."
        )

    def handle(self, *args, directory, force=False, **options):
        try:
            loaded = restore(directory, force=force, log=lambda line: self.stderr.write(f"  {line}"))
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Đã khôi phục {sum(loaded.values())} dòng của {len(loaded)} bảng từ {directory}.")
