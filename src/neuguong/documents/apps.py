from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "neuguong.documents"
    label = "documents"
    verbose_name = "Văn bản"
