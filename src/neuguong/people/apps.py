from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "neuguong.people"
    label = "people"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from neuguong.core.registry import PEOPLE_LIST_LINKS

        from .pickers import register

        register()
        if ("Nhật ký xem CCCD", "people:sensitive_access") not in PEOPLE_LIST_LINKS:
            PEOPLE_LIST_LINKS.append(("Nhật ký xem CCCD", "people:sensitive_access"))
