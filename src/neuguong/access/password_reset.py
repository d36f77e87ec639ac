""" "Quên mật khẩu": Django's password-reset flow, in Vietnamese, by e-mail.

The request page never says whether an address belongs to an account (the same answer either way); the
link in the e-mail is Django's signed token, valid for PASSWORD_RESET_TIMEOUT seconds and only until the
password changes. Choosing the new password also clears a pending "must change your password" flag.
"""

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy

from neuguong.core.forms import BootstrapFormMixin

from .services import password_change_done


class PasswordResetForm(BootstrapFormMixin, auth_forms.PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Địa chỉ thư điện tử của tài khoản"


class SetPasswordForm(BootstrapFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "access/password_reset_form.html"
    email_template_name = "access/password_reset_email.txt"
    subject_template_name = "access/password_reset_subject.txt"
    success_url = reverse_lazy("access:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "access/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "access/password_reset_confirm.html"
    success_url = reverse_lazy("access:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        password_change_done(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "access/password_reset_complete.html"
