"""Forms only parse input; points stay text so the service parses them the one way ("8,5" = 8.5), and the
service checks every rule (the forms never decide a level)."""

from __future__ import annotations

from typing import cast

from django import forms

from neuguong.core.dates import local_today
from neuguong.core.forms import BootstrapFormMixin
from neuguong.core.widgets import PickerWidget
from neuguong.organizations.models import Organization
from neuguong.people.models import Person

from .levels import OVERRIDABLE_RULES, TRANSFER_RULES, Grade, Level, RuleCode
from .models import DisciplineForm as DisciplineKind
from .models import OpinionBody, PeriodKind, RuleSet
from .services.common import Criteria
from .services.periods import DECIDING_KINDS

LEVEL_CHOICES = [("", "— theo quy tắc —"), *Level.choices]
GRADE_CHOICES = [("", "—"), *Grade.choices]


class RuleSetChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} — {obj.name} (phiên bản {obj.version})"


class PeriodForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Cấp ủy quyết định xếp loại",
        queryset=Organization.objects.none(),
        widget=PickerWidget(
            "organization", params={"writable": "1", "kinds": ",".join(str(k) for k in DECIDING_KINDS)}
        ),
    )
    rule_set = RuleSetChoiceField(label="Bộ quy định", queryset=RuleSet.objects.none())
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="Loại kỳ", choices=PeriodKind.choices, initial=PeriodKind.YEAR)
    quarter = forms.TypedChoiceField(
        label="Quý (kỳ theo quý)",
        choices=[("", "—"), (1, "1"), (2, "2"), (3, "3"), (4, "4")],
        coerce=int,
        required=False,
        empty_value=None,
    )
    name = forms.CharField(
        label="Tên kỳ", max_length=255, required=False, help_text="Để trống: tên theo năm/quý."
    )
    includes_members = forms.BooleanField(label="Đánh giá, xếp loại đảng viên", required=False, initial=True)
    includes_organizations = forms.BooleanField(
        label="Đánh giá, xếp loại tổ chức đảng trực thuộc", required=False, initial=False
    )
    self_assessment_due = forms.DateField(label="Hạn tự kiểm điểm", required=False)
    civil_servant_rating_due = forms.DateField(
        label="Hạn có kết quả xếp loại công chức, viên chức", required=False, help_text="Trước ngày 15/12."
    )
    meeting_due = forms.DateField(label="Hạn họp chi bộ kiểm điểm", required=False)
    proposal_due = forms.DateField(label="Hạn đề xuất mức xếp loại", required=False)
    decision_due = forms.DateField(label="Hạn quyết định", required=False)

    def __init__(self, *args, organizations=None, rule_sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "organization").queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )
        _choice(self, "rule_set").queryset = rule_sets if rule_sets is not None else RuleSet.objects.none()
        if not self.is_bound:
            self.fields["year"].initial = local_today().year


def _choice(form: forms.Form, name: str) -> forms.ModelChoiceField:
    """A model choice field of `form`, typed (its queryset is set per request)."""
    return cast(forms.ModelChoiceField, form.fields[name])


def _criteria_fields(
    form: CriteriaForm, criteria: Criteria | None, *, points: bool, initial: dict | None = None
) -> None:
    """One field per criterion: points (text, parsed by the service) or a grade."""
    if criteria is None:
        return
    initial = initial or {}
    for leaf in criteria.leaves:
        if points:
            field = forms.CharField(
                label=f"{leaf.code}. {leaf.name} (tối đa {str(leaf.maximum).rstrip('0').rstrip('.')})",
                required=False,
                max_length=20,
                initial=initial.get(leaf.code, ""),
            )
            field.widget.attrs.update(
                {
                    "inputmode": "decimal",
                    "data-max": str(leaf.maximum),
                    "data-area": leaf.area,
                    "class": "score-input",
                }
            )
            form.fields[f"s_{leaf.code}"] = field
        else:
            form.fields[f"g_{leaf.code}"] = forms.ChoiceField(
                label=f"{leaf.code}. {leaf.name}",
                choices=GRADE_CHOICES,
                required=False,
                initial=initial.get(leaf.code, ""),
            )
    form.criteria = criteria
    form.points = points


class CriteriaForm(BootstrapFormMixin, forms.Form):
    """A form with a field per criterion; `entered()` gives what the service takes."""

    criteria: Criteria | None = None
    points = True

    def __init__(
        self, *args, criteria: Criteria | None = None, points: bool = True, initial_values=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        _criteria_fields(self, criteria, points=points, initial=initial_values)
        # BootstrapFormMixin ran before the criteria fields existed.
        for name, field in self.fields.items():
            if name.startswith(("s_", "g_")):
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()

    def entered(self, data: dict) -> dict:
        scores = {
            name[2:]: value
            for name, value in data.items()
            if name.startswith("s_") and value not in ("", None)
        }
        grades = {name[2:]: value for name, value in data.items() if name.startswith("g_") and value}
        return {"scores": scores or None, "grades": grades or None}

    def groups(self) -> list[dict]:
        """The criteria fields by group (nhóm tiêu chí), each with its maximum: how the form is laid out."""
        if self.criteria is None:
            return []
        prefix = "s_" if self.points else "g_"
        groups = []
        for code, name, _maximum in self.criteria.areas:
            fields = [self[f"{prefix}{leaf.code}"] for leaf in self.criteria.leaves if leaf.area == code]
            groups.append(
                {
                    "code": code,
                    "name": name,
                    "maximum": self.criteria.area_maximum(code) if self.points else None,
                    "fields": fields,
                }
            )
        return groups

    @property
    def criteria_fields(self):
        return [self[name] for name in self.fields if name.startswith(("s_", "g_"))]

    @property
    def other_fields(self):
        return [self[name] for name in self.fields if not name.startswith(("s_", "g_"))]


class ReportFilterForm(forms.Form):
    """The report's organisation, asked by name (search as you type), and year."""

    organization = forms.ModelChoiceField(
        label="Tổ chức đảng",
        queryset=Organization.objects.none(),
        required=False,
        widget=PickerWidget("organization"),
    )
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "organization").queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )
        self.fields["year"].widget.attrs.update({"class": "form-control"})


class SelfAssessmentForm(CriteriaForm):
    text = forms.CharField(
        label="Bản tự kiểm điểm (ưu điểm; hạn chế, khuyết điểm; nguyên nhân; biện pháp khắc phục)",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20_000,
    )
    level = forms.ChoiceField(label="Tự nhận mức xếp loại", choices=LEVEL_CHOICES, required=False)


class MeetingForm(BootstrapFormMixin, forms.Form):
    opinion = forms.CharField(
        label="Ý kiến của chi bộ", widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
    votes_present = forms.IntegerField(label="Số đảng viên dự họp", min_value=0, max_value=100_000)
    votes_for = forms.IntegerField(label="Số phiếu tán thành mức đề xuất", min_value=0, max_value=100_000)
    votes_against = forms.IntegerField(label="Số phiếu không tán thành", min_value=0, max_value=100_000)
    level = forms.ChoiceField(label="Mức chi bộ đề xuất", choices=LEVEL_CHOICES, required=False)


class ProposalForm(CriteriaForm):
    level = forms.ChoiceField(
        label="Mức xếp loại đề xuất",
        choices=LEVEL_CHOICES,
        required=False,
        help_text="Để trống: mức cao nhất mà điểm và quy tắc cho phép.",
    )
    reason = forms.CharField(
        label="Lý do (điều chỉnh điểm kết quả, vượt quy tắc)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    no_self_reason = forms.CharField(
        label="Lý do đảng viên không tự kiểm điểm (nếu có)", required=False, max_length=2000
    )


class OpinionForm(BootstrapFormMixin, forms.Form):
    body = forms.ChoiceField(label="Cơ quan, tổ chức cho ý kiến", choices=OpinionBody.choices)
    body_name = forms.CharField(label="Tên cơ quan, tổ chức", max_length=255, required=False)
    level = forms.ChoiceField(
        label="Mức xếp loại (nếu có)", choices=[("", "—"), *Level.choices], required=False
    )
    text = forms.CharField(
        label="Nội dung nhận xét", widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )
    received_on = forms.DateField(label="Ngày nhận")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["received_on"].initial = local_today()


class AppraisalForm(BootstrapFormMixin, forms.Form):
    level = forms.ChoiceField(label="Mức thẩm định", choices=Level.choices)
    note = forms.CharField(
        label="Nhận xét thẩm định", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    reason = forms.CharField(label="Lý do (nếu vượt quy tắc)", required=False, max_length=2000)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class DecisionForm(BootstrapFormMixin, forms.Form):
    decided_on = forms.DateField(label="Ngày quyết định")
    number_text = forms.CharField(
        label="Số, ký hiệu quyết định",
        max_length=64,
        required=False,
        help_text="Để trống: số tiếp theo trong sổ.",
    )
    signer = forms.CharField(label="Người ký", max_length=128, required=False)
    override_reason = forms.CharField(
        label="Lý do quyết định khác quy tắc (nếu có)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )
    business_error_fields = {"number": "number_text"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["decided_on"].initial = local_today()


class DisciplineRecordForm(BootstrapFormMixin, forms.Form):
    person = forms.ModelChoiceField(
        label="Đảng viên bị kỷ luật",
        queryset=Person.objects.none(),
        required=False,
        widget=PickerWidget("person"),
    )
    organization = forms.ModelChoiceField(
        label="hoặc tổ chức đảng bị kỷ luật",
        queryset=Organization.objects.none(),
        required=False,
        widget=PickerWidget("organization", params={"writable": "1"}),
    )
    form = forms.ChoiceField(label="Hình thức", choices=DisciplineKind.choices)
    decided_on = forms.DateField(label="Ngày quyết định")
    decision_number = forms.CharField(label="Số quyết định", max_length=64)
    reason = forms.CharField(
        label="Nội dung vi phạm", widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    self_remedied = forms.BooleanField(label="Tự phát hiện và đã khắc phục", required=False)

    def __init__(self, *args, people=None, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "person").queryset = people if people is not None else Person.objects.none()
        _choice(self, "organization").queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )


class RuleSetCopyForm(BootstrapFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label="Cấp ủy ban hành bản sao",
        queryset=Organization.objects.none(),
        widget=PickerWidget("organization", params={"writable": "1"}),
    )
    year_from = forms.IntegerField(label="Áp dụng từ năm", min_value=2000, max_value=2100)
    code = forms.CharField(
        label="Mã", max_length=16, required=False, help_text="Để trống: phiên bản mới của mã cũ."
    )
    name = forms.CharField(label="Tên", max_length=255, required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        _choice(self, "organization").queryset = (
            organizations if organizations is not None else Organization.objects.none()
        )


OVERRIDE_CHOICES = [(str(code), RuleCode(code).label) for code in RuleCode if code in OVERRIDABLE_RULES]


class RuleSetEditForm(BootstrapFormMixin, forms.Form):
    """The knobs every committee sets; the rest of the rules stay as copied (shown on the page)."""

    name = forms.CharField(label="Tên", max_length=255)
    basis = forms.CharField(label="Căn cứ (văn bản)", max_length=128)
    year_from = forms.IntegerField(label="Áp dụng từ năm", min_value=2000, max_value=2100)
    quota_applies = forms.BooleanField(label="Áp dụng tỷ lệ Hoàn thành xuất sắc nhiệm vụ", required=False)
    quota_percent = forms.CharField(label="Tỷ lệ tối đa (% số Hoàn thành tốt nhiệm vụ)", max_length=8)
    htxs_points = forms.CharField(label="Điểm tối thiểu HTXSNV", max_length=8, required=False)
    htt_points = forms.CharField(label="Điểm tối thiểu HTTNV", max_length=8, required=False)
    ht_points = forms.CharField(label="Điểm tối thiểu HTNV", max_length=8, required=False)
    overridable = forms.MultipleChoiceField(
        label="Quy tắc cấp ủy được quyết định khác (phải ghi lý do)",
        choices=OVERRIDE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transfer_rule = forms.ChoiceField(
        label="Đảng viên chuyển sinh hoạt trong kỳ được kiểm điểm tại", choices=list(TRANSFER_RULES.items())
    )
    exempt_excusable = forms.BooleanField(label="Đảng viên miễn sinh hoạt được miễn đánh giá", required=False)

    def settings_from(self, data: dict, current: dict) -> dict:
        settings = dict(current)
        settings["quota"] = {
            "applies": data["quota_applies"],
            "percent": data["quota_percent"].replace(",", "."),
        }
        settings["overridable"] = list(data["overridable"])
        settings["transfer_rule"] = data["transfer_rule"]
        settings["exempt_excusable"] = data["exempt_excusable"]
        if settings.get("points_levels"):
            wanted = {
                "htxs": data.get("htxs_points"),
                "htt": data.get("htt_points"),
                "ht": data.get("ht_points"),
            }
            settings["points_levels"] = [
                {**row, "min_points": (wanted.get(row["level"]) or row["min_points"]).replace(",", ".")}
                for row in settings["points_levels"]
            ]
        return settings

    @classmethod
    def initial_for(cls, rule_set: RuleSet) -> dict:
        settings = rule_set.settings or {}
        points = {row["level"]: row["min_points"] for row in settings.get("points_levels") or []}
        return {
            "name": rule_set.name,
            "basis": rule_set.basis,
            "year_from": rule_set.year_from,
            "quota_applies": (settings.get("quota") or {}).get("applies", False),
            "quota_percent": (settings.get("quota") or {}).get("percent", "20"),
            "htxs_points": points.get("htxs", ""),
            "htt_points": points.get("htt", ""),
            "ht_points": points.get("ht", ""),
            "overridable": settings.get("overridable") or [],
            "transfer_rule": settings.get("transfer_rule") or "current",
            "exempt_excusable": settings.get("exempt_excusable", True),
        }


class CriterionEditForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=16)
    name = forms.CharField(label="Tên tiêu chí", max_length=1000)
    max_points = forms.CharField(label="Điểm tối đa", max_length=8, required=False)
