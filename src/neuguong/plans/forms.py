from django import forms

from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.core.widgets import PickerMultipleWidget, PickerWidget

from .models import PLAN_DOCUMENT_TYPES, PlanState

KIND_CHOICES = [
    ("plan", "Kế hoạch"),
    ("program", "Chương trình hành động"),
    ("project", "Đề án"),
    ("resolution", "Nghị quyết"),
    ("directive", "Chỉ thị"),
    ("conclusion", "Kết luận"),
]
assert [value for value, _ in KIND_CHOICES] == list(PLAN_DOCUMENT_TYPES)


class PlanFilterForm(forms.Form):
    """List filters; anything malformed is ignored (never a 500)."""

    q = forms.CharField(required=False, max_length=200)
    state = forms.ChoiceField(required=False, choices=[("", "Mọi trạng thái"), *PlanState.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Mọi loại văn bản"), *KIND_CHOICES])
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    org = forms.CharField(required=False, max_length=32)
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("new", "Mới nhất"),
            ("old", "Cũ nhất"),
            ("number", "Số văn bản"),
            ("title", "Tên A→Z"),
            ("end", "Sắp hết thời gian"),
        ],
    )


class PeriodForm(forms.Form):
    """The period of a plan's figures: a year of the plan, or custom dates; nothing = all deadlines."""

    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)

    def period(self):
        if not self.is_valid():
            return None, None
        data = self.cleaned_data
        if data.get("year"):
            import datetime as dt

            return dt.date(data["year"], 1, 1), dt.date(data["year"], 12, 31)
        if data.get("start") and data.get("end") and data["start"] <= data["end"]:
            return data["start"], data["end"]
        return None, None


def _organization_picker(params: dict[str, str]) -> PickerWidget:
    return PickerWidget("organization", params=params)


class PlanForm(BootstrapFormMixin, forms.Form):
    document: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Văn bản trong sổ văn bản",
        queryset=None,
        help_text="Kế hoạch, chương trình, đề án, nghị quyết, chỉ thị hoặc kết luận đã vào sổ văn bản.",
        widget=PickerWidget("plan_document"),
    )
    title = forms.CharField(
        label="Tên kế hoạch",
        max_length=500,
        required=False,
        help_text="Để trống: dùng trích yếu của văn bản.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    applies_to: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Phạm vi áp dụng (gồm các tổ chức trực thuộc)",
        queryset=None,
        required=False,
        help_text="Để trống: toàn bộ tổ chức ban hành.",
    )
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Đơn vị theo dõi", queryset=None, required=False, help_text="Để trống: tổ chức ban hành."
    )
    starts_on = forms.DateField(label="Từ ngày")
    ends_on = forms.DateField(label="Đến ngày")
    parent: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Thực hiện văn bản (ví dụ: nghị quyết đại hội)",
        queryset=None,
        required=False,
        widget=PickerWidget("plan"),
    )

    def __init__(self, *args, organization, documents, units, plans, with_document: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_document:
            model_choice_field(self, "document").queryset = documents
        else:
            del self.fields["document"]
        for name in ("applies_to", "owner"):
            # The widget first: setting the queryset hands it the choices the picker reads.
            self.fields[name].widget = _organization_picker({"within": organization.code})
            model_choice_field(self, name).queryset = units
        model_choice_field(self, "parent").queryset = plans


class ItemForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(
        label="Số mục",
        max_length=24,
        required=False,
        help_text="Ví dụ: II.3, Giải pháp 1. Để trống: đánh số tự động.",
    )
    title = forms.CharField(label="Nội dung", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    parent: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Thuộc mục", queryset=None, required=False, empty_label="— (mục lớn)"
    )
    lead_unit: forms.ModelChoiceField = forms.ModelChoiceField(label="Đơn vị chủ trì", queryset=None)
    co_units: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Đơn vị phối hợp", queryset=None, required=False
    )
    starts_on = forms.DateField(label="Ngày bắt đầu", required=False)
    deadline = forms.DateField(label="Thời hạn")
    deadline_reason = forms.CharField(
        label="Lý do (nếu thời hạn ngoài thời gian thực hiện kế hoạch)", max_length=500, required=False
    )
    expected_result = forms.CharField(
        label="Kết quả, sản phẩm dự kiến", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = forms.IntegerField(
        label="Trọng số (1–100)",
        min_value=1,
        max_value=100,
        required=False,
        help_text="Để trống ở mọi mục: tiến độ tính theo số nhiệm vụ.",
    )
    indicators: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Chỉ tiêu liên quan",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    def __init__(self, *args, plan, parents, units, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "parent").queryset = parents
        self.fields["lead_unit"].widget = _organization_picker({"within": plan.applies_to.code})
        model_choice_field(self, "lead_unit").queryset = units
        self.fields["co_units"].widget = PickerMultipleWidget(
            "organization", params={"within": plan.applies_to.code}
        )
        model_choice_field(self, "co_units").queryset = units
        model_choice_field(self, "indicators").queryset = indicators
        if not indicators.exists():
            del self.fields["indicators"]


class InForceForm(BootstrapFormMixin, forms.Form):
    on = forms.DateField(label="Ngày bắt đầu thực hiện")


class FinishForm(BootstrapFormMixin, forms.Form):
    closed_on = forms.DateField(label="Ngày kết thúc")
    note = forms.CharField(
        label="Đánh giá kết quả, lý do kết thúc", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReplaceForm(FinishForm):
    replaced_by: forms.ModelChoiceField = forms.ModelChoiceField(label="Văn bản thay thế", queryset=None)

    field_order = ["replaced_by", "closed_on", "note"]

    def __init__(self, *args, plan, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["replaced_by"].widget = PickerWidget("plan", params={"open": "1", "not": str(plan.pk)})
        model_choice_field(self, "replaced_by").queryset = plans


class CampaignLinkForm(BootstrapFormMixin, forms.Form):
    campaign: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Đợt học tập thực hiện mục này", queryset=None, widget=PickerWidget("study_campaign")
    )

    def __init__(self, *args, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "campaign").queryset = campaigns
