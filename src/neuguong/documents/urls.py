from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list_view, name="list"),
    path("them/", views.document_create_view, name="create"),
    path("so-tiep-theo/", views.next_number_view, name="next_number"),
    path("<int:document_id>/", views.document_detail_view, name="detail"),
    path("<int:document_id>/tep/", views.document_file_view, name="file"),
]
