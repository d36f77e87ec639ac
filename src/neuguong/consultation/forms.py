"""Forms of the consultation pages. They only parse input: every rule is the services' (a refusal is shown
next to its field by `core.forms.submit_form`)."""

from django import forms

from neuguong.core.forms import BootstrapFormMixin, model_choice_field
from neuguong.core.widgets import PickerMultipleWidget, PickerWidget
from neuguong.documents.numbers import DocumentType
from neuguong.organizations.models import Organization
from neuguong.people.models import ACTIVE_MEMBER_STATUSES, Person
from neuguong.targets.models import Direction, Frequency

from .models import (
    DOCUMENT_TYPES_OF_KIND,
    Comment,
    CommenterKind,
    CommentVisibility,
    DispositionKind,
    DraftKind,
    DraftState,
    Section,
    Stance,
)
from .selectors import UNDISPOSED

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


class DateTimeLocalInput(forms.DateTimeInput):
    """The browser's date-and-time picker; the time is Viet Nam's (the site's zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _window_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=DATETIME_FORMATS, widget=DateTimeLocalInput(), help_text="Giờ Việt Nam."
    )


def section_choice_label(section: Section) -> str:
    return ("— " * section.depth) + section.label


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return section_choice_label(obj)


class DraftFilterForm(forms.Form):
    """List filters; anything malformed is ignored (never a 500)."""

    q = forms.CharField(required=False, max_length=100)
    state = forms.ChoiceField(required=False, choices=[("", "Mọi trạng thái"), *DraftState.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Mọi loại văn bản"), *DraftKind.choices])
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    org = forms.CharField(required=False, max_length=32)
    sort = forms.CharField(required=False, max_length=16)


class TextInputMixin(forms.Form):
    text = forms.CharField(
        label="Toàn văn dự thảo",
        required=False,
        max_length=2_000_000,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Dán toàn văn; mỗi chương, điều, mục, điểm bắt đầu một dòng bằng «Chương I», «Điều 1.», "
        "«I.», «1.», «a)». Phần trước đề mục đầu tiên là phần mở đầu (căn cứ).",
    )
    file = forms.FileField(
        label="Hoặc tải tệp Word (.docx)",
        required=False,
        help_text="Các đề mục định dạng bằng kiểu Heading 1, 2, 3 (hoặc bắt đầu bằng số thứ tự như trên).",
    )


class DraftCreateForm(BootstrapFormMixin, TextInputMixin):
    organization = forms.ModelChoiceField(
        label="Cấp ủy soạn thảo",
        queryset=Organization.objects.none(),
        widget=PickerWidget("organization", params={"writable": "1"}),
    )
    kind = forms.ChoiceField(label="Loại văn bản", choices=DraftKind.choices)
    title = forms.CharField(
        label="Tên văn bản",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Ví dụ: Nghị quyết của Ban Chấp hành Đảng bộ Khối về tăng cường sự lãnh đạo của Đảng đối với "
        "công tác cải cách hành chính trong các cơ quan tỉnh.",
    )
    opens_at = _window_field("Bắt đầu nhận góp ý")
    closes_at = _window_field("Hết hạn góp ý")
    comments_visibility = forms.ChoiceField(
        label="Ai xem được ý kiến của người khác",
        choices=CommentVisibility.choices,
        initial=CommentVisibility.COMMITTEE,
    )
    publish_synthesis = forms.BooleanField(
        label="Công bố báo cáo tổng hợp (đã duyệt) cho người được lấy ý kiến", required=False
    )
    field_order = [
        "organization",
        "kind",
        "title",
        "opens_at",
        "closes_at",
        "comments_visibility",
        "publish_synthesis",
    ]
    business_error_fields = {"sections": "text", "audience_root": "organization", "delegates": "organization"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organization").queryset = Organization.objects.writable_by(user)


class DraftEditForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Loại văn bản", choices=DraftKind.choices)
    title = forms.CharField(label="Tên văn bản", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    opens_at = _window_field("Bắt đầu nhận góp ý")
    closes_at = _window_field("Hết hạn góp ý")
    comments_visibility = forms.ChoiceField(
        label="Ai xem được ý kiến của người khác", choices=CommentVisibility.choices
    )
    publish_synthesis = forms.BooleanField(
        label="Công bố báo cáo tổng hợp (đã duyệt) cho người được lấy ý kiến", required=False
    )

    def __init__(self, *args, draft, **kwargs):
        super().__init__(*args, **kwargs)
        if draft.state != DraftState.DRAFTING:
            # Once put to comment only the deadline (while open) and the publication may change.
            for name in ("kind", "title", "opens_at", "comments_visibility"):
                del self.fields[name]
            if draft.state != DraftState.OPEN:
                del self.fields["closes_at"]
            else:
                self.fields["closes_at"].label = "Gia hạn: hết hạn góp ý"


class AudienceForm(BootstrapFormMixin, forms.Form):
    audience_root = forms.ModelChoiceField(
        label="Lấy ý kiến trong tổ chức (và các tổ chức trực thuộc)",
        queryset=Organization.objects.none(),
        required=False,
        help_text="Các tổ chức trong đó gửi ý kiến tập thể; đảng viên có trạng thái được chọn dưới đây góp ý cá nhân.",
    )
    invite_official = forms.BooleanField(label="Đảng viên chính thức", required=False)
    invite_probationary = forms.BooleanField(label="Đảng viên dự bị", required=False)
    invite_exempt = forms.BooleanField(label="Đảng viên miễn sinh hoạt", required=False)
    delegates = forms.ModelMultipleChoiceField(
        label="Đại biểu được mời", queryset=Person.objects.none(), required=False
    )
    invited_organizations = forms.ModelMultipleChoiceField(
        label="Tổ chức được mời (ngoài tổ chức trên)", queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args, draft, **kwargs):
        super().__init__(*args, **kwargs)
        organization = draft.organization
        within = {"writable": "1", "within": organization.code}
        subtree = Organization.objects.subtree_of(organization).active()
        # A picker's widget reads its field's choices: set the widget first, then the queryset.
        self.fields["audience_root"].widget = PickerWidget("organization", params=within)
        model_choice_field(self, "audience_root").queryset = subtree
        self.fields["invited_organizations"].widget = PickerMultipleWidget("organization", params=within)
        model_choice_field(self, "invited_organizations").queryset = subtree
        self.fields["delegates"].widget = PickerMultipleWidget("person", params={"within": organization.code})
        model_choice_field(self, "delegates").queryset = Person.objects.filter(
            organization__path__startswith=organization.path, status__in=ACTIVE_MEMBER_STATUSES
        )


class TextForm(BootstrapFormMixin, TextInputMixin):
    pass


class SectionForm(BootstrapFormMixin, forms.Form):
    number = forms.CharField(
        label="Số thứ tự", max_length=32, required=False, help_text="Ví dụ: Điều 3., II., 2., a)"
    )
    title = forms.CharField(label="Tiêu đề", max_length=500, required=False)
    text = forms.CharField(
        label="Nội dung", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 8})
    )


class CommentForm(BootstrapFormMixin, forms.Form):
    section = SectionChoiceField(
        label="Phần góp ý", queryset=Section.objects.none(), required=False, empty_label="Toàn bộ dự thảo"
    )
    stance = forms.ChoiceField(label="Ý kiến", choices=Stance.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="Nội dung góp ý",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Không tán thành: nêu lý do. Đồng ý một phần: ghi rõ đề nghị sửa đổi, bổ sung.",
    )

    def __init__(self, *args, draft, **kwargs):
        super().__init__(*args, **kwargs)
        version = draft.consulted_version or draft.current_version
        model_choice_field(self, "section").queryset = (
            version.sections.order_by("position") if version else Section.objects.none()
        )


class CollectiveCommentForm(CommentForm):
    organization = forms.ModelChoiceField(label="Tổ chức góp ý", queryset=Organization.objects.none())
    participant_count = forms.IntegerField(
        label="Số đảng viên tham gia thảo luận", min_value=1, max_value=100_000
    )
    on_paper = forms.BooleanField(label="Nhập từ văn bản giấy của tổ chức", required=False)
    field_order = ["organization", "participant_count", "section", "stance", "text", "on_paper"]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations.count() > 20:
            self.fields["organization"].widget = PickerWidget("organization", params={"writable": "1"})
        else:
            self.fields["organization"].widget.attrs["class"] = "form-select"
        model_choice_field(self, "organization").queryset = organizations


class PaperCommentForm(CommentForm):
    person = forms.ModelChoiceField(
        label="Đảng viên góp ý (theo phiếu)",
        queryset=Person.objects.none(),
        widget=PickerWidget("person"),
    )
    field_order = ["person", "section", "stance", "text"]

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "person").queryset = people


class CommentEditForm(BootstrapFormMixin, forms.Form):
    stance = forms.ChoiceField(label="Ý kiến", choices=Stance.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="Nội dung góp ý", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
    participant_count = forms.IntegerField(
        label="Số đảng viên tham gia thảo luận", min_value=1, max_value=100_000, required=False
    )

    def __init__(self, *args, comment, **kwargs):
        super().__init__(*args, **kwargs)
        if comment.commenter_kind != CommenterKind.ORGANIZATION:
            del self.fields["participant_count"]


class RevisedSectionChoiceField(SectionChoiceField):
    def label_from_instance(self, obj):
        return f"Lần {obj.version.number}: {section_choice_label(obj)}"


class DispositionForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label="Xử lý", choices=DispositionKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="Nội dung tiếp thu, giải trình",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Bắt buộc khi giải trình hoặc tiếp thu một phần.",
    )
    revised_section = RevisedSectionChoiceField(
        label="Phần đã sửa (bản dự thảo mới)",
        queryset=Section.objects.none(),
        required=False,
        empty_label="— Phần tương ứng trong bản mới nhất —",
    )

    def __init__(self, *args, draft, **kwargs):
        super().__init__(*args, **kwargs)
        consulted = draft.consulted_version.number if draft.consulted_version else 0
        model_choice_field(self, "revised_section").queryset = (
            Section.objects.filter(version__draft=draft, version__number__gt=consulted)
            .select_related("version")
            .order_by("-version__number", "position")
        )


class GroupForm(BootstrapFormMixin, forms.Form):
    comments = forms.ModelMultipleChoiceField(
        queryset=Comment.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(label="Nội dung chung của nhóm ý kiến", max_length=1000)

    def __init__(self, *args, draft, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self, "comments").queryset = draft.comments.all()


class AdoptForm(BootstrapFormMixin, forms.Form):
    doc_type = forms.ChoiceField(label="Loại văn bản vào sổ")
    number_text = forms.CharField(
        label="Số, ký hiệu",
        max_length=64,
        required=False,
        help_text="Để trống: lấy số tiếp theo trong sổ văn bản.",
    )
    issued_on = forms.DateField(label="Ngày ban hành")
    summary = forms.CharField(label="Trích yếu", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    signer = forms.CharField(label="Người ký", max_length=128, required=False)
    business_error_fields = {"number": "number_text", "file": "summary"}

    def __init__(self, *args, draft, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = [  # type: ignore[attr-defined]
            (t, DocumentType(t).label) for t in DOCUMENT_TYPES_OF_KIND[draft.kind]
        ]


class WithdrawForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="Lý do rút dự thảo", max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class VersionForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label="Ghi chú về bản mới",
        max_length=500,
        required=False,
        help_text="Ví dụ: Dự thảo lần 2, sau khi tiếp thu ý kiến.",
    )


class CommentFilterForm(forms.Form):
    section = forms.CharField(required=False, max_length=20)
    stance = forms.ChoiceField(required=False, choices=[("", "Mọi ý kiến"), *Stance.choices])
    disposition = forms.ChoiceField(
        required=False, choices=[("", "Mọi cách xử lý"), (UNDISPOSED, "Chưa xử lý"), *DispositionKind.choices]
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Mọi người góp ý"), *CommenterKind.choices])
    q = forms.CharField(required=False, max_length=100)
    sort = forms.CharField(required=False, max_length=16)


class ImplementForm(BootstrapFormMixin, forms.Form):
    """After adoption: which sections become indicators (targets module), with their code, name, unit and
    direction; one row of fields per section not yet made into an indicator (`<field>_<section id>`)."""

    frequency = forms.ChoiceField(
        label="Kỳ báo cáo của các chỉ tiêu", choices=Frequency.choices, initial=Frequency.YEARLY
    )

    plan_title = forms.CharField(label="Tên kế hoạch thực hiện", max_length=500, required=False)
    plan_starts_on = forms.DateField(label="Thực hiện từ ngày", required=False, widget=forms.DateInput)
    plan_ends_on = forms.DateField(label="Đến ngày", required=False, widget=forms.DateInput)

    def __init__(self, *args, rows, code_prefix: str, with_plan: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.all_rows = list(rows)
        self.rows = [row for row in rows if row.indicator is None]
        self.with_plan = with_plan
        if not with_plan:
            for name in ("plan_title", "plan_starts_on", "plan_ends_on"):
                del self.fields[name]
        else:
            for row in self.all_rows:
                self.fields[f"task_{row.section.pk}"] = forms.BooleanField(
                    label=row.label, required=False, initial=row.task
                )
        ordered = [r for r in self.rows if r.target] + [r for r in self.rows if not r.target]
        codes = {row.section.pk: f"{code_prefix}.{n}"[:32] for n, row in enumerate(ordered, start=1)}
        for row in self.rows:
            pk = row.section.pk
            self.fields[f"indicator_{pk}"] = forms.BooleanField(
                label=row.label, required=False, initial=row.target
            )
            self.fields[f"code_{pk}"] = forms.CharField(
                label="Mã chỉ tiêu", max_length=32, required=False, initial=codes[pk]
            )
            self.fields[f"name_{pk}"] = forms.CharField(
                label="Tên chỉ tiêu", max_length=500, required=False, initial=row.name
            )
            self.fields[f"unit_{pk}"] = forms.CharField(
                label="Đơn vị tính", max_length=64, required=False, initial=row.unit
            )
            self.fields[f"direction_{pk}"] = forms.ChoiceField(
                label="Chiều đánh giá", choices=Direction.choices, initial=Direction.HIGHER, required=False
            )
        # BootstrapFormMixin styled the fields present when it ran; the rows' fields are styled here (small).
        for name, field in self.fields.items():
            widget = field.widget
            css = (
                "form-check-input"
                if isinstance(widget, forms.CheckboxInput)
                else "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            if name.split("_", 1)[0] in ("indicator", "code", "name", "unit", "direction", "task"):
                widget.attrs["class"] = css

    def _fields(self, rows):
        names = ("indicator", "code", "name", "unit", "direction")
        return [(row, *(self[f"{name}_{row.section.pk}"] for name in names)) for row in rows]

    def target_fields(self):
        """[(row, checkbox, code, name, unit, direction)] of the points under a "Chỉ tiêu" heading."""
        return self._fields([row for row in self.rows if row.target])

    def other_fields(self):
        """The same for the other sections (a target the reading did not recognise)."""
        return self._fields([row for row in self.rows if not row.target])

    def task_fields(self):
        """[(row, checkbox)] for the plan's items: the items under "Nhiệm vụ, giải pháp" first."""
        if not self.with_plan:
            return [], []
        pairs = [(row, self[f"task_{row.section.pk}"]) for row in self.all_rows]
        return [p for p in pairs if p[0].task], [p for p in pairs if not p[0].task]

    def plan(self, data: dict) -> dict | None:
        """The plan to make (`adopted_implement`'s `plan`), or None when no section is chosen for it."""
        if not self.with_plan:
            return None
        sections = [row.section for row in self.all_rows if data.get(f"task_{row.section.pk}")]
        if not sections:
            return None
        return {
            "title": data["plan_title"],
            "starts_on": data["plan_starts_on"],
            "ends_on": data["plan_ends_on"],
            "sections": sections,
        }

    def indicators(self, data: dict) -> list[dict]:
        """The checked rows as `adopted_implement`'s indicator specs."""
        return [
            {
                "section": row.section,
                "code": data[f"code_{row.section.pk}"],
                "name": data[f"name_{row.section.pk}"],
                "unit": data[f"unit_{row.section.pk}"],
                "direction": data[f"direction_{row.section.pk}"] or Direction.HIGHER,
                "frequency": data["frequency"],
            }
            for row in self.rows
            if data.get(f"indicator_{row.section.pk}")
        ]
