import datetime as dt

from django import forms

from neuguong.core.forms import BootstrapFormMixin, model_choice_field

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


class OrganizationChoiceField(forms.CharField):
    """An organisation chosen by code, resolved only among those the user may see (a forged code is an error)."""

    def __init__(self, *args, queryset=None, **kwargs):
        self.queryset = queryset
        super().__init__(*args, max_length=32, **kwargs)

    def clean(self, value):
        code = super().clean(value)
        if not code:
            return None
        found = self.queryset.filter(code=code).first() if self.queryset is not None else None
        if found is None:
            raise forms.ValidationError(
                "Không tìm thấy tổ chức có mã «%(code)s» trong phạm vi của bạn.", params={"code": code[:32]}
            )
        return found


class OrganizationMoveForm(BootstrapFormMixin, DecisionFields):
    new_parent = OrganizationChoiceField(label="Mã tổ chức cấp trên mới")

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "new_parent").queryset = queryset


class OrganizationMergeForm(BootstrapFormMixin, DecisionFields):
    target = OrganizationChoiceField(label="Sáp nhập vào tổ chức (mã)")

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "target").queryset = queryset


class OrganizationDissolveForm(BootstrapFormMixin, DecisionFields):
    pass


def organization_queryset_for(user):
    return Organization.objects.visible_to(user).active()
