from django.apps import AppConfig


class CommitmentsConfig(AppConfig):
    name = "neuguong.commitments"
    label = "commitments"
    verbose_name = "Cam kết, nhiệm vụ"
