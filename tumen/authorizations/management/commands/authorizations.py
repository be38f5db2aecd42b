"""`tumen authorizations issue|pdf|export-trust|revoke|rotate-key`: the documents by command.

Commands act as the operator of the server (no official), like `tumen deadlines`; each change
is still one audited service call.
"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tumen.authorizations import keys, pdf, services, trustfiles
from tumen.authorizations.models import Authorization, AuthorizationStatus
from tumen.lib import clock


def _problem(exc: ValidationError) -> CommandError:
    return CommandError(" ".join(exc.messages))


class Command(BaseCommand):
    help = "Issue, print, revoke travel authorizations; export the trust and revocation lists."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        issue = sub.add_parser("issue", help="Issue what an approved case lacks.")
        issue.add_argument("case_number")
        printing = sub.add_parser("pdf", help="Print documents (a case number prints them all).")
        printing.add_argument("number", help="a document number, or a case number")
        printing.add_argument("--out", required=True, type=Path)
        printing.add_argument("--paper", choices=pdf.PAPERS, default="a4")
        export = sub.add_parser("export-trust", help="Write the signed lists for checkpoints.")
        export.add_argument("directory", type=Path)
        revoke = sub.add_parser("revoke", help="Revoke a document.")
        revoke.add_argument("number")
        revoke.add_argument("--reason", required=True)
        rotate = sub.add_parser("rotate-key", help="Start a new signing key for an authority.")
        rotate.add_argument("authority")
        rotate.add_argument("--alg", choices=["ES256", "EdDSA"])

    def handle(self, *args, action: str, **options):
        handler = getattr(self, "_" + action.replace("-", "_"))
        try:
            handler(**options)
        except ValidationError as exc:
            raise _problem(exc) from None

    def _issue(self, *, case_number: str, **_):
        services.authorizations_issue(official=None, case_number=case_number)
        current = Authorization.objects.filter(
            case__number=case_number, status=AuthorizationStatus.VALID
        ).order_by("number")
        for authz in current:
            self.stdout.write(f"{authz.number} {authz.payload}")

    def _pdf(self, *, number: str, out: Path, paper: str, **_):
        numbers = list(
            Authorization.objects.filter(case__number=number, status=AuthorizationStatus.VALID)
            .order_by("number")
            .values_list("number", flat=True)
        ) or [number]
        if not Authorization.objects.filter(number__in=numbers).exists():
            raise CommandError(f"There is no travel authorization or case {number}.")
        printed = services.authorizations_printed(official=None, numbers=numbers)
        out.write_bytes(pdf.render(printed, paper=paper))
        self.stdout.write(f"Wrote {len(printed)} page(s) to {out}.")

    def _export_trust(self, *, directory: Path, **_):
        revoked = dict(
            Authorization.objects.exclude(status=AuthorizationStatus.VALID).values_list(
                "number", "status"
            )
        )
        files = trustfiles.export(
            directory,
            keys=keys.all_keys(),
            revoked=revoked,
            anchor_private=keys.anchor_key(),
            now=clock.now(),
        )
        self.stdout.write(
            f"Wrote {', '.join(f.name for f in files)} to {directory} "
            f"({len(keys.all_keys())} keys, {len(revoked)} revoked or superseded)."
        )

    def _revoke(self, *, number: str, reason: str, **_):
        authz = services.authorization_revoke(official=None, number=number, reason=reason)
        self.stdout.write(f"Revoked {authz.number}.")

    def _rotate_key(self, *, authority: str, alg: str | None, **_):
        key = keys.rotate(authority, now=clock.now(), alg=alg)
        self.stdout.write(f"New signing key {key.kid.hex()} ({key.alg}) for {authority}.")
