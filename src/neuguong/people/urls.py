from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("them/", views.person_create_view, name="create"),
    path("nhat-ky-cccd/", views.sensitive_access_view, name="sensitive_access"),
    path("<int:person_id>/", views.person_detail_view, name="detail"),
    path("<int:person_id>/sua/", views.person_edit_view, name="edit"),
    path("<int:person_id>/chuyen/", views.person_transfer_view, name="transfer"),
    path("<int:person_id>/cccd/", views.person_reveal_citizen_id_view, name="reveal_citizen_id"),
]
