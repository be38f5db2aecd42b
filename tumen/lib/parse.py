"""The one way Tumen reads ids and text from a request (form fields, query strings, paths).

Whatever a browser or a script sends is untrusted: `"²".isdigit()` is true but `int("²")` fails,
thirty nines overflow SQLite's 64-bit integers, and PostgreSQL refuses a NUL inside a string. So
an id is accepted only as a bounded run of ASCII digits and text only without NUL and within the
field's length; anything else is "not given" (None), which callers turn into the same answer as a
missing record or a field message. Plain functions and form fields, so the pages, the API and the
commands all use the same rules.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The largest value a BigAutoField / PostgreSQL bigint / SQLite INTEGER can hold.
MAX_ID = 2**63 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))
_ASCII_DIGITS = frozenset("0123456789")


def parse_int(value: object, *, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    """`value` as an int if it is a short run of ASCII digits within [minimum, maximum]."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not text or len(text) > _MAX_ID_DIGITS or not set(text) <= _ASCII_DIGITS:
            return None
        number = int(text)
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value: object) -> int | None:
    """A record id (1 … 2**63-1), or None for anything else."""
    return parse_int(value, minimum=1)


def parse_text(value: object, *, max_length: int) -> str | None:
    """`value` if it is a string without NUL of at most `max_length` characters, else None."""
    if not isinstance(value, str) or len(value) > max_length or "\x00" in value:
        return None
    return value


def clean_text(value: object, *, max_length: int) -> str:
    """Like parse_text, but "" for anything refused: for values that only narrow a search."""
    return parse_text(value, max_length=max_length) or ""


class IdField(forms.IntegerField):
    """A posted id or version: ASCII digits, 1 … 2**63-1; anything else is the field's error."""

    default_error_messages = {"invalid": _("This value is not valid. Reload the page.")}

    def __init__(self, *, minimum: int = 1, **kwargs):
        self.minimum = minimum
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = parse_int(value, minimum=self.minimum)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IdConverter:
    """The path converter `<id:name>`: an id as parse_id reads it, else no match (a 404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class TextConverter:
    """`<text:name>`: a path segment without NUL and at most 64 characters (case numbers)."""

    regex = "[^/\x00]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def parse_next(request, value: object) -> str:
    """A page on this site to return to (`next`), or "" for anything else.

    Only an absolute path counts: "-1" or "home" would be taken by redirect() for a view name.
    """
    from django.utils.http import url_has_allowed_host_and_scheme

    candidate = parse_text(value, max_length=2000)
    if not candidate or not candidate.startswith("/") or candidate.startswith("//"):
        return ""
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe else ""
