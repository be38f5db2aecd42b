"""Forms for the web pages. Error messages are plain words that say what to do next."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from tumen.lib.errors import StaleVersion


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is not right. Check them and try again. Both are "
            "case-sensitive."
        ),
        "inactive": _("This account has been switched off. Ask your administrator."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username")
        self.fields["password"].error_messages["required"] = _("Enter your password")


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


# A service message starts with the name of what it is about ("note: say what was found …",
# "details.destination：…"); beside the field itself that name is noise.
_SUBJECT = re.compile(r"^\s*[\w.\[\]]+\s*[:：]\s*")


def without_subject(message: str) -> str:
    return _SUBJECT.sub("", str(message), count=1)


def add_service_errors(
    form: forms.Form, error: ValidationError, field_for: Callable[[str], str | None] = str
) -> None:
    """Put each message of a service's ValidationError beside the field it is about.

    Services key their problems by their own argument names (`note`, `details.destination`,
    `member_outcomes[12]`); `field_for` maps such a key to a field of `form`. A key with no field
    becomes an error about the whole form, shown in the error summary. `form` must be bound.
    """
    problems = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    for key, messages in problems.items():
        field = None if key == NON_FIELD_ERRORS else field_for(key)
        if field is not None and field not in form.fields:
            field = None
        for message in messages:
            form.add_error(field, without_subject(message) if field else str(message))


def problems_form(error: ValidationError | None = None) -> forms.Form:
    """A bound, field-less form that carries messages for the error summary partial."""
    form = forms.Form(data={})
    form.is_valid()
    if error is not None:
        add_service_errors(form, error, lambda key: None)
    return form


def rebound(form_class, request, *, values: dict, **kwargs) -> forms.Form:
    """The posted form again, with some values replaced (a new version), ready to post again."""
    data = request.POST.copy()
    for name, value in values.items():
        data[name] = str(value)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


@dataclass
class Attempt:
    """What became of posting a valid form to a service."""

    form: forms.Form
    done: bool = False
    result: Any = None
    # After a stale version: what `reread` returned, and the status the page answers with.
    fresh: Any = None
    status: int = 200


def attempt(
    form: forms.Form,
    call: Callable[[dict], Any],
    *,
    reread: Callable[[], Any],
    retry: Callable[[Any], forms.Form],
    field_for: Callable[[str], str | None] = str,
) -> Attempt:
    """Call a service with a valid form, the one way every page does it.

    Done: the service's result. A stale version: the record is read again (`reread`) and the
    posted values come back in a form at the current version (`retry`), with status 409, so the
    official sees what changed and can send again. A refusal: its messages beside the fields.
    """
    try:
        result = call(form.cleaned_data)
    except StaleVersion:
        fresh = reread()
        return Attempt(form=retry(fresh), fresh=fresh, status=409)
    except ValidationError as exc:
        add_service_errors(form, exc, field_for)
        return Attempt(form=form)
    return Attempt(form=form, done=True, result=result)
