"""Forms of the authorization and checkpoint pages; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tumen.authorizations.offline import MAX_IMAGE_BYTES
from tumen.authorizations.tmn1 import MAX_TEXT

PAPER_CHOICES = [("a4", _("A4 page")), ("a6", _("A6 card"))]


class ScanForm(forms.Form):
    """A document presented at the crossing: a photo of its QR code, or its text pasted."""

    point = forms.ChoiceField(label=_("Crossing point"))
    image = forms.FileField(
        label=_("Photo of the QR code"),
        required=False,
        help_text=_("A PNG or JPEG image in which the whole QR code can be seen."),
    )
    text = forms.CharField(
        label=_("Or the text of the QR code"),
        required=False,
        max_length=MAX_TEXT + 100,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_("It begins with TMN1:"),
        strip=False,
    )

    def __init__(self, *args, points=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = [(p.code, p.name) for p in points]
        if points:
            self.fields["point"].initial = points[0].code

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is not None and image.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError(_("The photo is larger than 20 MB; take a smaller one."))
        return image

    def clean(self):
        data = super().clean()
        if not data.get("image") and not (data.get("text") or "").strip():
            raise forms.ValidationError(
                _("Upload a photo of the QR code or paste the text of the document.")
            )
        return data


class CrossingForm(forms.Form):
    """The one action after a valid scan: record the crossing (the text is checked again)."""

    point = forms.CharField(widget=forms.HiddenInput, max_length=50)
    text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_TEXT + 100, strip=False)


class ReasonForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("Say why, in at most 200 characters; it is kept with the document."),
    )


class PrintForm(forms.Form):
    paper = forms.ChoiceField(
        label=_("Paper"), choices=PAPER_CHOICES, initial="a4", widget=forms.RadioSelect
    )
