from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "neuguong.audit"
    label = "audit"
    verbose_name = "Nhật ký thay đổi"

    def ready(self) -> None:
        from neuguong.core.registry import PEOPLE_LIST_LINKS

        from .events import autodiscover

        autodiscover()
        if ("Nhật ký xem CCCD", "audit:sensitive_access") not in PEOPLE_LIST_LINKS:
            PEOPLE_LIST_LINKS.append(("Nhật ký xem CCCD", "audit:sensitive_access"))
