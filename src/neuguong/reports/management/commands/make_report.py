"""python manage.py make_report KIND --org CODE --from YYYY-MM-DD --to YYYY-MM-DD --out FILE [--user NAME]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from neuguong.access.scope import Scope
from neuguong.core.errors import BusinessError
from neuguong.reports.models import ReportKind
from neuguong.reports.periods import custom_period, parse_date
from neuguong.reports.rendering import report_render
from neuguong.reports.selectors import report_organization

MSG_EXTENSION = "Tệp kết quả phải có đuôi .docx, .xlsx hoặc .pdf."
MSG_ORG = "Không tìm thấy tổ chức «{code}» (hoặc người dùng không có quyền xem)."
MSG_USER = "Không tìm thấy người dùng «{name}»."


def _system_user():
    """The command runs with the whole tree in scope unless --user names someone."""
    user = get_user_model()(username="make_report", is_active=True, is_superuser=True)
    user._neuguong_scope = Scope(user_id=None, is_global=True)
    return user


class Command(BaseCommand):
    help = "Tạo báo cáo (DOCX, XLSX hoặc PDF theo đuôi tệp) từ số liệu hiện có."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportKind.values)
        parser.add_argument("--org", required=True, help="mã tổ chức, ví dụ DUK")
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument("--out", required=True)
        parser.add_argument("--user", default="", help="lập báo cáo trong phạm vi của người dùng này")

    def handle(self, *args, **options):
        out = Path(options["out"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("docx", "xlsx", "pdf"):
            raise CommandError(MSG_EXTENSION)
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(MSG_USER.format(name=options["user"]))
        else:
            user = _system_user()
        try:
            period = custom_period(parse_date(options["start"]), parse_date(options["end"]))
            organization = report_organization(user=user, code=options["org"])
            rendered = report_render(
                user=user, kind=options["kind"], organization=organization, period=period, fmt=fmt
            )
        except Http404 as exc:
            raise CommandError(MSG_ORG.format(code=options["org"])) from exc
        except BusinessError as exc:
            raise CommandError(exc.message) from exc
        out.write_bytes(rendered.data)
        self.stdout.write(f"Đã ghi {out} ({len(rendered.data):,} byte).")
