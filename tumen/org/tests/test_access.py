"""The access module as a matrix: who sees which part of the tree, and who may act."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from tumen.org.access import Authority, can_see, get_for_update, get_for_user, scope
from tumen.org.models import Jurisdiction, Official, WorkUnit

# (official fixture, jurisdiction code, visible?)
VISIBILITY = [
    ("yanji_clerk", "yanji", True),
    ("yanji_clerk", "tumen", False),
    ("yanji_clerk", "jilin", False),
    ("yanji_clerk", "liaoning", False),
    ("jilin_security", "jilin", True),
    ("jilin_security", "yanbian", True),
    ("jilin_security", "yanji", True),
    ("jilin_security", "changbai", True),
    ("jilin_security", "liaoning", False),
    ("jilin_security", "dandong", False),
    ("jilin_security", "ne", False),
    ("liaoning_security", "dandong", True),
    ("liaoning_security", "yanji", False),
    ("liaoning_security", "jilin", False),
    ("central_admin", "yanji", True),
    ("central_admin", "inner-mongolia", True),
]


@pytest.mark.parametrize(("who", "code", "visible"), VISIBILITY)
def test_officials_see_their_subtree_and_nothing_else(db, request, who, code, visible):
    official = request.getfixturevalue(who)
    place = Jurisdiction.objects.get(code=code)
    assert can_see(official, place) is visible
    assert scope(WorkUnit.objects.filter(jurisdiction=place), official).exists() is visible
    if visible:
        assert get_for_user(official, Jurisdiction, code=code) == place
    else:
        with pytest.raises(Http404):
            get_for_user(official, Jurisdiction, code=code)


def test_officials_of_other_jurisdictions_are_invisible(jilin_security, liaoning_security):
    visible = set(scope(Official.objects.all(), liaoning_security))
    assert liaoning_security in visible
    assert jilin_security not in visible


def test_scope_of_jilin_is_exactly_its_subtree(jilin_security):
    seen = set(scope(Jurisdiction.objects.all(), jilin_security).values_list("code", flat=True))
    expected = set(
        Jurisdiction.objects.filter(path__startswith="/cn/ne/jilin/").values_list("code", flat=True)
    )
    assert seen == expected
    assert {"jilin", "yanbian", "yanji"} <= seen


def test_anonymous_and_unattached_officials_see_nothing(db):
    stranger = Official.objects.create_user(username="no.unit", password="x" * 16)
    assert not scope(Jurisdiction.objects.all(), stranger).exists()
    assert not scope(Jurisdiction.objects.all(), AnonymousUser()).exists()


def test_inactive_official_sees_nothing(yanji_clerk):
    yanji_clerk.is_active = False
    assert not scope(Jurisdiction.objects.all(), yanji_clerk).exists()


def test_get_for_update_needs_the_role(jilin_security):
    with transaction.atomic():
        unit = get_for_update(
            jilin_security, WorkUnit, action=Authority(("clearing_officer",)), code="yanji-security"
        )
        assert unit.code == "yanji-security"
    with pytest.raises(PermissionDenied), transaction.atomic():
        get_for_update(
            jilin_security, WorkUnit, action=Authority(("approver",)), code="yanji-security"
        )


def test_get_for_update_outside_jurisdiction_is_the_shared_404(liaoning_security):
    with pytest.raises(Http404), transaction.atomic():
        get_for_update(
            liaoning_security,
            WorkUnit,
            action=Authority(("clearing_officer",)),
            code="yanji-security",
        )


def test_get_for_update_insists_on_a_transaction(committed_db, jilin_security):
    with pytest.raises(RuntimeError, match="atomic"):
        get_for_update(
            jilin_security, WorkUnit, action=Authority(("clearing_officer",)), code="jilin-security"
        )


def test_a_model_without_a_rule_is_refused_loudly(jilin_security):
    from tumen.org.models import RoleGrant

    with pytest.raises(LookupError, match="No access rule"):
        scope(RoleGrant.objects.all(), jilin_security)
