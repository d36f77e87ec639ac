"""`manage.py backup DIR`: a consistent snapshot of the database and uploaded files, with a manifest."""

from django.core.management.base import BaseCommand, CommandError

from neuguong.dataio.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu toàn bộ dữ liệu và tệp đính kèm vào một thư mục (kèm manifest.json và mã kiểm tra)."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup_create(directory, log=lambda line: self.stderr.write(f"  {line}"))
        except BackupError as exc:
            raise CommandError(exc.message) from exc
        rows = sum(entry["count"] for entry in manifest["models"])
        self.stdout.write(
            f"Đã sao lưu {rows} dòng của {len(manifest['models'])} bảng và {len(manifest['files'])} tệp vào {directory}."
        )
