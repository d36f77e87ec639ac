from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "neuguong.organizations"
    label = "organizations"
    verbose_name = "Tổ chức đảng"

    def ready(self) -> None:
        from .pickers import register

        register()
