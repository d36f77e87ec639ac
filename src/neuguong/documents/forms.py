from django import forms

from neuguong.core.forms import BootstrapFormMixin

from .models import Classification
from .numbers import DocumentType


class DocumentFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    org = forms.CharField(required=False, max_length=32)
    type = forms.ChoiceField(required=False, choices=[("", "Mọi loại"), *DocumentType.choices])
    year = forms.IntegerField(required=False, min_value=1930, max_value=2100)


class DocumentForm(BootstrapFormMixin, forms.Form):
    # The services name the parsed number "number"; here it is typed in "number_text".
    business_error_fields = {"number": "number_text"}

    doc_type = forms.ChoiceField(
        label="Loại văn bản",
        choices=[("", "— chọn —"), *DocumentType.choices],
        help_text="Chọn loại, không suy ra từ ký hiệu (QĐ dùng cho cả quyết định và quy định).",
    )
    number_text = forms.CharField(
        label="Số, ký hiệu",
        max_length=64,
        required=False,
        help_text="Ví dụ 165-KH/ĐUK. Để trống để lấy số tiếp theo còn trống của tổ chức.",
    )
    issued_on = forms.DateField(label="Ngày ban hành")
    summary = forms.CharField(label="Trích yếu", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    signer = forms.CharField(label="Người ký", max_length=128, required=False)
    recipients = forms.CharField(label="Nơi nhận", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    classification = forms.ChoiceField(label="Độ mật", choices=Classification.choices, required=False)
    file = forms.FileField(label="Tệp (PDF, DOCX)", required=False)
