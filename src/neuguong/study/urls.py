from django.urls import path

from . import views

app_name = "study"
urlpatterns = [
    path("", views.campaign_list_view, name="campaign_list"),
    path("them/", views.campaign_create_view, name="campaign_create"),
    path("danh-sach.xlsx", views.campaign_list_xlsx_view, name="campaign_list_xlsx"),
    path("<int:campaign_id>/", views.campaign_detail_view, name="campaign_detail"),
    path("<int:campaign_id>/sua/", views.campaign_edit_view, name="campaign_edit"),
    path("<int:campaign_id>/trieu-tap/", views.campaign_invite_view, name="campaign_invite"),
    path("<int:campaign_id>/danh-sach/", views.invitee_list_view, name="invitee_list"),
    path("<int:campaign_id>/buoi/them/", views.session_create_view, name="session_create"),
    path("<int:campaign_id>/tai-lieu/them/", views.material_create_view, name="material_create"),
    path(
        "<int:campaign_id>/buoi/<int:session_id>/diem-danh/",
        views.session_attendance_view,
        name="session_attendance",
    ),
    path("<int:campaign_id>/buoi/<int:session_id>/ma-qr/", views.session_qr_view, name="session_qr"),
    path("<int:campaign_id>/buoi/<int:session_id>/tu-diem-danh/", views.checkin_view, name="checkin"),
    path("<int:campaign_id>/thu-hoach/", views.reflection_mine_view, name="reflection_mine"),
    path("<int:campaign_id>/thu-hoach/danh-sach/", views.reflection_list_view, name="reflection_list"),
    path(
        "<int:campaign_id>/thu-hoach/<int:invitee_id>/",
        views.reflection_review_view,
        name="reflection_review",
    ),
    path(
        "<int:campaign_id>/thu-hoach/<int:invitee_id>/nhap-thay/",
        views.reflection_enter_view,
        name="reflection_enter",
    ),
    path("<int:campaign_id>/cau-hoi/", views.questions_view, name="questions"),
    path("<int:campaign_id>/thi/them/", views.round_create_view, name="round_create"),
    path("<int:campaign_id>/thi/<int:round_id>/", views.round_detail_view, name="round_detail"),
    path("<int:campaign_id>/thi/<int:round_id>/bat-dau/", views.round_start_view, name="round_start"),
    path("bai-thi/<int:attempt_id>/", views.attempt_view, name="attempt"),
    path("<int:campaign_id>/bao-cao.docx", views.campaign_docx_view, name="campaign_docx"),
    path("<int:campaign_id>/phu-luc.xlsx", views.campaign_xlsx_view, name="campaign_xlsx"),
    path("lop/", views.course_list_view, name="course_list"),
    path("lop/them/", views.course_create_view, name="course_create"),
    path("lop/<int:course_id>/", views.course_detail_view, name="course_detail"),
    path(
        "lop/<int:course_id>/hoc-vien/<int:enrolment_id>/ket-qua/",
        views.enrolment_complete_view,
        name="enrolment_complete",
    ),
    path(
        "lop/<int:course_id>/hoc-vien/<int:enrolment_id>/chung-nhan/",
        views.certificate_view,
        name="certificate",
    ),
    path("trinh-do-llct/", views.theory_gap_view, name="theory_gap"),
]
