"""The import and export pages: upload, follow the run, download its errors, export."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tumen.audit.models import AuditEvent
from tumen.imports.models import ImportRun, RunStatus
from tumen.imports.tasks import run_import
from tumen.org.models import Jurisdiction
from tumen.people.models import Person

from .conftest import csv_text, person_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, official, rows, *, name="register.csv", **extra):
    client.force_login(official)
    data = {"kind": "persons", "file": SimpleUploadedFile(name, csv_text(rows).encode()), **extra}
    return client.post(reverse("import_list"), data, HTTP_ACCEPT_LANGUAGE="en")


def test_a_clerk_uploads_a_register_and_downloads_the_error_report(
    client, yanji_clerk, immediate_tasks, django_capture_on_commit_callbacks
):
    rows = [person_row(1), person_row(2, birth_date="1963-13-01"), person_row(3)]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, yanji_clerk, rows)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("import_detail", args=[run.pk])
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="import-imported">2<' in page
    assert "hx-trigger" not in page  # done: the panel stops polling
    assert Person.objects.count() == 2
    assert AuditEvent.objects.get(action="import.persons").actor == yanji_clerk

    report = client.get(reverse("import_errors", args=[run.pk]))
    text = b"".join(report.streaming_content).decode("utf-8-sig")
    assert report["Content-Disposition"] == 'attachment; filename="register-errors.csv"'
    [bad] = list(csv.DictReader(io.StringIO(text)))
    assert bad["import_line"] == "3"
    assert bad["import_errors"] == "birth_date: not a date; write it as YYYY-MM-DD ('1963-13-01')"


def test_the_upload_runs_in_the_background_and_the_page_polls_until_it_ends(
    client, yanji_clerk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, yanji_clerk, [person_row(1)])
    run = ImportRun.objects.get()
    progress = reverse("import_progress", args=[run.pk])

    queued = client.get(progress, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert run.status == RunStatus.QUEUED
    assert f'hx-get="{progress}"' in queued
    assert Person.objects.count() == 0  # nothing ran in the web request

    run_import.call(run.pk)

    done = client.get(progress, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "hx-get" not in done
    assert 'data-testid="import-imported">1<' in done


def test_a_file_that_is_not_csv_or_xlsx_is_refused_on_the_form(client, yanji_clerk):
    response = upload(client, yanji_clerk, [person_row(1)], name="register.pdf")

    assert response.status_code == 200
    assert "The file must be a CSV (.csv) or Excel (.xlsx) file" in response.content.decode()
    assert ImportRun.objects.count() == 0


def test_an_analyst_is_offered_no_upload_and_cannot_import(client, make_official):
    analyst = make_official("t.analyst", "yanji-office", "analyst")

    response = upload(client, analyst, [person_row(1)])
    page = client.get(reverse("import_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert response.status_code == 403
    assert ImportRun.objects.count() == 0
    assert 'data-testid="import-upload"' not in page
    assert 'data-testid="import-not-offered"' in page


def test_the_upload_offers_only_what_the_official_may_import(client, yanji_clerk):
    """A county clerk registers persons and opens cases; a foreign note is registered by a
    foreign affairs office, so the clerk is not offered that kind, and a forged post is refused."""
    client.force_login(yanji_clerk)
    page = client.get(reverse("import_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'value="persons"' in page
    assert 'value="cases"' in page
    assert 'value="foreign-request"' not in page
    forged = upload(client, yanji_clerk, [person_row(1)], kind="foreign-request")
    assert forged.status_code == 200
    assert ImportRun.objects.count() == 0


def test_another_jurisdictions_run_is_not_found(
    client, yanji_clerk, liaoning_security, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, yanji_clerk, [person_row(1)])
    run = ImportRun.objects.get()
    client.force_login(liaoning_security)

    for name in ("import_detail", "import_progress", "import_errors"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404


@pytest.fixture
def two_registers():
    from tumen.imports.services import import_file

    def register(official, rows, tmp):
        tmp.write_text(csv_text(rows), encoding="utf-8")
        import_file(actor=official, kind="persons", path=tmp)

    return register


def test_an_export_holds_the_jurisdiction_only_and_no_formula_runs(
    client, tmp_path, yanji_clerk, liaoning_security, two_registers
):
    # The import refuses such a name; one typed in at intake can still begin with a minus.
    yanji = Jurisdiction.objects.get(code="yanji")
    Person.objects.create(
        name_latin="-Kim Formula", nationality="dprk", residence=yanji,
        residence_permit_number="RP-0000001",
    )  # fmt: skip
    two_registers(liaoning_security, [person_row(2, residence="kuandian")], tmp_path / "ln.csv")
    client.force_login(liaoning_security)

    response = client.get(reverse("export", args=["persons", "csv"]))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["residence"] for row in rows] == ["kuandian"]
    assert AuditEvent.objects.filter(action="export.persons", actor=liaoning_security).exists()

    client.force_login(yanji_clerk)
    text = b"".join(client.get(reverse("export", args=["persons", "csv"])).streaming_content)
    [row] = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
    assert row["name_latin"] == "'-Kim Formula"
    assert row["id_number"] == "RP-0000001"


def test_an_xlsx_export_writes_formula_like_cells_as_text(
    client, tmp_path, yanji_clerk, two_registers
):
    Person.objects.create(
        name_latin="+Kim", nationality="dprk", residence=Jurisdiction.objects.get(code="yanji")
    )
    client.force_login(yanji_clerk)

    response = client.get(reverse("export", args=["persons", "xlsx"]))

    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][:4] == ["record_id", "name_hangul", "name_hanzi", "name_latin"]
    assert rows[1][3] == "+Kim"
    assert b"<f>" not in path.read_bytes()


def test_a_case_export_lists_the_jurisdictions_cases_with_their_principal(
    client, tmp_path, yanji_clerk
):
    from tumen.imports.services import import_file

    from .conftest import CASE_HEADER

    rows = [{**person_row(1), "case_type": "repatriation", "county": "yanji",
             "destination": "Sinuiju"}]  # fmt: skip
    (tmp_path / "apps.csv").write_text(csv_text(rows, CASE_HEADER), encoding="utf-8")
    import_file(actor=yanji_clerk, kind="cases", path=tmp_path / "apps.csv")
    client.force_login(yanji_clerk)

    response = client.get(reverse("export", args=["cases", "csv"]))

    text = b"".join(response.streaming_content).decode("utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert row["number"].startswith("YANJI-")
    assert (row["status"], row["county"], row["details"]) == (
        "draft",
        "yanji",
        "destination=Sinuiju",
    )
    assert row["record_id"] == f"P{Person.objects.get().pk}"
