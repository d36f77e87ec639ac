from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "neuguong.documents"
    label = "documents"
    verbose_name = "Văn bản"

    def ready(self):
        from neuguong.core import registry

        from .pickers import register

        register()
        registry.add_nav("Văn bản", "documents:list", needs_org_role=True, order=22)
