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
        missing = manifest.get("missing_files", [])
        if missing:
            # The rows still point at these files: the backup is written but not complete (exit code 1).
            self.stderr.write(
                f"CẢNH BÁO: {len(missing)} tệp được dữ liệu tham chiếu nhưng không có trong kho lưu trữ:"
            )
            for name in missing:
                self.stderr.write(f"  {name}")
            raise CommandError(
                f"Bản sao lưu thiếu {len(missing)} tệp (danh sách ở trên và trong manifest.json, mục missing_files)."
            )
