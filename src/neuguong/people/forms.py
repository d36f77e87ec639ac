from django import forms

from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.organizations.forms import OrganizationChoiceField

from .models import CredentialKind, PersonStatus, Sex, TheoryLevel


class PersonFilterForm(BootstrapFormMixin, forms.Form):
    """List filters; anything malformed is simply ignored (never a 500)."""

    q = forms.CharField(required=False, max_length=10_000)
    org = forms.CharField(required=False, max_length=64)
    status = forms.ChoiceField(required=False, choices=[("", "Mọi trạng thái"), *PersonStatus.choices])
    theory_level = forms.ChoiceField(
        required=False, choices=[("", "Mọi trình độ LLCT"), *TheoryLevel.choices]
    )
    sort = forms.CharField(required=False, max_length=16)


class PersonForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=128)
    date_of_birth = forms.DateField(label="Ngày sinh", required=False)
    sex = forms.ChoiceField(label="Giới tính", choices=[("", "—"), *Sex.choices], required=False)
    status = forms.ChoiceField(
        label="Trạng thái", choices=PersonStatus.choices, initial=PersonStatus.OFFICIAL
    )
    admitted_on = forms.DateField(label="Ngày vào Đảng", required=False)
    official_on = forms.DateField(label="Ngày chính thức", required=False)
    card_number = forms.CharField(label="Số thẻ đảng viên", max_length=32, required=False)
    citizen_id = forms.CharField(label="Số CCCD", max_length=12, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    email = forms.EmailField(label="Thư điện tử", required=False)
    job_title = forms.CharField(label="Chức vụ chính quyền", max_length=128, required=False)
    theory_level = forms.ChoiceField(
        label="Trình độ LLCT", choices=TheoryLevel.choices, initial=TheoryLevel.NONE
    )
    theory_credential = forms.ChoiceField(
        label="Văn bằng LLCT", choices=CredentialKind.choices, required=False
    )


class PersonEditForm(PersonForm):
    """The edit form never shows the full CCCD: it shows the masked number and takes a new one (logged)."""

    citizen_id = forms.CharField(label="Số CCCD mới", max_length=12, required=False)
    citizen_id_clear = forms.BooleanField(label="Xóa số CCCD đã lưu", required=False)

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = person.masked_citizen_id if person is not None else ""
        self.fields["citizen_id"].help_text = (
            f"Đang lưu: {current}. Để trống nếu không đổi." if current else "Chưa có số CCCD."
        )
        if not current:
            del self.fields["citizen_id_clear"]
        else:  # the tick box right under the number it removes
            order = [name for name in self.fields if name != "citizen_id_clear"]
            order.insert(order.index("citizen_id") + 1, "citizen_id_clear")
            self.order_fields(order)

    def changes(self) -> dict:
        """The values to save: the CCCD only when a new one is typed or removal is ticked."""
        values = dict(self.cleaned_data)
        clear = values.pop("citizen_id_clear", False)
        if clear:
            values["citizen_id"] = ""
        elif not values.get("citizen_id"):
            values.pop("citizen_id", None)
        return values


class PersonCreateForm(PersonForm):
    organization = OrganizationChoiceField(label="Mã tổ chức đảng")

    field_order = ["organization"]

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = queryset


class PersonTransferForm(BootstrapFormMixin, forms.Form):
    target = OrganizationChoiceField(label="Chuyển đến tổ chức (mã)")
    moved_on = forms.DateField(label="Ngày chuyển")
    note = forms.CharField(label="Ghi chú", max_length=255, required=False)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "target").queryset = queryset


class SensitiveAccessFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label="Đảng viên", required=False, max_length=200)
    since = forms.DateField(label="Từ ngày", required=False)
    until = forms.DateField(label="Đến ngày", required=False)
