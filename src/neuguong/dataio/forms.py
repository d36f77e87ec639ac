from django import forms

from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.organizations.forms import OrganizationChoiceField

from .models import UsernameScheme


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="Tệp danh sách (.xlsx hoặc .csv)", allow_empty_file=True)
    organization = OrganizationChoiceField(
        label="Mã tổ chức mặc định",
        required=False,
        help_text="Dùng cho các dòng không ghi «Mã tổ chức» (không bắt buộc).",
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = queryset


class AccountsForm(BootstrapFormMixin, forms.Form):
    scheme = forms.ChoiceField(
        label="Tên đăng nhập", choices=UsernameScheme.choices, widget=forms.RadioSelect
    )
