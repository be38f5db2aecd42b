"""The upload form: what kind of rows, which file, and whether only to check it."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from tumen.imports.models import ImportKind

SUFFIXES = (".csv", ".xlsx")


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file lists"),
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the file lists")},
    )
    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        error_messages={"required": _("Choose a file to import")},
    )
    dry_run = forms.BooleanField(label=_("Only check the file; import nothing"), required=False)

    def __init__(self, *args, kinds: list[str] | None = None, **kwargs):
        """`kinds`: the kinds the official may import (all when not given)."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [c for c in ImportKind.choices if c[0] in kinds]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("The file must be a CSV (.csv) or Excel (.xlsx) file"))
        return upload
