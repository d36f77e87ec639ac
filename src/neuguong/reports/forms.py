from django import forms

from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.organizations.forms import OrganizationChoiceField
from neuguong.organizations.models import Organization

from .models import NARRATIVE_SECTIONS, ORGANIZATION_REPORT_KINDS, ReportKind
from .periods import PERIOD_KINDS


class ReportChoiceForm(BootstrapFormMixin, forms.Form):
    """Which report, for which organisation and period (GET)."""

    kind = forms.ChoiceField(
        label="Loại báo cáo",
        choices=[(k, label) for k, label in ReportKind.choices if k in ORGANIZATION_REPORT_KINDS],
    )
    org = OrganizationChoiceField(label="Mã tổ chức")
    period = forms.ChoiceField(label="Kỳ báo cáo", choices=list(PERIOD_KINDS.items()), initial="year")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, required=False)
    part = forms.ChoiceField(
        label="6 tháng / quý",
        choices=[
            ("1", "6 tháng đầu / quý I"),
            ("2", "6 tháng cuối / quý II"),
            ("3", "quý III"),
            ("4", "quý IV"),
        ],
        required=False,
    )
    start = forms.DateField(label="Từ ngày", required=False, widget=forms.DateInput)
    end = forms.DateField(label="Đến ngày", required=False, widget=forms.DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only organisations the user may report on (a hidden one reads like a missing one).
        model_choice_field(self, "org").queryset = Organization.objects.visible_to(user)


class DraftForm(BootstrapFormMixin, forms.Form):
    """The editable parts of a report; the figures are not fields and cannot be edited."""

    number = forms.CharField(label="Số, ký hiệu (để trống: điền khi ban hành)", max_length=64, required=False)
    signing_authority = forms.CharField(
        label="Thẩm quyền ký",
        max_length=64,
        required=False,
        help_text="Để trống: theo loại tổ chức (T/M BAN THƯỜNG VỤ, T/M ĐẢNG ỦY hoặc T/M CHI BỘ).",
    )
    signer_position = forms.CharField(label="Chức vụ người ký", max_length=64, required=False)
    signer_name = forms.CharField(label="Người ký", max_length=128, required=False)
    recipients = forms.CharField(
        label="Nơi nhận (mỗi dòng một nơi)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        for name, heading in NARRATIVE_SECTIONS[kind]:
            self.fields[f"n_{name}"] = forms.CharField(
                label=heading, required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
            )
            self.fields[f"n_{name}"].widget.attrs["class"] = "form-control"
        self.kind = kind

    def narrative(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"n_{name}", "") for name, _ in NARRATIVE_SECTIONS[self.kind]}


class TemplateUploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Dùng cho", choices=[("", "Mọi loại báo cáo"), *ReportKind.choices], required=False
    )
    file = forms.FileField(label="Tệp mẫu (.docx)")
