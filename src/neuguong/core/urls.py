from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("chon/<slug:kind>/", views.picker, name="picker"),
]
