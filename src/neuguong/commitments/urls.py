from django.urls import path

from . import views

app_name = "commitments"
urlpatterns = [
    path("", views.my_commitments_view, name="mine"),
    path("bang/", views.board_view, name="board"),
    path("bang/xlsx/", views.board_export_view, name="board_export"),
    path("lich/", views.calendar_view, name="calendar"),
    path("tong-hop/", views.summary_view, name="summary"),
    path("giao/", views.commitment_create_view, name="create"),
    path("<int:commitment_id>/", views.commitment_detail_view, name="detail"),
    path("<int:commitment_id>/bao-cao/", views.report_create_view, name="report"),
    path("<int:commitment_id>/hoan-thanh/", views.complete_view, name="complete"),
    path("<int:commitment_id>/tra-lai/", views.return_completion_view, name="return"),
    path("<int:commitment_id>/xac-nhan/", views.completion_confirm_view, name="confirm"),
    path("to-chuc/<str:code>/xac-nhan-hoan-thanh/", views.completion_policy_view, name="completion_policy"),
    path("<int:commitment_id>/gia-han/", views.extension_request_view, name="extension_request"),
    path(
        "<int:commitment_id>/gia-han/<int:extension_id>/<str:decision>/",
        views.extension_decide_view,
        name="extension_decide",
    ),
    path(
        "<int:commitment_id>/bao-cao/<int:report_id>/<str:decision>/",
        views.report_review_view,
        name="report_review",
    ),
    path("<int:commitment_id>/dung/", views.halt_view, name="halt"),
    path("<int:commitment_id>/tiep-tuc/", views.resume_view, name="resume"),
    path("minh-chung/<int:evidence_id>/", views.evidence_download_view, name="evidence"),
    path("minh-chung/<int:evidence_id>/xoa/", views.evidence_delete_view, name="evidence_delete"),
    path("chuong-trinh/", views.program_list_view, name="programs"),
    path("chuong-trinh/<int:program_id>/", views.program_detail_view, name="program"),
    path("ban-cam-ket/", views.pledge_view, name="pledge"),
    path("ban-cam-ket/mau/", views.pledge_template_view, name="pledge_template"),
    path("thong-bao/", views.notifications_view, name="notifications"),
]
