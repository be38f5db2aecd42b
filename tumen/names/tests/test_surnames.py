"""The curated surname table, read both ways: characters → spellings and spellings → characters."""

import pytest

from tumen.names import surnames
from tumen.names.keys import initial_sound_rule, korean_skeleton, name_keys

ROWS = surnames.SURNAMES


def test_the_table_holds_at_least_the_hundred_commonest_surnames():
    assert len(ROWS) >= 100
    assert len({row.traditional for row in ROWS}) == len(ROWS)
    for common in "金李朴崔鄭姜趙尹張林韓吳徐申權黃安宋柳全洪高文梁孫":
        assert surnames.by_hanzi(common) is not None, common


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.traditional)
def test_characters_lead_to_every_spelling(row):
    """Traditional and simplified characters name the same surname; its code is its South Hangul,
    which the North spelling reaches by the initial-sound rule."""
    assert surnames.by_hanzi(row.traditional).code == row.code
    assert surnames.by_hanzi(row.simplified).code == row.code
    assert initial_sound_rule(row.hangul_north) == row.hangul_south
    assert row.code in name_keys(row.traditional + "哲").surnames
    assert row.code in name_keys(row.simplified + "哲").surnames


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.traditional)
def test_every_spelling_leads_back_to_the_surname(row):
    for hangul in (row.hangul_south, row.hangul_north):
        assert row.code in {s.code for s in surnames.by_hangul(hangul)}
        assert row.code in name_keys(hangul + "철").surnames
    for spelling in (row.pinyin, row.rr, row.mr, *row.passport):
        assert row.code in surnames.codes_for_latin(spelling), spelling
        assert row.code in name_keys(f"{spelling} Chol").surnames, spelling


@pytest.mark.parametrize(
    ("spelling", "codes"),
    [
        ("Kim", {"김"}),
        ("Gim", {"김"}),
        ("Jin", {"김", "진"}),
        ("Lee", {"이"}),
        ("Rhee", {"이"}),
        ("Ri", {"이"}),
        ("Park", {"박"}),
        ("Piao", {"박"}),
        ("Choi", {"최"}),
        ("Cui", {"최"}),
        ("Ch'oe", {"최"}),
    ],
)
def test_latin_spellings_named_in_the_issue(spelling, codes):
    assert surnames.codes_for_latin(spelling) >= codes
    assert "최" not in surnames.codes_for_latin("Kim")


def test_mccune_reischauer_breves_and_apostrophes_are_folded():
    assert surnames.latin_token("Ch'ŏng") == "chong"
    assert korean_skeleton("Yŏng-ch'ŏl") == korean_skeleton("Yeongcheol")
