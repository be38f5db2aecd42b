"""/api/v1/directives: read what is addressed along your line and acknowledge it for your unit."""

from __future__ import annotations

import pytest

from tumen.directives.models import Acknowledgement
from tumen.directives.tests.test_services import CODE_1963
from tumen.tokens.tests.apiclient import Api

pytestmark = pytest.mark.django_db


def test_a_clerk_reads_and_acknowledges_the_1963_directive_once(yanji_clerk):
    clerk = Api(yanji_clerk)
    codes = [d["code"] for d in clerk.get("directives").json()]
    assert CODE_1963 in codes
    directive = clerk.get(f"directives/{CODE_1963}").json()
    assert directive["clauses"]
    assert directive["acknowledgements"] == []

    first = clerk.post(f"directives/{CODE_1963}/acknowledge")
    again = clerk.post(f"directives/{CODE_1963}/acknowledge")
    assert first.status_code == again.status_code == 200
    assert [a["unit"] for a in again.json()["acknowledgements"]] == ["yanji-office"]
    assert Acknowledgement.objects.filter(unit__code="yanji-office").count() == 1


def test_another_provinces_acknowledgements_are_not_shown(yanji_clerk, liaoning_security):
    Api(yanji_clerk).post(f"directives/{CODE_1963}/acknowledge")
    seen = Api(liaoning_security).get(f"directives/{CODE_1963}").json()
    assert seen["acknowledgements"] == []


def test_an_analyst_may_read_but_not_acknowledge(make_official):
    analyst = Api(make_official("t.jilin.analyst", "jilin-committee", "analyst"))
    assert analyst.get(f"directives/{CODE_1963}").status_code == 200
    refused = analyst.post(f"directives/{CODE_1963}/acknowledge")
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"


def test_an_unknown_directive_is_404(yanji_clerk):
    assert Api(yanji_clerk).get("directives/no-such-thing").status_code == 404
