from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list_view, name="list"),
    path("xuat.xlsx", views.plan_list_xlsx_view, name="list_xlsx"),
    path("to-chuc/<str:code>/", views.for_org_view, name="for_org"),
    path("tao/", views.plan_create_view, name="create"),
    path("<int:plan_id>/", views.plan_detail_view, name="detail"),
    path("<int:plan_id>/nguoi-dung-dau/", views.heads_view, name="heads"),
    path("<int:plan_id>/sua/", views.plan_edit_view, name="edit"),
    path("<int:plan_id>/bat-dau/", views.in_force_view, name="in_force"),
    path("<int:plan_id>/ket-thuc/", views.finish_view, name="finish"),
    path("<int:plan_id>/thay-the/", views.replace_view, name="replace"),
    path("<int:plan_id>/bien-ban-ket-thuc/", views.closing_view, name="closing"),
    path("<int:plan_id>/nhiem-vu/", views.plan_commitments_view, name="commitments"),
    path("<int:plan_id>/nhiem-vu/xuat.xlsx", views.plan_commitments_xlsx_view, name="commitments_xlsx"),
    path("<int:plan_id>/muc/them/", views.item_create_view, name="item_create"),
    path("<int:plan_id>/muc/<int:item_id>/", views.item_detail_view, name="item"),
    path("<int:plan_id>/muc/<int:item_id>/sua/", views.item_edit_view, name="item_edit"),
    path("<int:plan_id>/muc/<int:item_id>/bo/", views.item_remove_view, name="item_remove"),
    path("<int:plan_id>/muc/<int:item_id>/dot-hoc-tap/", views.campaign_link_view, name="campaign_link"),
    path(
        "<int:plan_id>/muc/<int:item_id>/dot-hoc-tap/<int:campaign_id>/bo/",
        views.campaign_unlink_view,
        name="campaign_unlink",
    ),
]
