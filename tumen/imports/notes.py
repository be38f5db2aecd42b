"""Importing foreign requests: the persons a note from the other side names, one row each.

A note is a few dozen rows, not a register, so each note goes through the foreign-request
service itself (cases.foreign.foreign_request_register: its checks, the person services, its
audit event) rather than the bulk path; the ledger records the note's reference in the same
transaction, so a re-run or a resumed crash registers every note once. The rows of one note must
follow each other in the file; a note with any bad row is not registered, and each of its rows is
reported, the bad ones with their own reason.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tumen.cases.foreign import foreign_request_register
from tumen.imports.columns import CleanRow, Problem, content_digest, parse_date
from tumen.imports.models import ImportedRow, ImportKind
from tumen.imports.outcome import Outcome
from tumen.imports.sources import SourceRow

TRUE_WORDS = {"1", "true", "yes", "y", "是", "예", "x"}
# The registry's field names as the file's columns.
COLUMN_OF = {
    "date_of_birth": "birth_date",
    "residence_code": "residence",
    "personal_id_number": "id_number",
    "residence_permit_number": "id_number",
    "passport_number": "id_number",
}
_ENTRY = re.compile(r"^persons\[(\d+)\]\.?(\w*)$")
_SUBJECT = re.compile(r"^\s*[\w.\[\]]+\s*[:：]\s*")


class NoteWriter:
    """Collects the rows of one note; registers it when the next note begins or the file ends."""

    def __init__(self, run, checker) -> None:
        self.run = run
        self.checker = checker
        self.rows: list[tuple[SourceRow, CleanRow | None, list[Problem]]] = []

    def write(self, batch: list[SourceRow]) -> Outcome:
        outcome = Outcome()
        for row in batch:
            reference = (row.values.get("reference") or "").strip()
            if self.rows and reference != self._reference():
                self.finish(outcome)
            clean, problems = self.checker.check(row.line, row.values)
            problems += self._note_problems(row.values)
            self.rows.append((row, clean, problems))
        return outcome.counted()

    def _reference(self) -> str:
        return (self.rows[0][0].values.get("reference") or "").strip()

    def _note_problems(self, values: dict[str, str]) -> list[Problem]:
        problems = []
        for column in ("reference", "authority", "household"):
            if not (values.get(column) or "").strip():
                problems.append((column, "", _("required")))
        received = (values.get("received_on") or "").strip()
        if parse_date(received) is None:
            problems.append(("received_on", received, _("not a date; write it as YYYY-MM-DD")))
        return problems

    def last(self) -> Outcome:
        outcome = Outcome()
        self.finish(outcome)
        return outcome.counted()

    def finish(self, outcome: Outcome) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        if any(problems for _row, _clean, problems in rows):
            self._reject(rows, outcome)
            return
        reference = (rows[0][0].values["reference"]).strip()
        digest = content_digest("\x1e".join(clean.digest for _row, clean, _p in rows))
        known = ImportedRow.objects.filter(kind=ImportKind.FOREIGN_REQUESTS, key=reference).first()
        if known is not None:
            if known.digest == digest:
                outcome.skipped += len(rows)
                return
            reason = _("duplicate key: already imported from line %(line)d with other values") % {
                "line": known.line
            }
            self._reject(rows, outcome, [("reference", reference, reason)])
            return
        self._register(rows, reference, digest, outcome)

    def _register(self, rows, reference: str, digest: str, outcome) -> None:
        first = rows[0][0].values
        persons = [self._entry(row.values, clean) for row, clean, _problems in rows]
        try:
            with transaction.atomic():
                request = foreign_request_register(
                    official=self.run.actor,
                    reference=reference,
                    received_on=parse_date(first["received_on"].strip()) or datetime.date.min,
                    authority=first["authority"].strip(),
                    persons=persons,
                )
                ImportedRow.objects.create(
                    kind=ImportKind.FOREIGN_REQUESTS, key=reference, digest=digest,
                    object_id=request.pk, run=self.run, line=rows[0][0].line,
                )  # fmt: skip
                if self.run.dry_run:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            self._reject_by_service(rows, exc, outcome)
            return
        outcome.imported += len(rows)

    def _entry(self, values: dict[str, str], clean: CleanRow) -> dict:
        person = dict(clean.person)
        residence = (values.get("residence") or "").strip().lower()
        for name in ("residence_id", "registered_by_id"):
            person.pop(name, None)
        return {
            **person,
            "residence_code": residence or None,
            "household": values["household"].strip(),
            "is_principal": (values.get("is_principal") or "").strip().lower() in TRUE_WORDS,
            "officer_name": (values.get("officer_name") or "").strip(),
        }

    def _reject(self, rows, outcome, note_problems: list[Problem] | None = None) -> None:
        for row, _clean, problems in rows:
            own = problems or note_problems or [
                ("reference", row.values.get("reference", ""),
                 _("another row of this note has errors; the note was not registered")),
            ]  # fmt: skip
            outcome.rejected_rows.append((row, own))

    def _reject_by_service(self, rows, error: ValidationError, outcome) -> None:
        by_index: dict[int, list[Problem]] = {}
        whole: list[Problem] = []
        for key, messages in error.message_dict.items():
            match = _ENTRY.match(key)
            for message in messages:
                text = _SUBJECT.sub("", message)
                if match:
                    column = COLUMN_OF.get(match.group(2), match.group(2) or "")
                    by_index.setdefault(int(match.group(1)), []).append((column, "", text))
                else:
                    column = "" if key == NON_FIELD_ERRORS else COLUMN_OF.get(key, key)
                    whole.append((column, "", text))
        for index, (row, _clean, _problems) in enumerate(rows):
            outcome.rejected_rows.append((row, by_index.get(index, []) + whole or [
                ("reference", row.values.get("reference", ""),
                 _("another row of this note has errors; the note was not registered")),
            ]))  # fmt: skip
