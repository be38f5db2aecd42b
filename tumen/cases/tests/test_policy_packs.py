"""Policy as data: a second scheme's pack runs without code, and a new version binds new cases."""

from __future__ import annotations

import datetime
import textwrap

import pytest
from django.core.exceptions import ValidationError

from tumen.cases import services
from tumen.cases.models import Status
from tumen.cases.proposal import decision_proposal
from tumen.directives.models import Clause, Directive
from tumen.org.models import Jurisdiction
from tumen.policy.services import PACKS_DIR, policy_pack_load

from .conftest import RELOCATION_DETAILS, clearance, fresh, grant_all, members, open_case, submit

AVR_PACK = textwrap.dedent(
    """\
    schema: tumen.policy/1
    code: avr2024
    version: 1
    title: {zh: 协助自愿回国方案（2024年）, en: Assisted voluntary return scheme (2024)}
    directive: avr-2024
    case_types:
      - code: assisted_return
        title: {zh: 协助回国, en: Assisted return}
        clause: avr-2024.1
        priority: high
        eligibility:
          nationality: [other]
          clause: avr-2024.1
          otherwise: not_foreign_national
        fields:
          - name: country_of_return
            kind: text
            required: true
            clause: avr-2024.1
            label: {zh: 返回国家, en: Country of return}
          - name: travel_date
            kind: date
            required: true
            clause: avr-2024.2
            label: {zh: 出行日期, en: Travel date}
        member_fields: [date_of_birth, passport_number]
        clearances:
          - {unit_kind: public_security, deadline_days: 5, clause: avr-2024.2}
          - {unit_kind: foreign_affairs, deadline_days: 5, clause: avr-2024.2}
        grounds:
          - code: travel_document_invalid
            effect: hold
            clause: avr-2024.3
            label: {zh: 旅行证件无效, en: Travel document not valid}
          - code: not_foreign_national
            effect: refuse
            clause: avr-2024.1
            label: {zh: 非外国公民, en: Not a foreign national}
          - code: applicant_withdrew
            effect: withdraw
            clause: avr-2024.3
            label: {zh: 申请人撤回, en: The applicant withdrew}
        decision: {deadline_days: 10, approve_clause: avr-2024.1}
        escalation: {after_days: 2}
    """
)


@pytest.fixture
def avr_pack(tmp_path, db):
    """Another country's assisted-return scheme: its directive first, then its pack file."""
    directive = Directive.objects.create(
        code="avr-2024",
        title_zh="协助自愿回国方案",
        title_en="Assisted voluntary return scheme",
        issued_by=Jurisdiction.objects.get(code="cn"),
        issued_on=datetime.date(2024, 1, 15),
    )
    for number, text in enumerate(
        ["Assist every foreign national who asks to return.", "Check documents.", "Hold."], 1
    ):
        Clause.objects.create(
            directive=directive,
            number=number,
            clause_id=f"avr-2024.{number}",
            text_zh=text,
            text_en=text,
        )
    path = tmp_path / "avr2024.yaml"
    path.write_text(AVR_PACK, encoding="utf-8")
    return policy_pack_load(source=path)


def test_a_second_pack_runs_a_case_end_to_end_without_code(
    avr_pack, yanji_clerk, yanji_approver, officer, register
):
    """
    GIVEN the avr2024 pack, loaded from a file beside a directive made for it
    WHEN a Yanji clerk opens an assisted return for a foreign national and it is cleared
         (one flag for a travel document, then resolved) and decided
    THEN the case followed the pack's fields, clearances, grounds and clauses throughout
    """
    person = register(
        nationality="other", passport_number="X1234567", passport_state="GBR", household_number=""
    )
    case = open_case(
        yanji_clerk,
        "assisted_return",
        [person],
        {"country_of_return": "Mongolia", "travel_date": "2024-03-01"},
    )
    assert case.policy_pack == avr_pack
    assert case.priority == 1
    case = submit(yanji_clerk, case)
    assert {c.unit_kind for c in case.clearances.all()} == {"public_security", "foreign_affairs"}
    assert case.decision_due - case.submitted_at == datetime.timedelta(days=5 + 10)

    security = clearance(case, "public_security")
    with pytest.raises(ValidationError, match="allowed: Travel document not valid"):
        services.clearance_flag(
            official=officer("yanji-security"),
            clearance_id=security.pk,
            version=1,
            ground="identity_unverified",
            note="A 1963 ground is not a ground of this scheme.",
        )
    services.clearance_flag(
        official=officer("yanji-security"),
        clearance_id=security.pk,
        version=1,
        ground="travel_document_invalid",
        note="Passport expired.",
    )
    assert decision_proposal(fresh(case)).clause == "avr-2024.3"
    services.clearance_resolve(
        official=officer("yanji-security"), clearance_id=security.pk, version=2, note="Renewed."
    )
    grant_all(case, officer)
    case = fresh(case)

    decision = services.case_decide(official=yanji_approver, case_id=case.pk, version=case.version)

    assert (decision.outcome, decision.clause_id, decision.policy_pack) == (
        "approved",
        "avr-2024.1",
        avr_pack,
    )
    assert members(case)[0].clause_id == "avr-2024.1"


def _cc1963_v2(tmp_path):
    """The 1963 pack as version 2: relocation clearances now due in 5 days instead of 10."""
    text = (PACKS_DIR / "cc1963.yaml").read_text(encoding="utf-8")
    text = text.replace("version: 1", "version: 2", 1)
    text = text.replace("deadline_days: 10, clause: cc1963.2", "deadline_days: 5, clause: cc1963.2")
    path = tmp_path / "cc1963-v2.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_new_pack_version_binds_new_cases_and_open_ones_keep_theirs(
    tmp_path, yanji_clerk, yanji_approver, officer, household, register, relate
):
    """
    GIVEN a relocation submitted under cc1963 v1
    WHEN cc1963 v2 is loaded
    THEN a new relocation is opened under v2 (5-day clearances), while the open v1 case keeps
         v1 and its decision cites v1
    """
    old = submit(yanji_clerk, open_case(yanji_clerk, "relocation", household, RELOCATION_DETAILS))
    v2 = policy_pack_load(source=_cc1963_v2(tmp_path))

    person = register()
    relate(person, "social_relation_korea")
    new = submit(yanji_clerk, open_case(yanji_clerk, "relocation", [person], RELOCATION_DETAILS))

    assert new.policy_pack == v2
    assert {c.due_at - new.submitted_at for c in new.clearances.all()} == {
        datetime.timedelta(days=5)
    }
    assert fresh(old).policy_pack.version == 1
    assert {c.due_at - old.submitted_at for c in old.clearances.all()} == {
        datetime.timedelta(days=10)
    }
    grant_all(old, officer)
    decision = services.case_decide(
        official=yanji_approver, case_id=old.pk, version=fresh(old).version
    )
    assert decision.policy_pack.version == 1
    # Approval issues the travel authorizations in the same call (tumen.authorizations).
    assert fresh(old).status == Status.AUTHORIZED
