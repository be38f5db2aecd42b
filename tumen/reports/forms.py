"""Forms of the report pages. The services check everything again; these only parse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tumen.reports.figures import PERIOD_PATTERN
from tumen.reports.services import MAX_ISSUES_TEXT


class StartForm(forms.Form):
    directive = forms.SlugField(widget=forms.HiddenInput, max_length=50)
    period = forms.RegexField(
        label=_("Month (YYYY-MM)"),
        regex=PERIOD_PATTERN,
        max_length=7,
        error_messages={"invalid": _("Write the month as YYYY-MM, for example 1963-09.")},
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class IssuesForm(VersionForm):
    issues_text = forms.CharField(
        label=_("Existing issues"),
        help_text=_("Say in words what is going wrong and what you need from the level above."),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_ISSUES_TEXT,
    )
    cases = forms.CharField(
        label=_("Cases referred to"),
        help_text=_("Case numbers, one per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    flags = forms.TypedMultipleChoiceField(
        label=_("Flags referred to"),
        help_text=_("Flags raised in this jurisdiction in the report's month."),
        widget=forms.CheckboxSelectMultiple,
        coerce=int,
        required=False,
        choices=[],
    )

    def __init__(self, *args, flag_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flags"].choices = list(flag_choices)
        if not flag_choices:
            del self.fields["flags"]

    def flag_ids(self) -> list[int]:
        return list(self.cleaned_data.get("flags") or [])

    def case_numbers(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["cases"].splitlines() if line.strip()]


class ReturnForm(VersionForm):
    comment = forms.CharField(
        label=_("What must be corrected"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=MAX_ISSUES_TEXT,
        error_messages={"required": _("Say what the report must correct before you return it.")},
    )
