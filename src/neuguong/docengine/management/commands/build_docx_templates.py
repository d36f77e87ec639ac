from django.core.management.base import BaseCommand

from neuguong.docengine.template_builder import build_default_template


class Command(BaseCommand):
    help = "Tạo lại mẫu văn bản DOCX mặc định (docengine/templates_docx/van_ban_dang.docx)."

    def handle(self, *args, **options):
        path = build_default_template()
        self.stdout.write(f"Đã tạo {path}")
