from django import forms

from neuguong.core.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Mật khẩu", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class ApiTokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label="Tên gợi nhớ",
        max_length=64,
        required=False,
        help_text="Ví dụ: «Phần mềm tổng hợp của văn phòng». Mã chỉ hiện một lần, ngay sau khi tạo.",
    )
