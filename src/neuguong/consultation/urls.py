from django.urls import path

app_name = "consultation"
urlpatterns: list = []
