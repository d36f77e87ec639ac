from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("", views.inspection_list_view, name="list"),
    path("chuong-trinh/", views.program_list_view, name="programs"),
    path("chuong-trinh/them/", views.program_create_view, name="program_create"),
    path("chuong-trinh/<int:program_id>/", views.program_detail_view, name="program"),
    path("chuong-trinh/<int:program_id>/them-cuoc/", views.inspection_create_view, name="create"),
    path("bao-phu/", views.coverage_view, name="coverage"),
    path("<int:inspection_id>/", views.inspection_detail_view, name="detail"),
    path("<int:inspection_id>/buoc/<slug:action>/", views.inspection_action_view, name="action"),
    path("<int:inspection_id>/sua/", views.inspection_edit_view, name="edit"),
    path("<int:inspection_id>/doan/", views.team_edit_view, name="team"),
    path("<int:inspection_id>/lien-ket/", views.content_link_view, name="content_link"),
    path("<int:inspection_id>/ghi-chep/", views.working_note_view, name="working_note"),
    path("<int:inspection_id>/phat-hien/", views.finding_add_view, name="finding_add"),
    path("<int:inspection_id>/vi-pham/", views.breach_add_view, name="breach_add"),
    path("<int:inspection_id>/kien-nghi/", views.recommendation_add_view, name="recommendation_add"),
    path(
        "<int:inspection_id>/kien-nghi/<int:recommendation_id>/chuyen-tiep/",
        views.recommendation_carry_over_view,
        name="recommendation_carry_over",
    ),
    path("<int:inspection_id>/van-ban/<slug:name>.docx", views.party_document_view, name="party_document"),
    path("<int:inspection_id>/buoc-<int:step_id>/tep/", views.document_add_view, name="document_add"),
    path("<int:inspection_id>/tep/<int:document_id>/", views.document_download_view, name="document"),
    path(
        "<int:inspection_id>/tep/<int:document_id>/xoa/", views.document_delete_view, name="document_delete"
    ),
]
