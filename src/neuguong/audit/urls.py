from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("du-lieu-nhay-cam/", views.sensitive_access_view, name="sensitive_access"),
]
