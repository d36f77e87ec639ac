from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from neuguong.access.services import REASON_COMMAND, api_tokens_revoke


class Command(BaseCommand):
    help = "Thu hồi mọi mã truy cập API còn hiệu lực của một người dùng."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có người dùng «{username}».")
        count = api_tokens_revoke(actor=None, user=user, reason=REASON_COMMAND)
        self.stdout.write(f"Đã thu hồi {count} mã truy cập API của {user.username}.")
