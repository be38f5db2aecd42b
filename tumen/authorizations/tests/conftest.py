"""Approved households for the authorization tests, made through the case services."""

from __future__ import annotations

import pytest
from django.utils import translation

from tumen.cases import services
from tumen.cases.models import Case
from tumen.cases.tests import conftest as cases
from tumen.cases.tests.conftest import RELOCATION_DETAILS, grant_all, open_case, submit

# The case tests' households and officers, shared rather than copied.
household, officer, register, relate = cases.household, cases.officer, cases.register, cases.relate


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def kim(register, relate):
    person = register(
        name_hangul="김영철", name_hanzi="金永哲", name_latin="KIM YONG CHOL", sex="male"
    )
    relate(person, "social_relation_korea")
    return person


@pytest.fixture
def approve(officer, yanji_clerk, yanji_approver):
    """approve(persons, case_type="relocation") -> the case, decided by the Yanji approver."""

    def run(persons, case_type: str = "relocation") -> Case:
        case = submit(yanji_clerk, open_case(yanji_clerk, case_type, persons, RELOCATION_DETAILS))
        grant_all(case, officer)
        case.refresh_from_db()
        services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)
        return Case.objects.get(pk=case.pk)

    return run


@pytest.fixture
def checkpoint_officer(make_official):
    return make_official("t.tumen.checkpoint", "tumen-border", "checkpoint_officer")


@pytest.fixture
def presented_world(approve, kim, checkpoint_officer, tmp_path):
    """A Kim household approved: its one single-use document, and who acts on it."""
    from tumen.authorizations.models import Authorization
    from tumen.authorizations.tests.presented import World

    case = approve([kim])
    return World(Authorization.objects.get(case=case), checkpoint_officer, tmp_path / "elsewhere")
