"""`tumen scenario load [--file PATH]`: the organisation and its directive, never demo logins."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tumen.scenario.loader import ScenarioError, load_scenario


class Command(BaseCommand):
    help = "Load a scenario file: jurisdictions, work units and the directive."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load",
            help="Validate and load a scenario; re-running it changes nothing.",
            description="Validate and load a scenario; demo logins are left to `tumen demo`.",
        )
        load.add_argument(
            "--file",
            dest="source",
            default="1963",
            metavar="PATH",
            help="A scenario YAML file (default: the shipped 1963 scenario).",
        )

    def handle(self, *args, action: str, source: str, **options):
        try:
            report = load_scenario(source)
        except ScenarioError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Scenario {report.source_name} (sha256 {report.source_sha256[:16]}…):")
        self.stdout.write(report.table())
        if report.policy_packs:
            self.stdout.write(f"Policy packs: {', '.join(report.policy_packs)}")
        summary = "Changes recorded in the audit log." if report.changed else "Nothing changed."
        self.stdout.write(self.style.SUCCESS(summary))
