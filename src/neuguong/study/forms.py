import datetime as dt

from django import forms

from neuguong.core.dates import LOCAL_ZONE
from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.core.widgets import PickerWidget
from neuguong.organizations.forms import OrganizationChoiceField
from neuguong.people.models import ACTIVE_MEMBER_STATUSES, Person, PersonStatus, PositionTitle, TheoryLevel

from . import rules
from .models import AttendanceStatus, CampaignLevel, CourseKind, ReflectionGrade

PLAN_ROWS = 5


class CampaignForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(
        label="Nghị quyết / nội dung học tập",
        max_length=255,
        help_text="Ví dụ: Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị",
        required=False,
    )
    document_number = forms.CharField(
        label="Số, ký hiệu văn bản trong sổ văn bản (không bắt buộc)",
        max_length=64,
        required=False,
        help_text="Ví dụ 165-KH/ĐUK: liên kết đợt học tập với văn bản đã vào sổ.",
    )
    level = forms.ChoiceField(label="Cấp tổ chức học tập", choices=CampaignLevel.choices)
    organizer = OrganizationChoiceField(label="Đơn vị tổ chức")
    audience_root = OrganizationChoiceField(
        label="Tổ chức được triệu tập (gồm cấp dưới)",
        required=False,
        help_text="Để trống: cả đơn vị tổ chức.",
    )
    audience_statuses = forms.MultipleChoiceField(
        label="Trạng thái được triệu tập",
        choices=[c for c in PersonStatus.choices if c[0] in ACTIVE_MEMBER_STATUSES],
        initial=[PersonStatus.OFFICIAL, PersonStatus.PROBATIONARY],
        widget=forms.CheckboxSelectMultiple,
        help_text="Đảng viên miễn sinh hoạt chỉ được triệu tập khi chọn.",
    )
    audience_positions = forms.MultipleChoiceField(
        label="Chỉ triệu tập người giữ chức vụ",
        choices=PositionTitle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reflection_questions = forms.CharField(
        label="Câu hỏi thu hoạch (mỗi dòng một câu)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    reflection_due = forms.DateField(label="Hạn nộp thu hoạch", required=False)
    description = forms.CharField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, queryset=None, document_queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organizer").queryset = queryset
        model_choice_field(self, "audience_root").queryset = queryset
        self.document_queryset = document_queryset
        for name in ("audience_statuses", "audience_positions"):
            self.fields[name].widget.attrs["class"] = ""

    def clean(self):
        super().clean()
        data = self.cleaned_data
        number = (data.pop("document_number", "") or "").strip()
        data["document"] = None
        if number:
            from neuguong.core.errors import BusinessError
            from neuguong.documents.numbers import parse_number

            try:
                canonical = str(parse_number(number))
            except BusinessError as exc:
                canonical = None
                self.add_error("document_number", exc.message)
            found = self.document_queryset.filter(number_text=canonical).first() if canonical else None
            if canonical and found is None:
                self.add_error(
                    "document_number", "Không tìm thấy văn bản có số, ký hiệu này trong phạm vi của bạn."
                )
            data["document"] = found
        elif not data.get("title"):
            self.add_error("title", "Ghi tên nghị quyết hoặc số, ký hiệu văn bản trong sổ.")
        return data

    def clean_reflection_questions(self):
        return [line for line in self.cleaned_data["reflection_questions"].splitlines() if line.strip()]


class CampaignEditForm(CampaignForm):
    """The same fields but the organiser, which never changes (its scope decides who manages)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["organizer"]
        del self.fields["document_number"]

    def clean(self):
        forms.Form.clean(self)
        data = self.cleaned_data
        if not data.get("title"):
            self.add_error("title", "Tên nghị quyết / nội dung học tập không được để trống.")
        return data


class ActionForm(BootstrapFormMixin, forms.Form):
    """A POST that carries no fields of its own (a check-in, a sheet of marks, a quiz's answers): the
    service's refusal is the form's error."""


class SessionForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="Tên buổi", max_length=255, required=False)
    held_on = forms.DateField(label="Ngày học")
    start_time = forms.TimeField(
        label="Giờ bắt đầu", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label="Địa điểm", max_length=255, required=False)
    online_link = forms.URLField(label="Đường dẫn học trực tuyến", required=False, assume_scheme="https")
    is_makeup = forms.BooleanField(label="Buổi học bù (cho người vắng)", required=False)


class MaterialForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="Tên tài liệu", max_length=255)
    file = forms.FileField(label="Tệp", required=False)
    url = forms.URLField(label="Hoặc đường dẫn", required=False, assume_scheme="https")


class ReflectionForm(BootstrapFormMixin, forms.Form):
    attachment = forms.FileField(label="Tệp đính kèm (không bắt buộc, tối đa 10 MB)", required=False)
    # Never filled in: where the service's refusals about all the answers or the whole plan are shown,
    # under the answers and under the plan's rows (the service names them "answers" and "plan").
    answers = forms.CharField(required=False, widget=forms.HiddenInput)
    plan = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for index, question in enumerate(questions):
            self.fields[f"answer_{index}"] = forms.CharField(
                label=f"Câu {index + 1}. {question}",
                widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
                required=False,
            )
        for index in range(PLAN_ROWS):
            self.fields[f"plan_{index}_title"] = forms.CharField(
                label=f"Việc {index + 1}", max_length=500, required=False
            )
            self.fields[f"plan_{index}_result"] = forms.CharField(
                label="Kết quả dự kiến", max_length=500, required=False
            )
            self.fields[f"plan_{index}_deadline"] = forms.DateField(label="Thời hạn", required=False)
            self.fields[f"plan_{index}_deadline"].widget.input_type = "date"
            self.fields[f"plan_{index}_deadline"].widget.format = "%Y-%m-%d"
        self.question_count = len(questions)

    def answer_fields(self):
        return [self[f"answer_{i}"] for i in range(self.question_count)]

    def plan_rows(self):
        return [
            (self[f"plan_{i}_title"], self[f"plan_{i}_result"], self[f"plan_{i}_deadline"])
            for i in range(PLAN_ROWS)
        ]

    def answer_texts(self) -> list[str]:
        return [self.cleaned_data.get(f"answer_{i}", "") for i in range(self.question_count)]

    def plan_items(self) -> list[dict]:
        return [
            {
                "title": self.cleaned_data.get(f"plan_{i}_title", ""),
                "expected_result": self.cleaned_data.get(f"plan_{i}_result", ""),
                "deadline": self.cleaned_data.get(f"plan_{i}_deadline"),
            }
            for i in range(PLAN_ROWS)
        ]


def reflection_initial(reflection) -> dict:
    if reflection is None:
        return {}
    initial = {f"answer_{i}": answer for i, answer in enumerate(reflection.answers)}
    for i, item in enumerate(list(reflection.plan_items.all())[:PLAN_ROWS]):
        initial[f"plan_{i}_title"] = item.title
        initial[f"plan_{i}_result"] = item.expected_result
        initial[f"plan_{i}_deadline"] = item.deadline
    return initial


class ReviewForm(BootstrapFormMixin, forms.Form):
    grade = forms.ChoiceField(label="Xếp loại", choices=[("", "—"), *ReflectionGrade.choices], required=False)
    note = forms.CharField(label="Nhận xét", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ExcuseForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do miễn viết thu hoạch", max_length=255)


class QuestionImportForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text="Dòng đầu: Câu hỏi | A | B | C | D | Đáp án. Cột Đáp án ghi chữ cái, ví dụ «B» hoặc «A, C».",
    )


class QuizRoundForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="Tên đợt thi", max_length=255, initial="Thi tìm hiểu nghị quyết")
    week_of = forms.DateField(
        label="Thi theo tuần (thứ Hai 07:30 – thứ Sáu 17:30) của ngày",
        required=False,
        help_text="Chọn một ngày trong tuần thi; hoặc để trống và ghi giờ mở/đóng bên dưới.",
    )
    opens_at = forms.DateTimeField(
        label="Mở lúc", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label="Đóng lúc", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    question_count = forms.IntegerField(label="Số câu hỏi mỗi bài", min_value=1, max_value=200, initial=20)
    time_limit_minutes = forms.IntegerField(
        label="Thời gian làm bài (phút)", min_value=1, max_value=600, initial=30
    )
    max_attempts = forms.IntegerField(
        label="Số lần thi (lấy điểm cao nhất)", min_value=1, max_value=10, initial=1
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("week_of"):
            data["opens_at"], data["closes_at"] = rules.weekly_window(data["week_of"])
        elif data.get("opens_at") and data.get("closes_at"):
            # Times typed in the form are Viet Nam times, whatever the server's zone.
            data["opens_at"] = data["opens_at"].astimezone(LOCAL_ZONE)
            data["closes_at"] = data["closes_at"].astimezone(LOCAL_ZONE)
        else:
            raise forms.ValidationError("Chọn tuần thi, hoặc ghi đủ giờ mở và giờ đóng.")
        return data


class CourseForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label="Tên lớp", max_length=255)
    kind = forms.ChoiceField(label="Loại lớp", choices=CourseKind.choices)
    organizer = OrganizationChoiceField(label="Đơn vị mở lớp")
    starts_on = forms.DateField(label="Khai giảng", initial=dt.date.today)
    ends_on = forms.DateField(label="Bế giảng")

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organizer").queryset = queryset


MSG_NO_SUCH_PERSON = "Không tìm thấy đảng viên này trong phạm vi của bạn: gõ tên rồi chọn trong danh sách."


class EnrolForm(BootstrapFormMixin, forms.Form):
    """A learner chosen by name, among the people the user may see (`cleaned_data["person"]`)."""

    person = forms.ModelChoiceField(
        label="Học viên",
        queryset=Person.objects.none(),
        widget=PickerWidget("person"),
        error_messages={"invalid_choice": MSG_NO_SUCH_PERSON},
    )

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = people.select_related("organization")


class CompleteForm(BootstrapFormMixin, forms.Form):
    passed = forms.TypedChoiceField(
        label="Kết quả",
        choices=[("1", "Hoàn thành"), ("0", "Không hoàn thành")],
        coerce=lambda v: v == "1",
    )
    completed_on = forms.DateField(label="Ngày hoàn thành", required=False, initial=dt.date.today)
    certificate_number = forms.CharField(label="Số giấy chứng nhận / bằng", max_length=64, required=False)


class RequirementForm(BootstrapFormMixin, forms.Form):
    title = forms.ChoiceField(label="Chức vụ", choices=PositionTitle.choices)
    required_level = forms.ChoiceField(label="Trình độ LLCT tối thiểu", choices=TheoryLevel.choices)


ATTENDANCE_CHOICES = AttendanceStatus.choices
