"""The shipped 1963 scenario, as loaded into the test database by tumen/conftest.py."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from tumen.directives.models import Directive
from tumen.org.models import Jurisdiction, Role, UnitKind, WorkUnit
from tumen.scenario.loader import shipped_path

PROVINCES = ["jilin", "heilongjiang", "liaoning", "inner-mongolia"]
YANBIAN_COUNTIES = ["yanji", "tumen", "longjing", "hunchun", "helong", "wangqing", "antu"]
CLEARING_KINDS = [
    UnitKind.PUBLIC_SECURITY,
    UnitKind.FOREIGN_AFFAIRS,
    UnitKind.BORDER_DEFENCE,
    UnitKind.CUSTOMS,
]


# The body of the instruction in the English translation (shared/seed), white space collapsed.
SOURCE_TEXT = (
    "As the international revisionists line up with the imperialists and reactionaries to "
    "oppose China and the world’s people, the Korean [Workers’] Party is standing firmly with "
    "us. We are loyal comrades in arms, and the relations between our two countries are "
    "excellent—it is [a relationship] of mutual assistance. Therefore, when we handle issues "
    "related to [North] Korea, we should take them seriously. We must handle these issues well "
    "and we cannot make mistakes. The counties and districts and foreign affairs, public "
    "security, border defense and customs work units where ethnic Koreans and Korean immigrants"
    " live should strengthen education about proletarian internationalism and Sino-Korean "
    "friendship. If ethnic Koreans have social relations with [North] Korea and they have "
    "applied to participate in the development of [North] Korea, then in general we should "
    "allow them to move and reside in [North] Korea. We will not make additional restrictions. "
    "As for the [North] Korean nationals who requested to return to [North] Korea, we will "
    "approve each of these requests. Regarding the [North] Korean request for travel "
    "authorizations for family members who are related to officers of the Korean People’s Army "
    "and who are also Chinese nationals or residents in China: we should actively implement the"
    " instructions from the State Council’s Foreign Affairs Telegram 182. Quickly go through "
    "the procedures so that they [the family members] can take their trip as soon as possible. "
    "Please report back immediately on the current situation and [any] existing issues."
)


def shipped() -> dict:
    return yaml.safe_load(shipped_path("1963").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("code", "path"),
    [
        ("cn", "/cn/"),
        ("ne", "/cn/ne/"),
        ("nc", "/cn/nc/"),
        ("inner-mongolia", "/cn/nc/inner-mongolia/"),
        ("yanbian", "/cn/ne/jilin/yanbian/"),
        ("yanji", "/cn/ne/jilin/yanbian/yanji/"),
        ("changbai", "/cn/ne/jilin/tonghua/changbai/"),
        ("kuandian", "/cn/ne/liaoning/dandong/kuandian/"),
        ("ningan", "/cn/ne/heilongjiang/mudanjiang/ningan/"),
    ],
)
def test_the_tree_puts_each_place_under_its_bureau_and_province(db, code, path):
    assert Jurisdiction.objects.get(code=code).path == path


def test_the_yanbian_counties_are_counties_of_yanbian(db):
    counties = Jurisdiction.objects.filter(parent__code="yanbian", level="county")
    assert set(YANBIAN_COUNTIES) <= set(counties.values_list("code", flat=True))


def test_every_jurisdiction_has_three_names_and_the_yanbian_korean_forms(db):
    assert not Jurisdiction.objects.filter(name_ko="").exists()
    assert not Jurisdiction.objects.filter(name_en="").exists()
    korean = dict(Jurisdiction.objects.values_list("code", "name_ko"))
    assert [korean[c] for c in ["yanji", "longjing", "dandong", "mudanjiang"]] == [
        "연길",
        "룡정",
        "단동",
        "목단강",
    ]


def test_inner_mongolia_has_a_prefecture_and_a_county(db):
    prefectures = Jurisdiction.objects.filter(parent__code="inner-mongolia", level="prefecture")
    assert prefectures.exists()
    assert Jurisdiction.objects.filter(parent__in=prefectures, level="county").exists()


def test_the_centre_bureaus_and_provinces_have_party_committees(db):
    for code in ["cn", "ne", "nc", *PROVINCES]:
        unit = WorkUnit.objects.get(code=f"{code}-committee")
        assert (unit.kind, unit.jurisdiction.code) == (UnitKind.PARTY_COMMITTEE, code)


@pytest.mark.parametrize("province", PROVINCES)
def test_every_province_has_public_security_and_foreign_affairs(db, province):
    assert WorkUnit.objects.get(code=f"{province}-security").kind == UnitKind.PUBLIC_SECURITY
    assert WorkUnit.objects.get(code=f"{province}-foreign").kind == UnitKind.FOREIGN_AFFAIRS


def nearest_unit(county: Jurisdiction, kind: str) -> WorkUnit | None:
    """The routing rule the file documents: the nearest unit of a kind at or above the county."""
    units = WorkUnit.objects.filter(kind=kind, jurisdiction__path__in=county.ancestor_paths)
    return units.order_by("-jurisdiction__path").first()


def test_every_county_has_an_office_and_reaches_all_four_clearing_kinds(db):
    counties = Jurisdiction.objects.filter(level="county")
    assert counties.count() >= 10
    for county in counties:
        office = WorkUnit.objects.get(code=f"{county.code}-office")
        assert office.kind == UnitKind.COUNTY_OFFICE
        assert office.jurisdiction == county
        for kind in CLEARING_KINDS:
            assert nearest_unit(county, kind) is not None, (county.code, kind)


@pytest.mark.parametrize(
    ("county", "kind", "expected"),
    [
        ("yanji", UnitKind.BORDER_DEFENCE, "yanji-border"),
        ("tumen", UnitKind.CUSTOMS, "tumen-customs"),
        ("kuandian", UnitKind.CUSTOMS, "kuandian-customs"),
        ("wangqing", UnitKind.BORDER_DEFENCE, "yanbian-border"),
        ("ningan", UnitKind.CUSTOMS, "mudanjiang-customs"),
        ("yanji", UnitKind.PUBLIC_SECURITY, "yanji-security"),
    ],
)
def test_clearances_route_to_the_county_unit_or_the_one_above_it(db, county, kind, expected):
    assert nearest_unit(Jurisdiction.objects.get(code=county), kind).code == expected


def test_the_1963_directive_is_issued_by_the_centre_to_the_northeast_and_inner_mongolia(db):
    directive = Directive.objects.get(code="cc-1963-08-08")
    assert directive.issued_by.code == "cn"
    assert directive.issued_on == dt.date(1963, 8, 8)
    assert directive.title_en.startswith("Instructions from the CCP Central Committee")
    addressees = {(a.jurisdiction.code, a.unit.code) for a in directive.addressees.all()}
    assert addressees == {
        (code, f"{code}-committee")
        for code in ["ne", "jilin", "heilongjiang", "liaoning", "nc", "inner-mongolia"]
    }


def test_the_1963_directive_has_eight_numbered_clauses_in_three_languages(db):
    directive = Directive.objects.get(code="cc-1963-08-08")
    clauses = list(directive.clauses.order_by("number"))
    assert [(c.number, c.clause_id) for c in clauses] == [(n, f"cc1963.{n}") for n in range(1, 9)]
    assert all(c.text_zh and c.text_ko and c.text_en for c in clauses)
    assert clauses[3].text_en == "We will not make additional restrictions."
    assert "Telegram 182" in clauses[5].text_en
    assert directive.report_back_required
    assert directive.report_back_clause.clause_id == "cc1963.8"


def test_the_english_clauses_are_the_source_text_verbatim(db):
    clauses = Directive.objects.get(code="cc-1963-08-08").clauses.order_by("number")
    assert " ".join(clause.text_en for clause in clauses) == SOURCE_TEXT


def test_demo_officials_cover_every_role_in_jilin_and_in_liaoning(db):
    units = {u.code: u.jurisdiction.path for u in WorkUnit.objects.select_related("jurisdiction")}
    held: dict[str, set[str]] = {"jilin": set(), "liaoning": set()}
    for official in shipped()["demo_officials"]:
        codes = units[official["unit"]].strip("/").split("/")  # cn, bureau, province, ...
        if len(codes) > 2:
            held.setdefault(codes[2], set()).update(official["roles"])
    assert held["jilin"] == set(Role.values)
    assert held["liaoning"] == set(Role.values)


def test_the_named_demo_logins_sit_in_the_units_the_cast_expects(db):
    officials = {o["username"]: (o["unit"], o["roles"]) for o in shipped()["demo_officials"]}
    assert officials["yanji.clerk"] == ("yanji-office", ["clerk"])
    assert officials["yanji.approver"] == ("yanji-office", ["approver"])
    assert officials["jilin.security"] == ("jilin-security", ["clearing_officer"])
    assert officials["liaoning.security"] == ("liaoning-security", ["clearing_officer"])
    assert officials["central.admin"] == ("cn-committee", ["administrator"])
    assert officials["tumen.checkpoint"][1] == ["checkpoint_officer"]
    for kind in ["security", "foreign", "border", "customs"]:
        assert officials[f"yanji.{kind}"] == (f"yanji-{kind}", ["clearing_officer"])
