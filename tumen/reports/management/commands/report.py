"""`tumen report JURISDICTION_CODE --period YYYY-MM [--format json|csv]`: a subtree's figures.

The figures are those of docs/reports.md, computed now over every case in the jurisdiction and
below (not a consolidation of submitted reports). `--rebuild` recomputes the tally from the case
tables and reinstalls its triggers, after a bulk load or a change of TUMEN_TIME_ZONE.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tumen.org.models import Jurisdiction
from tumen.reports import db
from tumen.reports.exports import as_csv
from tumen.reports.figures import derive, parse_period, previous_period, subtree_ids, tally_for
from tumen.reports.tasks import monthly_pdfs


class Command(BaseCommand):
    help = "Print a jurisdiction's figures for a month, as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("jurisdiction", nargs="?", help="a jurisdiction code, e.g. jilin")
        parser.add_argument("--period", help="the month, YYYY-MM")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--rebuild", action="store_true", help="recompute the tally from the case tables"
        )
        parser.add_argument(
            "--monthly-pdfs",
            action="store_true",
            help="typeset last month's submitted reports in every language (cron, on the 1st)",
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="with --monthly-pdfs: leave it to the worker"
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            db.install_triggers()
            db.rebuild()
            self.stderr.write("The tally was rebuilt from the case tables.\n")
            if not options["jurisdiction"]:
                return
        if options["monthly_pdfs"]:
            period = options["period"] or previous_period(timezone.localdate())
            languages = [code for code, _name in settings.LANGUAGES]
            count = monthly_pdfs(parse_period(period), languages, enqueue=options["enqueue"])
            verb = "queued" if options["enqueue"] else "typeset"
            self.stdout.write(f"{count} report PDFs for {period} {verb}.")
            return
        code, period = options["jurisdiction"], options["period"]
        if not code or not period:
            raise CommandError("give a jurisdiction code and --period YYYY-MM")
        try:
            period = parse_period(period)
        except ValidationError as error:
            raise CommandError(error.message_dict["period"][0]) from None
        jurisdiction = Jurisdiction.objects.filter(code=code).first()
        if jurisdiction is None:
            raise CommandError(f"jurisdiction: there is no jurisdiction with the code {code!r}")
        figures = derive(tally_for(subtree_ids(jurisdiction), period))
        if options["format"] == "csv":
            self.stdout.write(as_csv(figures), ending="")
        else:
            document = {"jurisdiction": code, "period": period, "figures": figures}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
