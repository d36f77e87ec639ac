from django import forms
from django.apps import apps

from neuguong.commitments.models import Commitment
from neuguong.core.dates import local_today
from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.core.widgets import PickerMultipleWidget, PickerWidget
from neuguong.organizations.forms import OrganizationChoiceField
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from .models import LINKABLE, InspectionKind, InspectionState, ProgramBody
from .selectors import MSG_COMMITMENT_NOT_FOUND, MSG_RECORD_NOT_FOUND, team_choices
from .services import MSG_TEAM_PERSON_NOT_FOUND

MSG_ONE_RECORD = "Chọn một nội dung để liên kết: một nhiệm vụ, một văn bản hoặc một chỉ tiêu năm."
MSG_PERSON_NOT_FOUND = MSG_TEAM_PERSON_NOT_FOUND
MSG_ORGANIZATIONS_NOT_FOUND = (
    "Không tìm thấy tổ chức này trong phạm vi của cấp ủy: gõ tên rồi chọn trong danh sách."
)


def _person_field(label: str, *, required: bool = False) -> forms.ModelChoiceField:
    """One person chosen by name (members and non-members alike: an inspector need not hold a card)."""
    return forms.ModelChoiceField(
        label=label,
        queryset=Person.objects.none(),
        required=required,
        widget=PickerWidget("person", params={"status": "all"}),
        error_messages={"invalid_choice": MSG_PERSON_NOT_FOUND},
    )


def _people_field(label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Person.objects.none(),
        required=False,
        widget=PickerMultipleWidget("person", params={"status": "all"}),
        error_messages={"invalid_choice": MSG_PERSON_NOT_FOUND, "invalid_pk_value": MSG_PERSON_NOT_FOUND},
    )


def _organizations_field(label: str) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="code",
        widget=PickerMultipleWidget("organization", params={"by": "code"}),
        error_messages={"invalid_choice": MSG_ORGANIZATIONS_NOT_FOUND},
    )


def _within(form: forms.Form, names: tuple[str, ...], code: str) -> None:
    """The pickers offer only what the field accepts: the committee's subtree (or the whole tree)."""
    for name in names:
        widget = form.fields[name].widget
        if isinstance(widget, PickerWidget):
            widget.params["within"] = code


def _committee_people(committee: Organization):
    return Person.objects.filter(organization__path__startswith=committee.path).select_related("organization")


class ProgramForm(BootstrapFormMixin, forms.Form):
    organization = OrganizationChoiceField(label="Cấp ủy")
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
    subject_organizations = _organizations_field("Tổ chức là đối tượng")
    subject_people = _people_field("Đảng viên là đối tượng")
    leader = _person_field("Trưởng đoàn")
    team_members = _people_field("Thành viên đoàn")

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "subject_organizations").queryset = Organization.objects.filter(
            path__startswith=committee.path
        )
        people = _committee_people(committee)
        for name in ("subject_people", "leader", "team_members"):
            model_choice_field(self, name).queryset = people
        # The team may come from the committee's own apparatus or elsewhere in the tree above.
        tree_people = team_choices(committee=committee)
        model_choice_field(self, "leader").queryset = tree_people
        model_choice_field(self, "team_members").queryset = tree_people
        _within(self, ("subject_organizations", "subject_people"), committee.code)
        _within(self, ("leader", "team_members"), _root_code(committee))


def _root_code(committee: Organization) -> str:
    root = Organization.objects.filter(pk=committee.ancestor_ids[0]).only("code").first()
    return root.code if root else committee.code


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
    returned_commitment = forms.ModelChoiceField(
        label="Trả lại báo cáo của nhiệm vụ (nếu kết quả báo cáo không có cơ sở)",
        queryset=Commitment.objects.none(),
        required=False,
        widget=PickerWidget("commitment"),
        error_messages={"invalid_choice": MSG_COMMITMENT_NOT_FOUND},
    )

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        # A finding returns the report of a commitment tracked in the committee's subtree.
        model_choice_field(self, "returned_commitment").queryset = Commitment.objects.filter(
            organization__path__startswith=committee.path
        ).select_related("organization", "responsible_person")


class BreachForm(BootstrapFormMixin, forms.Form):
    person = _person_field("Đảng viên", required=True)
    description = forms.CharField(
        label="Nội dung vi phạm trách nhiệm nêu gương", widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = _committee_people(committee)
        _within(self, ("person",), committee.code)


class RecommendationForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label="Nội dung kiến nghị", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = forms.DateField(label="Thời hạn", widget=forms.DateInput)
    responsible_person = _person_field("Người chịu trách nhiệm")
    lead_unit = OrganizationChoiceField(label="Đơn vị chủ trì", required=False)

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "responsible_person").queryset = _committee_people(committee)
        model_choice_field(self, "lead_unit").queryset = Organization.objects.filter(
            path__startswith=committee.path
        )
        _within(self, ("responsible_person", "lead_unit"), committee.code)


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


# The linkable kinds (models.LINKABLE) -> the form field (and picker kind) that chooses one by name.
CONTENT_PICKERS = {"commitment": "commitment", "document": "document", "target": "annual_target"}


class ContentLinkForm(BootstrapFormMixin, forms.Form):
    """Exactly one commitment, document or annual target the user may see (`cleaned_data["record"]`)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, (app_label, model_name, label) in LINKABLE.items():
            model = apps.get_model(app_label, model_name)
            self.fields[CONTENT_PICKERS[kind]] = forms.ModelChoiceField(
                label=label,
                queryset=model.objects.visible_to(user),
                required=False,
                widget=PickerWidget(CONTENT_PICKERS[kind]),
                error_messages={"invalid_choice": MSG_RECORD_NOT_FOUND},
            )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        chosen = [cleaned[name] for name in CONTENT_PICKERS.values() if cleaned.get(name) is not None]
        if not self.errors and len(chosen) != 1:
            raise forms.ValidationError(MSG_ONE_RECORD)
        if chosen:
            cleaned["record"] = chosen[0]
        return cleaned


class TeamForm(BootstrapFormMixin, forms.Form):
    leader = _person_field("Trưởng đoàn")
    team_members = _people_field("Thành viên đoàn")

    def __init__(self, *args, committee: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        tree_people = team_choices(committee=committee)
        model_choice_field(self, "leader").queryset = tree_people
        model_choice_field(self, "team_members").queryset = tree_people
        _within(self, ("leader", "team_members"), _root_code(committee))
