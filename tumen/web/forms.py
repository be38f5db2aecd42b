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

from tumen.lib.errors import (
    StaleVersion,
    beside,
    described,
    errors_by_field,
    message_of,
    registered,
)
from tumen.lib.parse import parse_text
from tumen.org.access import record_lost_denials
from tumen.web.throttle import wait_seconds


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is not right. Check them and try again. Both are "
            "case-sensitive."
        ),
        "inactive": _("This account has been switched off. Ask your administrator."),
        "throttled": _(
            "There have been too many failed sign-ins with this username. Wait %(seconds)s "
            "seconds, then try again."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = _("Enter your username")
        self.fields["password"].error_messages["required"] = _("Enter your password")

    def clean(self):
        # Django sets the username's max_length after the field is built, so its validator never
        # runs; an over-long or NUL-bearing name must not reach authenticate() (nor django-axes'
        # 255-character column) at all.
        username = self.cleaned_data.get("username")
        if username is not None and parse_text(username, max_length=150) is None:
            raise self.get_invalid_login_error()
        if username:
            wait = wait_seconds(username)
            if wait:
                raise forms.ValidationError(
                    self.error_messages["throttled"], code="throttled", params={"seconds": wait}
                )
        return super().clean()


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=2000)


# A service message starts with the name of what it is about ("note: say what was found …",
# "details.destination：…"); beside the field itself that name is noise.
# The name may be a label of a few words ("date of birth: …").
_SUBJECT = re.compile(r"^\s*[\w.\[\]][\w.\[\] ()'-]{0,60}?\s*[:：]\s*")


def without_subject(message: str) -> str:
    return _SUBJECT.sub("", str(message), count=1)


def problem_texts(error: ValidationError) -> list[tuple[str, str, str]]:
    """(key, text beside its field, text away from it) for each message of a refusal.

    A registered message (tumen.lib.errors) is rendered now, in the reader's language; away
    from its field, the field's label goes in front. An unregistered one (a form's own check)
    starts with its subject, which is dropped beside the field.
    """
    texts = []
    for key, errors in errors_by_field(error).items():
        for found in errors:
            if registered(getattr(found, "code", None)):
                texts.append((key, beside(found), described(key, found)))
            else:
                text = message_of(found)
                texts.append((key, without_subject(text), text))
    return texts


def add_service_errors(
    form: forms.Form, error: ValidationError, field_for: Callable[[str], str | None] = str
) -> None:
    """Put each message of a service's ValidationError beside the field it is about.

    Services key their problems by their own argument names (`note`, `details.destination`,
    `member_outcomes[12]`); `field_for` maps such a key to a field of `form`. A key with no field
    becomes an error about the whole form, shown in the error summary. `form` must be bound.
    """
    for key, near, away in problem_texts(error):
        field = None if key == NON_FIELD_ERRORS else field_for(key)
        if field is not None and field not in form.fields:
            field = None
        form.add_error(field, near if field else away)


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
        # A refusal that was audited (a unique value held elsewhere) is re-recorded, since the
        # service's transaction rolled its event back.
        record_lost_denials(exc)
        add_service_errors(form, exc, field_for)
        return Attempt(form=form)
    return Attempt(form=form, done=True, result=result)
