from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("them/", views.indicator_create_view, name="indicator_create"),
    path("<int:indicator_id>/", views.indicator_detail_view, name="indicator"),
    path("<int:indicator_id>/sua/", views.indicator_edit_view, name="indicator_edit"),
    path("giao/", views.target_create_view, name="target_create"),
    path("nhap/", views.targets_import_view, name="targets_import"),
    path("qua-han/", views.overdue_view, name="overdue"),
    path("muc-tieu/<int:target_id>/", views.target_detail_view, name="target"),
    path("minh-chung/<int:evidence_id>/", views.actual_evidence_view, name="actual_evidence"),
    path("cham-diem/", views.scoring_index_view, name="scoring"),
    path("cham-diem/bo/nhap/", views.set_import_view, name="set_import"),
    path("cham-diem/bo/<int:set_id>/", views.set_detail_view, name="set"),
    path("cham-diem/bo/<int:set_id>/ban-hanh/", views.set_publish_view, name="set_publish"),
    path("cham-diem/bo/<int:set_id>/sao/", views.set_copy_view, name="set_copy"),
    path("cham-diem/thanh-phan/<int:component_id>/", views.component_edit_view, name="component_edit"),
    path("cham-diem/dot/them/", views.cycle_create_view, name="cycle_create"),
    path("cham-diem/dot/<int:cycle_id>/", views.cycle_detail_view, name="cycle"),
    path("cham-diem/dot/<int:cycle_id>/to-tham-dinh/", views.cycle_team_view, name="cycle_team"),
    path("cham-diem/dot/<int:cycle_id>/dieu-tra/", views.cycle_survey_view, name="cycle_survey"),
    path("cham-diem/dot/<int:cycle_id>/xep-hang/", views.ranking_view, name="ranking"),
    path("cham-diem/danh-gia/<int:assessment_id>/", views.assessment_view, name="assessment"),
    path(
        "cham-diem/danh-gia/<int:assessment_id>/tu-cham/<int:component_id>/",
        views.self_score_view,
        name="self_score",
    ),
    path(
        "cham-diem/danh-gia/<int:assessment_id>/tham-dinh/<int:component_id>/",
        views.appraise_view,
        name="appraise",
    ),
    path("cham-diem/danh-gia/<int:assessment_id>/cong-khai/", views.transparency_view, name="transparency"),
    path(
        "cham-diem/danh-gia/<int:assessment_id>/<slug:action>/",
        views.assessment_action_view,
        name="assessment_action",
    ),
    path("cham-diem/minh-chung/<int:evidence_id>/", views.score_evidence_view, name="score_evidence"),
]
