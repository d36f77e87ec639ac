"""Forms of the meetings pages: they parse and bound the input; the services decide."""

import datetime as dt

from django import forms

from neuguong.core.dates import LOCAL_ZONE, local_today
from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.core.widgets import PickerWidget
from neuguong.documents.models import Classification, Document
from neuguong.organizations.models import BRANCH_KINDS, Organization
from neuguong.people.models import ACTIVE_MEMBER_STATUSES, Person

from .models import AgendaKind, Invitee, MeetingKind, MeetingState

YEAR_BOUNDS = (2000, 2100)


class LocalDateTimeInput(forms.DateTimeInput):
    """<input type="datetime-local"> read and written in Asia/Ho_Chi_Minh (the site's time zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class LocalDateTimeField(forms.DateTimeField):
    widget = LocalDateTimeInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"])
        super().__init__(*args, **kwargs)

    def clean(self, value):
        result = super().clean(value)
        if result is not None and not YEAR_BOUNDS[0] <= result.astimezone(LOCAL_ZONE).year <= YEAR_BOUNDS[1]:
            raise forms.ValidationError("Thời gian phải trong khoảng năm 2000 đến năm 2100.")
        return result


def _members_of(organization: Organization | None):
    qs = Person.objects.filter(status__in=ACTIVE_MEMBER_STATUSES)
    return qs.filter(organization=organization) if organization is not None else qs.none()


def _person_picker(organization: Organization | None) -> PickerWidget:
    return PickerWidget("person", params={"within": organization.code} if organization else {})


class MeetingFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    org = forms.CharField(required=False, max_length=32)
    kind = forms.ChoiceField(required=False, choices=[("", "Mọi loại"), *MeetingKind.choices])
    state = forms.ChoiceField(required=False, choices=[("", "Mọi trạng thái"), *MeetingState.choices])
    year = forms.IntegerField(required=False, min_value=YEAR_BOUNDS[0], max_value=YEAR_BOUNDS[1])
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("-starts_at", "Mới nhất trước"),
            ("starts_at", "Cũ nhất trước"),
            ("org", "Theo chi bộ"),
            ("topic", "Theo nội dung"),
        ],
    )
    mine = forms.BooleanField(required=False)


class MeetingForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Chi bộ",
        queryset=Organization.objects.none(),
        widget=PickerWidget("organization", params={"writable": "1", "kinds": ",".join(BRANCH_KINDS)}),
    )
    kind = forms.ChoiceField(label="Loại sinh hoạt", choices=MeetingKind.choices, initial=MeetingKind.REGULAR)
    starts_at = LocalDateTimeField(label="Thời gian bắt đầu")
    expected_minutes = forms.IntegerField(
        label="Thời lượng dự kiến (phút)",
        required=False,
        min_value=30,
        max_value=600,
        help_text="Để trống: theo quy định (90 phút; 120 phút khi kết hợp chuyên đề).",
    )
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    online_link = forms.CharField(label="Đường dẫn họp trực tuyến", max_length=200, required=False)
    topic = forms.CharField(
        label="Nội dung, chủ đề", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    preparer = forms.ModelChoiceField(
        label="Người chuẩn bị nội dung, dự thảo nghị quyết", queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args, user, organization: Organization | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        writable = Organization.objects.writable_by(user).filter(kind__in=BRANCH_KINDS)
        model_choice_field(self, "organization").queryset = writable
        # Any member of a chi bộ the user manages; the service checks it is the chosen chi bộ's.
        model_choice_field(self, "preparer").queryset = Person.objects.filter(
            organization__in=writable, status__in=ACTIVE_MEMBER_STATUSES
        )
        self.fields["preparer"].widget = _person_picker(organization)


class MeetingEditForm(BootstrapFormMixin, forms.Form):
    starts_at = LocalDateTimeField(label="Thời gian bắt đầu")
    expected_minutes = forms.IntegerField(label="Thời lượng dự kiến (phút)", min_value=30, max_value=600)
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    online_link = forms.CharField(label="Đường dẫn họp trực tuyến", max_length=200, required=False)
    topic = forms.CharField(
        label="Nội dung, chủ đề", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    preparer = forms.ModelChoiceField(
        label="Người chuẩn bị nội dung", queryset=Person.objects.none(), required=False
    )
    chair = forms.ModelChoiceField(label="Chủ trì", queryset=Person.objects.none(), required=False)
    recorder = forms.ModelChoiceField(
        label="Thư ký (ghi biên bản)", queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("preparer", "chair", "recorder"):
            model_choice_field(self, name).queryset = _members_of(meeting.organization)
            self.fields[name].widget = _person_picker(meeting.organization)
        if meeting.state == MeetingState.ANNOUNCED:
            self.fields["starts_at"].disabled = True
            self.fields["starts_at"].help_text = "Đã thông báo: muốn đổi thời gian thì hoãn buổi sinh hoạt."


class PostponeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do hoãn", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    new_starts_at = LocalDateTimeField(
        label="Họp lại vào lúc", required=False, help_text="Để trống nếu chưa định được ngày họp lại."
    )


class CancelForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do hủy", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class HoldForm(BootstrapFormMixin, forms.Form):
    started_at = LocalDateTimeField(label="Bắt đầu lúc")
    ended_at = LocalDateTimeField(label="Kết thúc lúc")
    chair = forms.ModelChoiceField(label="Chủ trì", queryset=Person.objects.none(), required=False)
    recorder = forms.ModelChoiceField(
        label="Thư ký (ghi biên bản)", queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("chair", "recorder"):
            model_choice_field(self, name).queryset = _members_of(meeting.organization)
            self.fields[name].widget = _person_picker(meeting.organization)


class VotesMixin(forms.Form):
    votes_for = forms.IntegerField(label="Tán thành", required=False, min_value=0, max_value=10_000)
    votes_against = forms.IntegerField(label="Không tán thành", required=False, min_value=0, max_value=10_000)
    votes_abstain = forms.IntegerField(
        label="Không biểu quyết", required=False, min_value=0, max_value=10_000
    )


class AgendaForm(BootstrapFormMixin, VotesMixin):
    kind = forms.ChoiceField(label="Loại nội dung", choices=AgendaKind.choices)
    title = forms.CharField(label="Nội dung", max_length=500)
    presenter = forms.ModelChoiceField(
        label="Người trình bày", queryset=Person.objects.none(), required=False
    )
    notes = forms.CharField(
        label="Ý kiến, kết luận", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )

    field_order = ["kind", "title", "presenter", "notes", "votes_for", "votes_against", "votes_abstain"]

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "presenter").queryset = _members_of(meeting.organization)
        self.fields["presenter"].widget = _person_picker(meeting.organization)
        self.fields["votes_for"].help_text = "Chỉ ghi số phiếu, không ghi ai biểu quyết thế nào."


class DocumentForm(BootstrapFormMixin, forms.Form):
    business_error_fields = {"document": "document"}

    title = forms.CharField(
        label="Tên tài liệu",
        max_length=255,
        required=False,
        help_text="Để trống: lấy trích yếu hoặc tên tệp.",
    )
    document = forms.ModelChoiceField(
        label="Văn bản trong sổ",
        queryset=Document.objects.none(),
        required=False,
        widget=PickerWidget("document"),
    )
    file = forms.FileField(label="Hoặc tải lên tệp (PDF, Word, Excel, ảnh)", required=False)
    classification = forms.ChoiceField(
        label="Độ mật",
        choices=Classification.choices,
        required=False,
        help_text="Không lưu tài liệu mật trên phần mềm.",
    )
    release = forms.BooleanField(label="Gửi ngay cho đảng viên", required=False, initial=True)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "document").queryset = Document.objects.visible_to(user)


class ReplyForm(BootstrapFormMixin, forms.Form):
    reply = forms.ChoiceField(
        label="Trả lời", choices=[c for c in Invitee.Reply.choices if c[0]], widget=forms.RadioSelect
    )
    reason = forms.CharField(label="Lý do xin vắng", max_length=255, required=False)


class ResolutionItemForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="Nội dung công việc", max_length=500, required=False)
    responsible_person = forms.ModelChoiceField(
        label="Người thực hiện", queryset=Person.objects.none(), required=False
    )
    deadline = forms.DateField(label="Thời hạn", required=False, widget=forms.DateInput)
    expected_result = forms.CharField(label="Kết quả dự kiến", max_length=500, required=False)

    def __init__(self, *args, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if meeting is not None:
            model_choice_field(self, "responsible_person").queryset = Person.objects.filter(
                organization__path__startswith=meeting.organization.path, status__in=ACTIVE_MEMBER_STATUSES
            )
            self.fields["responsible_person"].widget = _person_picker(meeting.organization)

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(
            data.get(name) for name in ("title", "responsible_person", "deadline", "expected_result")
        )


class BaseItemFormSet(forms.BaseFormSet):
    def items(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data and not form.is_blank]


ResolutionItemFormSet = forms.formset_factory(
    ResolutionItemForm, formset=BaseItemFormSet, extra=3, max_num=30
)


class RecordForm(BootstrapFormMixin, VotesMixin):
    number = forms.CharField(
        label="Số, ký hiệu",
        max_length=64,
        required=False,
        help_text="Ví dụ 05-NQ/CB; để trống để ghi khi ban hành.",
    )
    body = forms.CharField(label="Nội dung", max_length=100_000, widget=forms.Textarea(attrs={"rows": 12}))
    closing = forms.CharField(
        label="Kết luận", max_length=100_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    field_order = ["number", "body", "closing", "votes_for", "votes_against", "votes_abstain"]

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == "minutes":
            self.fields["body"].label = "Diễn biến buổi sinh hoạt, ý kiến thảo luận"
            self.fields["closing"].label = "Kết luận của đồng chí chủ trì"
            self.fields["votes_for"].help_text = "Biểu quyết thông qua biên bản (nếu có)."
        else:
            self.fields["body"].label = "Đánh giá kết quả, tình hình"
            self.fields[
                "closing"
            ].label = "Phương hướng, nhiệm vụ (phần mở đầu; nhiệm vụ cụ thể giao ở mục «Giao việc»)"
            self.fields["votes_for"].help_text = "Biểu quyết thông qua nghị quyết (bắt buộc khi duyệt)."


class CorrectionForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="Lý do đính chính", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ScoreForm(BootstrapFormMixin, forms.Form):
    def __init__(self, *args, criteria, initial_points=None, **kwargs):
        super().__init__(*args, **kwargs)
        for index, (title, maximum) in enumerate(criteria):
            value = initial_points[index] if initial_points and index < len(initial_points) else None
            self.fields[f"c{index}"] = forms.IntegerField(
                label=f"{title} (tối đa {maximum})", min_value=0, max_value=maximum, initial=value
            )

    def points(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.fields]


class SettingsForm(BootstrapFormMixin, forms.Form):
    schedule_due_day = forms.IntegerField(
        label="Hạn nhập lịch: trước ngày … của tháng trước", min_value=1, max_value=28, initial=20
    )
    documents_lead_days = forms.IntegerField(
        label="Gửi tài liệu trước buổi sinh hoạt (ngày)", min_value=0, max_value=30, initial=1
    )
    min_minutes_regular = forms.IntegerField(
        label="Thời lượng tối thiểu (phút)", min_value=30, max_value=480, initial=90
    )
    min_minutes_combined = forms.IntegerField(
        label="Thời lượng tối thiểu khi kết hợp chuyên đề (phút)", min_value=30, max_value=480, initial=120
    )
    small_branch_members = forms.IntegerField(
        label="Miễn thời lượng tối thiểu cho chi bộ dưới … đảng viên (0: không miễn)",
        min_value=0,
        max_value=50,
        initial=0,
    )
    thematic_per_year = forms.IntegerField(
        label="Số buổi sinh hoạt chuyên đề mỗi năm", min_value=0, max_value=12, initial=4
    )
    scoring_criteria = forms.CharField(
        label="Tiêu chí tự chấm điểm buổi sinh hoạt",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Mỗi dòng một tiêu chí: «Nội dung tiêu chí | điểm tối đa». Để trống nếu không tự chấm điểm.",
    )


class ComplianceForm(forms.Form):
    org = forms.CharField(required=False, max_length=32)
    to_chuc = forms.ModelChoiceField(
        label="Cấp ủy, tổ chức",
        queryset=Organization.objects.none(),
        required=False,
        widget=PickerWidget("organization", placeholder="Gõ tên đảng bộ, chi bộ…"),
    )
    year = forms.IntegerField(label="Năm", required=False, min_value=YEAR_BOUNDS[0], max_value=YEAR_BOUNDS[1])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "to_chuc").queryset = Organization.objects.visible_to(user)

    def year_or_current(self) -> int:
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return year or local_today().year


def default_start() -> dt.datetime:
    """A proposal for a new meeting: the same weekday next week at 14:00, local time."""
    day = local_today() + dt.timedelta(days=7)
    return dt.datetime.combine(day, dt.time(14, 0), tzinfo=LOCAL_ZONE)
