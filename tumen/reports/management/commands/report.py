"""`tumen report JURISDICTION_CODE --period YYYY-MM [--format json|csv]`: a subtree's figures.

The figures are those of docs/reports.md, computed now over every case in the jurisdiction and
below (not a consolidation of submitted reports). `--rebuild` recomputes the tally from the case
tables and reinstalls its triggers, after a bulk load or a change of TUMEN_TIME_ZONE.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tumen.org.models import Jurisdiction
from tumen.reports import db
from tumen.reports.exports import as_csv
from tumen.reports.figures import derive, parse_period, subtree_ids, tally_for


class Command(BaseCommand):
    help = "Print a jurisdiction's figures for a month, as JSON or CSV."

    def add_arguments(self, parser):
        parser.add_argument("jurisdiction", nargs="?", help="a jurisdiction code, e.g. jilin")
        parser.add_argument("--period", help="the month, YYYY-MM")
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "--rebuild", action="store_true", help="recompute the tally from the case tables"
        )

    def handle(self, *args, **options):
        if options["rebuild"]:
            db.install_triggers()
            db.rebuild()
            self.stderr.write("The tally was rebuilt from the case tables.\n")
            if not options["jurisdiction"]:
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
