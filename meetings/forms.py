from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_FACTOR_COUNT, MAX_PHASE_MINUTES, Meeting, PhaseKind, Profession
from .phases import AgendaTemplate
from .text import clean_text

MAX_GROUPS_AT_ONCE = 30
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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


class IsoDateInput(forms.DateInput):
    """`<input type="date">` only holds an ISO date: a value sent back that isn't one (typed
    where the browser has no date picker) is shown as empty, with the field's error beside it,
    instead of an invalid `value` attribute."""

    input_type = "date"

    def format_value(self, value: Any) -> str | None:
        formatted = super().format_value(value)
        if isinstance(formatted, str) and not ISO_DATE.fullmatch(formatted):
            return None
        return formatted


class MeetingForm(CleanTextForm, forms.ModelForm):
    series_name = forms.CharField(
        label=_("Serie (valfritt)"),
        max_length=200,
        required=False,
        help_text=_("Till exempel ”Topp 25 2026–2028”. Möten i samma serie hålls ihop."),
    )
    home_groups = forms.ChoiceField(
        label=_("Hemgrupper"),
        choices=[
            (
                "usual",
                _(
                    "De vanliga sju yrkesgrupperna (lärare, förskollärare, rektorer, "
                    "förskolechefer, skolchefer, elevhälsa, politiker)"
                ),
            ),
            ("names", _("Egna namn, till exempel verksamheter (skriv dem nedan)")),
        ],
        initial="usual",
        widget=forms.RadioSelect,
    )
    group_names = forms.CharField(
        label=_("Egna hemgrupper, en per rad"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Till exempel Lotsen, KomTek, Naturskolan. Fler grupper kan läggas till sedan."
        ),
    )
    agenda_template = forms.ChoiceField(
        label=_("Dagordning"),
        choices=AgendaTemplate.CHOICES,
        initial=AgendaTemplate.PROFESSION_AFTERNOON,
        widget=forms.RadioSelect,
        help_text=_("Faserna går att ändra, flytta och ta bort efteråt."),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "date",
            "venue",
            "core_question",
            "factor_count",
            "group_word",
            "ideas_until_agreed",
        ]
        widgets = {
            "date": IsoDateInput(format="%Y-%m-%d"),
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

    def clean_group_names(self) -> str:
        value: str = self.cleaned_data["group_names"]
        names = [line.strip() for line in value.splitlines() if line.strip()]
        if len(names) > MAX_GROUPS_AT_ONCE:
            raise forms.ValidationError(
                _("Skriv högst %(max)d grupper åt gången."), params={"max": MAX_GROUPS_AT_ONCE}
            )
        if any(len(name) > 100 for name in names):
            raise forms.ValidationError(_("Gruppens namn får vara högst 100 tecken."))
        if len({name.casefold() for name in names}) < len(names):
            raise forms.ValidationError(_("Två grupper har samma namn."))
        return value

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("home_groups") == "names" and not self.typed_group_names():
            self.add_error("group_names", _("Skriv minst en hemgrupp, en per rad."))
        return cleaned

    def typed_group_names(self) -> list[str]:
        """The home groups typed one per line (when the facilitator chose own names)."""
        if self.cleaned_data.get("home_groups") != "names":
            return []
        raw = self.cleaned_data.get("group_names") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

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


class PhaseForm(CleanTextForm, forms.Form):
    kind = forms.ChoiceField(label=_("Vad händer"), choices=PhaseKind.choices)
    title = forms.CharField(label=_("Rubrik"), max_length=120)
    planned_minutes = forms.IntegerField(
        label=_("Minuter"), min_value=0, max_value=MAX_PHASE_MINUTES, initial=10
    )
    speaker = forms.CharField(label=_("Talare (valfritt)"), max_length=120, required=False)
    note = forms.CharField(
        label=_("Anteckning (valfri)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
