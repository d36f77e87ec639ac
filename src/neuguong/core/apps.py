from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "neuguong.core"
    label = "core"
    verbose_name = "Chung"
