"""Synthetic cases in every state, written in bulk as the services would have left them.

    CaseGenerator(seed=1963, now=clock.now()).run(100_000, on_batch=...)

Each case is a household (one to five members sharing a surname, a county and, for Chinese
nationals, a household register number) with names in Hangul, Chinese characters and Latin
(tumen.scenario.synthetic), opened at its county office under the active cc1963 pack and taken
to one state: draft or discarded; in clearance with clearances pending (a third of them past
their deadline), cleared or flagged; awaiting decision; on hold; refused; authorized (approved,
with one signed travel authorization per member); closed (every member crossed at a checkpoint);
withdrawn. The rows are what the services write on the way there: members and their relation
(each person with the matcher's profile and blocking keys, people.matching.match_data),
clearances, decisions, existing issues, the case's transitions, travel authorizations with their
crossing points and checkpoint scans, and the audit events the services record (a valid hash
chain). The report tally follows through its triggers, as for the services' own rows; a flagged
clearance is written pending and then flagged, as the clearance service does, so the tally's
flag figure comes from the same trigger.

The rows go in with `tumen.imports.bulk.TableWriter` (executemany on SQLite, COPY on PostgreSQL)
in batches, each one transaction holding the audit chain's lock; a batch's rows are built,
written and dropped, so memory does not grow with the count. Every case has an import key
(`GC<seed>-<n>`, in ImportedRow like an imported row), so a re-run or a run after `kill -9`
skips what is there and writes the rest: `tumen generate --cases M` twice writes M cases once.

Case n is drawn from its own random generator (seed and n), and its times from `now`: the same
seed and `now` give the same cases, field for field, whatever the batch size. Officials the
scenario has no login for are made as `synthetic.<unit>.<role>` without a usable password.
Family-travel cases are not generated: they come split from a note of the Korean side
(tumen/scenario/demo.py makes them through the services).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db import models, transaction

from tumen.audit.models import AuditEvent
from tumen.audit.services import _lock_chain, chain_head, compute_row_hash
from tumen.authorizations import keys, tmn1
from tumen.authorizations.models import (
    Authorization,
    AuthorizationStatus,
    CheckpointScan,
    ScanOutcome,
)
from tumen.authorizations.services import (
    NATIONALITY_CODES,
    crossing_points_for,
    issuing_authority,
)
from tumen.cases.models import (
    Case,
    CaseMember,
    CaseNumberCounter,
    Clearance,
    ClearanceStatus,
    Decision,
    ExistingIssue,
    IssueKind,
    MemberOutcome,
    MemberRole,
    Status,
    Transition,
)
from tumen.cases.routing import route
from tumen.imports.bulk import TableWriter
from tumen.imports.models import ImportedRow, ImportKind, ImportRun, RunStatus
from tumen.lib.identity import prc_id
from tumen.org.models import Jurisdiction, Official, Role, RoleGrant, UnitKind, WorkUnit
from tumen.people.matching import match_data
from tumen.people.models import Person, PersonMatchKey, Relation, RelationKind
from tumen.policy.models import PolicyPack
from tumen.policy.selectors import case_type_of
from tumen.scenario.synthetic import PLACES_IN_KOREA, SURNAMES, korean_name

BATCH = 2_000
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)
# Where the cases are: Yanbian's counties carry most of the ethnic Korean population. Regions:
# the administrative division codes that begin a resident identity number.
COUNTIES = {
    "yanji": (20, "222401"), "longjing": (12, "222405"), "tumen": (8, "222402"),
    "hunchun": (8, "222404"), "helong": (8, "222406"), "wangqing": (6, "222424"),
    "antu": (5, "222426"), "changbai": (5, "220623"), "kuandian": (10, "210624"),
    "ningan": (10, "231084"), "zhalantun": (8, "150783"),
}  # fmt: skip
TYPES = {"relocation": 80, "repatriation": 20}
# A programme some months in: most cases decided, a third still in clearance.
STATES = {
    Status.DRAFT: 4,
    Status.DISCARDED: 1,
    Status.IN_CLEARANCE: 28,
    Status.AWAITING_DECISION: 10,
    Status.ON_HOLD: 3,
    Status.REFUSED: 3,
    Status.AUTHORIZED: 25,
    Status.CLOSED: 20,
    Status.WITHDRAWN: 6,
}
HOUSEHOLD_SIZES = {1: 30, 2: 25, 3: 25, 4: 15, 5: 5}
# The statuses a case passes through to reach each state (the services' moves, in order).
_CLEARING = [Status.DRAFT, Status.SUBMITTED, Status.IN_CLEARANCE]
_AWAITING = [*_CLEARING, Status.AWAITING_DECISION]
_AUTHORIZED = [*_AWAITING, Status.APPROVED, Status.AUTHORIZED]
PATHS = {
    Status.DRAFT: [Status.DRAFT],
    Status.DISCARDED: [Status.DRAFT, Status.DISCARDED],
    Status.IN_CLEARANCE: _CLEARING,
    Status.AWAITING_DECISION: _AWAITING,
    Status.ON_HOLD: [*_AWAITING, Status.ON_HOLD],
    Status.REFUSED: [*_AWAITING, Status.REFUSED],
    Status.AUTHORIZED: _AUTHORIZED,
    Status.CLOSED: [*_AUTHORIZED, Status.DEPARTED, Status.CLOSED],
    Status.WITHDRAWN: [*_CLEARING, Status.WITHDRAWN],
}
FINISHED = (Status.DISCARDED, Status.REFUSED, Status.AUTHORIZED, Status.CLOSED, Status.WITHDRAWN)
DECIDED = {
    Status.ON_HOLD: MemberOutcome.ON_HOLD,
    Status.REFUSED: MemberOutcome.REFUSED,
    Status.AUTHORIZED: MemberOutcome.APPROVED,
    Status.CLOSED: MemberOutcome.APPROVED,
}
# The pack's grounds for each outcome (cc1963): refusal only of relocation.
HOLD_GROUND = {"relocation": "documents_incomplete", "repatriation": "identity_unverified"}
REFUSE_GROUND = "identity_unverified"
FLAG_GROUND = "identity_unverified"
WITHDRAW_GROUND = "applicant_withdrew"
FIRST_BIRTH = datetime.date(1900, 1, 1)
BIRTH_DAYS = 22_000
# Birth days of generated applicants lie a quarter of the range away from those of
# tumen.imports.synthetic's registers, so their identity numbers never meet theirs.
BIRTH_SHIFT = BIRTH_DAYS // 4
MAX_MEMBERS = max(HOUSEHOLD_SIZES)
CHECKPOINT_KINDS = (UnitKind.BORDER_DEFENCE, UnitKind.CUSTOMS)


def import_key(seed: int, n: int) -> str:
    return f"GC{seed}-{n}"


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _official(username: str, unit: WorkUnit, role: str) -> Official:
    official, created = Official.objects.get_or_create(username=username, defaults={"unit": unit})
    if created:
        official.set_unusable_password()
        official.save(update_fields=["password"])
        RoleGrant.objects.create(official=official, role=role)
    return official


def staff(unit: WorkUnit, role: str) -> Official:
    """The unit's official in `role`: one the scenario made, else a synthetic one."""
    existing = (
        Official.objects.filter(unit=unit, role_grants__role=role, is_active=True)
        .order_by("username")
        .first()
    )
    return existing or _official(f"synthetic.{unit.code}.{role.replace('_', '-')}", unit, role)


@dataclass
class Place:
    """A county with what the generator needs about it, looked up once."""

    code: str
    region: str
    county: Jurisdiction
    office: WorkUnit
    routes: dict[str, WorkUnit]
    clerk: Official
    approver: Official
    authority: str
    points: list
    crossers: list[Official]


@dataclass
class Summary:
    cases: int = 0
    skipped: int = 0
    # The most rows held in memory at once (one batch's): flat, whatever the count.
    peak_rows: int = 0
    rows: Counter = field(default_factory=Counter)
    by_status: Counter = field(default_factory=Counter)
    by_county: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)


class _Event:
    """The part of an AuditEvent its row hash covers, without building a model instance."""

    def __init__(self, prev_hash: str, content: dict) -> None:
        self.prev_hash = prev_hash
        self.content = content

    def hashed_content(self) -> dict:
        return self.content


class _Ids:
    """Primary keys reserved for one batch, handed out in order."""

    def __init__(self, writer: TableWriter, count: int) -> None:
        self._ids = iter(writer.ids(count))

    def __call__(self) -> int:
        return next(self._ids)


class CaseGenerator:
    def __init__(
        self,
        *,
        seed: int = 1963,
        now: datetime.datetime,
        counties: list[str] | None = None,
        batch_size: int = BATCH,
        label: str = "",
    ) -> None:
        self.seed = seed
        # A prefix every household number and residence permit begins with ("DEMO-" in the demo,
        # where everything synthetic says so); the Korean nationals then carry a household
        # number as well.
        self.label = label
        self.now = now.replace(microsecond=0)
        self.batch_size = batch_size
        self.counties = {c: COUNTIES[c] for c in (counties or COUNTIES) if c in COUNTIES}
        self.pack = PolicyPack.objects.get(code="cc1963", active=True)
        self.types = {code: case_type_of(self.pack, code) for code in TYPES}
        self.year = self.now.year
        self.summary = Summary()
        self._places: dict[str, Place] = {}
        self._officers: dict[int, Official] = {}
        self._keys: dict[str, list] = {}
        self.writers = {
            model: TableWriter(model, now=self.now)
            for model in (
                Person, PersonMatchKey, Relation, Case, CaseMember, Clearance, Decision,
                ExistingIssue, Transition, Authorization, Authorization.crossing_points.through,
                CheckpointScan, AuditEvent, ImportedRow,
            )
        }  # fmt: skip
        # TableWriter fills a nullable time without a default with the time of the write (it
        # takes Django's NOT_PROVIDED marker for a callable default); these stay NULL here.
        self.unset = {
            model: {
                f.attname: None
                for f in model._meta.concrete_fields
                if isinstance(f, models.DateTimeField) and f.null and not f.has_default()
            }
            for model in self.writers
        }

    # --- the organisation --------------------------------------------------------------------

    def place(self, code: str) -> Place:
        if code not in self._places:
            county = Jurisdiction.objects.get(code=code)
            office = WorkUnit.objects.get(jurisdiction=county, kind=UnitKind.COUNTY_OFFICE)
            kinds = {rule.unit_kind for t in self.types.values() for rule in t.clearances}
            probe = Case(jurisdiction=county, number=f"{code}-generated")
            points = crossing_points_for(probe)
            crossers = []
            for point in points:
                unit = next(u for u in point.units.order_by("code") if u.kind in CHECKPOINT_KINDS)
                crossers.append(staff(unit, Role.CHECKPOINT_OFFICER))
            self._places[code] = Place(
                code=code,
                region=self.counties[code][1],
                county=county,
                office=office,
                routes=route(kinds, county),
                clerk=staff(office, Role.CLERK),
                approver=staff(office, Role.APPROVER),
                authority=issuing_authority(probe).code,
                points=points,
                crossers=crossers,
            )
        return self._places[code]

    def officer(self, unit: WorkUnit) -> Official:
        if unit.pk not in self._officers:
            self._officers[unit.pk] = staff(unit, Role.CLEARING_OFFICER)
        return self._officers[unit.pk]

    def signing_key(self, authority: str, at: datetime.datetime):
        """The authority's key that signs at `at` (created, as the services would, if none)."""
        for private, key in self._keys.get(authority, []):
            if key.not_before <= at < key.sign_until:
                return private, key
        pair = keys.signing_key(authority, now=at)
        self._keys.setdefault(authority, []).append(pair)
        return pair

    # --- the run -----------------------------------------------------------------------------

    def run(self, count: int, *, on_batch: Callable[[Summary], None] | None = None) -> Summary:
        """Cases 1..count of this seed (those not there yet); returns what was written."""
        self.import_run = None
        for first in range(1, count + 1, self.batch_size):
            self.batch(range(first, min(first + self.batch_size, count + 1)))
            if on_batch:
                on_batch(self.summary)
        if self.import_run is None:
            return self.summary  # everything was there: no run to record
        self.import_run.status = RunStatus.DONE
        self.import_run.rows_read = self.summary.cases + self.summary.skipped
        self.import_run.rows_imported = self.summary.cases
        self.import_run.rows_skipped = self.summary.skipped
        self.import_run.finished_at = self.now
        self.import_run.save()
        return self.summary

    def batch(self, numbers: range) -> None:
        keys_ = [import_key(self.seed, n) for n in numbers]
        with transaction.atomic():
            _lock_chain()
            done = set(
                ImportedRow.objects.filter(kind=ImportKind.CASES, key__in=keys_).values_list(
                    "key", flat=True
                )
            )
            todo = [n for n, key in zip(numbers, keys_, strict=True) if key not in done]
            self.summary.skipped += len(numbers) - len(todo)
            if not todo:
                return
            self._batch(todo)

    def _batch(self, numbers: list[int]) -> None:
        if self.import_run is None:
            # The run the cases' import keys belong to, as an import's rows belong to theirs.
            self.import_run = ImportRun.objects.create(
                kind=ImportKind.CASES,
                file_name=f"generated cases, seed {self.seed}",
                stored_path="",
                status=RunStatus.RUNNING,
            )
        plans = [self.plan(n) for n in numbers]
        for plan in plans:
            plan.place = self.place(plan.county)
        self._number(plans)
        self.rows: dict[type, list[dict]] = {model: [] for model in self.writers}
        members = sum(len(p.persons) for p in plans)
        for plan in plans:
            # Each member's matching profile and blocking keys, as the person services store
            # them (the id is part of neither), so that the matcher at intake finds them; their
            # number is the number of key rows to reserve ids for.
            plan.matching = [match_data(SimpleNamespace(pk=None, **p)) for p in plan.persons]
        match_keys = sum(len(held) for plan in plans for _profile, held in plan.matching)
        # Upper bounds of the rows of each table; PostgreSQL's sequences skip what is not used.
        self.ids = {
            Person: _Ids(self.writers[Person], members),
            PersonMatchKey: _Ids(self.writers[PersonMatchKey], match_keys),
            Relation: _Ids(self.writers[Relation], len(plans)),
            Case: _Ids(self.writers[Case], len(plans)),
            CaseMember: _Ids(self.writers[CaseMember], members),
            Clearance: _Ids(self.writers[Clearance], 4 * len(plans)),
            Decision: _Ids(self.writers[Decision], len(plans)),
            ExistingIssue: _Ids(self.writers[ExistingIssue], 5 * len(plans)),
            Transition: _Ids(self.writers[Transition], 9 * len(plans)),
            Authorization: _Ids(self.writers[Authorization], members),
            CheckpointScan: _Ids(self.writers[CheckpointScan], members),
            ImportedRow: _Ids(self.writers[ImportedRow], len(plans)),
        }
        links = Authorization.crossing_points.through
        self.ids[links] = _Ids(self.writers[links], members * 4)
        self.seq, self.head = chain_head()
        self.flagged: list[int] = []
        for plan in plans:
            self.write_case(plan)
            self.summary.cases += 1
            self.summary.by_status[plan.state] += 1
            self.summary.by_county[plan.county] += 1
            self.summary.by_type[plan.case_type] += 1
        held = sum(len(rows) for rows in self.rows.values())
        self.summary.peak_rows = max(self.summary.peak_rows, held)
        for model, writer in self.writers.items():
            writer.write(self.rows[model])
            self.summary.rows[model._meta.label_lower] += len(self.rows[model])
        if self.flagged:
            # Pending, then flagged: the clearance service's update, which the tally counts.
            Clearance.objects.filter(pk__in=self.flagged).update(status=ClearanceStatus.FLAGGED)
        self.rows = {}

    def _number(self, plans: list[Plan]) -> None:
        """Case numbers from the county counters, as case_open takes them."""
        wanted = Counter(plan.county for plan in plans)
        for code, count in sorted(wanted.items()):
            place = self._places[code]
            counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(
                jurisdiction=place.county, year=self.year, defaults={"last": 0}
            )
            first = counter.last + 1
            counter.last += count
            counter.save(update_fields=["last"])
            taken = iter(range(first, first + count))
            for plan in plans:
                if plan.county == code:
                    plan.number = f"{code.upper()}-{self.year}-{next(taken):06d}"

    # --- one case, decided before any row is written -------------------------------------------

    def plan(self, n: int) -> Plan:
        """Case n: where, what, which state, and when each step happened (all from its seed)."""
        rng = random.Random(f"{self.seed}/GC/{n}")  # noqa: S311 - synthetic data
        counties = {code: weight for code, (weight, _region) in self.counties.items()}
        county = _pick(rng, counties)
        case_type, state = _pick(rng, TYPES), _pick(rng, STATES)
        if state == Status.REFUSED and case_type == "repatriation":
            state = Status.AUTHORIZED  # "we will approve each of these requests": no refusal
        kind = self.types[case_type]
        slowest = max(rule.deadline_days for rule in kind.clearances)
        # Finished cases over six months; running ones within one and a half times the type's
        # deadlines, so that about a third of them are overdue.
        days = 180.0 if state in FINISHED else 1.5 * (slowest + kind.decision_deadline_days)
        created = self.now - datetime.timedelta(minutes=rng.randrange(int(days * 24 * 60)))
        plan = Plan(n=n, rng=rng, county=county, case_type=case_type, state=state, created=created)
        plan.persons = self._persons(plan, rng)
        if state in (Status.DRAFT, Status.DISCARDED):
            return plan
        plan.submitted = min(self.now, created + datetime.timedelta(hours=rng.randrange(1, 48)))
        self._plan_clearances(plan, kind, rng)
        if state in DECIDED:
            days = rng.randrange(1, kind.decision_deadline_days + 5)
            plan.decided = min(self.now, plan.cleared + days * DAY)
        if state == Status.CLOSED:
            rule = kind.authorization
            for _person in plan.persons:
                hours = rng.randrange(24, max(25, (rule.valid_days - 1) * 24))
                plan.crossings.append(min(self.now, plan.decided + hours * HOUR))
            plan.crossed = max(plan.crossings)
        return plan

    def _plan_clearances(self, plan: Plan, kind, rng: random.Random) -> None:
        """Each check's state and time: all cleared once a case has left clearance; at least
        one pending while it is in clearance (the last one done moves it on)."""
        waiting = plan.state in (Status.IN_CLEARANCE, Status.WITHDRAWN)
        withdrawn = min(self.now, plan.submitted + rng.randrange(1, 6) * DAY)
        for rule in kind.clearances:
            state = ClearanceStatus.CLEARED
            if waiting:
                roll = rng.random()
                if roll < 0.5:
                    state = ClearanceStatus.PENDING
                elif roll < 0.55 and plan.state == Status.IN_CLEARANCE:
                    state = ClearanceStatus.FLAGGED
            minutes = rng.randrange(60, rule.deadline_days * 24 * 60)
            at = min(self.now, plan.submitted + datetime.timedelta(minutes=minutes))
            if plan.state == Status.WITHDRAWN:
                at = min(at, withdrawn)
            plan.checks.append([rule, state, at if state != ClearanceStatus.PENDING else None])
        if waiting and all(c[1] != ClearanceStatus.PENDING for c in plan.checks):
            plan.checks[-1][1:] = [ClearanceStatus.PENDING, None]
        acted = [c for c in plan.checks if c[2] is not None]
        if plan.state == Status.WITHDRAWN:
            plan.withdrawn = max([withdrawn, *(c[2] for c in acted)])
        elif acted:
            last = max(acted, key=lambda c: c[2])
            plan.cleared, plan.last_kind = last[2], last[0].unit_kind

    def _persons(self, plan: Plan, rng: random.Random) -> list[dict]:
        size = _pick(rng, HOUSEHOLD_SIZES)
        surname = rng.choice(SURNAMES)
        korean = plan.case_type == "repatriation"
        region = self.counties[plan.county][1]
        household = f"{region}{self.seed % 100:02d}H{plan.n:08d}"
        if self.label:
            household = f"{self.label}HH-{household}"
        elif korean:
            household = ""
        persons = []
        for member in range(size):
            m = plan.n * MAX_MEMBERS + member
            sex = rng.choice(("female", "male"))
            name = korean_name(rng, sex, surname if member < 2 or rng.random() < 0.8 else None)
            day = m // 1000 + self.seed * 7 + BIRTH_SHIFT
            born = FIRST_BIRTH + datetime.timedelta(days=day % BIRTH_DAYS)
            persons.append(
                {
                    "name_hangul": name.hangul,
                    "name_hanzi": name.hanzi,
                    "name_latin": name.latin,
                    "sex": sex,
                    "date_of_birth": born,
                    "nationality": "dprk" if korean else "prc",
                    "ethnicity": "korean",
                    "household_number": household,
                    "personal_id_number": "" if korean else prc_id(region, born, m),
                    "residence_permit_number": (
                        f"{self.label}RC{self.seed:04d}{m:010d}" if korean else ""
                    ),
                }
            )
        return persons

    # --- its rows ----------------------------------------------------------------------------

    def add(self, model, **values) -> int:
        if model is not AuditEvent:
            values.setdefault("id", self.ids[model]())
        self.rows[model].append(self.unset[model] | values)
        return values.get("id", 0)

    def write_case(self, plan: Plan) -> None:
        place, kind, rng = plan.place, self.types[plan.case_type], plan.rng
        persons = []
        for p, (profile, match_keys) in zip(plan.persons, plan.matching, strict=True):
            person = self.add(
                Person, **p, residence_id=place.county.pk, registered_by_id=place.office.pk,
                registered_at=plan.created, match_profile=profile,
            )  # fmt: skip
            for key in match_keys:
                self.add(PersonMatchKey, person_id=person, key=key)
            persons.append(person)
        if plan.case_type == "relocation":
            self.add(
                Relation,
                person_id=persons[0],
                kind=RelationKind.SOCIAL_RELATION_KOREA,
                relative_name=korean_name(rng, rng.choice(("female", "male"))).latin,
                relative_place=rng.choice(PLACES_IN_KOREA)[1],
            )
        details = {"destination": rng.choice(PLACES_IN_KOREA)[1]}
        if plan.case_type == "relocation":
            details["application_date"] = plan.created.date().isoformat()
        path = PATHS[plan.state]
        due = None
        if plan.submitted:
            slowest = max(rule.deadline_days for rule in kind.clearances)
            due = plan.submitted + (slowest + kind.decision_deadline_days) * DAY
        plan.case_id = self.add(
            Case,
            number=plan.number,
            case_type=plan.case_type,
            policy_pack_id=self.pack.pk,
            jurisdiction_id=place.county.pk,
            intake_unit_id=place.office.pk,
            status=plan.state,
            priority=kind.priority,
            details=details,
            created_at=plan.created,
            submitted_at=plan.submitted,
            decision_due=due,
            decided_at=plan.decided if plan.state != Status.ON_HOLD else None,
            version=len(path),
        )
        self.add(
            ImportedRow,
            kind=ImportKind.CASES,
            key=import_key(self.seed, plan.n),
            digest=plan.state[:32],
            object_id=plan.case_id,
            run_id=self.import_run.pk,
            line=plan.n,
        )
        self.audit(
            place.clerk, "case.opened", "cases.case", plan.case_id, plan.created,
            self.payload(plan, 1, case_type=plan.case_type, pack=self.pack.code,
                         pack_version=self.pack.version, county=plan.county, members=persons,
                         foreign_request=None, retyped_from=None),
        )  # fmt: skip
        outcome = DECIDED.get(plan.state, MemberOutcome.PENDING)
        members = [
            self.add(
                CaseMember,
                case_id=plan.case_id,
                person_id=person,
                role=MemberRole.PRINCIPAL if index == 0 else MemberRole.DEPENDANT,
                relationship="" if index == 0 else rng.choice(("spouse", "child")),
                outcome=outcome,
                ground=REFUSE_GROUND if outcome == MemberOutcome.REFUSED else "",
                clause_id=kind.approve_clause if outcome == MemberOutcome.APPROVED else "",
            )
            for index, person in enumerate(persons)
        ]
        self._transitions(plan, path)
        if plan.state == Status.DISCARDED:
            at = self.discarded(plan)
            self.audit(place.clerk, "case.discarded", "cases.case", plan.case_id, at,
                       self.payload(plan, 2))  # fmt: skip
        if plan.submitted is None:
            return
        self._clearances(plan)
        if plan.state == Status.WITHDRAWN:
            ground = kind.grounds[WITHDRAW_GROUND]
            self.audit(
                place.clerk, "case.withdrawn", "cases.case", plan.case_id, plan.withdrawn,
                self.payload(plan, len(path), ground=ground.code, clause=ground.clause,
                             cancelled_clearances=plan.cancelled),
            )  # fmt: skip
        if plan.state in DECIDED:
            self._decision(plan, persons, members, outcome)
        if plan.state in (Status.AUTHORIZED, Status.CLOSED):
            self._documents(plan, persons, members)

    def discarded(self, plan: Plan) -> datetime.datetime:
        return min(self.now, plan.created + 2 * DAY)

    @staticmethod
    def last_crosser(plan: Plan) -> Official:
        """The checkpoint officer who recorded the last member's crossing."""
        crossers = plan.place.crossers
        return crossers[(len(plan.persons) - 1) % len(crossers)]

    @staticmethod
    def payload(plan: Plan, version: int, **extra) -> dict:
        """What every case audit event carries (tumen.cases.workflow.case_payload)."""
        return {"case": plan.case_id, "number": plan.number, "version": version, **extra}

    def _transitions(self, plan: Plan, path: list[str]) -> None:
        """The case's moves, each by the official who made it, at its time."""
        place, clause = plan.place, self.types[plan.case_type].clause
        previous = ""
        for target in path:
            actor = place.clerk
            if target == Status.DRAFT:
                at = plan.created
            elif target in (Status.SUBMITTED, Status.IN_CLEARANCE):
                at = plan.submitted
            elif target == Status.DISCARDED:
                at = self.discarded(plan)
            elif target == Status.WITHDRAWN:
                at = plan.withdrawn
            elif target == Status.AWAITING_DECISION:
                # The last clearance done moves the case on, as its officer.
                at, actor = plan.cleared, self.officer(place.routes[plan.last_kind])
            elif target in (Status.DEPARTED, Status.CLOSED):
                at, actor = (
                    plan.crossed,
                    place.crossers[(len(plan.persons) - 1) % len(place.crossers)],
                )
            else:  # decided: on hold, refused, approved and at once authorized
                at, actor = plan.decided, place.approver
            self.add(
                Transition,
                case_id=plan.case_id,
                from_status=previous,
                to_status=target,
                actor_id=actor.pk,
                unit_id=actor.unit_id,
                reason="",
                clause_id=clause,
                at=at,
            )
            previous = target

    def _clearances(self, plan: Plan) -> None:
        place = plan.place
        routes = {rule.unit_kind: place.routes[rule.unit_kind] for rule, _s, _a in plan.checks}
        self.audit(
            place.clerk, "case.submitted", "cases.case", plan.case_id, plan.submitted,
            self.payload(plan, 3, clearances={k: u.code for k, u in routes.items()}),
        )  # fmt: skip
        for rule, state, acted_at in plan.checks:
            unit = routes[rule.unit_kind]
            officer = self.officer(unit)
            flagged = state == ClearanceStatus.FLAGGED
            cancelled = plan.state == Status.WITHDRAWN and state == ClearanceStatus.PENDING
            pk = self.add(
                Clearance,
                case_id=plan.case_id,
                unit_kind=rule.unit_kind,
                unit_id=unit.pk,
                # A flag is written pending and flagged after the batch (see _batch).
                status=ClearanceStatus.CANCELLED
                if cancelled
                else ClearanceStatus.PENDING
                if flagged
                else state,
                clause_id=rule.clause,
                ground=FLAG_GROUND if flagged else "",
                note="Checked against the register." if acted_at else "",
                due_at=plan.submitted + rule.deadline_days * DAY,
                acted_by_id=officer.pk if acted_at else None,
                acted_at=acted_at,
                version=2 if acted_at or cancelled else 1,
            )
            if cancelled:
                plan.cancelled.append(pk)
            if acted_at is None:
                continue
            extra = {"ground": FLAG_GROUND} if flagged else {}
            if flagged:
                self.flagged.append(pk)
                self.add(
                    ExistingIssue,
                    case_id=plan.case_id,
                    jurisdiction_id=place.county.pk,
                    kind=IssueKind.FLAG,
                    ground=FLAG_GROUND,
                    clause_id=rule.clause,
                    note="",
                    raised_at=acted_at,
                )
            action = "clearance.flagged" if flagged else "clearance.granted"
            self.audit(
                officer, action, "cases.clearance", pk, acted_at,
                {"case": plan.case_id, "case_version": 3, "clearance": pk,
                 "kind": rule.unit_kind, "version": 2, **extra},
            )  # fmt: skip

    def _decision(self, plan: Plan, persons: list[int], members: list[int], outcome) -> None:
        kind, place = self.types[plan.case_type], plan.place
        decision = {
            Status.ON_HOLD: Decision.Outcome.ON_HOLD,
            Status.REFUSED: Decision.Outcome.REFUSED,
        }.get(plan.state, Decision.Outcome.APPROVED)
        ground = {
            Status.ON_HOLD: HOLD_GROUND[plan.case_type],
            Status.REFUSED: REFUSE_GROUND,
        }.get(plan.state)
        clause = (
            kind.grounds[ground].clause if ground else kind.approve_clause
        )  # fmt: skip
        pk = self.add(
            Decision,
            case_id=plan.case_id,
            outcome=decision,
            proposed_outcome=decision,
            policy_pack_id=self.pack.pk,
            clause_id=clause,
            member_outcomes=[
                {"member": m, "person": p, "outcome": outcome, "ground": ground, "clause": clause}
                for m, p in zip(members, persons, strict=True)
            ],
            note="",
            decided_by_id=place.approver.pk,
            decided_at=plan.decided,
        )
        if decision == Decision.Outcome.REFUSED:
            self.add(
                ExistingIssue,
                case_id=plan.case_id,
                jurisdiction_id=place.county.pk,
                kind=IssueKind.REFUSAL,
                ground=ground,
                clause_id=clause,
                note="",
                raised_at=plan.decided,
            )
        self.audit(
            place.approver, "case.decided", "cases.case", plan.case_id, plan.decided,
            self.payload(plan, 5, decision=pk, outcome=decision, proposed=decision,
                         pack=self.pack.code, pack_version=self.pack.version),
        )  # fmt: skip

    def _documents(self, plan: Plan, persons: list[int], members: list[int]) -> None:
        """One signed travel authorization per member; for a closed case, each one crossed."""
        place, rule = plan.place, self.types[plan.case_type].authorization
        issued = plan.decided
        private, key = self.signing_key(place.authority, issued)
        valid_until = issued + rule.valid_days * DAY
        links = Authorization.crossing_points.through
        numbers = []
        for index, (person, member, values) in enumerate(
            zip(persons, members, plan.persons, strict=True)
        ):
            number = f"TA-{plan.number}-{index + 1:02d}"
            document = tmn1.Document(
                number=number,
                authority=place.authority,
                holder={
                    script: name
                    for script, name in (
                        ("hangul", values["name_hangul"]),
                        ("hanja", values["name_hanzi"]),
                        ("latin", values["name_latin"]),
                    )
                    if name
                },
                birth_date=values["date_of_birth"].isoformat(),
                nationality=NATIONALITY_CODES.get(values["nationality"], "XXX"),
                identity_number=values["personal_id_number"] or values["residence_permit_number"],
                case_number=plan.number,
                case_type=plan.case_type,
                crossings=tuple(point.code for point in place.points),
                valid_from=issued,
                valid_until=valid_until,
                single_use=rule.single_use,
                issued_at=issued,
            )
            authz = self.add(
                Authorization,
                number=number,
                case_id=plan.case_id,
                member_id=member,
                person_id=person,
                status=AuthorizationStatus.VALID,
                valid_from=issued,
                valid_until=valid_until,
                single_use=rule.single_use,
                clause_id=rule.clause,
                authority=place.authority,
                kid=key.kid.hex(),
                payload=tmn1.encode(document, private),
                issued_at=issued,
                issued_by_id=place.approver.pk,
            )
            numbers.append((authz, number))
            for point in place.points:
                self.add(links, authorization_id=authz, crossingpoint_id=point.pk)
        self.audit(
            place.approver, "authorization.issued", "cases.case", plan.case_id, issued,
            {"case": plan.case_id, "number": plan.number, "documents": [n for _a, n in numbers],
             "kid": key.kid.hex()},
        )  # fmt: skip
        if plan.state != Status.CLOSED:
            return
        for index, ((authz, number), at) in enumerate(zip(numbers, plan.crossings, strict=True)):
            point = place.points[index % len(place.points)]
            officer = place.crossers[index % len(place.crossers)]
            self.add(
                CheckpointScan,
                point_id=point.pk,
                authorization_id=authz,
                outcome=ScanOutcome.CROSSED,
                reason="valid",
                point_named=True,
                official_id=officer.pk,
                unit_id=officer.unit_id,
                at=at,
            )
            self.audit(
                officer, "crossing.recorded", "authorizations.authorization", authz, at,
                {"point": point.code, "number": number, "named": True},
            )  # fmt: skip
        last = self.last_crosser(plan)
        payload = {"case": plan.case_id}
        self.audit(last, "case.departed", "cases.case", plan.case_id, plan.crossed, payload)

    def audit(self, actor: Official, action: str, object_type: str, object_id: int, at, payload):
        self.seq += 1
        content = {
            "seq": self.seq,
            "occurred_at": at,
            "actor": actor.pk,
            "actor_username": actor.username,
            "unit": actor.unit_id,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            # Ids, codes and lists of them: already what canonical_value makes of them.
            "payload": payload,
        }
        row_hash = compute_row_hash(_Event(self.head, content))
        self.add(
            AuditEvent,
            seq=self.seq,
            occurred_at=at,
            actor_id=actor.pk,
            actor_username=actor.username,
            unit_id=actor.unit_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            payload=payload,
            prev_hash=self.head,
            row_hash=row_hash,
        )
        self.head = row_hash


@dataclass
class Plan:
    """One case to write, decided (from its own seed) before any row is."""

    n: int
    rng: random.Random
    county: str
    case_type: str
    state: str
    created: datetime.datetime
    persons: list[dict] = field(default_factory=list)
    # Each person's (matching profile, sorted blocking keys): people.matching.match_data.
    matching: list[tuple[dict, list[str]]] = field(default_factory=list)
    place: Place | None = None
    number: str = ""
    case_id: int = 0
    submitted: datetime.datetime | None = None
    # [rule, clearance status, acted at] for each check the pack asks for.
    checks: list[list] = field(default_factory=list)
    cleared: datetime.datetime | None = None
    last_kind: str = ""
    withdrawn: datetime.datetime | None = None
    decided: datetime.datetime | None = None
    crossings: list[datetime.datetime] = field(default_factory=list)
    crossed: datetime.datetime | None = None
    cancelled: list[int] = field(default_factory=list)


def generate_cases(
    count: int,
    *,
    seed: int = 1963,
    now: datetime.datetime,
    batch_size: int = BATCH,
    on_batch: Callable[[Summary], None] | None = None,
    rebuild_tally: bool = False,
    label: str = "",
) -> Summary:
    """Cases 1..count of `seed` in every state (those not written yet); what was written.

    `rebuild_tally`: write without the tally's triggers and rebuild the whole tally afterwards
    (tumen.reports.db), which is faster for a large load into a database that nothing else
    writes meanwhile (the benchmarks'); a crash in between leaves the triggers off until
    `tumen report --rebuild`.
    """
    generator = CaseGenerator(seed=seed, now=now, batch_size=batch_size, label=label)
    if not rebuild_tally:
        return generator.run(count, on_batch=on_batch)
    from tumen.reports import db

    db.drop_triggers()
    try:
        return generator.run(count, on_batch=on_batch)
    finally:
        db.install_triggers()
        db.rebuild()
