"""The cast and the households that case tests walk through the services.

Persons are registered and cases moved only through the public services, as a view would; the
officers of each clearing unit are made on demand with `officer("yanji-security")`.
"""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.utils import translation

from tumen.audit.models import AuditEvent
from tumen.cases import services
from tumen.cases.models import (
    Case,
    CaseMember,
    Clearance,
    Decision,
    ExistingIssue,
    ForeignRequest,
    Transition,
)
from tumen.directives.models import Directive
from tumen.lib.identity import prc_id
from tumen.people.models import Person, Relation
from tumen.people.services import person_register, relation_add

RELOCATION_DETAILS = {"destination": "Pyongyang", "application_date": "1963-09-02"}
_documents = itertools.count(1)


@pytest.fixture(autouse=True)
def _english_and_fast_passwords(settings):
    # Messages are asserted in English; no test here signs anyone in, so hashing can be cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with translation.override("en"):
        yield


@pytest.fixture
def officer(make_official):
    """officer(unit_code, role="clearing_officer"): one official per unit and role."""
    made = {}

    def get(unit_code: str, role: str = "clearing_officer"):
        key = (unit_code, role)
        if key not in made:
            made[key] = make_official(f"t.{unit_code}.{role}", unit_code, role)
        return made[key]

    return get


@pytest.fixture
def register(officer):
    """register(county="yanji", **fields) -> Person, through person_register by a county clerk."""

    def make(county: str = "yanji", **fields) -> Person:
        number = next(_documents)
        values = {
            "name_hanzi": f"金{number}",
            "name_hangul": f"김{number}",
            "name_latin": f"Kim No{number}",
            "sex": "female",
            "date_of_birth": datetime.date(1930, 1, 1) + datetime.timedelta(days=number),
            "nationality": "prc",
            "ethnicity": "korean",
            "residence_code": county,
            "household_number": f"HH-{county}-{number}",
        }
        if fields.get("nationality", "prc") == "prc":
            values.setdefault(
                "personal_id_number", prc_id("222401", values["date_of_birth"], number)
            )
        values.update(fields)
        return person_register(official=officer(f"{county}-office", "clerk"), **values)

    return make


@pytest.fixture
def relate(officer):
    def add(person: Person, kind: str, relative_name: str = "Kim Chol", county: str = "yanji"):
        return relation_add(
            official=officer(f"{county}-office", "clerk"),
            person_id=person.pk,
            kind=kind,
            relative_name=relative_name,
        )

    return add


@pytest.fixture
def household(register, relate):
    """Principal and two dependants of Yanji, ethnic Koreans with social relations in Korea."""
    persons = [register(), register(sex="male"), register()]
    for person in persons:
        relate(person, "social_relation_korea")
    return persons


def open_case(clerk, case_type: str, persons, details=None) -> Case:
    principal, *dependants = persons
    return services.case_open(
        official=clerk,
        case_type=case_type,
        principal_id=principal.pk,
        dependants=[(person.pk, "child") for person in dependants],
        details=details,
    )


def submit(clerk, case: Case) -> Case:
    case.refresh_from_db()
    return services.case_submit(official=clerk, case_id=case.pk, version=case.version)


@pytest.fixture
def submitted_relocation(yanji_clerk, household) -> Case:
    return submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))


def clearance(case: Case, kind: str) -> Clearance:
    return Clearance.objects.get(case=case, unit_kind=kind)


def flag(officer, case: Case, kind: str, ground: str, member=None) -> None:
    """The unit of `kind` flags the case (or one member) on `ground`."""
    item = clearance(case, kind)
    services.clearance_flag(
        official=officer(item.unit.code),
        clearance_id=item.pk,
        version=item.version,
        ground=ground,
        note="Found on checking.",
        member_id=member.pk if member else None,
    )


def grant_all(case: Case, officer, *, except_kinds=()) -> None:
    for item in Clearance.objects.filter(case=case, status="pending").select_related("unit"):
        if item.unit_kind not in except_kinds:
            services.clearance_grant(
                official=officer(item.unit.code), clearance_id=item.pk, version=item.version
            )


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def members(case: Case) -> list[CaseMember]:
    return list(CaseMember.objects.filter(case=case).order_by("-role", "pk"))


def db_state() -> dict:
    """What any refused call must leave exactly as it was."""
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Case,
                CaseMember,
                Clearance,
                Decision,
                ExistingIssue,
                Transition,
                ForeignRequest,
                Person,
                Relation,
            )
        },
        "cases": list(Case.objects.order_by("pk").values_list("pk", "status", "version")),
        "clearances": list(
            Clearance.objects.order_by("pk").values_list("pk", "status", "version", "ground")
        ),
        "members": list(CaseMember.objects.order_by("pk").values_list("pk", "outcome")),
        # Refusals of an object that exists are audited as access.denied by the access module;
        # nothing else may be written.
        "audit": list(
            AuditEvent.objects.exclude(action="access.denied")
            .order_by("seq")
            .values_list("seq", flat=True)
        ),
    }


@pytest.fixture
def world(officer, household, register):
    """A draft, a submitted case, a foreign request, a person and a directive to aim at."""
    clerk = officer("yanji-office", "clerk")
    draft = open_case(clerk, "relocation", household[:2], RELOCATION_DETAILS)
    submitted = submit(clerk, open_case(clerk, "relocation", [register()], RELOCATION_DETAILS))
    foreign = services.foreign_request_register(
        official=officer("yanji-foreign"),
        reference="DPRK-FUZZ-1",
        received_on=datetime.date(1963, 9, 1),
        authority="DPRK Ministry of Foreign Affairs",
        persons=[
            {"person_id": register().pk, "household": "A", "is_principal": True},
        ],
    )
    kind = Clearance.objects.filter(case=submitted).values_list("unit_kind", flat=True).first()
    return {
        "number": [draft.number, submitted.number],
        "kind": [kind],
        "request_id": [foreign.pk],
        "person_id": [household[0].pk],
        "code": [Directive.objects.values_list("code", flat=True).first()],
    }
