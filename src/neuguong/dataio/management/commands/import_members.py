"""`manage.py import_members FILE [--org CODE] [--dry-run] [--as USERNAME]`"""

import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from neuguong.access.scope import Scope, scope_for
from neuguong.dataio.importer import ImportFileError, ImportInvalid, import_file
from neuguong.dataio.services import import_run_record
from neuguong.organizations.models import Organization

SYSTEM_SCOPE = Scope(user_id=None, is_global=True)


class Command(BaseCommand):
    help = "Nhập danh sách tổ chức và đảng viên từ tệp XLSX/CSV (kiểm tra toàn bộ trước khi ghi)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", help="Mã tổ chức dùng cho các dòng không ghi «Mã tổ chức».")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì.")
        parser.add_argument(
            "--as",
            dest="username",
            help="Nhập với quyền của tài khoản này (mặc định: quyền hệ thống, toàn bộ cây tổ chức).",
        )

    def handle(self, *args, file, org=None, dry_run=False, username=None, **options):
        actor, scope = None, SYSTEM_SCOPE
        if username:
            actor = get_user_model().objects.filter(username=username, is_active=True).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản «{username}».")
            scope = scope_for(actor)
        default_org = None
        if org:
            default_org = Organization.objects.filter(code=org).first()
            if default_org is None or not scope.can_write_path(default_org.path):
                raise CommandError(f"Mã tổ chức «{org}» không tồn tại hoặc không thuộc phạm vi được nhập.")
        started = time.monotonic()
        interactive = sys.stderr.isatty()

        def progress(rows: int) -> None:
            line = f"\rĐã xử lý {rows:,} dòng ({time.monotonic() - started:.1f} giây)"
            if interactive:
                self.stderr.write(line, ending="")
            elif rows and rows % 20_000 == 0:
                self.stderr.write(line.strip())

        try:
            report = import_file(
                path_or_opener=file,
                actor=actor,
                scope=scope,
                default_org=default_org,
                dry_run=dry_run,
                source_name=file.rsplit("/", 1)[-1],
                progress=progress,
                finalize=lambda report: import_run_record(
                    actor=actor, source_name=file, organization=default_org, report=report
                ),
            )
        except FileNotFoundError as exc:
            raise CommandError(f"Không tìm thấy tệp {file}.") from exc
        except ImportInvalid as exc:
            if interactive:
                self.stderr.write("")
            for line in exc.problems:
                self.stderr.write(line)
            if exc.total > len(exc.problems):
                self.stderr.write(f"… và {exc.total - len(exc.problems)} lỗi khác.")
            raise CommandError(exc.message) from exc
        except ImportFileError as exc:
            raise CommandError(exc.message) from exc
        if interactive:
            self.stderr.write("")
        elapsed = time.monotonic() - started
        verb = "Sẽ" if dry_run else "Đã"
        self.stdout.write(
            f"{verb} tạo {report.created}, cập nhật {report.updated}, giữ nguyên {report.unchanged} đảng viên "
            f"({report.matched_by_name} khớp theo họ tên + ngày sinh); tổ chức: tạo {report.orgs_created}, "
            f"cập nhật {report.orgs_updated}. {report.rows} dòng trong {elapsed:.1f} giây."
        )
        if dry_run:
            self.stdout.write("Chạy thử: chưa ghi gì.")
