"""`tumen demo`: a working Tumen on this machine in one command.

Migrates, loads the 1963 scenario with its demo logins (password from TUMEN_DEMO_PASSWORD), adds
synthetic data, seals the audit head, prints the logins and serves on 127.0.0.1:8000. The
synthetic data is a scripted story of some 300 cases taken through the services
(tumen.scenario.demo), then the bulk: a thousand more cases in every state written by
`tumen generate`'s generator (tumen.imports.histories), so worklists and reports have volume.
"""

from __future__ import annotations

import argparse

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from tumen.audit import verify
from tumen.audit.sealing import Sealer
from tumen.imports.histories import generate_cases
from tumen.lib import clock
from tumen.org.models import Official
from tumen.scenario import demo
from tumen.scenario.loader import ScenarioError, load_scenario

DEFAULT_ADDRPORT = "127.0.0.1:8000"
# Cases the demo adds in bulk after its scripted ones (times --scale).
BULK_CASES = 1_000


class Command(BaseCommand):
    help = "Set up a demonstration (1963 scenario, demo logins) and serve it on 127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help=f"Address and port to serve on (default {DEFAULT_ADDRPORT}).",
        )
        parser.add_argument(
            "--no-serve",
            action="store_true",
            help="Set everything up and print the logins, but do not start the server.",
        )

        parser.add_argument(
            "--scale",
            type=_positive,
            default=1.0,
            help="Fraction of the synthetic cases to add (default 1: about 300 through the "
            f"services and {BULK_CASES} in bulk); every state keeps at least one case.",
        )

    def handle(self, *args, addrport: str, no_serve: bool, scale: float, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "tumen demo refuses to run with TUMEN_ENV=production, because it creates "
                "logins with a published password."
            )
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        report = self._load()
        cases = demo.populate(self.stdout, scale=scale)
        cases += self._bulk(demo.scaled(BULK_CASES, scale))
        # The approvals above created the signing keys; checkpoints get the lists as files.
        call_command("authorizations", "export-trust", str(settings.TUMEN_TRUST_DIR))
        verify.seal_head()
        self._print_logins(report.demo_usernames, addrport, cases)
        if not no_serve:
            # The demo has no separate worker, so it seals on the worker's schedule itself.
            sealer = Sealer(every=settings.TUMEN_AUDIT_SEAL_SECONDS)
            sealer.start()
            try:
                call_command("runserver", addrport, use_reloader=False)
            finally:
                sealer.stop()

    def _bulk(self, count: int) -> int:
        """The bulk of the synthetic cases: once (a re-run finds their import keys)."""
        summary = generate_cases(count, seed=demo.SEED, now=clock.now(), label=demo.LABEL)
        if summary.cases:
            states = ", ".join(f"{s} {n}" for s, n in sorted(summary.by_status.items()))
            self.stdout.write(f"Synthetic cases in bulk by status: {states}")
        return summary.cases

    def _load(self):
        try:
            return load_scenario("1963", demo_password=settings.TUMEN_DEMO_PASSWORD)
        except (ScenarioError, ValueError) as exc:
            raise CommandError(str(exc)) from None

    def _print_logins(self, usernames: list[str], addrport: str, cases: int) -> None:
        officials = Official.objects.filter(username__in=usernames).prefetch_related("role_grants")
        by_name = {official.username: official for official in officials}
        rows = [_login_row(by_name[name]) for name in usernames if name in by_name]
        widths = [max(len(row[i]) for row in [_HEADER, *rows]) for i in range(3)]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        for row in [_HEADER, *rows]:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write("")
        self.stdout.write(f"Password for every demo login: {settings.TUMEN_DEMO_PASSWORD}")
        self.stdout.write(f"Synthetic cases added: {cases}")
        if not settings.TUMEN_SECOND_FACTOR:
            self.stdout.write(
                "Second factor: off for the demo. With TUMEN_SECOND_FACTOR=1, administrators and "
                "approvers set up an authenticator app (TOTP) after the password."
            )
        self.stdout.write(self.style.SUCCESS(f"Open http://{_url_host(addrport)}/"))


_HEADER = ("username", "unit", "roles")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the scale must be greater than zero")
    return value


def _login_row(official: Official) -> tuple[str, str, str]:
    unit = official.unit
    # Command output is in English; the unit's Chinese name is its fallback.
    unit_name = (unit.name_en or unit.name_zh) if unit else "-"
    roles = ", ".join(sorted(grant.role for grant in official.role_grants.all()))
    return official.username, unit_name, roles


def _url_host(addrport: str) -> str:
    """runserver accepts a bare port; the URL needs the host as well."""
    return addrport if ":" in addrport else f"127.0.0.1:{addrport}"
