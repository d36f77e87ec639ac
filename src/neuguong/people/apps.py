from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "neuguong.people"
    label = "people"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from neuguong.core.registry import PEOPLE_LIST_LINKS

        from .pickers import register
        from .search import install_name_index

        register()
        post_migrate.connect(install_name_index, sender=self, dispatch_uid="people.name_index")
        if ("Nhật ký xem CCCD", "people:sensitive_access") not in PEOPLE_LIST_LINKS:
            PEOPLE_LIST_LINKS.append(("Nhật ký xem CCCD", "people:sensitive_access"))
