from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("doi-mat-khau/", views.password_change_view, name="password_change"),
    path("co-chu/", views.text_size_view, name="text_size"),
    path("", views.account_view, name="account"),
    path("ma-api/tao/", views.token_create_view, name="token_create"),
    path("ma-api/<int:token_id>/thu-hoi/", views.token_revoke_view, name="token_revoke"),
]
