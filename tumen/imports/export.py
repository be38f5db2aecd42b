"""Export of persons and cases within the official's jurisdiction, as CSV or XLSX.

Persons come out in the import contract (tumen.imports.columns), so an export can be corrected
and imported elsewhere. Rows stream from the database in chunks into tumen.lib.tables, the one
table writer, which writes a cell that begins with = + - @ so that a spreadsheet shows it as
text instead of running it (formula injection).
Each export is audited: who took which register, in which format.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.db.models import F, QuerySet

from tumen.audit.services import audit_record
from tumen.cases.models import Case, CaseMember, MemberRole
from tumen.imports.columns import ID_NUMBER_FIELD, PERSON_COLUMNS
from tumen.lib.tables import XLSX_TYPE, csv_lines
from tumen.lib.tables import xlsx_file as write_xlsx
from tumen.org.access import require, scope
from tumen.org.models import Official
from tumen.people.models import Person

CASE_EXPORT_COLUMNS = (
    "number", "case_type", "status", "county", "created_at", "record_id",
    "name_hangul", "name_hanzi", "name_latin", "details",
)  # fmt: skip
CHUNK = 2_000
DOCUMENTS = ("personal_id_number", "residence_permit_number", "passport_number")
__all__ = ["SUBJECTS", "XLSX_TYPE", "csv_stream", "export_begin", "xlsx_file"]


def _person_rows(official: Official) -> Iterator[list[object]]:
    persons = scope(Person.objects.all(), official).order_by("pk")
    values = persons.values_list(
        "pk", "name_hangul", "name_hanzi", "name_latin", "sex", "date_of_birth", "nationality",
        *DOCUMENTS, "ethnicity", "residence__code", "household_number", "passport_state",
    )  # fmt: skip
    for pk, hangul, hanzi, latin, sex, born, nationality, *rest in values.iterator(CHUNK):
        documents = dict(zip(DOCUMENTS, rest[: len(DOCUMENTS)], strict=True))
        ethnicity, county, household, state = rest[len(DOCUMENTS) :]
        id_number = documents.get(ID_NUMBER_FIELD.get(nationality, ""), "")
        born_text = born.isoformat() if born else ""
        yield [
            f"P{pk}", hangul, hanzi, latin, sex, born_text, nationality, id_number, ethnicity,
            county or "", household, state,
        ]  # fmt: skip


def _case_rows(official: Official) -> Iterator[list[object]]:
    cases: QuerySet = scope(Case.objects.all(), official).order_by("pk")
    principals = CaseMember.objects.filter(role=MemberRole.PRINCIPAL, case__in=cases.values("pk"))
    rows = principals.order_by("case_id").values_list(
        "case__number", "case__case_type", "case__status", "case__jurisdiction__code",
        "case__created_at", F("person_id"), "person__name_hangul", "person__name_hanzi",
        "person__name_latin", "case__details",
    )  # fmt: skip
    for (
        number,
        kind,
        status,
        county,
        created,
        person,
        hangul,
        hanzi,
        latin,
        details,
    ) in rows.iterator(chunk_size=CHUNK):
        text = "; ".join(f"{k}={v}" for k, v in sorted((details or {}).items()))
        yield [
            number,
            kind,
            status,
            county,
            created.isoformat(),
            f"P{person}",
            hangul,
            hanzi,
            latin,
            text,
        ]


SUBJECTS = {
    "persons": (PERSON_COLUMNS, _person_rows),
    "cases": (CASE_EXPORT_COLUMNS, _case_rows),
}


def export_begin(*, official: Official, subject: str, fmt: str) -> Iterator[list[object]]:
    """Authorize and audit an export; the rows (header first) to write, streamed."""
    require(official, "export")
    columns, rows = SUBJECTS[subject]
    audit_record(
        actor=official,
        action=f"export.{subject}",
        payload={"format": fmt, "jurisdiction": official.unit.jurisdiction.code},
    )

    def all_rows():
        yield list(columns)
        yield from rows(official)

    return all_rows()


def csv_stream(rows: Iterator[list[object]]) -> Iterator[str]:
    """The rows as CSV (UTF-8 with BOM), formula-like cells neutralised, line by line."""
    return csv_lines(rows)


def xlsx_file(rows: Iterator[list[object]]) -> Path:
    """Write the rows to a temporary XLSX file (flushed row by row) and return its path."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    return write_xlsx(rows, Path(handle.name))
