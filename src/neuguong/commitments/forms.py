from django import forms

from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.core.widgets import PickerWidget
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from .models import CommitmentCategory, Outcome, SourceKind
from .status import STATUS_LABELS


class BoardFilterForm(forms.Form):
    """Board filters; anything malformed is ignored (never a 500)."""

    q = forms.CharField(required=False, max_length=200)
    # "Chờ tôi xử lý": only what waits for the user's decision.
    waiting = forms.BooleanField(required=False)
    org = forms.CharField(required=False, max_length=32)
    status = forms.ChoiceField(required=False, choices=[("", "Mọi trạng thái"), *STATUS_LABELS.items()])
    category = forms.ChoiceField(required=False, choices=[("", "Mọi nhóm"), *CommitmentCategory.choices])
    source = forms.ChoiceField(required=False, choices=[("", "Mọi nguồn"), *SourceKind.choices])
    person = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    due_from = forms.DateField(required=False)
    due_to = forms.DateField(required=False)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    sort = forms.CharField(required=False, max_length=16)


class MonthForm(forms.Form):
    """The calendar's month (?y=2026&m=12); anything else shows the current month."""

    y = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    m = forms.IntegerField(required=False, min_value=1, max_value=12)


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultiFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class CommitmentForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(
        label="Nội dung công việc (rõ việc)", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    expected_result = forms.CharField(
        label="Kết quả, sản phẩm dự kiến", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    people: "forms.ModelMultipleChoiceField[Person]" = forms.ModelMultipleChoiceField(
        label="Người chịu trách nhiệm (rõ người)",
        queryset=None,
        required=False,
        help_text="Chọn một hay nhiều người: mỗi người nhận một nhiệm vụ riêng.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    all_heads = forms.BooleanField(
        label="Giao cho tất cả người đứng đầu cơ quan, đơn vị trong tổ chức và các tổ chức trực thuộc",
        required=False,
    )
    lead_unit: "forms.ModelChoiceField[Organization]" = forms.ModelChoiceField(
        label="Đơn vị chủ trì", queryset=None, required=False
    )
    co_units: "forms.ModelMultipleChoiceField[Organization]" = forms.ModelMultipleChoiceField(
        label="Đơn vị phối hợp", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    start_on = forms.DateField(label="Ngày bắt đầu", required=False)
    deadline = forms.DateField(label="Thời hạn (rõ thời gian)")
    recurrence = forms.ChoiceField(
        label="Lặp lại",
        required=False,
        choices=[("", "Không lặp lại"), ("monthly", "Hằng tháng"), ("quarterly", "Hằng quý")],
        help_text="Lặp lại từ ngày bắt đầu đến thời hạn: mỗi kỳ là một nhiệm vụ, hạn cuối kỳ.",
    )
    category = forms.ChoiceField(
        label="Nhóm", choices=CommitmentCategory.choices, initial=CommitmentCategory.EXEMPLARY
    )
    plan_item: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Thực hiện mục của kế hoạch, chương trình, đề án",
        queryset=None,
        required=False,
        help_text="Chọn mục: văn bản nguồn là văn bản của kế hoạch, không cần ghi tay.",
    )
    source_kind = forms.ChoiceField(label="Nguồn", choices=SourceKind.choices, initial=SourceKind.DOCUMENT)
    source_note = forms.CharField(
        label="Văn bản, mục (ví dụ: KH 165-KH/ĐUK, mục II.3)", max_length=255, required=False
    )
    reason = forms.CharField(label="Lý do (bắt buộc nếu thời hạn đã qua)", max_length=500, required=False)

    def __init__(self, *args, people_qs, units_qs, plan_items_qs, organization_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "people").queryset = people_qs
        model_choice_field(self, "lead_unit").queryset = units_qs
        model_choice_field(self, "co_units").queryset = units_qs
        # Items of the plans that apply to this board's organisation (the plans module's picker).
        self.fields["plan_item"].widget = PickerWidget("plan_item", params={"for": organization_code})
        model_choice_field(self, "plan_item").queryset = plan_items_qs


class ReportForm(BootstrapFormMixin, forms.Form):
    percent = forms.IntegerField(
        label="Tiến độ (%)",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    text = forms.CharField(label="Nội dung báo cáo", widget=forms.Textarea(attrs={"rows": 4}))
    # The form metaclass moves declared fields into base_fields: the instance's `files` (the uploaded
    # data) is not shadowed, whatever the type checker reads from the class body.
    files = MultiFileField(  # type: ignore[assignment]
        label="Tệp minh chứng",
        required=False,
        help_text="PDF, ảnh (JPG, PNG, HEIC), Word, Excel; có thể chụp ảnh bằng điện thoại.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.webp,.heic,.docx,.xlsx,image/*"


class CompleteForm(BootstrapFormMixin, forms.Form):
    completed_on = forms.DateField(label="Ngày hoàn thành")
    outcome = forms.ChoiceField(
        label="Kết quả so với yêu cầu",
        choices=[c for c in Outcome.choices if c[0]],
        initial=Outcome.MET,
        required=False,
        help_text="Dùng khi đánh giá, xếp loại cuối năm (tỷ lệ nhiệm vụ vượt yêu cầu).",
    )
    note = forms.CharField(label="Kết quả, ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # As above: the instance's `files` stays the uploaded data.
    files = MultiFileField(label="Minh chứng (ảnh, PDF, Word, Excel)", required=False)  # type: ignore[assignment]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.webp,.heic,.docx,.xlsx,image/*"

    def clean_outcome(self) -> str:
        return self.cleaned_data.get("outcome") or Outcome.MET


class CompletionPolicyForm(BootstrapFormMixin, forms.Form):
    needs_confirmation = forms.BooleanField(
        label="Kết quả hoàn thành do người thực hiện tự báo cáo phải được cấp ủy xác nhận",
        required=False,
    )


class ExtensionRequestForm(BootstrapFormMixin, forms.Form):
    requested_deadline = forms.DateField(label="Thời hạn đề nghị")
    reason = forms.CharField(label="Lý do", max_length=500)


class DecisionNoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label="Ý kiến", max_length=500, required=False)


class HaltForm(BootstrapFormMixin, forms.Form):
    halt = forms.ChoiceField(label="Quyết định", choices=[("suspended", "Tạm dừng"), ("cancelled", "Hủy")])
    reason = forms.CharField(label="Lý do", max_length=500)


class PledgeForm(BootstrapFormMixin, forms.Form):
    items = forms.CharField(
        label="Các nội dung cam kết (mỗi dòng một nội dung)", widget=forms.Textarea(attrs={"rows": 8})
    )

    def cleaned_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class ProgramForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    title = forms.CharField(label="Tên chương trình", max_length=255, required=False)


class ProgramItemForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="Nội dung", max_length=500)
    period = forms.ChoiceField(
        label="Thời gian",
        choices=[(f"m{m}", f"Tháng {m}") for m in range(1, 13)]
        + [(f"q{q}", f"Quý {q}") for q in range(1, 5)],
    )
    is_exemplary = forms.BooleanField(label="Trách nhiệm nêu gương (tạo nhiệm vụ theo dõi)", required=False)
    responsible_person: "forms.ModelChoiceField[Person]" = forms.ModelChoiceField(
        label="Người chịu trách nhiệm", queryset=None, required=False
    )
    expected_result = forms.CharField(label="Kết quả dự kiến", required=False)

    def __init__(self, *args, people_qs, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "responsible_person").queryset = people_qs
