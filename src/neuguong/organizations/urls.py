from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.organization_list_view, name="list"),
    path("<str:code>/", views.organization_detail_view, name="detail"),
    path("<str:code>/them/", views.organization_create_view, name="create_child"),
    path("<str:code>/sua/", views.organization_edit_view, name="edit"),
    path("<str:code>/chuyen/", views.organization_move_view, name="move"),
    path("<str:code>/sap-nhap/", views.organization_merge_view, name="merge"),
    path("<str:code>/giai-the/", views.organization_dissolve_view, name="dissolve"),
]
