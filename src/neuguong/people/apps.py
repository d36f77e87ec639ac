from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "neuguong.people"
    label = "people"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from .pickers import register

        register()
