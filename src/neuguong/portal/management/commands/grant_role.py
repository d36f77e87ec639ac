from django.core.management.base import BaseCommand, CommandError

from neuguong.access.models import Role
from neuguong.access.services import role_grant
from neuguong.core.errors import BusinessError
from neuguong.organizations.models import Organization


class Command(BaseCommand):
    help = "Cấp vai trò cho người dùng trên một tổ chức (tạo tài khoản nếu chưa có)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=f"Một trong: {', '.join(Role.values)}")
        parser.add_argument("org_code")
        parser.add_argument("--password", default=None)

    def handle(self, *args, username: str, role: str, org_code: str, password: str | None, **options):
        organization = Organization.objects.filter(code=org_code).first()
        if organization is None:
            raise CommandError(f"Không tìm thấy tổ chức có mã «{org_code}».")
        try:
            user, _ = role_grant(
                actor=None, username=username, role=role, organization=organization, password=password
            )
        except BusinessError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Đã cấp vai trò {role} tại {organization.name} ({organization.code}) cho {user.username}."
        )
