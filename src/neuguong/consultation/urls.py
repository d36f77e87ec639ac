from django.urls import path

from . import views

app_name = "consultation"
urlpatterns = [
    path("", views.draft_list_view, name="list"),
    path("them/", views.draft_create_view, name="create"),
    path("<int:draft_id>/", views.draft_detail_view, name="detail"),
    path("<int:draft_id>/sua/", views.draft_edit_view, name="edit"),
    path("<int:draft_id>/doi-tuong/", views.audience_view, name="audience"),
    path("<int:draft_id>/noi-dung/", views.text_view, name="text"),
    path("<int:draft_id>/phan/them/", views.section_add_view, name="section_add"),
    path("<int:draft_id>/phan/<int:section_id>/sua/", views.section_edit_view, name="section_edit"),
    path("<int:draft_id>/phan/<int:section_id>/bo/", views.section_remove_view, name="section_remove"),
    path("<int:draft_id>/buoc/<slug:step>/", views.step_view, name="step"),
    path("<int:draft_id>/ban-moi/", views.new_version_view, name="new_version"),
    path("<int:draft_id>/rut/", views.withdraw_view, name="withdraw"),
    path("<int:draft_id>/thong-qua/", views.adopt_view, name="adopt"),
    path("<int:draft_id>/thuc-hien/", views.implement_view, name="implement"),
    path("<int:draft_id>/gop-y/", views.comment_create_view, name="comment_create"),
    path("<int:draft_id>/gop-y-tap-the/", views.collective_comment_view, name="collective_comment"),
    path("<int:draft_id>/nhap-phieu/", views.paper_comment_view, name="paper_comment"),
    path("<int:draft_id>/y-kien/", views.comment_list_view, name="comments"),
    path("<int:draft_id>/y-kien/nhom/", views.group_create_view, name="group_create"),
    path("<int:draft_id>/y-kien/tan-thanh/", views.agreeing_view, name="agreeing"),
    path("<int:draft_id>/y-kien/<int:comment_id>/", views.comment_detail_view, name="comment"),
    path("<int:draft_id>/y-kien/<int:comment_id>/sua/", views.comment_edit_view, name="comment_edit"),
    path("<int:draft_id>/y-kien/<int:comment_id>/tach-nhom/", views.ungroup_view, name="ungroup"),
    path("<int:draft_id>/nhom/<int:group_id>/", views.group_view, name="group"),
    path("<int:draft_id>/tong-hop/", views.synthesis_view, name="synthesis"),
    path("<int:draft_id>/bao-cao.<str:fmt>", views.report_view, name="report"),
    path("<int:draft_id>/so-sanh/", views.diff_view, name="diff"),
]
