"""The named plain-SQL statements of the write path (tumen.lib.writes), on both engines: they
store values exactly as the ORM would, and touch nothing but what they name."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tumen.cases.models import Case, ExistingIssue, IssueKind, Transition
from tumen.lib.writes import insert_rows, update_columns


def test_update_columns_writes_only_the_columns_named(submitted_relocation):
    case = Case.objects.get(pk=submitted_relocation.pk)
    due = timezone.now().replace(microsecond=123456) + datetime.timedelta(days=3)
    case.decision_due, case.details, case.status = due, {"destination": "Sinuiju"}, "approved"
    update_columns(case, ("decision_due", "details"))

    stored = Case.objects.get(pk=case.pk)
    assert stored.decision_due == due
    assert stored.details == {"destination": "Sinuiju"}
    assert stored.status == submitted_relocation.status  # not named, not written


def test_update_columns_returns_what_the_statement_returns(submitted_relocation):
    case = Case.objects.get(pk=submitted_relocation.pk)
    case.version += 1
    row = update_columns(
        case,
        ("version",),
        returning="(SELECT COUNT(*) FROM cases_clearance WHERE case_id = cases_case.id "
        "AND status = %s)",
        returning_params=["pending"],
    )
    assert row == (4,)
    assert Case.objects.get(pk=case.pk).version == case.version


def test_insert_rows_stores_values_as_the_orm_would(submitted_relocation, yanji_clerk):
    at = timezone.now().replace(microsecond=654321)
    before = Transition.objects.count()
    rows = [
        Transition(
            case_id=submitted_relocation.pk,
            from_status="in_clearance",
            to_status=status,
            actor_id=yanji_clerk.pk,
            unit_id=yanji_clerk.unit_id,
            reason="",
            clause_id="cc1963.2",
            at=at,
        )
        for status in ("awaiting_decision", "approved")
    ]
    insert_rows(Transition, rows)
    insert_rows(
        ExistingIssue,
        [
            ExistingIssue(
                case_id=submitted_relocation.pk,
                jurisdiction_id=submitted_relocation.jurisdiction_id,
                kind=IssueKind.FLAG,
                ground="identity_unverified",
                clause_id="cc1963.3",
                note="名字 이름",
                raised_at=at,
            )
        ],
    )

    stored = list(Transition.objects.filter(case=submitted_relocation).order_by("pk"))
    assert Transition.objects.count() == before + 2
    assert [(t.to_status, t.at, t.actor_id) for t in stored[-2:]] == [
        ("awaiting_decision", at, yanji_clerk.pk),
        ("approved", at, yanji_clerk.pk),
    ]
    issue = ExistingIssue.objects.get(case=submitted_relocation)
    assert (issue.note, issue.raised_at) == ("名字 이름", at)


def test_lock_in_subtree_reads_what_the_orm_reads_and_refuses_as_it_does(
    submitted_relocation, yanji_approver, liaoning_security, officer
):
    import pytest
    from django.core.exceptions import PermissionDenied
    from django.db import transaction

    from tumen.audit.models import AuditEvent
    from tumen.cases.models import Clearance
    from tumen.org.access import Authority, NotVisible, lock_in_subtree

    approver = Authority(("approver",))
    with transaction.atomic():
        case = lock_in_subtree(
            yanji_approver, Case, submitted_relocation.pk, action=approver, related="jurisdiction"
        )
    orm = Case.objects.select_related("jurisdiction").get(pk=submitted_relocation.pk)
    for field in Case._meta.concrete_fields:
        assert getattr(case, field.attname) == getattr(orm, field.attname), field.name
    assert case.submitted_at.tzinfo is not None
    assert isinstance(case.details, dict)
    assert case.jurisdiction.code == orm.jurisdiction.code

    item = Clearance.objects.get(case=submitted_relocation, unit_kind="customs")
    with transaction.atomic():
        locked = lock_in_subtree(
            officer("yanji-customs"),
            Clearance,
            item.pk,
            action=Authority(("clearing_officer",)),
            related="case",
        )
    assert (locked.unit_id, locked.case.number) == (item.unit_id, submitted_relocation.number)

    denied = AuditEvent.objects.filter(action="access.denied").count()
    with pytest.raises(NotVisible), transaction.atomic():
        lock_in_subtree(liaoning_security, Case, orm.pk, action=Authority(("clearing_officer",)))
    with pytest.raises(PermissionDenied), transaction.atomic():
        lock_in_subtree(yanji_approver, Case, orm.pk, action=Authority(("clerk",)))
    assert AuditEvent.objects.filter(action="access.denied").count() == denied  # rolled back


def test_members_with_persons_reads_what_the_orm_reads(yanji_clerk, register, relate):
    """MEMBERS_WITH_PERSONS: the members in the ORM's order, persons as the ORM makes them, and
    the relation flag per person (only the listed kinds count)."""
    from django.db.models import Exists, OuterRef

    from tumen.cases.proposal import members_with_persons
    from tumen.cases.tests.conftest import RELOCATION_DETAILS, open_case
    from tumen.people.models import Relation

    dependant, principal, other = register(), register(sex="male"), register()
    relate(principal, "social_relation_korea")
    relate(other, "parent")
    case = open_case(yanji_clerk, "relocation", [principal, dependant, other], RELOCATION_DETAILS)
    kinds = ("social_relation_korea",)

    read = members_with_persons(case.pk, kinds)
    related = Relation.objects.filter(person_id=OuterRef("person_id"), kind__in=kinds)
    expected = list(
        case.members.select_related("person").annotate(has_policy_relation=Exists(related))
    )
    assert [m.pk for m in read] == [m.pk for m in expected]
    assert read[0].person.pk == principal.pk
    for mine, theirs in zip(read, expected, strict=True):
        assert [getattr(mine, f.attname) for f in mine._meta.concrete_fields] == [
            getattr(theirs, f.attname) for f in theirs._meta.concrete_fields
        ]
        fields = theirs.person._meta.concrete_fields
        assert [getattr(mine.person, f.attname) for f in fields] == [
            getattr(theirs.person, f.attname) for f in fields
        ]
        assert mine.person.has_policy_relation == theirs.has_policy_relation
    assert [m.person.has_policy_relation for m in read] == [True, False, False]
    assert not hasattr(members_with_persons(case.pk)[0].person, "has_policy_relation")


def test_nearest_units_reads_what_the_orm_reads(db):
    """NEAREST_UNITS: for every place and every unit kind, the unit the ORM query would pick."""
    from tumen.cases.routing import nearest_units
    from tumen.org.models import Jurisdiction, UnitKind, WorkUnit

    kinds = [kind.value for kind in UnitKind]
    picked = 0
    for place in Jurisdiction.objects.all():
        paths = place.ancestor_paths
        units = WorkUnit.objects.filter(kind__in=kinds, jurisdiction__path__in=paths)
        expected: dict[str, WorkUnit] = {}
        ordered = sorted(
            units.select_related("jurisdiction"),
            key=lambda u: (-u.jurisdiction.path.count("/"), u.code),
        )
        for unit in ordered:
            expected.setdefault(unit.kind, unit)
        read = nearest_units(kinds, paths)
        assert {k: u.pk for k, u in read.items()} == {k: u.pk for k, u in expected.items()}
        for kind, unit in read.items():
            assert unit.jurisdiction.path == expected[kind].jurisdiction.path
            assert unit.name_zh == expected[kind].name_zh
        picked += len(read)
    assert picked > 10
    assert nearest_units([], ["/cn/"]) == {}


def test_get_visible_answers_as_get_for_user(
    yanji_clerk, jilin_security, liaoning_security, central_admin, register, officer
):
    """GET_VISIBLE (a person at intake) sees exactly whom get_for_user sees, and refuses the
    others with the same audited 404, for officials of the county, above it, and elsewhere."""
    import pytest

    from tumen.cases.tests.conftest import RELOCATION_DETAILS, open_case
    from tumen.org.access import NotVisible, get_for_user, get_visible
    from tumen.people.models import Person

    at_home, elsewhere = register(), register(county="longjing")
    abroad = Person.objects.create(name_hangul="박순희", name_latin="PAK SUN HUI", sex="female")
    open_case(yanji_clerk, "relocation", [at_home], RELOCATION_DETAILS)
    officials = [
        yanji_clerk,
        officer("longjing-office", "clerk"),
        jilin_security,
        liaoning_security,
        central_admin,
    ]
    seen = 0
    for official in officials:
        for person in (at_home, elsewhere, abroad):
            try:
                expected = get_for_user(official, Person, pk=person.pk)
            except NotVisible:
                with pytest.raises(NotVisible):
                    get_visible(official, Person, person.pk)
                continue
            read = get_visible(official, Person, person.pk)
            fields = Person._meta.concrete_fields
            assert [getattr(read, f.attname) for f in fields] == [
                getattr(expected, f.attname) for f in fields
            ]
            seen += 1
    assert 3 <= seen < len(officials) * 3
    with pytest.raises(NotVisible):
        get_visible(yanji_clerk, Person, 10**9)


def test_a_submission_after_a_reorganisation_goes_to_the_new_unit(yanji_clerk, household, officer):
    """Routing is remembered per token: a new border-defence unit for Yanji takes the next case."""
    from tumen.cases.models import Clearance
    from tumen.cases.tests.conftest import RELOCATION_DETAILS, open_case, submit
    from tumen.org.models import Jurisdiction, UnitKind, WorkUnit

    first = submit(
        yanji_clerk, open_case(yanji_clerk, "relocation", household[:1], RELOCATION_DETAILS)
    )
    before = Clearance.objects.get(case=first, unit_kind=UnitKind.BORDER_DEFENCE).unit
    yanji = Jurisdiction.objects.get(code="yanji")
    # Same place as Yanji's own unit and first by code: routing picks it from now on.
    nearer = WorkUnit.objects.create(
        code="yanji-aa-border", kind=UnitKind.BORDER_DEFENCE, jurisdiction=yanji
    )
    second = submit(
        yanji_clerk, open_case(yanji_clerk, "relocation", household[1:2], RELOCATION_DETAILS)
    )
    after = Clearance.objects.get(case=second, unit_kind=UnitKind.BORDER_DEFENCE).unit
    assert after == nearer != before
