"""The model's comparison levels (date tolerances, names across scripts) and the promise that the
online matcher and Splink score every pair alike."""

from __future__ import annotations

import datetime
import itertools

import pytest

from tumen.people.linkage import bulk, model
from tumen.people.linkage.features import features, lunar_reading
from tumen.people.linkage.synthetic import Generator

BORN = datetime.date(1970, 3, 15)


def person(date, names=("金永哲",), sex="M", rid="a"):
    return features(record_id=rid, names=names, birth_date=date, sex=sex)


def birth_level(a, b):
    _p, agreements = model.score(person(a), person(b, rid="b"))
    return next(x.label for x in agreements if x.comparison == "birth_date")


@pytest.mark.parametrize(
    ("other", "level"),
    [
        (BORN, "same day"),
        (datetime.date(1970, 2, 8), "lunar and solar"),  # 1970-03-15 is lunar 2/8
        (datetime.date(1970, 3, 16), "one digit differs"),
        # A year apart is the more telling level when it is also one digit.
        (datetime.date(1971, 3, 15), "a year apart"),
        (datetime.date(1969, 3, 15), "a year apart"),
        (datetime.date(1980, 3, 15), "one digit differs"),
        (datetime.date(1970, 8, 15), "one digit differs"),
        (datetime.date(1972, 7, 1), "else"),
        (None, "null"),
    ],
)
def test_birth_date_tolerances(other, level):
    assert birth_level(BORN, other) == level


def test_day_and_month_swapped():
    assert (
        birth_level(datetime.date(1970, 3, 11), datetime.date(1970, 11, 3))
        == "day and month swapped"
    )
    # The same day and month cannot be swapped.
    assert birth_level(datetime.date(1970, 3, 3), datetime.date(1970, 3, 3)) == "same day"


def test_lunar_reading():
    assert lunar_reading(BORN) == datetime.date(1970, 2, 8)
    assert lunar_reading(datetime.date(1948, 3, 12)) == datetime.date(1948, 2, 2)


def test_tolerated_errors_still_match_and_unrelated_people_do_not():
    same = person(BORN, ("김영철", "Kim Yong Chol"))
    assert model.score(person(BORN), same)[0] > 0.95
    assert model.score(person(datetime.date(1970, 2, 8)), same)[0] > 0.5
    other = person(BORN, ("김순희",), "F", "b")
    assert model.score(person(BORN), other)[0] < model.INTAKE_THRESHOLD


def test_the_online_matcher_and_splink_give_every_pair_the_same_probability():
    records = [
        features(
            record_id=r["record_id"],
            names=(r["name_hangul"], r["name_hanzi"], r["name_latin"]),
            birth_date=datetime.date.fromisoformat(r["birth_date"]) if r["birth_date"] else None,
            sex=r["sex"],
            id_number=r["id_number"],
        )
        for r, _pid in itertools.islice(Generator(seed=3).register(2000), 2000)
    ]
    result, _linker = bulk.dedupe(bulk.table(records), keep_pairs=True)
    by_id = {f.record_id: f for f in records}
    weights = model.weights(len(records))
    pairs = result.blocked_pairs.select("unique_id_l, unique_id_r, match_probability").fetchall()
    assert len(pairs) > 100
    for left, right, probability in pairs:
        online, _agreements = model.score(by_id[left], by_id[right], weights)
        assert online == pytest.approx(probability, rel=1e-6, abs=1e-9), (left, right)


def test_the_shipped_lunar_table_agrees_with_the_calendar_library():
    import random

    from tumen.people.linkage.features import _lunar_of

    rng = random.Random(7)
    for _ in range(500):
        day = datetime.date(1900, 1, 1) + datetime.timedelta(days=rng.randrange(150 * 365))
        y, m, d = _lunar_of(day)
        try:
            expected = datetime.date(y, m, d)
        except ValueError:
            expected = None
        assert lunar_reading(day) == expected, day


def given_level(a, b):
    _p, agreements = model.score(person(BORN, a), person(BORN, b, rid="b"))
    return next(x.label for x in agreements if x.comparison == "given")


@pytest.mark.parametrize(
    ("pinyin", "korean"),
    [
        ("JIN YINCHENG", "김은성"),  # 銀成 / 殷誠 …: yin is 은, cheng is 성
        ("Jin Taizheng", "GIM TAEJEONG"),  # 泰正: a Korean romanization, not Hangul
        ("Li Xianzhe", "이현철"),  # 賢哲
    ],
)
def test_a_pinyin_only_name_is_compared_with_a_korean_only_name_through_the_characters(
    pinyin, korean
):
    assert given_level((pinyin,), (korean,)) == "a Korean reading that fits the Pinyin"


def test_a_korean_name_that_no_character_reads_as_the_pinyin_does_not_fit():
    # 순희 cannot be written with characters read yin and cheng.
    assert given_level(("JIN YINCHENG",), ("김순희",)) == "else"


def test_the_same_characters_say_more_than_the_same_reading():
    assert given_level(("金永哲",), ("金永哲",)) == "the same characters"
    # Homophones: 永 and 英 both read 영; without characters on one side, a common key.
    assert given_level(("金永哲",), ("金英哲",)) == "the same reading, other characters"
    assert given_level(("金永哲",), ("김영철",)) == "a common given-name key"


def test_a_wrong_letter_in_hangul_is_one_letter_apart():
    assert given_level(("이철호",), ("이철혜",)) == "Korean readings one letter apart"
    assert given_level(("李哲浩",), ("이철혜",)) == "Korean readings one letter apart"


def test_other_cells_decide_which_latin_reading_holds():
    # "Kim Kil Yong" could be Kil Yong Kim or Kim Kil of the Yong family; 金吉英 says which.
    keys = features(record_id="a", names=("金吉英", "Kim Kil Yŏng"), birth_date=None).given
    assert "k:gimgil" not in keys
    # Pinyin beside the characters is not also read as a Korean romanization.
    keys = features(record_id="a", names=("金诚炳", "Jin Chengbing"), birth_date=None).given
    assert keys == {"k:songbyong", "p:chengbing"}


def test_a_lunar_birthday_read_in_the_year_before_is_still_blocked():
    solar = person(datetime.date(1959, 1, 25), ("김성병",))
    lunar = person(datetime.date(1958, 12, 17), ("김성병",), rid="b")  # 1959-01-25 is lunar 12/17
    assert set(bulk.pair_years(solar)) & set(bulk.pair_years(lunar))


def test_clustering_does_not_chain_two_persons_through_one_doubtful_pair():
    # a1-a2 and b1-b2 are two persons; a2 and b1 are namesakes a digit apart (0.6), and the
    # other cross pairs were scored low or never blocked.
    pairs = [
        ("a1", "a2", 0.99),
        ("b1", "b2", 0.98),
        ("a2", "b1", 0.6),
        ("a1", "b1", 0.05),
    ]
    clusters = bulk.average_link_clusters(pairs, threshold=0.5, link=0.4)
    assert clusters == {"a1": "a1", "a2": "a1", "b1": "b1", "b2": "b1"}
    # Connected components would have made one person of the four.
    assert len(set(clusters.values())) == 2


def test_clustering_joins_a_group_whose_records_agree_and_a_doubtful_pair_alone():
    pairs = [
        ("c1", "c2", 0.9),
        ("c2", "c3", 0.7),
        ("c1", "c3", 0.2),  # below the threshold, yet the group's mean is above the link
        ("d1", "d2", 0.55),  # two records alone: joined as connected components join them
        ("e1", "e2", 0.45),  # below the threshold: not joined
    ]
    clusters = bulk.average_link_clusters(pairs, threshold=0.5, link=0.4)
    assert clusters["c1"] == clusters["c2"] == clusters["c3"] == "c1"
    assert clusters["d1"] == clusters["d2"] == "d1"
    assert "e1" not in clusters
    assert "e2" not in clusters
