from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("doi-mat-khau/", views.password_change_view, name="password_change"),
    path("co-chu/", views.text_size_view, name="text_size"),
]
