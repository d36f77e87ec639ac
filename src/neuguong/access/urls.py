from django.urls import path

from . import password_reset, views

app_name = "access"
urlpatterns = [
    path("dang-nhap/", views.login_view, name="login"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("doi-mat-khau/", views.password_change_view, name="password_change"),
    path("quen-mat-khau/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path("quen-mat-khau/da-gui/", password_reset.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        password_reset.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("co-chu/", views.text_size_view, name="text_size"),
    path("", views.account_view, name="account"),
    path("ma-api/tao/", views.token_create_view, name="token_create"),
    path("ma-api/<int:token_id>/thu-hoi/", views.token_revoke_view, name="token_revoke"),
]
