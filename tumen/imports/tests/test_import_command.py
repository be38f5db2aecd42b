"""`tumen import`: good rows in, every bad row reported with its line, column, value and reason."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from tumen.audit.models import AuditEvent
from tumen.audit.verify import verify_chain
from tumen.cases.models import Case, CaseMember, Status, Transition
from tumen.imports.models import ImportedRow, ImportRun
from tumen.lib.tables import TableFile
from tumen.people.models import Person

from .conftest import CASE_HEADER, person_row, report_rows, write_csv

pytestmark = pytest.mark.django_db


def run_import(*args: str) -> str:
    out = io.StringIO()
    call_command("import", *args, "--no-progress", "--language", "en", stdout=out)
    return out.getvalue()


def db_state() -> dict[str, int]:
    return {
        "persons": Person.objects.count(),
        "cases": Case.objects.count(),
        "members": CaseMember.objects.count(),
        "transitions": Transition.objects.count(),
        "ledger": ImportedRow.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def bad_file(tmp_path):
    """Four good rows and one of every kind of bad row; line 7 is in GB18030 in a UTF-8 file."""
    rows = [
        person_row(1),
        person_row(2, birth_date="1963-02-30"),  # line 3: bad date
        person_row(3, residence="atlantis"),  # line 4: unknown county
        person_row(4, nationality=""),  # line 5: missing required field
        person_row(5),
        person_row(6, name_hanzi="WRONGENCODING"),  # line 7: rewritten below
        person_row(7, name_latin="x" * 151),  # line 8: over-long value
        person_row(8, name_hangul="=HYPERLINK(1)"),  # line 9: formula cell
        person_row(1, name_latin="Someone Else"),  # line 10: duplicate key, other content
        person_row(9),
        person_row(10, birth_date="2999-01-01"),  # line 12: in the future
    ]
    path = write_csv(tmp_path / "register.csv", rows)
    data = path.read_bytes().replace(b"WRONGENCODING", "金哲洙".encode("gb18030"))
    path.write_bytes(data)
    return path


def test_a_file_with_every_kind_of_bad_row_imports_its_good_rows_and_reports_each_bad_one(
    tmp_path,
):
    output = run_import("persons", str(bad_file(tmp_path)))

    run = ImportRun.objects.get()
    assert (run.rows_imported, run.rows_rejected, run.rows_skipped) == (3, 8, 0)
    assert "imported 3, 0 already imported, 8 rejected" in output
    assert sorted(Person.objects.values_list("residence_permit_number", flat=True)) == [
        "RP-0000001",
        "RP-0000005",
        "RP-0000009",
    ]
    errors = {int(row["import_line"]): row["import_errors"] for row in report_rows(run.error_path)}
    future = errors.pop(12)
    assert future.startswith("birth_date: Jan. 1, 2999 is in the future; today is ")
    assert errors == {
        3: "birth_date: not a date; write it as YYYY-MM-DD ('1963-02-30')",
        4: "residence: no county or district has this code ('atlantis')",
        5: "nationality: required",
        7: "name_hanzi: bytes that are not valid in the file's encoding; save the file as UTF-8 "
        "('\ufffd\ufffd\ufffd\ufffd\ufffd\ufffd')",
        8: f"name_latin: longer than 150 characters ('{'x' * 151}')",
        9: "name_hangul: begins with =, which a spreadsheet runs as a formula ('=HYPERLINK(1)')",
        10: "record_id: duplicate key: line 2 has the same record_id with other values ('R000001')",
    }


def test_the_error_report_keeps_the_rows_so_a_corrected_report_imports(tmp_path):
    run_import("persons", str(bad_file(tmp_path)))
    report = ImportRun.objects.get().error_path
    # The formula cell is written so that a spreadsheet shows it as text.
    assert any(row["name_hangul"] == "'=HYPERLINK(1)" for row in report_rows(report))
    fixed = [
        {**row, "birth_date": "1963-02-28"} if row["import_line"] == "3" else row
        for row in report_rows(report)
    ]
    corrected = write_csv(tmp_path / "fixed.csv", fixed, header=list(fixed[0]))

    run_import("persons", str(corrected))

    again = ImportRun.objects.latest("pk")
    assert (again.rows_imported, again.rows_rejected) == (1, 7)
    assert Person.objects.filter(residence_permit_number="RP-0000002").exists()


def test_a_re_run_of_the_same_file_changes_nothing(tmp_path):
    path = bad_file(tmp_path)
    run_import("persons", str(path))
    before = db_state()

    output = run_import("persons", str(path))

    assert db_state() == before | {"audit": before["audit"]}
    assert "imported 0, 3 already imported, 8 rejected" in output
    assert verify_chain().ok


def test_a_dry_run_checks_every_row_and_writes_nothing(tmp_path):
    before = db_state()

    output = run_import("persons", str(bad_file(tmp_path)), "--dry-run")

    assert "would import 3" in output
    assert db_state() == before


def test_each_batch_is_one_audit_event_naming_its_keys(tmp_path):
    path = write_csv(tmp_path / "many.csv", [person_row(n) for n in range(1, 26)])

    run_import("persons", str(path), "--batch-size", "10")

    events = list(AuditEvent.objects.filter(action="import.persons").order_by("seq"))
    assert [len(event.payload["keys"]) for event in events] == [10, 10, 5]
    assert events[0].payload["keys"][:2] == ["R000001", "R000002"]
    assert events[0].actor_id is None  # the command line runs as the system
    assert verify_chain().ok


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "euc-kr"])
def test_the_encoding_is_detected(tmp_path, encoding):
    rows = [person_row(n, name_latin="") for n in range(1, 40)]
    path = write_csv(tmp_path / f"{encoding}.csv", rows, encoding=encoding)

    run_import("persons", str(path))

    assert ImportRun.objects.get().rows_imported == 39
    assert set(Person.objects.values_list("name_hangul", "name_hanzi")) == {("김철수", "金哲洙")}


def test_an_encoding_can_be_given(tmp_path):
    path = write_csv(tmp_path / "short.csv", [person_row(1)], encoding="euc-kr")

    run_import("persons", str(path), "--encoding", "euc-kr")

    assert Person.objects.get().name_hangul == "김철수"


def test_an_xlsx_file_imports_and_its_error_report_is_a_spreadsheet(tmp_path):
    path = tmp_path / "register.xlsx"
    sheet = TableFile(path, list(person_row(1)))
    for n in (1, 2):
        sheet.write(person_row(n).values())
    sheet.write(person_row(3, residence="atlantis").values())
    sheet.close()

    run_import("persons", str(path))

    run = ImportRun.objects.get()
    assert (run.rows_imported, run.rows_rejected) == (2, 1)
    assert run.error_path.endswith(".xlsx")
    rows = CalamineWorkbook.from_path(run.error_path).get_sheet_by_index(0).to_python()
    assert rows[1][-2:] == [4, "residence: no county or district has this code ('atlantis')"]


def test_an_application_opens_a_draft_case_under_the_pack_and_links_a_registered_person(
    tmp_path,
):
    run_import("persons", str(write_csv(tmp_path / "p.csv", [person_row(1)])))
    applications = [
        {**person_row(1), "record_id": "APP-1", "case_type": "repatriation", "county": "yanji",
         "destination": "Sinuiju"},
        {**person_row(2), "record_id": "APP-2", "case_type": "relocation", "county": "longjing",
         "destination": "Pyongyang", "application_date": "1963-09-02",
         "nationality": "prc", "id_number": "222405193101010022", "household_number": "H-2"},
        {**person_row(3), "record_id": "APP-3", "case_type": "relocation", "county": "yanji"},
        {**person_row(4), "record_id": "APP-4", "case_type": "emigration", "county": "yanji"},
    ]  # fmt: skip
    path = write_csv(tmp_path / "apps.csv", applications, header=CASE_HEADER)

    run_import("cases", str(path))

    cases = {case.details.get("destination"): case for case in Case.objects.all()}
    assert set(cases) == {"Sinuiju", "Pyongyang"}
    assert all(case.status == Status.DRAFT for case in cases.values())
    sinuiju = cases["Sinuiju"]
    assert sinuiju.number.startswith("YANJI-")
    assert sinuiju.members.get().person == Person.objects.get(residence_permit_number="RP-0000001")
    assert sinuiju.transitions.get().to_status == Status.DRAFT
    errors = {row["import_line"]: row["import_errors"] for row in report_rows(
        ImportRun.objects.latest("pk").error_path)}  # fmt: skip
    assert errors["4"].startswith(
        "destination: required for a relocation case (cc1963.3); "
        "application_date: required for a relocation case (cc1963.3)"
    )
    assert errors["5"].startswith("case_type: not a case type of an active policy pack")
    assert verify_chain().ok


def test_an_official_imports_only_within_their_jurisdiction(tmp_path, liaoning_security):
    path = write_csv(tmp_path / "p.csv", [person_row(1), person_row(2, residence="kuandian")])

    run_import("persons", str(path), "--as", liaoning_security.username)

    person = Person.objects.get()
    assert person.residence.code == "kuandian"
    assert person.registered_by == liaoning_security.unit
    errors = report_rows(ImportRun.objects.get().error_path)
    assert errors[0]["import_errors"] == "residence: outside your jurisdiction ('yanji')"
    assert AuditEvent.objects.get(action="import.persons").actor_id == liaoning_security.pk


def test_an_official_without_an_importing_role_is_refused(tmp_path, make_official):
    analyst = make_official("t.analyst", "yanji-office", "analyst")
    path = write_csv(tmp_path / "p.csv", [person_row(1)])

    with pytest.raises(CommandError):
        run_import("persons", str(path), "--as", analyst.username)

    assert Person.objects.count() == 0


def test_a_file_with_unknown_columns_is_refused_whole(tmp_path):
    path = tmp_path / "odd.csv"
    path.write_text("record_id,name_latin,nickname\n1,Kim,Kimmy\n", encoding="utf-8")

    with pytest.raises(CommandError, match="unknown columns: nickname"):
        run_import("persons", str(path))

    assert Person.objects.count() == 0


def test_a_resident_identity_number_must_carry_its_check_character(tmp_path):
    rows = [
        person_row(1, nationality="prc", id_number="222405193101010022", household_number="H-7"),
        person_row(2, nationality="prc", id_number="222405193101010020", household_number="H-7"),
        person_row(3, nationality="other", id_number="E1234567", passport_state=""),
    ]
    path = write_csv(tmp_path / "ids.csv", rows)

    run_import("persons", str(path))

    person = Person.objects.get()
    assert (person.personal_id_number, person.household_number) == ("222405193101010022", "H-7")
    errors = [row["import_errors"] for row in report_rows(ImportRun.objects.get().error_path)]
    assert errors == [
        "id_number: the last character does not match the others; check the number. "
        "('222405193101010020')",
        "passport_state: write the state's three-letter code, like CHN.",
    ]
