"""Realistic synthetic import rows, streamed: registers of persons and lists of applications.

Rows come in the import contract (tumen.imports.columns), one at a time, so a million of them
take no more memory than ten: `tumen generate` feeds them straight into the import (with its
checks, keys and audit) or writes them to a CSV/XLSX file for a demo or a benchmark.

Households share a surname, a county and a place in the file; names come in Hangul, Chinese
characters and Latin (tumen.scenario.synthetic). PRC residents carry an 18-digit resident identity
number with its ISO 7064 MOD 11-2 check digit and share a household register number with
their household; Korean nationals carry a residence permit. Every row has
a stable record_id (seed and position), so generating the same seed twice imports nothing new.
Deterministic for a seed.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator

from tumen.imports.columns import PERSON_COLUMNS
from tumen.imports.sources import SourceRow
from tumen.lib.identity import prc_id
from tumen.scenario.synthetic import PLACES_IN_KOREA, SURNAMES, korean_name

# Yanbian's counties and the others of the scenario with their administrative division codes.
COUNTY_REGIONS = {
    "yanji": "222401", "tumen": "222402", "longjing": "222405", "hunchun": "222404",
    "helong": "222406", "wangqing": "222424", "antu": "222426", "changbai": "220623",
    "kuandian": "210624", "ningan": "231084", "zhalantun": "150783",
}  # fmt: skip
CASE_COLUMNS = ("case_type", "county", "destination", "application_date")
CASE_TYPES = ("relocation", "relocation", "relocation", "repatriation")
FIRST_BIRTH = datetime.date(1900, 1, 1)
BIRTH_DAYS = 22_000  # born 1900-1960
WEIGHTS = (1, 2, 3, 4, 5)


class Generator:
    def __init__(self, *, seed: int = 1963, counties: list[str] | None = None) -> None:
        self.seed = seed
        self.counties = [c for c in (counties or list(COUNTY_REGIONS)) if c in COUNTY_REGIONS]

    def _rng(self, prefix: str, n: int) -> random.Random:
        """One generator per row (or household): row n is the same whatever came before it."""
        return random.Random(f"{self.seed}/{prefix}/{n}")  # noqa: S311

    def _person(
        self, prefix: str, n: int, surname, county: str, rng, household: str = ""
    ) -> dict[str, str]:
        sex = rng.choice(("male", "female"))
        name = korean_name(rng, sex, surname)
        # Day and serial from n: unique identity numbers for up to 22 million rows per seed.
        # Applicants' days lie half the range away from registers', so their numbers never meet.
        day = n // 1000 + self.seed * 7 + (BIRTH_DAYS // 2 if prefix == "GA" else 0)
        birth = FIRST_BIRTH + datetime.timedelta(days=day % BIRTH_DAYS)
        korean_national = rng.random() < 0.25
        number = (
            f"RP{self.seed:04d}{n:09d}"
            if korean_national
            else prc_id(COUNTY_REGIONS[county], birth, n)
        )
        return {
            "record_id": f"{prefix}{self.seed}-{n}",
            "name_hangul": name.hangul,
            "name_hanzi": name.hanzi,
            "name_latin": name.latin,
            "sex": sex,
            "birth_date": birth.isoformat(),
            "nationality": "dprk" if korean_national else "prc",
            "id_number": number,
            "ethnicity": "korean",
            "residence": county,
            "household_number": household if not korean_national else "",
            "passport_state": "",
        }

    def persons(self, count: int) -> Iterator[dict[str, str]]:
        """`count` persons, in households of one to five sharing a surname and a county."""
        n = 0
        while n < count:
            rng = self._rng("GP", n + 1)
            size = rng.choices((1, 2, 3, 4, 5), WEIGHTS)[0]
            county = rng.choice(self.counties)
            family = rng.choice(SURNAMES)
            # One household register (户口) number for the household: its first member's position.
            household = f"{COUNTY_REGIONS[county]}{self.seed % 100:02d}{n + 1:09d}"
            for _member in range(min(size, count - n)):
                n += 1
                yield self._person("GP", n, family, county, rng, household)

    def applications(self, count: int) -> Iterator[dict[str, str]]:
        """`count` applications, each with a new principal, across the counties and types."""
        for n in range(1, count + 1):
            rng = self._rng("GA", n)
            county = rng.choice(self.counties)
            row = self._person("GA", n, None, county, rng)
            case_type = rng.choice(CASE_TYPES)
            if case_type == "repatriation":
                row["nationality"], row["id_number"] = "dprk", f"RA{self.seed:04d}{n:09d}"
            elif row["nationality"] != "prc":
                row["nationality"] = "prc"
                row["id_number"] = prc_id(
                    COUNTY_REGIONS[county], datetime.date.fromisoformat(row["birth_date"]), n
                )
            if row["nationality"] == "prc":
                row["household_number"] = f"{COUNTY_REGIONS[county]}{self.seed % 100:02d}A{n:08d}"
            else:
                row["household_number"] = ""
            application = datetime.date(1963, 8, 8) + datetime.timedelta(days=n % 120)
            row.update(
                case_type=case_type,
                county=county,
                destination=rng.choice(PLACES_IN_KOREA)[1],
                application_date=application.isoformat() if case_type == "relocation" else "",
            )
            yield row


class GeneratedSource:
    """Generated rows in the shape a file gives them, for the import to read like a file."""

    spreadsheet = False
    encoding = ""
    bytes_read = 0

    def __init__(self, kind: str, rows: Iterator[dict[str, str]]) -> None:
        self.header = list(PERSON_COLUMNS) + (list(CASE_COLUMNS) if kind == "cases" else [])
        self._rows = rows

    def rows(self) -> Iterator[SourceRow]:
        for line, values in enumerate(self._rows, start=2):
            yield SourceRow(line, values)
