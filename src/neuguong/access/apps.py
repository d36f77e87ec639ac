from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "neuguong.access"
    label = "access"
    verbose_name = "Tài khoản và quyền"
