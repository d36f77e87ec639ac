"""python manage.py make_report KIND --org CODE --from YYYY-MM-DD --to YYYY-MM-DD --out FILE [--user NAME]
python manage.py make_report plan --plan ID --from YYYY-MM-DD --to YYYY-MM-DD --out FILE [--user NAME]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from neuguong.access.scope import Scope, remember_scope
from neuguong.core.errors import BusinessError
from neuguong.reports.models import ReportKind
from neuguong.reports.periods import custom_period, parse_date
from neuguong.reports.rendering import report_render
from neuguong.reports.selectors import report_organization

MSG_EXTENSION = "Tệp kết quả phải có đuôi .docx, .xlsx hoặc .pdf."
MSG_ORG = "Không tìm thấy tổ chức «{code}» (hoặc người dùng không có quyền xem)."
MSG_USER = "Không tìm thấy người dùng «{name}»."
MSG_PLAN = "Không tìm thấy kế hoạch có mã «{id}» (hoặc người dùng không có quyền xem)."
MSG_PLAN_REQUIRED = "Báo cáo kế hoạch cần --plan (mã kế hoạch)."
MSG_ORG_REQUIRED = "Cần --org (mã tổ chức)."


def _system_user():
    """The command runs with the whole tree in scope unless --user names someone."""
    user = get_user_model()(username="make_report", is_active=True, is_superuser=True)
    remember_scope(user, Scope(user_id=None, is_global=True))
    return user


class Command(BaseCommand):
    help = "Tạo báo cáo (DOCX, XLSX hoặc PDF theo đuôi tệp) từ số liệu hiện có."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportKind.values)
        parser.add_argument("--org", default="", help="mã tổ chức, ví dụ DUK (báo cáo của tổ chức)")
        parser.add_argument("--plan", default="", help="mã kế hoạch (báo cáo kết quả thực hiện kế hoạch)")
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
            if options["kind"] == ReportKind.PLAN:
                rendered = self._plan_report(user, options["plan"], period, fmt)
            else:
                if not options["org"]:
                    raise CommandError(MSG_ORG_REQUIRED)
                try:
                    organization = report_organization(user=user, code=options["org"])
                except Http404 as exc:
                    raise CommandError(MSG_ORG.format(code=options["org"])) from exc
                rendered = report_render(
                    user=user, kind=options["kind"], organization=organization, period=period, fmt=fmt
                )
        except BusinessError as exc:
            raise CommandError(exc.message) from exc
        out.write_bytes(rendered.data)
        self.stdout.write(f"Đã ghi {out} ({len(rendered.data):,} byte).")

    def _plan_report(self, user, plan_id: str, period, fmt: str):
        from neuguong.plans.selectors import plan_get

        from ...plan_report import plan_report_render

        if not plan_id:
            raise CommandError(MSG_PLAN_REQUIRED)
        try:
            plan = plan_get(user=user, plan_id=int(plan_id) if plan_id.isdigit() else None)
        except Http404 as exc:
            raise CommandError(MSG_PLAN.format(id=plan_id)) from exc
        return plan_report_render(user=user, plan=plan, period=period, fmt=fmt)
