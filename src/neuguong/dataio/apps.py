from django.apps import AppConfig


class DataioConfig(AppConfig):
    name = "neuguong.dataio"
    label = "dataio"
    verbose_name = "Nhập, xuất và sao lưu dữ liệu"
