from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "neuguong.people"
    label = "people"
    verbose_name = "Đảng viên"

    def ready(self):
        from .search import install_name_index

        post_migrate.connect(install_name_index, sender=self, dispatch_uid="people.name_index")
