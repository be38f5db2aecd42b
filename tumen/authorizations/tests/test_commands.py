"""The commands: issue, pdf, export-trust, revoke, and the offline `tumen verify`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import zlib
from io import StringIO

import pytest
import segno
from django.core.management import call_command

from tumen import cli
from tumen.authorizations import tmn1
from tumen.authorizations.models import Authorization
from tumen.authorizations.offline import read_qr
from tumen.authorizations.services import authorization_reissue, trusted_keys

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="poppler-utils is not installed",
)


def command(*args) -> str:
    out = StringIO()
    call_command("authorizations", *args, stdout=out)
    return out.getvalue()


def verify(capsys, payload: str, trust, *extra) -> tuple[int, dict]:
    with pytest.raises(SystemExit) as exited:
        cli.main(["verify", payload, "--trust", str(trust), *extra])
    return exited.value.code, json.loads(capsys.readouterr().out)


def test_issue_prints_one_line_per_document_with_its_payload(approve, household):
    case = approve(household)
    lines = command("issue", case.number).splitlines()
    assert len(lines) == 3
    assert all(line.split(" ")[1].startswith("TMN1:") for line in lines)
    assert lines[0].split(" ")[0] == f"TA-{case.number}-01"


@needs_poppler
def test_the_pdf_reads_back_in_three_scripts_and_its_qr_verifies(approve, kim, tmp_path):
    case = approve([kim])
    number = Authorization.objects.get(case=case).number
    out = tmp_path / "kim.pdf"
    command("pdf", number, "--out", str(out))
    text = subprocess.run(  # noqa: S603  (a fixed command on our own file)
        [shutil.which("pdftotext"), str(out), "-"], capture_output=True, check=True
    ).stdout.decode()
    for name in ("김영철", "金永哲", "KIM YONG CHOL", "出境证明", "출국 증명", "Tumen–Namyang"):
        assert name in text
    subprocess.run(  # noqa: S603
        [shutil.which("pdftoppm"), "-r", "150", "-png", str(out), str(tmp_path / "page")],
        check=True,
    )
    payload = read_qr((tmp_path / "page-1.png").read_bytes())
    assert payload == Authorization.objects.get(number=number).payload
    assert tmn1.verify(payload, trusted_keys(), now=dt.datetime.now(dt.UTC)).holder == {
        "hangul": "김영철",
        "hanja": "金永哲",
        "latin": "KIM YONG CHOL",
    }


def test_a_household_prints_as_one_pdf_on_a6(approve, household, tmp_path):
    case = approve(household)
    out = tmp_path / "household.pdf"
    assert "3 page(s)" in command("pdf", case.number, "--out", str(out), "--paper", "a6")
    assert out.read_bytes().count(b"/Type /Page\n") + out.read_bytes().count(b"/Type/Page") >= 3


def test_offline_verify_accepts_and_refuses_each_with_its_reason(
    approve, household, tmp_path, capsys, yanji_approver
):
    case = approve(household)
    first, second, third = Authorization.objects.filter(case=case).order_by("number")
    command("revoke", first.number, "--reason", "Issued in error")
    call_command("authorizations", "issue", case.number, stdout=StringIO())
    authorization_reissue(official=yanji_approver, number=second.number, reason="Lost")
    trust = tmp_path / "trust"
    command("export-trust", str(trust))

    assert verify(capsys, third.payload, trust)[0] == 0
    verdict = verify(capsys, third.payload, trust)[1]
    assert verdict["document"]["holder"] == {
        "hangul": third.person.name_hangul,
        "hanja": third.person.name_hanzi,
        "latin": third.person.name_latin,
    }
    assert verify(capsys, first.payload, trust)[1]["reason"] == "revoked"
    assert verify(capsys, second.payload, trust)[1]["reason"] == "superseded"
    late = (third.valid_until + dt.timedelta(days=1)).isoformat()
    assert verify(capsys, third.payload, trust, "--at", late)[1]["reason"] == "expired"
    early = (third.valid_from - dt.timedelta(days=1)).isoformat()
    assert verify(capsys, third.payload, trust, "--at", early)[1]["reason"] == "not_yet_valid"
    assert verify(capsys, "TMN1:abc", trust) == (
        1,
        {"valid": False, "reason": "malformed", "detail": "Base45: 'a' is not a Base45 character"},
    )
    bomb = "TMN1:" + tmn1.b45encode(zlib.compress(b"\0" * 1_000_000, 9))
    assert verify(capsys, bomb, trust)[1]["reason"] == "too_large"
    stranger = tmn1.generate_private_key("ES256")
    forged = tmn1.encode(
        tmn1.Document(
            number=third.number,
            authority="jilin-security",
            holder={"latin": "SOMEONE ELSE"},
            birth_date="1930-01-01",
            nationality="CN",
            identity_number="X",
            case_number=case.number,
            case_type="relocation",
            crossings=("tumen-namyang",),
            valid_from=third.valid_from,
            valid_until=third.valid_until,
            single_use=True,
            issued_at=third.issued_at,
        ),
        stranger,
    )
    assert verify(capsys, forged, trust)[1]["reason"] == "unknown_key"


def test_offline_verify_reads_a_photo_of_the_qr(approve, kim, tmp_path, capsys):

    case = approve([kim])
    payload = Authorization.objects.get(case=case).payload
    photo = tmp_path / "photo.png"
    segno.make_qr(payload, error="m").save(str(photo), scale=4)
    trust = tmp_path / "trust"
    command("export-trust", str(trust))
    code, verdict = verify(capsys, str(photo), trust)
    assert (code, verdict["reason"]) == (0, "valid")


def test_lists_not_signed_by_the_anchor_are_not_used(approve, kim, tmp_path, capsys):
    case = approve([kim])
    trust = tmp_path / "trust"
    command("export-trust", str(trust))
    listed = json.loads((trust / "revocations.json").read_text())
    listed["body"]["documents"] = {"TA-FORGED-01": "revoked"}
    (trust / "revocations.json").write_text(json.dumps(listed))
    code, verdict = verify(capsys, Authorization.objects.get(case=case).payload, trust)
    assert (code, verdict["reason"]) == (2, "trust_list")
    assert "not signed by the trust anchor" in verdict["detail"]
