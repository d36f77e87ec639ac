from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "neuguong.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self) -> None:
        from .events import autodiscover

        autodiscover()
