from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_FACTOR_COUNT, Meeting, Profession
from .text import clean_text


class CleanTextForm(forms.BaseForm):
    """Every text field of the form gets the one cleaning rule (meetings/text.py) before
    Django sees it, so control characters never reach validation, the page or the database.
    Text areas keep tab and line breaks."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            return
        data: Any = self.data.copy()  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            key = self.add_prefix(name)
            if key not in data:
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            if hasattr(data, "setlist"):
                data.setlist(key, [clean_text(v, multiline=multiline) for v in data.getlist(key)])
            else:
                data[key] = clean_text(data[key], multiline=multiline)
        self.data = data


class MeetingForm(CleanTextForm, forms.ModelForm):
    series_name = forms.CharField(
        label=_("Serie (valfritt)"),
        max_length=200,
        required=False,
        help_text=_("Till exempel ”Topp 25 2026–2028”. Möten i samma serie hålls ihop."),
    )
    usual_home_groups = forms.BooleanField(
        label=_("Lägg till de vanliga sju hemgrupperna"),
        required=False,
        initial=True,
        help_text=_(
            "Lärare, förskollärare, rektorer, förskolechefer, skolchefer, elevhälsa och politiker."
        ),
    )

    class Meta:
        model = Meeting
        fields = ["title", "date", "venue", "core_question", "factor_count"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "core_question": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["factor_count"].widget.attrs.update({"min": 1, "max": MAX_FACTOR_COUNT})

    def clean_factor_count(self) -> int:
        value: int = self.cleaned_data["factor_count"]
        if not 1 <= value <= MAX_FACTOR_COUNT:
            raise forms.ValidationError(
                _("Välj mellan 1 och %(max)d framgångsfaktorer per grupp."),
                params={"max": MAX_FACTOR_COUNT},
            )
        return value

    def clean_core_question(self) -> str:
        value: str = self.cleaned_data["core_question"].strip()
        if not value:
            raise forms.ValidationError(_("Skriv mötets grundfråga."))
        return value


class HomeGroupForm(CleanTextForm, forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=100)
    profession = forms.ChoiceField(
        label=_("Yrkesgrupp"), choices=[("", _("(ingen)")), *Profession.choices], required=False
    )
