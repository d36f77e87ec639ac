from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganizationsConfig(AppConfig):
    name = "neuguong.organizations"
    label = "organizations"
    verbose_name = "Tổ chức đảng"

    def ready(self) -> None:
        from .pickers import register
        from .search import install_name_index

        register()
        post_migrate.connect(install_name_index, sender=self, dispatch_uid="organizations.name_index")
