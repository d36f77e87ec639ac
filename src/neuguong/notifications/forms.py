from django import forms

from .models import Delivery


class PreferencesForm(forms.Form):
    """One choice per declared kind, grouped by module on the page (rendered as radio buttons)."""

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups: dict[str, list[str]] = {}
        for kind, delivery in preferences:
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=Delivery.choices,
                initial=delivery,
                required=False,  # a kind left out keeps its current choice
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.groups.setdefault(kind.group, []).append(kind.code)

    def choices(self) -> dict[str, str]:
        return {code: value for code, value in self.cleaned_data.items() if value}

    def grouped(self):
        return [(group, [self[code] for code in codes]) for group, codes in self.groups.items()]
