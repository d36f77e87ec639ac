from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "neuguong.plans"
    label = "plans"
    verbose_name = "Kế hoạch, chương trình, đề án"

    def ready(self):
        from . import registration

        registration.register()
