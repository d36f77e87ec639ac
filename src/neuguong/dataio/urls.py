from django.urls import path

from . import views

app_name = "dataio"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("mau-nhap.xlsx", views.template_view, name="template"),
    path("nhap/", views.import_upload_view, name="import_upload"),
    path("nhap/<int:run_id>/", views.import_run_view, name="import_run"),
    path("nhap/<int:run_id>/tien-do/", views.import_status_view, name="import_status"),
    path("nhap/<int:run_id>/ghep-cot/", views.import_mapping_view, name="import_mapping"),
    path("nhap/<int:run_id>/ghep-lai/", views.import_remap_view, name="import_remap"),
    path("nhap/<int:run_id>/xac-nhan/", views.import_confirm_view, name="import_confirm"),
    path("xuat/dang-vien.xlsx", views.export_people_view, name="export_people"),
    path("xuat/to-chuc.xlsx", views.export_organizations_view, name="export_organizations"),
    path("tai-khoan/<str:code>/", views.accounts_view, name="accounts"),
    path("tai-khoan/dot/<int:batch_id>/", views.account_batch_view, name="account_batch"),
    path("tai-khoan/dot/<int:batch_id>/xlsx/", views.account_batch_xlsx_view, name="account_batch_xlsx"),
    path("tai-khoan/dot/<int:batch_id>/xoa/", views.account_batch_clear_view, name="account_batch_clear"),
    path("chat-luong/", views.quality_view, name="quality"),
    path("chat-luong/xlsx/", views.quality_xlsx_view, name="quality_xlsx"),
    path("chat-luong/<str:key>/", views.quality_check_view, name="quality_check"),
]
