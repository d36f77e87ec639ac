import re

from django import forms
from django.db.models import QuerySet

from neuguong.core.dates import local_today
from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.organizations.forms import OrganizationChoiceField
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from .models import LINKABLE, InspectionKind, InspectionState, ProgramBody

MSG_CODES_UNKNOWN = "Không tìm thấy trong phạm vi của cấp ủy: {codes}."
_SPLIT = re.compile(r"[\s,;]+")


def _codes(value: str) -> list[str]:
    return [code[:32] for code in _SPLIT.split(value or "") if code][:200]


class CodesField(forms.CharField):
    """Several records given by code (organisation codes, party card numbers), resolved in a queryset."""

    def __init__(self, *args, lookup: str, **kwargs):
        self.lookup = lookup
        self.queryset: QuerySet | None = None  # set by the form, narrowed to what the user may name
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, max_length=4000, **kwargs)

    def clean(self, value):
        codes = _codes(super().clean(value))
        if not codes:
            return []
        assert self.queryset is not None, "the form sets the field's queryset before validating"
        found = {
            getattr(obj, self.lookup): obj for obj in self.queryset.filter(**{f"{self.lookup}__in": codes})
        }
        missing = [code for code in codes if code not in found]
        if missing:
            raise forms.ValidationError(MSG_CODES_UNKNOWN.format(codes=", ".join(missing[:10])))
        return list(dict.fromkeys(found[code] for code in codes))


class PersonCodeField(CodesField):
    def clean(self, value):
        people = super().clean(value)
        if len(people) > 1:
            raise forms.ValidationError("Chỉ nhập một số thẻ.")
        return people[0] if people else None


def _committee_people(committee: Organization):
    return Person.objects.filter(organization__path__startswith=committee.path).select_related("organization")


class ProgramForm(BootstrapFormMixin, forms.Form):
    organization = OrganizationChoiceField(label="Cấp ủy (mã tổ chức)")
    body = forms.ChoiceField(label="Cơ quan thực hiện", choices=ProgramBody.choices)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    title = forms.CharField(label="Tên chương trình", max_length=255)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = queryset
        self.fields["year"].initial = local_today().year


class InspectionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Hình thức", choices=InspectionKind.choices)
    title = forms.CharField(label="Nội dung", max_length=255)
    content = forms.CharField(
        label="Nội dung chi tiết", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    planned_start = forms.DateField(label="Dự kiến từ ngày", widget=forms.DateInput)
    planned_end = forms.DateField(label="Dự kiến đến ngày", widget=forms.DateInput)
    subject_organizations = CodesField(
        label="Tổ chức là đối tượng (mã, cách nhau bởi dấu phẩy)", lookup="code"
    )
    subject_people = CodesField(
        label="Đảng viên là đối tượng (số thẻ, cách nhau bởi dấu phẩy)", lookup="card_number"
    )
    leader = PersonCodeField(label="Trưởng đoàn (số thẻ đảng viên)", lookup="card_number")
    team_members = CodesField(label="Thành viên đoàn (số thẻ, cách nhau bởi dấu phẩy)", lookup="card_number")

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "subject_organizations").queryset = Organization.objects.filter(
            path__startswith=committee.path
        )
        people = _committee_people(committee)
        for name in ("subject_people", "leader", "team_members"):
            model_choice_field(self, name).queryset = people
        # The team may come from the committee's own apparatus or elsewhere in the tree above.
        tree_people = Person.objects.filter(organization__path__startswith=f"/{committee.ancestor_ids[0]}/")
        model_choice_field(self, "leader").queryset = tree_people
        model_choice_field(self, "team_members").queryset = tree_people


class StepForm(BootstrapFormMixin, forms.Form):
    happened_on = forms.DateField(label="Ngày", widget=forms.DateInput, initial=local_today)
    number = forms.CharField(label="Số văn bản (nếu có)", max_length=64, required=False)
    note = forms.CharField(
        label="Nội dung, ghi chú", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    file = forms.FileField(label="Tệp văn bản (PDF, Word, Excel, ảnh)", required=False)
    on_behalf_of = forms.CharField(label="Nhập thay cho (nếu nhập hộ)", max_length=128, required=False)


class WorkingNoteForm(BootstrapFormMixin, forms.Form):
    happened_on = forms.DateField(label="Ngày", widget=forms.DateInput, initial=local_today)
    note = forms.CharField(label="Ghi chép", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    file = forms.FileField(label="Tệp đính kèm", required=False)


class FindingForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="Phát hiện", widget=forms.Textarea(attrs={"rows": 3}))
    returned_commitment = forms.IntegerField(
        label="Trả lại báo cáo của nhiệm vụ số (nếu kết quả báo cáo không có cơ sở)",
        required=False,
        min_value=1,
    )


class BreachForm(BootstrapFormMixin, forms.Form):
    person = PersonCodeField(label="Đảng viên (số thẻ)", lookup="card_number", required=True)
    description = forms.CharField(
        label="Nội dung vi phạm trách nhiệm nêu gương", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = _committee_people(committee)


class RecommendationForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="Nội dung kiến nghị", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="Thời hạn", widget=forms.DateInput)
    responsible_person = PersonCodeField(label="Người chịu trách nhiệm (số thẻ)", lookup="card_number")
    lead_unit = OrganizationChoiceField(label="Đơn vị chủ trì (mã tổ chức)", required=False)

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "responsible_person").queryset = _committee_people(committee)
        model_choice_field(self, "lead_unit").queryset = Organization.objects.filter(
            path__startswith=committee.path
        )


class CarryOverForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do chuyển tiếp", max_length=500)


class DocumentForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label="Tệp")


class InspectionFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    state = forms.ChoiceField(required=False, choices=[("", "Mọi trạng thái"), *InspectionState.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Mọi hình thức"), *InspectionKind.choices])
    org = forms.CharField(required=False, max_length=32)
    sort = forms.CharField(required=False, max_length=16)


class CoverageForm(forms.Form):
    org = forms.CharField(required=False, max_length=32)
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)


class ContentLinkForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại nội dung", choices=[(k, v[2]) for k, v in LINKABLE.items()])
    record_id = forms.IntegerField(label="Số hiệu (ID) của bản ghi", min_value=1)


class TeamForm(BootstrapFormMixin, forms.Form):
    leader = PersonCodeField(label="Trưởng đoàn (số thẻ đảng viên)", lookup="card_number")
    team_members = CodesField(label="Thành viên đoàn (số thẻ, cách nhau bởi dấu phẩy)", lookup="card_number")

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        tree_people = Person.objects.filter(organization__path__startswith=f"/{committee.ancestor_ids[0]}/")
        model_choice_field(self, "leader").queryset = tree_people
        model_choice_field(self, "team_members").queryset = tree_people
