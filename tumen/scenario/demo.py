"""What `tumen demo` adds on top of the scenario: synthetic cases, so a fresh demo has work in it.

The scenario gives the organisation, the 1963 directive and the demo logins. `populate` adds
some 270 cases for 250 households across the scenario's counties, taking each to a state through
the same services an official would use, so every row is valid under the policy pack and every
change is audited (and then sealed with the rest by `tumen demo`): drafts; cases in clearance,
some flagged, some overdue and escalated to the unit above; cases awaiting decision, on hold,
approved (some only in part), refused, withdrawn and re-typed; and family-travel cases split from
two notes of the Korean side.

Everything synthetic says so: household numbers and permits begin with DEMO-, the notes'
references too, and officials the scenario has no login for are made as `synthetic.<unit>.<role>`
without a usable password. The data is the same on every machine (a fixed seed). It is added
once: the demo's first note (MARKER) records that it was, and a second run adds nothing. The whole
population is one transaction, so an interrupted run leaves nothing behind.

Overdue clearances come from the deadline sweep run with a clock eleven days ahead, before any
other case is submitted; their escalation is therefore dated in the near future.
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from django.core.management.base import OutputWrapper
from django.db import transaction
from tqdm import tqdm

from tumen.audit.services import audit_record
from tumen.authorizations import services as authorizations
from tumen.authorizations.models import Authorization, AuthorizationStatus
from tumen.cases import services
from tumen.cases.models import Case, CaseMember, Clearance, ClearanceStatus, ForeignRequest
from tumen.lib import clock
from tumen.lib.identity import prc_id
from tumen.org.models import Official, Role, RoleGrant, UnitKind, WorkUnit
from tumen.people.models import Person
from tumen.people.services import person_register, relation_add
from tumen.scenario.synthetic import PLACES_IN_KOREA, SURNAMES, korean_name

SEED = 1963
# What every synthetic household number and permit begins with (here and in the bulk of
# `tumen demo`, tumen.imports.histories).
LABEL = "DEMO-"
# The reference of the demo's first foreign request: present once the demo data has been added.
MARKER = "DEMO-DPRK-MFA-0182"
NOTES = (
    # (reference, registering unit, counties of its households, households)
    (MARKER, "jilin-foreign", ("yanji", "longjing", "tumen", "hunchun", "helong", "antu"), 24),
    ("DEMO-DPRK-MFA-0197", "liaoning-foreign", ("kuandian",), 6),
)
# Where households live: Yanbian's counties carry most of the ethnic Korean population.
COUNTIES = {
    "yanji": 16,
    "longjing": 10,
    "tumen": 8,
    "hunchun": 8,
    "helong": 7,
    "wangqing": 6,
    "antu": 5,
    "changbai": 6,
    "kuandian": 10,
    "ningan": 8,
    "zhalantun": 6,
}
# What becomes of the households opened at county offices: (case type, outcome, how many).
# Each outcome is a function below; "escalated" cases are made first, before the sweep.
PLAN = (
    ("relocation", "escalated", 18),
    ("repatriation", "escalated", 5),
    ("relocation", "draft", 12),
    ("repatriation", "draft", 4),
    ("relocation", "in_clearance", 26),
    ("repatriation", "in_clearance", 8),
    ("relocation", "flagged", 10),
    ("repatriation", "flagged", 4),
    ("relocation", "awaiting_decision", 18),
    ("repatriation", "awaiting_decision", 6),
    ("relocation", "on_hold", 9),
    ("repatriation", "on_hold", 3),
    ("relocation", "approved", 30),
    ("repatriation", "approved", 10),
    ("relocation", "crossed", 12),
    ("repatriation", "crossed", 4),
    ("relocation", "crossed_in_part", 3),
    ("relocation", "partly_approved", 14),
    ("relocation", "refused", 12),
    ("relocation", "withdrawn", 8),
    ("repatriation", "withdrawn", 3),
    ("relocation", "abandoned", 4),
    ("repatriation", "retyped", 10),
)
# The units that record crossings at a point (tumen.org.access "crossing.record").
CHECKPOINT_KINDS = (UnitKind.BORDER_DEFENCE, UnitKind.CUSTOMS)
# What becomes of the family-travel cases split from the notes, in turn.
FAMILY_OUTCOMES = ("approved", "in_clearance", "approved", "awaiting_decision", "on_hold")
# The ground (and note) that holds a case of each type, as the cc1963 pack lists them.
HOLD = {
    "relocation": ("documents_incomplete", "Household register page missing; asked for it."),
    "repatriation": ("identity_unverified", "Residence permit sent to the province to check."),
    "family_travel": ("identity_unverified", "Waiting for the note's list to be confirmed."),
}
# How long ago a household of each outcome came in (days): the demo sets the one clock
# (tumen.lib.clock) back to then, so that deadlines, escalations and timelines agree. Escalated
# households are older than the longest clearance deadline (10 days), so the sweep, run at the
# real time, finds them overdue; cases in clearance include some past their deadline.
AGE_DAYS = {
    "escalated": (14, 40),
    "draft": (0, 45),
    "in_clearance": (1, 14),
    "flagged": (2, 12),
}
DEFAULT_AGE_DAYS = (5, 90)


@dataclass
class Household:
    county: str
    case_type: str
    outcome: str
    size: int


class _Progress:
    """tqdm writes carriage returns; a management command's stdout would end each with a line."""

    def __init__(self, stdout: TextIO):
        self.stdout = stdout

    def write(self, text: str) -> None:
        if isinstance(self.stdout, OutputWrapper):
            self.stdout.write(text, ending="")
        else:
            self.stdout.write(text)

    def flush(self) -> None:
        self.stdout.flush()


def populate(stdout: TextIO, *, scale: float = 1.0) -> int:
    """Add the synthetic demo data, reporting progress on `stdout`; returns the cases added.

    `scale` shrinks (or grows) every line of the plan, keeping at least one household of each,
    so a small demo still has a case in every state.
    """
    if scale <= 0:
        raise ValueError("scale must be greater than zero")
    if ForeignRequest.objects.filter(reference=MARKER).exists():
        stdout.write("Synthetic demo cases are already present; nothing added.\n")
        return 0
    with transaction.atomic():
        by_status = Demo(stdout, scale=scale).run()
    counts = ", ".join(f"{status} {n}" for status, n in sorted(by_status.items()))
    stdout.write(f"Synthetic cases by status: {counts}\n")
    return by_status.total()


def scaled(count: int, scale: float) -> int:
    return max(1, round(count * scale))


class Demo:
    def __init__(self, stdout: TextIO, *, scale: float = 1.0):
        self.scale = scale
        self.notes = [(*note[:3], scaled(note[3], scale)) for note in NOTES]
        self.rng = random.Random(SEED)  # noqa: S311 - synthetic data, not a secret
        self.now = clock.now()
        self.today = clock.today()
        self.stdout = stdout
        self.staff_made: list[str] = []
        self._staff: dict[tuple[int, str], Official] = {}
        self._offices: dict[str, WorkUnit] = {}
        self._numbers = Counter()
        self._reused = False
        self.households = self._households()

    # The run ----------------------------------------------------------------------------------

    def run(self) -> Counter[str]:
        """Every household, the sweep after the first ones, then the notes; cases by status.

        Each household's story happens in the past, on the one clock; the clock is real again
        afterwards.
        """
        try:
            return self._run()
        finally:
            clock.reset()

    def _came_in(self, outcome: str) -> None:
        """Set the clock to when a household of `outcome` came in."""
        low, high = AGE_DAYS.get(outcome, DEFAULT_AGE_DAYS)
        hours = self.rng.randint(low * 24, high * 24)
        clock.set(self.now - datetime.timedelta(hours=hours))

    def _later(self) -> None:
        """Move the clock on by some hours, the time an office takes, never past the real now."""
        step = datetime.timedelta(hours=self.rng.randint(3, 60))
        clock.set(min(clock.now() + step, self.now))

    def _run(self) -> Counter[str]:
        started = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        family = sum(count for *_rest, count in self.notes)
        with tqdm(
            total=len(self.households) + family,
            desc="Synthetic cases",
            unit="case",
            file=_Progress(self.stdout),
            mininterval=0.5,
            ascii=True,
        ) as bar:
            first = [h for h in self.households if h.outcome == "escalated"]
            rest = [h for h in self.households if h.outcome != "escalated"]
            escalated = [self._household(h, bar) for h in first]
            self._sweep(escalated)
            for household in rest:
                self._household(household, bar)
            for note in self.notes:
                self._note(*note, bar)
        self._record_staff()
        return Counter(Case.objects.filter(pk__gt=started).values_list("status", flat=True))

    def _households(self) -> list[Household]:
        counties, weights = zip(*COUNTIES.items(), strict=True)
        households = []
        for case_type, outcome, count in PLAN:
            for _ in range(scaled(count, self.scale)):
                county = self.rng.choices(counties, weights)[0]
                size = self.rng.choices((1, 2, 3), (5, 4, 2))[0]
                if outcome in ("partly_approved", "retyped", "crossed_in_part"):
                    size = max(size, 2)
                households.append(Household(county, case_type, outcome, size))
        return households

    def _household(self, household: Household, bar) -> Case:
        self._came_in(household.outcome)
        persons = self._persons(household)
        case = self._open(household, persons)
        OUTCOMES[household.outcome](self, case)
        bar.update()
        return case

    # Officials ------------------------------------------------------------------------------

    def staff(self, unit: WorkUnit, role: str) -> Official:
        """The unit's official in `role`: a demo login if it has one, else a synthetic one."""
        key = (unit.pk, role)
        if key not in self._staff:
            official = (
                Official.objects.filter(unit=unit, role_grants__role=role, is_active=True)
                .order_by("username")
                .first()
            )
            self._staff[key] = official or self._synthetic_official(unit, role)
        return self._staff[key]

    def _synthetic_official(self, unit: WorkUnit, role: str) -> Official:
        # Hyphens, as in unit codes: a role's code (checkpoint_officer) is not shown as a name.
        username = f"synthetic.{unit.code}.{role.replace('_', '-')}"
        official = Official.objects.create_user(username=username, unit=unit)
        RoleGrant.objects.create(official=official, role=role)
        self.staff_made.append(official.username)
        return Official.objects.get(pk=official.pk)

    def office(self, county: str) -> WorkUnit:
        if county not in self._offices:
            self._offices[county] = WorkUnit.objects.select_related("jurisdiction").get(
                jurisdiction__code=county, kind=UnitKind.COUNTY_OFFICE
            )
        return self._offices[county]

    def clerk(self, county: str) -> Official:
        return self.staff(self.office(county), Role.CLERK)

    def approver(self, case: Case) -> Official:
        return self.staff(case.intake_unit, Role.APPROVER)

    def officer(self, item: Clearance) -> Official:
        return self.staff(item.escalated_to or item.unit, Role.CLEARING_OFFICER)

    def _record_staff(self) -> None:
        # The scenario's logins are audited by its load; these are audited here, once.
        if self.staff_made:
            audit_record(
                actor=None,
                action="demo.staff_added",
                payload={"usernames": sorted(self.staff_made), "passwords": "unusable"},
            )

    # Persons ----------------------------------------------------------------------------------

    def _document(self, kind: str, county: str) -> str:
        self._numbers[kind] += 1
        return f"DEMO-{kind}-{county.upper()}-{self._numbers[kind]:05d}"

    def _birth_date(self, age_from: int, age_to: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(age_from * 365, age_to * 365))

    def person_fields(
        self,
        county: str,
        nationality: str,
        *,
        age: tuple[int, int],
        sex: str,
        surname=None,
        household: str = "",
    ) -> dict:
        """A person's record; the members of one household share its registration number."""
        name = korean_name(self.rng, sex, surname)
        born = self._birth_date(*age)
        fields = {
            "name_hangul": name.hangul,
            "name_hanzi": name.hanzi,
            "name_latin": name.latin,
            "sex": sex,
            "date_of_birth": born,
            "nationality": nationality,
            "ethnicity": "korean",
            "residence_code": county,
            "household_number": household or self._document("HH", county),
        }
        if nationality == "dprk":
            fields["residence_permit_number"] = self._document("RP", county)
        else:
            self._numbers["ID"] += 1
            fields["personal_id_number"] = prc_id("222400", born, self._numbers["ID"])
        return fields

    def _persons(self, household: Household) -> list[Person]:
        """The principal, then a spouse and children, registered by the county's clerk."""
        nationality = "dprk" if household.case_type == "repatriation" else "prc"
        clerk = self.clerk(household.county)
        sex, family = self.rng.choice(("male", "female")), self.rng.choice(SURNAMES)
        principal = self.person_fields(
            household.county, nationality, age=(28, 70), sex=sex, surname=family
        )
        shared = principal["household_number"]
        specs = [principal]
        for index in range(1, household.size):
            if index == 1 and self.rng.random() < 0.6:
                # A married woman keeps her own surname.
                spouse = "female" if sex == "male" else "male"
                specs.append(
                    self.person_fields(
                        household.county, nationality, age=(25, 65), sex=spouse, household=shared
                    )
                )
            else:
                child_sex = self.rng.choice(("male", "female"))
                specs.append(
                    self.person_fields(
                        household.county,
                        nationality,
                        age=(1, 20),
                        sex=child_sex,
                        surname=family,
                        household=shared,
                    )
                )
        if household.outcome == "retyped":
            # A child registered as a Chinese national: the repatriation will be re-typed.
            child = specs[-1]
            child["nationality"] = "prc"
            self._numbers["ID"] += 1
            child["personal_id_number"] = prc_id(
                "222400", child["date_of_birth"], self._numbers["ID"]
            )
        persons = [person_register(official=clerk, **spec) for spec in specs]
        if household.case_type == "relocation" and household.outcome != "refused":
            # The applicant's social relations in Korea, which relocation asks for (cc1963.3).
            place_ko, place_en = self.rng.choice(PLACES_IN_KOREA)
            relative = korean_name(self.rng, self.rng.choice(("male", "female")))
            relation_add(
                official=clerk,
                person_id=persons[0].pk,
                kind="social_relation_korea",
                relative_name=str(relative),
                relative_place=f"{place_ko} ({place_en})",
            )
        return persons

    # Cases ------------------------------------------------------------------------------------

    def _details(self, case_type: str, *, complete: bool = True) -> dict:
        place_ko, place_en = self.rng.choice(PLACES_IN_KOREA)
        details = {"destination": f"{place_ko} ({place_en})"}
        if case_type == "relocation" and complete:
            applied = clock.today() - datetime.timedelta(days=self.rng.randint(1, 30))
            details["application_date"] = applied.isoformat()
        return details

    def _open(self, household: Household, persons: list[Person]) -> Case:
        relationships = ["spouse", "child", "child"]
        principal, *dependants = persons
        complete = household.outcome != "draft" or self.rng.random() < 0.5
        return services.case_open(
            official=self.clerk(household.county),
            case_type=household.case_type,
            principal_id=principal.pk,
            dependants=[(p.pk, relationships[i]) for i, p in enumerate(dependants)],
            details=self._details(household.case_type, complete=complete),
        )

    def version(self, case: Case) -> int:
        return Case.objects.values_list("version", flat=True).get(pk=case.pk)

    def submit(self, case: Case) -> None:
        services.case_submit(
            official=self.clerk(case.jurisdiction.code), case_id=case.pk, version=self.version(case)
        )

    def pending(self, case: Case) -> list[Clearance]:
        items = Clearance.objects.filter(case=case, status=ClearanceStatus.PENDING)
        return list(items.select_related("unit", "escalated_to").order_by("unit_kind"))

    def grant(self, item: Clearance) -> None:
        self._later()
        services.clearance_grant(
            official=self.officer(item),
            clearance_id=item.pk,
            version=item.version,
            note="Nothing against.",
        )

    def grant_all(self, case: Case, *, keep: int = 0) -> None:
        """Every pending clearance is granted, except `keep` of them (drawn)."""
        items = self.pending(case)
        self.rng.shuffle(items)
        for item in items[keep:]:
            self.grant(item)

    def flag(self, case: Case, ground: str, note: str, *, kind: str = "", member=None) -> None:
        items = self.pending(case)
        item = next((i for i in items if i.unit_kind == kind), None) or self.rng.choice(items)
        self._later()
        services.clearance_flag(
            official=self.officer(item),
            clearance_id=item.pk,
            version=item.version,
            ground=ground,
            note=note,
            member_id=member.pk if member else None,
        )

    def decide(self, case: Case) -> None:
        self._later()
        services.case_decide(
            official=self.approver(case), case_id=case.pk, version=self.version(case)
        )

    # Outcomes: what is done to an opened case -------------------------------------------------

    def leave_draft(self, case: Case) -> None:
        """Intake is still collecting documents."""

    def in_clearance(self, case: Case) -> None:
        self.submit(case)
        self.partly_cleared(case)

    def flagged(self, case: Case) -> None:
        self.submit(case)
        self.flag(case, *HOLD[case.case_type])
        self.grant_all(case, keep=1)

    def awaiting_decision(self, case: Case) -> None:
        self.submit(case)
        self.grant_all(case)

    def on_hold(self, case: Case) -> None:
        self.submit(case)
        self.held(case)

    def held(self, case: Case) -> None:
        self.flag(case, *HOLD[case.case_type])
        self.grant_all(case)
        self.decide(case)

    def approved(self, case: Case) -> None:
        self.submit(case)
        self.cleared_and_decided(case)

    def crossed(self, case: Case) -> None:
        """Every holder crossed at a point the documents name: the case departs and closes."""
        self.approved(case)
        crossed = self._cross(case)
        if crossed and not self._reused:
            # The first household's first document is shown again: a single-use document is
            # refused, and the attempt is an existing issue in the reconciliation.
            self._reused = True
            self._record_crossing(*crossed[0])

    def crossed_in_part(self, case: Case) -> None:
        """One member has not crossed yet: reconciliation lists the household."""
        self.approved(case)
        self._cross(case, leave=1)

    def _cross(self, case: Case, *, leave: int = 0) -> list[tuple]:
        documents = list(
            Authorization.objects.filter(case=case, status=AuthorizationStatus.VALID)
            .prefetch_related("crossing_points__units")
            .order_by("pk")
        )
        crossed = []
        for document in documents[: len(documents) - leave]:
            point = document.crossing_points.all()[0]
            unit = next(u for u in point.units.all() if u.kind in CHECKPOINT_KINDS)
            crossed.append((self.staff(unit, Role.CHECKPOINT_OFFICER), point.code, document))
            self._record_crossing(*crossed[-1])
        return crossed

    @staticmethod
    def _record_crossing(officer: Official, point: str, document) -> None:
        authorizations.crossing_record(official=officer, point_code=point, text=document.payload)

    def cleared_and_decided(self, case: Case) -> None:
        self.grant_all(case)
        self.decide(case)

    def partly_cleared(self, case: Case) -> None:
        self.grant_all(case, keep=self.rng.randint(1, 3))

    def partly_approved(self, case: Case) -> None:
        """Public security cannot verify one dependant: the others travel (cc1963.3)."""
        self.submit(case)
        dependant = CaseMember.objects.filter(case=case, role="dependant").first()
        self.flag(
            case,
            "identity_unverified",
            "No household register entry found.",
            kind="public_security",
            member=dependant,
        )
        self.grant_all(case)
        self.decide(case)

    def refused(self, case: Case) -> None:
        """The applicant has no social relations in Korea: outside the policy's scope."""
        self.approved(case)

    def withdrawn(self, case: Case) -> None:
        self.submit(case)
        self.flag(
            case,
            "applicant_withdrew",
            "The applicant came to withdraw in person.",
            kind="foreign_affairs",
        )
        services.case_withdraw(
            official=self.clerk(case.jurisdiction.code),
            case_id=case.pk,
            version=self.version(case),
            reason="The applicant withdrew.",
        )

    def abandoned(self, case: Case) -> None:
        """A draft given up at the county office."""
        services.case_withdraw(
            official=self.clerk(case.jurisdiction.code),
            case_id=case.pk,
            version=self.version(case),
            reason="Applicant did not return.",
        )

    def retyped(self, case: Case) -> None:
        """A Chinese national in a repatriation household: re-typed as relocation (cc1963.5)."""
        self.submit(case)
        self.grant_all(case)
        services.case_retype(
            official=self.approver(case),
            case_id=case.pk,
            version=self.version(case),
            ground="not_korean_national",
        )

    def escalated(self, case: Case) -> None:
        self.submit(case)
        self.partly_cleared(case)

    # Overdue clearances -----------------------------------------------------------------------

    def _sweep(self, cases: list[Case]) -> None:
        """Escalate the overdue clearances as the deadline task would, now; then have some
        units above act on them."""
        clock.set(self.now)
        services.deadlines_sweep()
        for case in cases[::3]:
            escalated = [item for item in self.pending(case) if item.escalated_to_id]
            if escalated:
                self.grant(escalated[0])

    # Family travel from the Korean side's notes -----------------------------------------------

    def _note(self, reference: str, unit_code: str, counties: tuple[str, ...], count: int, bar):
        unit = WorkUnit.objects.get(code=unit_code)
        foreign = self.staff(unit, Role.CLEARING_OFFICER)
        received = self.today - datetime.timedelta(days=self.rng.randint(2, 9))
        # Registered the morning after the note came, and split at once (expedited).
        clock.set(self.now - datetime.timedelta(days=(self.today - received).days - 1))
        request = services.foreign_request_register(
            official=foreign,
            reference=reference,
            received_on=received,
            authority="조선민주주의인민공화국 외무성 (DPRK Ministry of Foreign Affairs)",
            persons=self._note_persons(counties, count),
        )
        cases = services.foreign_request_split(
            official=foreign, request_id=request.pk, version=request.version
        )
        for index, case in enumerate(cases):
            FAMILY[FAMILY_OUTCOMES[index % len(FAMILY_OUTCOMES)]](self, case)
            bar.update()

    def _note_persons(self, counties: tuple[str, ...], count: int) -> list[dict]:
        """Households named in a note: an officer's parents, spouse or children in China."""
        entries = []
        for number in range(count):
            county = counties[number % len(counties)]
            officer = korean_name(self.rng, "male")
            size = self.rng.choices((1, 2, 3), (3, 4, 2))[0]
            for index in range(size):
                sex = self.rng.choice(("male", "female"))
                fields = self.person_fields(county, "prc", age=(18, 75), sex=sex)
                entry = {**fields, "household": f"H{number + 1:02d}", "is_principal": index == 0}
                if index == 0:
                    entry["officer_name"] = str(officer)
                entries.append(entry)
        return entries


OUTCOMES: dict[str, Callable[[Demo, Case], None]] = {
    "draft": Demo.leave_draft,
    "escalated": Demo.escalated,
    "in_clearance": Demo.in_clearance,
    "flagged": Demo.flagged,
    "awaiting_decision": Demo.awaiting_decision,
    "on_hold": Demo.on_hold,
    "approved": Demo.approved,
    "crossed": Demo.crossed,
    "crossed_in_part": Demo.crossed_in_part,
    "partly_approved": Demo.partly_approved,
    "refused": Demo.refused,
    "withdrawn": Demo.withdrawn,
    "abandoned": Demo.abandoned,
    "retyped": Demo.retyped,
}
# Family-travel cases arrive submitted (the type is expedited), so intake is already done.
FAMILY: dict[str, Callable[[Demo, Case], None]] = {
    "approved": Demo.cleared_and_decided,
    "in_clearance": Demo.partly_cleared,
    "awaiting_decision": Demo.grant_all,
    "on_hold": Demo.held,
}
