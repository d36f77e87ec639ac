"""Forms only parse input; numbers stay text so the services parse them the one way ("98,5" = 98.5)."""

import datetime as dt

from django import forms
from django.contrib.auth import get_user_model

from neuguong.core.dates import local_today
from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.core.widgets import PickerMultipleWidget
from neuguong.organizations.forms import OrganizationChoiceField
from neuguong.organizations.models import Agency

from .models import Direction, Frequency, Indicator, ScoringSet
from .services.cycles import MSG_UNKNOWN_ACCOUNTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once; the service checks each one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class AgencyChoiceField(forms.CharField):
    """An agency chosen by code among those in the user's scope (a forged code is an error)."""

    def __init__(self, *args, queryset=None, **kwargs):
        self.queryset = queryset
        super().__init__(*args, max_length=32, **kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        found = (
            self.queryset.filter(code=code).select_related("organization").first()
            if self.queryset is not None
            else None
        )
        if found is None:
            raise forms.ValidationError(
                "Không tìm thấy cơ quan có mã «%(code)s» trong phạm vi của bạn.", params={"code": code[:32]}
            )
        return found


def _year_default() -> int:
    return local_today().year


class IndicatorForm(BootstrapFormMixin, forms.Form):
    organization = OrganizationChoiceField(label="Cấp ủy ban hành")
    code = forms.CharField(label="Mã chỉ tiêu", max_length=32)
    name = forms.CharField(label="Tên chỉ tiêu", max_length=500)
    unit = forms.CharField(label="Đơn vị tính", max_length=64, help_text="Ví dụ: %, hồ sơ, ngày")
    direction = forms.ChoiceField(label="Chiều đánh giá", choices=Direction.choices)
    baseline = forms.CharField(label="Giá trị cơ sở", max_length=40, required=False)
    baseline_year = forms.IntegerField(label="Năm cơ sở", min_value=2000, max_value=2100, required=False)
    source = forms.CharField(label="Nguồn (văn bản, mục)", max_length=255, required=False)
    frequency = forms.ChoiceField(label="Kỳ báo cáo", choices=Frequency.choices, initial=Frequency.QUARTERLY)
    report_due_days = forms.IntegerField(
        label="Hạn báo cáo: số ngày sau khi hết kỳ", min_value=0, max_value=90, initial=10
    )

    def __init__(self, *args, org_queryset=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = org_queryset
        if editing:
            for name in ("organization", "code", "frequency"):
                del self.fields[name]


class AnnualTargetForm(BootstrapFormMixin, forms.Form):
    indicator = forms.ModelChoiceField(label="Chỉ tiêu", queryset=Indicator.objects.none())
    agency = AgencyChoiceField(label="Mã cơ quan, đơn vị")
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, initial=_year_default)
    target_value = forms.CharField(label="Chỉ tiêu năm", max_length=40)
    note = forms.CharField(label="Ghi chú", max_length=500, required=False)

    def __init__(self, *args, indicators=None, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "indicator").queryset = (
            indicators if indicators is not None else Indicator.objects.none()
        )
        model_choice_field(self, "agency").queryset = (
            agencies if agencies is not None else Agency.objects.none()
        )


class ActualForm(BootstrapFormMixin, forms.Form):
    period = forms.TypedChoiceField(label="Kỳ", coerce=int)
    value = forms.CharField(label="Kết quả thực hiện", max_length=40, help_text="Số, ví dụ 98,5")
    note = forms.CharField(
        label="Thuyết minh", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The form metaclass moves declared fields into base_fields: the instance's `files` (the uploaded
    # data) is not shadowed, whatever the type checker reads from the class body.
    files = MultipleFileField(label="Tài liệu kiểm chứng (PDF, Word, Excel, ảnh)")  # type: ignore[assignment]

    def __init__(self, *args, periods=(), **kwargs):
        super().__init__(*args, **kwargs)
        period = self.fields["period"]
        assert isinstance(period, forms.ChoiceField)
        period.choices = list(periods)


class XlsxImportForm(BootstrapFormMixin, forms.Form):
    organization = OrganizationChoiceField(label="Cấp ủy")
    file = forms.FileField(label="Tệp Excel (.xlsx)")

    def __init__(self, *args, org_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = org_queryset


class ScoringSetImportForm(XlsxImportForm):
    name = forms.CharField(label="Tên bộ chỉ số", max_length=255)
    year = forms.IntegerField(label="Năm áp dụng", min_value=2000, max_value=2100, initial=_year_default)


class ScoringSetCopyForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label="Năm áp dụng của bản sao", min_value=2000, max_value=2100)
    name = forms.CharField(label="Tên (để trống: giữ tên cũ)", max_length=255, required=False)


class ComponentForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label="Tiêu chí thành phần", max_length=1000)
    max_points = forms.CharField(label="Điểm tối đa", max_length=20)
    guide = forms.CharField(label="Hướng dẫn chấm", required=False, widget=forms.Textarea(attrs={"rows": 3}))


MSG_UNKNOWN_USERS = (
    MSG_UNKNOWN_ACCOUNTS  # the form refuses what no account is, the service what is out of reach
)
MSG_TEAM_REQUIRED = "Cần ít nhất một thành viên tổ thẩm định."


class _AccountsField(forms.ModelMultipleChoiceField):
    def clean(self, value):
        # A forged id beyond any database integer is refused like an unknown one (the database would raise).
        for pk in value if isinstance(value, list | tuple) else []:
            try:
                in_range = -(2**63) <= int(str(pk)) < 2**63
            except ValueError:
                in_range = False
            if not in_range:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().clean(value)


def _team_field(*, required: bool) -> forms.ModelMultipleChoiceField:
    """The appraisal team: accounts (a staff member need not be a party member on file), chosen by name."""
    return _AccountsField(
        label="Tổ thẩm định",
        queryset=get_user_model().objects.filter(is_active=True),
        required=required,
        widget=PickerMultipleWidget("account"),
        error_messages={
            "invalid_choice": MSG_UNKNOWN_USERS,
            "invalid_pk_value": MSG_UNKNOWN_USERS,
            "required": MSG_TEAM_REQUIRED,
        },
    )


class CycleForm(BootstrapFormMixin, forms.Form):
    organization = OrganizationChoiceField(label="Cấp ủy tổ chức đánh giá")
    scoring_set = forms.ModelChoiceField(label="Bộ chỉ số (đã ban hành)", queryset=ScoringSet.objects.none())
    name = forms.CharField(label="Tên đợt đánh giá", max_length=255)
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100, initial=_year_default)
    self_deadline = forms.DateField(label="Hạn tự chấm điểm", widget=forms.DateInput)
    survey_max_points = forms.CharField(label="Điểm điều tra xã hội học tối đa", max_length=20, initial="0")
    team = _team_field(required=False)

    def __init__(self, *args, org_queryset=None, sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = org_queryset
        model_choice_field(self, "scoring_set").queryset = (
            sets if sets is not None else ScoringSet.objects.none()
        )


class TeamForm(BootstrapFormMixin, forms.Form):
    team = _team_field(required=True)


class SelfScoreForm(BootstrapFormMixin, forms.Form):
    score = forms.CharField(label="Điểm tự chấm", max_length=20)
    explanation = forms.CharField(
        label="Thuyết minh (bắt buộc nếu không có tài liệu kiểm chứng)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(label="Tài liệu kiểm chứng")  # type: ignore[assignment]  # as in ActualForm


class AppraisalForm(BootstrapFormMixin, forms.Form):
    score = forms.CharField(label="Điểm thẩm định", max_length=20)
    comment = forms.CharField(label="Nhận xét", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(BootstrapFormMixin, forms.Form):
    difficulties = forms.CharField(
        label="Khó khăn, vướng mắc", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    recommendations = forms.CharField(
        label="Kiến nghị, đề xuất", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ResponseForm(BootstrapFormMixin, forms.Form):
    """The agency's general response; the per-component ones are `response_<component id>` fields."""

    response_text = forms.CharField(label="Giải trình chung", required=False, widget=forms.Textarea)

    def responses(self) -> dict[int, str]:
        return {
            int(key.removeprefix("response_")): value.replace("\x00", "")
            for key, value in self.data.items()
            if key.startswith("response_") and key.removeprefix("response_").isdigit() and len(key) <= 27
        }


class ActionForm(BootstrapFormMixin, forms.Form):
    """A POST that carries nothing but the decision (publish, send, finalise): the service's refusal is
    shown as the form's error."""


class ReopenForm(BootstrapFormMixin, forms.Form):
    until = forms.DateField(label="Cho phép tự chấm và nộp đến ngày", widget=forms.DateInput)
    reason = forms.CharField(label="Lý do mở lại", max_length=500)


class SurveyImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="Tệp điểm điều tra (.xlsx: Mã cơ quan | Điểm)")


def default_deadline() -> dt.date:
    return dt.date(local_today().year, 12, 15)
