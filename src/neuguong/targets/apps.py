from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "neuguong.targets"
    label = "targets"
    verbose_name = "Chỉ tiêu CCHC"
