from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("da-doc-het/", views.mark_all_read_view, name="mark_all_read"),
    path("<int:notification_id>/", views.notification_open_view, name="open"),
    path("cach-nhan/", views.preferences_view, name="preferences"),
    path("viec-cho-toi/", views.queue_view, name="queue"),
    path("viec-cho-toi/khung/", views.queue_panel_view, name="queue_panel"),
]
