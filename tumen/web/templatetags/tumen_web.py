"""Small template helpers for the web pages: form controls after the GOV.UK patterns, the error
summary, and waiting times."""

from __future__ import annotations

import math
from datetime import timedelta

from django import forms, template

from tumen.org.admin import is_administrator

register = template.Library()

# The class each kind of widget gets (BoundField.widget_type names the widget).
CONTROL_CLASSES = {
    "textarea": "textarea",
    "select": "select",
    "checkbox": "checkbox__input",
    "date": "input input--date",
}


@register.filter
def whole_minutes(value: timedelta | None) -> int:
    """A waiting time in whole minutes, rounded up so that 'try again in N minutes' holds."""
    if not value:
        return 0
    return max(1, math.ceil(value.total_seconds() / 60))


@register.filter
def may_administer(user) -> bool:
    return is_administrator(user)


@register.filter
def has_role(user, role: str) -> bool:
    """For links only; the page and its service check the role again."""
    return bool(getattr(user, "unit_id", None)) and user.has_role(role)


@register.filter
def anchor(field: forms.BoundField) -> str:
    """The id an error links to: the field's control, or the first option of a group."""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.id_for_label


@register.filter
def describedby(field: forms.BoundField) -> str:
    """The ids of the field's hint and error message, for aria-describedby."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def control(field: forms.BoundField):
    """The field's widget with the class of its kind, marked when in error, tied to its hint."""
    css = CONTROL_CLASSES.get(field.widget_type, "input")
    if field.errors and field.widget_type != "checkbox":
        css += f" {css.split()[0]}--error"
    attrs = {"class": css}
    if describedby(field):
        attrs["aria-describedby"] = describedby(field)
    return field.as_widget(attrs=attrs)


def _first_anchor(form: forms.Form) -> str:
    visible = form.visible_fields()
    return anchor(visible[0]) if visible else ""


@register.inclusion_tag("web/_error_summary.html")
def error_summary(*forms_shown, first_field_id: str = "", problems=()):
    """Every error of the bound forms once, each linking to its field; then any `problems`
    ((message, href or "") pairs). Errors about a form as a whole link to its first field."""
    items = []
    for form in forms_shown:
        if not getattr(form, "is_bound", False):
            continue
        first = f"#{first_field_id or _first_anchor(form)}"
        items += [(error, first) for error in form.non_field_errors()]
        for field in form.hidden_fields():
            items += [(error, first) for error in field.errors]
        for field in form.visible_fields():
            items += [(error, f"#{anchor(field)}") for error in field.errors]
    items += list(problems)
    return {"items": items}


# Navigation sections by the name of the page's URL pattern (the worklist marks its own queue).
SECTIONS = {
    "intake_start": "new-case",
    "intake_principal": "new-case",
    "intake_confirm": "new-case",
    "foreign_request_list": "requests",
    "foreign_request_new": "requests",
    "foreign_request_person": "requests",
    "foreign_request_detail": "requests",
    "directive_list": "directives",
    "directive_detail": "directives",
    "person_search": "people",
    "person_detail": "people",
    "duplicate_queue": "duplicates",
    "import_list": "imports",
    "import_detail": "imports",
}


@register.filter
def section(request) -> str:
    """Which navigation item the page belongs to, for aria-current."""
    match = getattr(request, "resolver_match", None)
    return SECTIONS.get(match.url_name, "") if match else ""
