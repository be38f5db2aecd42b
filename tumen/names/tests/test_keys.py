"""Name keys: one person's name in every script meets on a common key; the libraries' known traps
are corrected by the table."""

import pytest

from tumen.names import korean_reading, name_keys, pinyin_name, script_of
from tumen.names.keys import initial_sound_rule, pinyin, sino_korean

SPELLINGS_OF_KIM_YONG_CHOL = [
    "김영철",
    "金永哲",
    "Kim Yong Chol",
    "Gim Yeongcheol",
    "KIM YOUNG CHUL",
    "Yong Chol Kim",
    "Kim Yŏng-ch'ŏl",
    "김 영철",
]


@pytest.mark.parametrize("spelling", SPELLINGS_OF_KIM_YONG_CHOL)
def test_every_spelling_of_one_name_shares_a_pair_key_with_the_hangul(spelling):
    assert name_keys("김영철").pairs & name_keys(spelling).pairs


def test_pinyin_meets_the_chinese_characters_and_not_the_korean_reading():
    assert name_keys("JIN YONGZHE").pairs & name_keys("金永哲").pairs
    assert not name_keys("JIN YONGZHE").pairs & name_keys("김영철").pairs
    assert name_keys("JIN YONGZHE").surnames & name_keys("김영철").surnames


def test_simplified_and_traditional_characters_agree():
    assert name_keys("鄭龍浩").pairs == name_keys("郑龙浩").pairs


@pytest.mark.parametrize(
    ("north", "south"),
    [("리영철", "이영철"), ("류성룡", "유성룡"), ("로동철", "노동철"), ("림순희", "임순희")],
)
def test_the_initial_sound_rule_both_ways(north, south):
    assert name_keys(north).pairs == name_keys(south).pairs
    assert name_keys(north).pairs & name_keys("Ri Yong Chol" if north == "리영철" else south).pairs


def test_the_rule_applies_to_the_start_of_the_given_name_only():
    assert initial_sound_rule("룡철") == "용철"
    assert initial_sound_rule("녀") == "여"
    assert initial_sound_rule("로") == "노"
    assert name_keys("김룡철").pairs == name_keys("김용철").pairs
    assert name_keys("Kim Ryong Chol").pairs & name_keys("김용철").pairs


def test_trap_hanja_reads_the_surname_jin_as_geum():
    assert sino_korean("金") == "금"  # the library's one reading
    assert korean_reading("金永哲") == "김영철"
    assert "김" in name_keys("金永哲").surnames
    assert "금" not in name_keys("金永哲").surnames


def test_trap_pypinyin_reads_piao_as_pu_and_shan_as_dan():
    assert pinyin("朴") == "pu"
    assert pinyin("单") == "dan"
    assert pinyin_name("朴永哲") == "Piao Yongzhe"
    assert pinyin_name("单永") == "Shan Yong"
    assert name_keys("Piao Yongzhe").pairs & name_keys("朴永哲").pairs
    assert name_keys("单永").surnames <= name_keys("Shan Yong").surnames


def test_other_surname_readings_the_libraries_get_wrong():
    assert pinyin("都") == "dou"
    assert pinyin_name("都永") == "Du Yong"
    assert korean_reading("李龍") == "이용"


def test_compound_surnames_stay_whole():
    assert name_keys("南宮民").surnames == {"남궁"}
    assert name_keys("남궁민").surnames == {"남궁"}
    assert name_keys("Namkoong Min").pairs & name_keys("남궁민").pairs


def test_different_names_do_not_share_a_pair():
    assert not name_keys("김영철").pairs & name_keys("김영수").pairs
    assert not name_keys("김영철").pairs & name_keys("박영철").pairs
    assert not name_keys("Kim Yong Chol").pairs & name_keys("Pak Yong Chol").pairs


def test_a_cell_in_another_script_than_its_column_is_read_by_its_letters():
    assert script_of("金永哲") == "hanzi"
    assert script_of("김영철") == "hangul"
    assert script_of("Kim Yŏng-ch'ŏl") == "latin"
    assert script_of("  ") == ""
    assert name_keys("", "김영철", "").pairs == name_keys("김영철").pairs


def test_explanations_name_the_script_of_a_key():
    keys = name_keys("金永哲", "Kim Yong Chol")
    assert keys.script_of_key("김|k:yongjol") == "hanzi+latin"
    assert keys.script_of_key("김|p:yongzhe") == "hanzi"


def test_blank_and_punctuation_only_cells_give_no_keys():
    assert not name_keys("", " ", "--").pairs
