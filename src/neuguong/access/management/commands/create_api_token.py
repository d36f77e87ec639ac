from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from neuguong.access.services import api_token_create


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho người dùng; chỉ in ra mã (dùng trong Authorization: Bearer ...)."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{username}».")
        self.stdout.write(api_token_create(user=user))
