"""Point 7 end to end: persons and cases out of the system, as CSV and XLSX, from the pages and
the command line, within the official's jurisdiction and only for the roles that may."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tumen.audit.models import AuditEvent
from tumen.cases.models import Case
from tumen.imports.histories import CaseGenerator
from tumen.people.models import Person

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 30, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def cases():
    """Generated households across the scenario's counties, Jilin's and the others'."""
    CaseGenerator(seed=21, now=NOW).run(60)
    return Case.objects.select_related("jurisdiction")


def numbers_under(cases, path: str) -> set[str]:
    return {c.number for c in cases if c.jurisdiction.path.startswith(path)}


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_the_roles_that_may_not_export_get_no_link_and_a_refusal(client, yanji_approver, cases):
    client.force_login(yanji_approver)

    page = client.get(reverse("import_list")).content.decode()

    assert 'data-testid="exports"' not in page
    for subject in ("persons", "cases"):
        for fmt in ("csv", "xlsx"):
            assert client.get(reverse("export", args=[subject, fmt])).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_a_provincial_analyst_exports_the_provinces_cases_and_no_others(
    client, make_official, cases
):
    analyst = make_official("t.jilin.analyst", "jilin-committee", "analyst")
    jilin = analyst.unit.jurisdiction.path
    expected = numbers_under(cases, jilin)
    assert expected
    assert expected != {c.number for c in cases}  # Liaoning's and others' are left out
    client.force_login(analyst)

    assert 'data-testid="exports"' in client.get(reverse("import_list")).content.decode()
    response = client.get(reverse("export", args=["cases", "csv"]))
    rows = csv_rows(b"".join(response.streaming_content).decode("utf-8"))
    assert {row["number"] for row in rows} == expected
    assert {row["status"] for row in rows} == {c.status for c in cases if c.number in expected}

    response = client.get(reverse("export", args=["cases", "xlsx"]))
    data = b"".join(response.streaming_content)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert {row[0] for row in sheet[1:]} == expected
    assert AuditEvent.objects.filter(action="export.cases", actor=analyst).count() == 2


def test_the_command_exports_as_the_official_and_refuses_others(tmp_path, yanji_clerk, cases):
    from tumen.org.models import Official

    yanji = yanji_clerk.unit.jurisdiction.path
    out = io.StringIO()
    call_command("export", "cases", "--as", yanji_clerk.username, stdout=out)
    rows = csv_rows(out.getvalue())
    assert {row["number"] for row in rows} == numbers_under(cases, yanji)

    path = tmp_path / "persons.xlsx"
    call_command("export", "persons", "--as", yanji_clerk.username, "--out", str(path),
                 stderr=io.StringIO())  # fmt: skip
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    residents = Person.objects.filter(residence__path__startswith=yanji).count()
    assert len(sheet) - 1 == residents > 0
    assert {row[9] for row in sheet[1:]} == {"yanji"}
    assert AuditEvent.objects.filter(action__startswith="export.", actor=yanji_clerk).count() == 2

    approver = Official.objects.create_user(username="t.approver", unit=yanji_clerk.unit)
    approver.role_grants.create(role="approver")
    with pytest.raises(CommandError, match=r"--as t\.approver: [A-Z][a-z ]+"):
        call_command("export", "cases", "--as", "t.approver", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no active official"):
        call_command("export", "cases", "--as", "nobody", stdout=io.StringIO())
