"""The reference-data token (tumen.org.reference): every change to a reference table renews it,
so that what a process remembered under the old token is never used again."""

from __future__ import annotations

from django.db import connection

from tumen.authorizations.models import CrossingPoint
from tumen.org import reference
from tumen.org.models import Jurisdiction, ReferenceToken, UnitKind, WorkUnit
from tumen.policy.models import PolicyPack


def _token() -> str:
    with connection.cursor() as cursor:
        cursor.execute(reference.TOKEN_SQL.strip("()"))
        return cursor.fetchone()[0]


def _changes():
    yanji = Jurisdiction.objects.get(code="yanji")
    yield (
        "insert a unit",
        lambda: WorkUnit.objects.create(
            code="yanji-bd-2", kind=UnitKind.BORDER_DEFENCE, jurisdiction=yanji, name_en="Second"
        ),
    )
    yield "rename a unit", lambda: WorkUnit.objects.filter(code="yanji-bd-2").update(name_en="2")
    yield "delete a unit", lambda: WorkUnit.objects.filter(code="yanji-bd-2").delete()
    yield "rename a place", lambda: Jurisdiction.objects.filter(pk=yanji.pk).update(name_en="Y")
    yield (
        "move a crossing",
        lambda: CrossingPoint.objects.filter(pk=CrossingPoint.objects.first().pk).update(
            jurisdiction=yanji
        ),
    )
    yield "deactivate packs", lambda: PolicyPack.objects.update(active=False)


def test_every_change_to_reference_data_renews_the_token(db):
    assert ReferenceToken.objects.count() == 1
    seen = {_token()}
    for what, change in _changes():
        change()
        token = _token()
        assert token not in seen, what
        seen.add(token)


def test_other_tables_leave_the_token_alone(db, yanji_clerk):
    before = _token()
    yanji_clerk.first_name = "Changed"
    yanji_clerk.save()
    assert _token() == before


def test_remembered_derives_once_per_token():
    calls = []

    def derive():
        calls.append(1)
        return len(calls)

    assert reference.remembered("t1", "k", derive) == 1
    assert reference.remembered("t1", "k", derive) == 1
    assert reference.remembered("t2", "k", derive) == 2
    assert reference.remembered(None, "k", derive) == 3
    assert reference.remembered(None, "k", derive) == 4
    assert reference.remembered("t2", "k", derive) == 2
