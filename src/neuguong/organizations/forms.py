import datetime as dt

from django import forms

from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.core.widgets import PickerWidget

from .models import Organization, OrgKind


class DecisionFields(forms.Form):
    decided_on = forms.DateField(label="Ngày quyết định", initial=dt.date.today)
    decision_number = forms.CharField(label="Số quyết định", max_length=64, required=False)


class OrganizationCreateForm(BootstrapFormMixin, DecisionFields):
    code = forms.CharField(label="Mã tổ chức", max_length=32)
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    kind = forms.ChoiceField(
        label="Loại tổ chức", choices=[c for c in OrgKind.choices if c[0] != OrgKind.SUPERIOR]
    )
    abbreviation = forms.CharField(label="Ký hiệu trên văn bản", max_length=32, required=False)
    has_branch_committee = forms.BooleanField(label="Có chi ủy", required=False)


class OrganizationEditForm(BootstrapFormMixin, DecisionFields):
    name = forms.CharField(label="Tên tổ chức", max_length=255)
    abbreviation = forms.CharField(label="Ký hiệu trên văn bản", max_length=32, required=False)
    superior_body = forms.CharField(
        label="Cấp trên trực tiếp (dòng đầu tiêu đề văn bản)", max_length=255, required=False
    )
    has_branch_committee = forms.BooleanField(label="Có chi ủy", required=False)


MSG_ORGANIZATION_NOT_FOUND = (
    "Không tìm thấy tổ chức này trong phạm vi của bạn: gõ tên rồi chọn trong danh sách."
)


class OrganizationChoiceField(forms.ModelChoiceField):
    """An organisation chosen by name (search-as-you-type picker), resolved only among the queryset the
    form sets (what the user may see or write in: a forged value is an error). The value sent is the
    organisation's code, so addresses and scripts keep `org=CODE`; nobody has to type it."""

    def __init__(self, *args, queryset=None, kinds: str = "", writable: bool = False, **kwargs):
        params = {"by": "code"}
        if kinds:
            params["kinds"] = kinds
        if writable:
            params["writable"] = "1"
        kwargs.setdefault("widget", PickerWidget("organization", params=params))
        kwargs.setdefault("error_messages", {"invalid_choice": MSG_ORGANIZATION_NOT_FOUND})
        super().__init__(queryset, *args, to_field_name="code", **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\x00", "").strip()[:32]
        return super().to_python(value)


class OrganizationMoveForm(BootstrapFormMixin, DecisionFields):
    new_parent = OrganizationChoiceField(label="Tổ chức cấp trên mới")

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "new_parent").queryset = queryset


class OrganizationMergeForm(BootstrapFormMixin, DecisionFields):
    target = OrganizationChoiceField(label="Sáp nhập vào tổ chức")

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "target").queryset = queryset


class OrganizationDissolveForm(BootstrapFormMixin, DecisionFields):
    pass


def organization_queryset_for(user):
    return Organization.objects.visible_to(user).active()
