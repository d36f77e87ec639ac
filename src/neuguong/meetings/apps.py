from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "neuguong.meetings"
    label = "meetings"
    verbose_name = "Sinh hoạt chi bộ"

    def ready(self):
        from neuguong.core import registry

        from .selectors import document_readers

        if document_readers not in registry.DOCUMENT_READERS:
            registry.DOCUMENT_READERS.append(document_readers)
