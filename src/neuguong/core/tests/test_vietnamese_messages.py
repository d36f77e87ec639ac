"""Forms speak Vietnamese, Django's own messages included (issue 13.2: no English leftovers)."""

from django import forms

from neuguong.organizations.models import Organization


class _Form(forms.Form):
    name = forms.CharField()
    number = forms.IntegerField()
    amount = forms.DecimalField()
    kind = forms.ChoiceField(choices=[("a", "Một")])
    organization = forms.ModelChoiceField(queryset=Organization.objects.none())
    organizations = forms.ModelMultipleChoiceField(queryset=Organization.objects.none())


def test_django_messages_read_in_vietnamese(db):
    form = _Form({"number": "x", "amount": "y", "kind": "z", "organization": "1", "organizations": "q"})
    assert not form.is_valid()
    assert form.errors == {
        "name": ["Trường này là bắt buộc."],
        "number": ["Hãy nhập một số nguyên."],
        "amount": ["Hãy nhập một số."],
        "kind": ["Lựa chọn không hợp lệ: «z» không có trong danh sách."],
        "organization": ["Lựa chọn không hợp lệ: hãy chọn trong danh sách."],
        "organizations": ["Hãy chọn một hay nhiều mục."],
    }


def test_a_choice_field_starts_with_a_vietnamese_empty_option(db):
    field = forms.ModelChoiceField(queryset=Organization.objects.none())
    assert field.empty_label == "— Chọn —"
    assert "Select" not in field.widget.render("x", "")


def test_how_long_something_has_waited_reads_in_vietnamese():
    """The queue's "chờ từ … (5 tháng, 1 tuần)": Django's own catalogue has no Vietnamese for it."""
    import datetime as dt

    from django.utils.timesince import timesince

    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)

    def waited(delta: dt.timedelta) -> str:
        return timesince(now - delta, now).replace("\xa0", " ")  # a number never wraps from its unit

    assert waited(dt.timedelta(days=160)) == "5 tháng, 1 tuần"
    assert waited(dt.timedelta(days=400)) == "1 năm, 1 tháng"
    assert waited(dt.timedelta(hours=26)) == "1 ngày, 2 giờ"
    assert waited(dt.timedelta(minutes=3)) == "3 phút"
