from django.apps import AppConfig


class DocengineConfig(AppConfig):
    """An app only for its management command (`build_docx_templates`); it has no models."""

    name = "neuguong.docengine"
    label = "docengine"
    verbose_name = "Thể thức văn bản"
