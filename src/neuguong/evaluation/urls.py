from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("cua-toi/", views.mine_view, name="mine"),
    path("mo-ky/", views.period_create_view, name="period_create"),
    path("ky/<int:period_id>/", views.period_view, name="period"),
    path("ky/<int:period_id>/cap-nhat-danh-sach/", views.period_refresh_view, name="period_refresh"),
    path("ky/<int:period_id>/quyet-dinh/", views.period_decide_view, name="period_decide"),
    path("ky/<int:period_id>/quyet-dinh.docx", views.decision_docx_view, name="decision_docx"),
    path("ky/<int:period_id>/cong-bo/", views.period_publish_view, name="period_publish"),
    path("kiem-diem/<int:review_id>/", views.review_view, name="review"),
    path("kiem-diem/<int:review_id>/tu-kiem-diem/", views.review_self_view, name="review_self"),
    path("kiem-diem/<int:review_id>/hop-chi-bo/", views.review_meeting_view, name="review_meeting"),
    path("kiem-diem/<int:review_id>/y-kien/", views.review_opinion_view, name="review_opinion"),
    path("kiem-diem/<int:review_id>/de-xuat/", views.review_propose_view, name="review_propose"),
    path("kiem-diem/<int:review_id>/tham-dinh/", views.review_appraise_view, name="review_appraise"),
    path("kiem-diem/<int:review_id>/tra-lai/", views.review_return_view, name="review_return"),
    path("kiem-diem/<int:review_id>/mien/", views.review_excuse_view, name="review_excuse"),
    path("bao-cao/", views.report_view, name="report"),
    path("bo-quy-dinh/", views.rule_sets_view, name="rule_sets"),
    path("bo-quy-dinh/<int:rule_set_id>/", views.rule_set_view, name="rule_set"),
    path("bo-quy-dinh/<int:rule_set_id>/sao/", views.rule_set_copy_view, name="rule_set_copy"),
    path("bo-quy-dinh/<int:rule_set_id>/sua/", views.rule_set_edit_view, name="rule_set_edit"),
    path(
        "bo-quy-dinh/<int:rule_set_id>/tieu-chi/<int:part_id>/",
        views.rule_set_criterion_view,
        name="rule_set_criterion",
    ),
    path("bo-quy-dinh/<int:rule_set_id>/ban-hanh/", views.rule_set_publish_view, name="rule_set_publish"),
    path("ky-luat/", views.disciplines_view, name="disciplines"),
]
