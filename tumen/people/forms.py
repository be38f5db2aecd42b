"""Forms for finding a person in the registry, registering a new one, correcting a record and
recording a relation.

Field names are those of people.services.person_register and person_update, so that the
services' problems land beside the fields they are about.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from tumen.lib.parse import IdField, parse_id
from tumen.people.models import Ethnicity, Nationality, Person, RelationKind, Sex
from tumen.people.services import PERSON_FIELDS

NEW = "new"
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def script_field(name: str) -> str:
    """The name field a name typed in one box belongs in, judged by its script."""
    if _HANGUL.search(name):
        return "name_hangul"
    if _HANZI.search(name):
        return "name_hanzi"
    return "name_latin"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=["%Y-%m-%d"],
        widget=DateInput(),
        error_messages={
            "invalid": _("Enter a real date, for example 1931-04-15"),
            "required": _("Enter the date"),
        },
    )


class PersonSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        help_text=_("In any script: Hangul, Chinese characters or Latin letters."),
        error_messages={"required": _("Enter the person's name")},
    )
    date_of_birth = date_field(_("Date of birth (optional)"))


class PersonPickForm(forms.Form):
    """Which of the persons found is the one meant, or a new person."""

    # The options are the persons found, which the template lists with their details.
    person = forms.CharField(
        label=_("Which person is it?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a person, or choose to register a new one")},
    )
    # The search, carried along so that registering a new person starts from what was typed.
    name = forms.CharField(widget=forms.HiddenInput, max_length=150)
    date_of_birth = date_field("", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].widget = forms.HiddenInput()

    def clean_person(self) -> str | int:
        value = self.cleaned_data["person"]
        if value == NEW:
            return NEW
        person_id = parse_id(value)
        if person_id is None:
            raise forms.ValidationError(
                _("Choose a person, or choose to register a new one"), code="invalid"
            )
        return person_id


class PersonForm(forms.Form):
    """A person's record, as registration asks for it and a correction shows it."""

    name_hangul = forms.CharField(label=_("Name in Hangul"), max_length=100, required=False)
    name_hanzi = forms.CharField(
        label=_("Name in Chinese characters"), max_length=100, required=False
    )
    name_latin = forms.CharField(label=_("Name in Latin letters"), max_length=150, required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person's sex, or 'Not recorded'")},
    )
    date_of_birth = date_field(_("Date of birth"), required=False)
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        choices=Nationality.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the person's nationality")},
    )
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity (optional)"),
        choices=[("", _("Not recorded")), *Ethnicity.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    residence_code = forms.ChoiceField(
        label=_("County or district of residence"),
        help_text=_("Choose 'Lives abroad' for a person who does not live in China."),
        required=False,
    )
    household_number = forms.CharField(
        label=_("Household registration number (optional)"), max_length=40, required=False
    )
    residence_permit_number = forms.CharField(
        label=_("Residence permit number (optional)"), max_length=40, required=False
    )
    passport_number = forms.CharField(
        label=_("Passport number (optional)"), max_length=40, required=False
    )

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence_code"].choices = [
            *((county.code, county.name) for county in counties),
            ("", _("Lives abroad")),
        ]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f) for f in ("name_hangul", "name_hanzi", "name_latin")):
            self.add_error("name_hangul", _("Enter the person's name in at least one script"))
        return cleaned

    def service_arguments(self) -> dict:
        """The person's fields as the services take them (a person abroad has no residence)."""
        data = {name: self.cleaned_data[name] for name in PERSON_FIELDS}
        data["residence_code"] = data["residence_code"] or None
        return data


class PersonRegisterForm(PersonForm):
    different_person = forms.BooleanField(
        label=_("This is a different person from everyone listed above"), required=False
    )


class PersonEditForm(PersonForm):
    """A correction of a registered person's record; it carries the version it was read at."""

    version = IdField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, person: Person) -> dict:
        initial = {name: getattr(person, name, None) for name in PERSON_FIELDS}
        initial["residence_code"] = person.residence.code if person.residence_id else ""
        return {**initial, "version": person.version}


class RelationAddForm(forms.Form):
    """A relation of the person to someone named (people.services.relation_add's arguments)."""

    kind = forms.ChoiceField(
        label=_("Kind of relation"),
        help_text=_("Read as: the relative is the person's spouse, parent, child and so on."),
        choices=RelationKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of relation")},
    )
    relative_name = forms.CharField(
        label=_("Relative's name"),
        max_length=150,
        error_messages={"required": _("Enter the relative's name")},
    )
    relative_place = forms.CharField(
        label=_("Where the relative lives (optional)"), max_length=200, required=False
    )
