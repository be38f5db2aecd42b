"""How services refuse (cases, people, and every app after them).

A rejected input raises django's ValidationError with a dict {field: [messages]}, so that a form
or the API can put each message beside its field; every message names the field, the rule and
the clause. A stale form raises StaleVersion, which carries the version the record is now at.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class StaleVersion(Exception):
    """The record changed since the caller read it; nothing was changed by this call."""

    def __init__(self, *, current: int, what: str = "case"):
        self.current = current
        self.what = what
        super().__init__(self._message(what) % {"version": current})

    @staticmethod
    def _message(what: str) -> str:
        # Whole sentences per record kind, so that translators never assemble a sentence.
        if what == "clearance":
            return _(
                "This clearance was changed by someone else (it is now at version "
                "%(version)d); reload it and try again."
            )
        if what == "person":
            return _(
                "This person's record was changed by someone else (it is now at version "
                "%(version)d); reload it and try again."
            )
        if what == "travel authorization":
            return _(
                "This travel authorization was changed by someone else (it is now at version "
                "%(version)d); reload it and try again."
            )
        if what == "foreign_request":
            return _(
                "This foreign request was changed by someone else (it is now at version "
                "%(version)d); reload it and try again."
            )
        return _(
            "This case was changed by someone else (it is now at version %(version)d); "
            "reload it and try again."
        )


def ensure_version(record, version: int, *, what: str = "case") -> None:
    if record.version != version:
        raise StaleVersion(current=record.version, what=what)


def invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


class Problems:
    """Every problem found, keyed by field, raised together so that none has to wait a round."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def merge(self, other: dict[str, list[str]]) -> None:
        for field, messages in other.items():
            self.by_field.setdefault(field, []).extend(messages)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
