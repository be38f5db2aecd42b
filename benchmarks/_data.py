"""Bulk synthetic cases for benchmarks: many realistic rows, fast, without the services.

    generate(cases=100_000, seed=1963, progress=note)

writes persons (with the relation their case type asks for), cases of the three 1963 types in a
realistic mix of statuses across the scenario's counties, their members, clearances, decisions,
existing issues, status transitions, and the audit events the services would have written (a
valid hash chain, so `tumen audit verify` passes on the result).

Rows go straight into the tables in batches, NOT through the services: their checks, locks and
per-row audit appends are what `benchmarks/lifecycle.py` measures; here only the shape and volume
of the data matter, for timing reads. The batches are written with `executemany` on plain tuples
rather than `QuerySet.bulk_create`: building and compiling a model instance costs some 40 µs a
row in Python, which made 100,000 cases (about two million rows) take minutes instead of seconds.
The column lists come from the models, so a renamed or added NOT NULL column fails loudly here.
SQLite only (the benchmark's engine), into a database that nothing else writes meanwhile (ids are
handed out here).

Django must be set up and the 1963 scenario loaded first. The generator is deterministic for a
seed. It is not for demo data: a demo's cases should be made through the services so that every
row has the audit event of the official who made it (tumen/scenario/demo.py).
"""

from __future__ import annotations

import datetime
import json
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone

from tumen.audit.models import AuditEvent
from tumen.audit.services import chain_head, compute_row_hash
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
from tumen.org.models import Jurisdiction, Official, Role, RoleGrant, UnitKind, WorkUnit
from tumen.people.models import Person, Relation, RelationKind
from tumen.policy.models import PolicyPack
from tumen.policy.selectors import case_type_of

BATCH = 5_000
DAY = datetime.timedelta(days=1)

# Where the cases are: Yanbian's counties carry most of the ethnic Korean population.
COUNTY_WEIGHTS = {
    "yanji": 20,
    "longjing": 12,
    "tumen": 8,
    "hunchun": 8,
    "helong": 8,
    "wangqing": 6,
    "antu": 5,
    "changbai": 5,
    "kuandian": 10,
    "ningan": 10,
    "zhalantun": 8,
}
TYPE_WEIGHTS = {"relocation": 70, "repatriation": 15, "family_travel": 15}
# A programme some months in: most cases decided, a third still in clearance.
STATUS_WEIGHTS = {
    Status.DRAFT: 5,
    Status.IN_CLEARANCE: 30,
    Status.AWAITING_DECISION: 10,
    Status.ON_HOLD: 2,
    Status.APPROVED: 44,
    Status.REFUSED: 3,
    Status.WITHDRAWN: 6,
}
DECIDED = (Status.APPROVED, Status.REFUSED, Status.ON_HOLD)
CLOSED = (Status.APPROVED, Status.REFUSED, Status.WITHDRAWN)
# The statuses a case passes through to reach each one.
_CLEARING = [Status.DRAFT, Status.SUBMITTED, Status.IN_CLEARANCE]
_AWAITING = [*_CLEARING, Status.AWAITING_DECISION]
PATHS = {
    Status.DRAFT: [Status.DRAFT],
    Status.IN_CLEARANCE: _CLEARING,
    Status.AWAITING_DECISION: _AWAITING,
    Status.ON_HOLD: [*_AWAITING, Status.ON_HOLD],
    Status.APPROVED: [*_AWAITING, Status.APPROVED],
    Status.REFUSED: [*_AWAITING, Status.REFUSED],
    Status.WITHDRAWN: [*_CLEARING, Status.WITHDRAWN],
}
MEMBER_OUTCOME = {
    Status.APPROVED: MemberOutcome.APPROVED,
    Status.REFUSED: MemberOutcome.REFUSED,
    Status.ON_HOLD: MemberOutcome.ON_HOLD,
}
RELATION_OF_TYPE = {
    "relocation": RelationKind.SOCIAL_RELATION_KOREA,
    "repatriation": RelationKind.SPOUSE,
    "family_travel": RelationKind.OFFICER_FAMILY,
}
HOUSEHOLD_SIZES = {1: 30, 2: 25, 3: 25, 4: 15, 5: 5}

SURNAMES = [
    ("金", "김", "Kim"),
    ("李", "리", "Ri"),
    ("朴", "박", "Pak"),
    ("崔", "최", "Choe"),
    ("郑", "정", "Jong"),
    ("姜", "강", "Kang"),
    ("赵", "조", "Jo"),
    ("尹", "윤", "Yun"),
    ("张", "장", "Jang"),
    ("林", "림", "Rim"),
    ("韩", "한", "Han"),
    ("申", "신", "Sin"),
    ("吴", "오", "O"),
    ("徐", "서", "So"),
    ("权", "권", "Kwon"),
    ("黄", "황", "Hwang"),
    ("安", "안", "An"),
    ("宋", "송", "Song"),
    ("全", "전", "Jon"),
    ("洪", "홍", "Hong"),
]
SYLLABLES = [
    ("哲", "철", "chol"),
    ("英", "영", "yong"),
    ("顺", "순", "sun"),
    ("明", "명", "myong"),
    ("成", "성", "song"),
    ("玉", "옥", "ok"),
    ("花", "화", "hwa"),
    ("男", "남", "nam"),
    ("石", "석", "sok"),
    ("春", "춘", "chun"),
    ("日", "일", "il"),
    ("光", "광", "kwang"),
    ("熙", "희", "hui"),
    ("淑", "숙", "suk"),
    ("子", "자", "ja"),
    ("植", "식", "sik"),
]
DESTINATIONS = ["Pyongyang", "Sinuiju", "Hyesan", "Chongjin", "Hamhung", "Namyang"]
OFFICERS = ["Ri Chol", "Pak Sung", "Kim Yong Nam", "Choe Hyon", "O Jin U", "Han Song Il"]


# --- writing rows -------------------------------------------------------------------------------


def _stored_datetime(value: datetime.datetime | None) -> str | None:
    # Django's SQLite backend stores an aware datetime as naive UTC text.
    if value is None:
        return None
    return str(value.astimezone(datetime.UTC).replace(tzinfo=None))


def _stored_date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _stored_json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


# How a value of each kind of field is written, as Django's SQLite backend would write it.
CONVERTERS = {
    "DateTimeField": _stored_datetime,
    "DateField": _stored_date,
    "JSONField": _stored_json,
}


class Table:
    """Rows for one model's table, with ids handed out here, written with one executemany."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.pk = model._meta.pk
        self.converters = [CONVERTERS.get(f.get_internal_type()) for f in self.fields]
        # Django's own defaults: "" for text, None where there is none (NOT NULL then fails).
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.rows: list[tuple] = []
        self.written = 0
        last = model.objects.aggregate(last=models.Max(self.pk.attname))["last"]
        self.next_id = (last or 0) + 1

    def add(self, **values) -> int:
        """Queue one row; returns its id. Every column without a default must be given."""
        pk = values.pop(self.pk.attname, None) or self.next_id
        self.next_id = max(self.next_id, pk + 1)
        row = self.defaults | values
        self.rows.append(
            (
                pk,
                *(
                    convert(row[f.attname]) if convert else row[f.attname]
                    for f, convert in zip(self.fields, self.converters, strict=True)
                ),
            )
        )
        return pk

    def flush(self) -> None:
        if not self.rows:
            return
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in [self.pk.column, *(f.column for f in self.fields)])
        marks = ", ".join(["%s"] * (len(self.fields) + 1))
        sql = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({marks})"
        with connection.cursor() as cursor:
            cursor.executemany(sql, self.rows)
        self.written += len(self.rows)
        self.rows = []


class _Event:
    """The part of an AuditEvent that its row hash covers, without building a model instance."""

    def __init__(self, prev_hash: str, content: dict) -> None:
        self.prev_hash = prev_hash
        self.content = content

    def hashed_content(self) -> dict:
        return self.content


# --- the organisation the cases live in -------------------------------------------------------


@dataclass
class Place:
    """A county with what the generator needs about it, looked up once."""

    county: Jurisdiction
    office: WorkUnit
    routes: dict[str, WorkUnit]
    clerk: Official
    approver: Official
    issued: int = 0


@dataclass
class Summary:
    cases: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    by_status: Counter = field(default_factory=Counter)
    by_county: Counter = field(default_factory=Counter)
    by_type: Counter = field(default_factory=Counter)


def _official(username: str, unit: WorkUnit, role: str) -> Official:
    official, created = Official.objects.get_or_create(username=username, defaults={"unit": unit})
    if created:
        official.set_unusable_password()
        official.save(update_fields=["password"])
        RoleGrant.objects.create(official=official, role=role)
    return official


def _places(kinds: set[str]) -> list[Place]:
    year = timezone.localdate().year
    places = []
    for code in COUNTY_WEIGHTS:
        county = Jurisdiction.objects.get(code=code)
        office = WorkUnit.objects.get(jurisdiction=county, kind=UnitKind.COUNTY_OFFICE)
        counter = CaseNumberCounter.objects.filter(jurisdiction=county, year=year).first()
        places.append(
            Place(
                county=county,
                office=office,
                routes=route(kinds, county),
                clerk=_official(f"bench.{code}.clerk", office, Role.CLERK),
                approver=_official(f"bench.{code}.approver", office, Role.APPROVER),
                issued=counter.last if counter else 0,
            )
        )
    return places


def _name(rng: random.Random) -> tuple[str, str, str]:
    hanzi, hangul, latin = rng.choice(SURNAMES)
    given = [rng.choice(SYLLABLES) for _ in range(rng.choice((1, 2, 2)))]
    return (
        hanzi + "".join(s[0] for s in given),
        hangul + "".join(s[1] for s in given),
        f"{latin} {' '.join(s[2].capitalize() for s in given)}",
    )


# --- the generator ------------------------------------------------------------------------------


@dataclass
class Plan:
    """One case to write, decided before any row is."""

    place: Place
    case_type: str
    status: str
    created: datetime.datetime
    size: int
    case_id: int = 0
    number: str = ""
    submitted: datetime.datetime | None = None
    decided: datetime.datetime | None = None
    persons: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)


class Generator:
    def __init__(self, *, seed: int, now: datetime.datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.pack = PolicyPack.objects.get(code="cc1963", active=True)
        self.types = {code: case_type_of(self.pack, code) for code in TYPE_WEIGHTS}
        kinds = {rule.unit_kind for t in self.types.values() for rule in t.clearances}
        self.places = _places(kinds)
        units = {unit.pk: unit for place in self.places for unit in place.routes.values()}
        self.officers = {
            pk: _official(f"bench.{unit.code}", unit, Role.CLEARING_OFFICER)
            for pk, unit in units.items()
        }
        self.year = timezone.localdate().year
        self.summary = Summary()
        self.seq, self.head = chain_head()
        self.persons = Table(Person)
        self.relations = Table(Relation)
        self.cases = Table(Case)
        self.members = Table(CaseMember)
        self.clearances = Table(Clearance)
        self.decisions = Table(Decision)
        self.issues = Table(ExistingIssue)
        self.transitions = Table(Transition)
        self.events = Table(AuditEvent)
        self.tables = [
            self.persons,
            self.relations,
            self.cases,
            self.members,
            self.clearances,
            self.decisions,
            self.issues,
            self.transitions,
            self.events,
        ]

    def _pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _created(self, case_type: str, status: str) -> datetime.datetime:
        """Closed cases over the last six months; running ones within one and a half times
        their type's deadlines, so that about a third of them are overdue."""
        if status in CLOSED:
            days = 180.0
        else:
            kind = self.types[case_type]
            slowest = max(rule.deadline_days for rule in kind.clearances)
            days = 1.5 * (slowest + kind.decision_deadline_days)
        return self.now - datetime.timedelta(minutes=self.rng.randrange(int(days * 24 * 60)))

    def _plan(self) -> Plan:
        code = self._pick(COUNTY_WEIGHTS)
        place = next(p for p in self.places if p.county.code == code)
        case_type, status = self._pick(TYPE_WEIGHTS), self._pick(STATUS_WEIGHTS)
        plan = Plan(
            place, case_type, status, self._created(case_type, status), self._pick(HOUSEHOLD_SIZES)
        )
        if status != Status.DRAFT:
            plan.submitted = plan.created + datetime.timedelta(hours=self.rng.randrange(1, 48))
        if status in (Status.APPROVED, Status.REFUSED):
            plan.decided = min(self.now, plan.submitted + self.rng.randrange(3, 40) * DAY)
        return plan

    # --- rows of one case ------------------------------------------------------------------

    def _person(self, plan: Plan) -> int:
        hanzi, hangul, latin = _name(self.rng)
        number = self.persons.next_id
        documents = (
            {"residence_permit_number": f"BENCH-RP-{number:09d}"}
            if plan.case_type == "repatriation"
            else {"household_number": f"BENCH-HH-{number:09d}"}
        )
        pk = self.persons.add(
            name_hanzi=hanzi,
            name_hangul=hangul,
            name_latin=latin,
            sex=self.rng.choice(("female", "male")),
            date_of_birth=datetime.date(1900, 1, 1) + self.rng.randrange(60 * 365) * DAY,
            nationality="dprk" if plan.case_type == "repatriation" else "prc",
            ethnicity="korean",
            residence_id=plan.place.county.pk,
            registered_by_id=plan.place.office.pk,
            registered_at=plan.created,
            **documents,
        )
        self.relations.add(
            person_id=pk,
            kind=RELATION_OF_TYPE[plan.case_type],
            relative_name=self.rng.choice(OFFICERS),
            relative_place="Pyongyang",
        )
        return pk

    def _details(self, plan: Plan) -> dict:
        if plan.case_type == "family_travel":
            return {
                "officer_name": self.rng.choice(OFFICERS),
                "request_reference": f"DPRK-MFA-{plan.number}",
            }
        details = {"destination": self.rng.choice(DESTINATIONS)}
        if plan.case_type == "relocation":
            details["application_date"] = "1963-09-02"
        return details

    def _case(self, plan: Plan) -> None:
        place, kind = plan.place, self.types[plan.case_type]
        place.issued += 1
        plan.number = f"{place.county.code.upper()}-{self.year}-{place.issued:06d}"
        due = None
        if plan.submitted:
            slowest = max(rule.deadline_days for rule in kind.clearances)
            due = plan.submitted + (slowest + kind.decision_deadline_days) * DAY
        plan.case_id = self.cases.add(
            number=plan.number,
            case_type=plan.case_type,
            policy_pack_id=self.pack.pk,
            jurisdiction_id=place.county.pk,
            intake_unit_id=place.office.pk,
            status=plan.status,
            priority=kind.priority,
            details=self._details(plan),
            created_at=plan.created,
            submitted_at=plan.submitted,
            decision_due=due,
            decided_at=plan.decided,
            version=len(PATHS[plan.status]) + 4,
        )
        self._audit(
            plan.place.clerk,
            "case.opened",
            "cases.case",
            plan.case_id,
            plan.created,
            {
                "case": plan.case_id,
                "number": plan.number,
                "version": 1,
                "case_type": plan.case_type,
                "pack": self.pack.code,
                "pack_version": self.pack.version,
                "county": place.county.code,
                "members": plan.persons,
            },
        )

    def _members(self, plan: Plan) -> None:
        outcome = MEMBER_OUTCOME.get(plan.status, MemberOutcome.PENDING)
        clause = self.types[plan.case_type].approve_clause
        for index, person in enumerate(plan.persons):
            plan.members.append(
                self.members.add(
                    case_id=plan.case_id,
                    person_id=person,
                    role=MemberRole.PRINCIPAL if index == 0 else MemberRole.DEPENDANT,
                    relationship="" if index == 0 else self.rng.choice(("spouse", "child")),
                    outcome=outcome,
                    ground="identity_unverified" if outcome == MemberOutcome.REFUSED else "",
                    clause_id=clause if outcome == MemberOutcome.APPROVED else "",
                )
            )

    def _clearance_status(self, status: str) -> str:
        if status != Status.IN_CLEARANCE:
            return ClearanceStatus.CLEARED
        roll = self.rng.random()
        if roll < 0.05:
            return ClearanceStatus.FLAGGED
        return ClearanceStatus.PENDING if roll < 0.55 else ClearanceStatus.CLEARED

    def _clearances(self, plan: Plan) -> None:
        if plan.status == Status.DRAFT:
            return
        self._audit(
            plan.place.clerk,
            "case.submitted",
            "cases.case",
            plan.case_id,
            plan.submitted,
            {"case": plan.case_id, "number": plan.number, "version": 2},
        )
        for rule in self.types[plan.case_type].clearances:
            unit = plan.place.routes[rule.unit_kind]
            state = self._clearance_status(plan.status)
            due = plan.submitted + rule.deadline_days * DAY
            acted = state != ClearanceStatus.PENDING
            flagged = state == ClearanceStatus.FLAGGED
            acted_at = min(self.now, due - DAY / 2) if acted else None
            officer = self.officers[unit.pk]
            pk = self.clearances.add(
                case_id=plan.case_id,
                unit_kind=rule.unit_kind,
                unit_id=unit.pk,
                status=state,
                clause_id=rule.clause,
                ground="identity_unverified" if flagged else "",
                note="Checked against the register." if acted else "",
                due_at=due,
                acted_by_id=officer.pk if acted else None,
                acted_at=acted_at,
                version=2 if acted else 1,
            )
            if flagged:
                self._issue(plan, IssueKind.FLAG, rule.clause, acted_at)
            if acted:
                action = "clearance.flagged" if flagged else "clearance.granted"
                payload = {"case": plan.case_id, "clearance": pk, "kind": rule.unit_kind}
                self._audit(officer, action, "cases.clearance", pk, acted_at, payload)

    def _issue(self, plan: Plan, kind: str, clause: str, at: datetime.datetime) -> None:
        self.issues.add(
            case_id=plan.case_id,
            jurisdiction_id=plan.place.county.pk,
            kind=kind,
            ground="identity_unverified",
            clause_id=clause,
            note="",
            raised_at=at,
        )

    def _decision(self, plan: Plan) -> None:
        if plan.status not in DECIDED:
            return
        kind = self.types[plan.case_type]
        refused = plan.status == Status.REFUSED
        clause = kind.clause if refused else kind.approve_clause
        at = plan.decided or plan.submitted + 20 * DAY
        outcome = MEMBER_OUTCOME[plan.status]
        self.decisions.add(
            case_id=plan.case_id,
            outcome=plan.status,
            proposed_outcome=plan.status,
            policy_pack_id=self.pack.pk,
            clause_id=clause,
            member_outcomes=[
                {
                    "member": member,
                    "person": person,
                    "outcome": outcome,
                    "ground": "identity_unverified" if refused else None,
                    "clause": clause,
                }
                for member, person in zip(plan.members, plan.persons, strict=True)
            ],
            note="",
            decided_by_id=plan.place.approver.pk,
            decided_at=at,
        )
        if refused:
            self._issue(plan, IssueKind.REFUSAL, clause, at)
        payload = {"case": plan.case_id, "number": plan.number, "outcome": plan.status}
        self._audit(plan.place.approver, "case.decided", "cases.case", plan.case_id, at, payload)

    def _transitions(self, plan: Plan) -> None:
        clause, previous = self.types[plan.case_type].clause, ""
        for step, target in enumerate(PATHS[plan.status]):
            actor = plan.place.approver if step >= 4 else plan.place.clerk
            # Opened; submitted and sent to clearance at once; cleared; decided.
            if step < 3:
                at = (plan.created, plan.submitted, plan.submitted)[step]
            else:
                at = plan.decided or plan.submitted + (8 + step) * DAY
            self.transitions.add(
                case_id=plan.case_id,
                from_status=previous,
                to_status=target,
                actor_id=actor.pk,
                unit_id=actor.unit_id,
                reason="",
                clause_id=clause,
                at=min(at, self.now),
            )
            previous = target

    def _audit(self, actor, action: str, object_type: str, object_id: int, at, payload) -> None:
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
            # Ids, codes and lists of them: already what canonical_value would make of them.
            "payload": payload,
        }
        row_hash = compute_row_hash(_Event(self.head, content))
        self.events.add(
            seq=self.seq,
            **{k: v for k, v in content.items() if k not in ("seq", "actor", "unit")},
            actor_id=actor.pk,
            unit_id=actor.unit_id,
            prev_hash=self.head,
            row_hash=row_hash,
        )
        self.head = row_hash

    # --- batches ---------------------------------------------------------------------------

    def batch(self, count: int) -> None:
        for _ in range(count):
            plan = self._plan()
            plan.persons = [self._person(plan) for _ in range(plan.size)]
            self._case(plan)
            self._members(plan)
            self._clearances(plan)
            self._decision(plan)
            self._transitions(plan)
            self._count(plan)
        with transaction.atomic():
            for table in self.tables:
                table.flush()

    def _count(self, plan: Plan) -> None:
        self.summary.cases += 1
        self.summary.by_status[plan.status] += 1
        self.summary.by_county[plan.place.county.code] += 1
        self.summary.by_type[plan.case_type] += 1

    def finish(self) -> Summary:
        """Leave the county counters where the services would continue numbering."""
        for place in self.places:
            CaseNumberCounter.objects.update_or_create(
                jurisdiction=place.county, year=self.year, defaults={"last": place.issued}
            )
        self.summary.rows = {t.model._meta.label_lower: t.written for t in self.tables}
        return self.summary


def generate(
    *, cases: int, seed: int = 1963, progress: Callable[[str], None] = lambda _m: None
) -> Summary:
    """Add `cases` synthetic cases (and everything around them); returns what was written."""
    if connection.vendor != "sqlite":
        raise RuntimeError("The bulk generator writes SQLite's storage formats; use SQLite.")
    generator = Generator(seed=seed, now=timezone.now())
    done = 0
    while done < cases:
        size = min(BATCH, cases - done)
        generator.batch(size)
        done += size
        if done % (BATCH * 4) == 0 or done == cases:
            progress(f"  {done:,} / {cases:,} cases")
    return generator.finish()


def describe(summary: Summary) -> str:
    rows: Sequence[tuple[str, int]] = sorted(summary.rows.items())
    return ", ".join(f"{count:,} {label.split('.')[1]}" for label, count in rows)
