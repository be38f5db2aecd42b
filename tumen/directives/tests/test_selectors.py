"""Directive reads: what each official of the cast sees, and in how many queries."""

from __future__ import annotations

import pytest
from django.http import Http404

from tumen.directives.selectors import directive_for_official, directive_list_for_official
from tumen.directives.services import directive_acknowledge
from tumen.directives.tests.factories import make_directive

CODE_1963 = "cc-1963-08-08"


def codes(directives):
    return {d.code for d in directives}


def test_directives_reach_down_and_up_the_line_but_not_across(
    yanji_clerk, jilin_security, liaoning_security, central_admin
):
    make_directive("jl-only", issued_by="jilin", addressed_to=["jilin"])
    make_directive("yb-only", issued_by="jilin", addressed_to=["yanbian"])

    assert codes(directive_list_for_official(official=yanji_clerk)) == {
        CODE_1963,
        "jl-only",
        "yb-only",
    }
    assert codes(directive_list_for_official(official=jilin_security)) == {
        CODE_1963,
        "jl-only",
        "yb-only",
    }
    assert codes(directive_list_for_official(official=liaoning_security)) == {CODE_1963}
    assert codes(directive_list_for_official(official=central_admin)) == {
        CODE_1963,
        "jl-only",
        "yb-only",
    }


def test_a_directive_addressed_to_several_lines_is_listed_once(jilin_security):
    listed = directive_list_for_official(official=jilin_security)

    assert [d.code for d in listed].count(CODE_1963) == 1


def test_the_list_says_whether_the_officials_own_unit_acknowledged(yanji_clerk, jilin_security):
    directive_acknowledge(official=jilin_security, directive_code=CODE_1963)

    (for_yanji,) = directive_list_for_official(official=yanji_clerk)
    (for_jilin,) = directive_list_for_official(official=jilin_security)

    assert not for_yanji.acknowledged_by_my_unit
    assert for_jilin.acknowledged_by_my_unit


def test_the_clauses_come_in_order(yanji_clerk):
    (directive,) = directive_list_for_official(official=yanji_clerk)

    assert [c.clause_id for c in directive.clauses.all()] == [f"cc1963.{n}" for n in range(1, 9)]


def test_acknowledgements_shown_are_those_of_units_in_the_officials_subtree(
    yanji_clerk, jilin_security, liaoning_security
):
    for official in (yanji_clerk, jilin_security, liaoning_security):
        directive_acknowledge(official=official, directive_code=CODE_1963)

    def units_seen_by(official):
        directive = directive_for_official(official=official, code=CODE_1963)
        return {a.unit.code for a in directive.visible_acknowledgements}

    assert units_seen_by(yanji_clerk) == {"yanji-office"}
    assert units_seen_by(jilin_security) == {"jilin-security", "yanji-office"}
    assert units_seen_by(liaoning_security) == {"liaoning-security"}


def test_one_directive_is_missing_or_not_yours_alike(liaoning_security):
    make_directive("jl-only", issued_by="jilin", addressed_to=["jilin"])

    with pytest.raises(Http404) as not_yours:
        directive_for_official(official=liaoning_security, code="jl-only")
    with pytest.raises(Http404) as missing:
        directive_for_official(official=liaoning_security, code="no-such-directive")

    assert str(not_yours.value) == str(missing.value)
