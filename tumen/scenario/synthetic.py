"""Synthetic people for the demo: Korean names in Hangul, Chinese characters and Latin letters.

A name is a common surname and one or two given-name syllables, each syllable carried in the
three scripts together, so that 김철수 is always 金哲洙 and Kim Chol Su. Spellings are those of
Yanbian and the North (리 not 이, 로 not 노; Latin after McCune–Reischauer without its marks);
the characters are the simplified ones in Yanbian's records. Given names are drawn from
syllables usual for men or for women of the generation born between the 1900s and the 1960s.

Everything here is plain Python and deterministic for a `random.Random` seed, so the demo adds
the same people on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Syllable:
    hangul: str
    hanzi: str
    latin: str


def _syllables(*triples: str) -> tuple[Syllable, ...]:
    return tuple(Syllable(*triple.split()) for triple in triples)


SURNAMES = _syllables(
    "김 金 Kim",
    "리 李 Ri",
    "박 朴 Pak",
    "최 崔 Choe",
    "정 郑 Jong",
    "강 姜 Kang",
    "조 赵 Jo",
    "윤 尹 Yun",
    "장 张 Jang",
    "림 林 Rim",
    "한 韩 Han",
    "신 申 Sin",
    "오 吴 O",
    "서 徐 So",
    "권 权 Kwon",
    "황 黄 Hwang",
    "안 安 An",
    "송 宋 Song",
    "전 全 Jon",
    "홍 洪 Hong",
    "문 文 Mun",
    "허 许 Ho",
    "남 南 Nam",
    "로 卢 Ro",
    "방 方 Pang",
)
# Given names: a first syllable and (mostly) a second, by the sex names were usually given to.
GIVEN = {
    "male": (
        _syllables(
            "철 哲 Chol",
            "영 永 Yong",
            "광 光 Kwang",
            "명 明 Myong",
            "성 成 Song",
            "정 正 Jong",
            "룡 龙 Ryong",
            "학 学 Hak",
            "동 东 Tong",
            "춘 春 Chun",
            "경 京 Kyong",
            "만 万 Man",
            "창 昌 Chang",
            "봉 奉 Pong",
        ),
        _syllables(
            "수 洙 Su",
            "호 浩 Ho",
            "남 男 Nam",
            "일 日 Il",
            "혁 赫 Hyok",
            "국 国 Kuk",
            "석 石 Sok",
            "진 珍 Jin",
            "길 吉 Kil",
            "준 俊 Jun",
            "식 植 Sik",
            "환 焕 Hwan",
        ),
    ),
    "female": (
        _syllables(
            "영 英 Yong",
            "순 顺 Sun",
            "옥 玉 Ok",
            "정 贞 Jong",
            "춘 春 Chun",
            "금 锦 Kum",
            "명 明 Myong",
            "혜 惠 Hye",
            "은 银 Un",
            "선 善 Son",
            "경 京 Kyong",
            "복 福 Pok",
        ),
        _syllables(
            "희 姬 Hui",
            "숙 淑 Suk",
            "자 子 Ja",
            "화 花 Hwa",
            "녀 女 Nyo",
            "실 实 Sil",
            "란 兰 Ran",
            "애 爱 Ae",
            "미 美 Mi",
            "옥 玉 Ok",
            "심 心 Sim",
        ),
    ),
}
# Places in Korea where relatives live and households go: (Hangul, Latin).
PLACES_IN_KOREA = (
    ("평양", "Pyongyang"),
    ("청진", "Chongjin"),
    ("함흥", "Hamhung"),
    ("신의주", "Sinuiju"),
    ("혜산", "Hyesan"),
    ("회령", "Hoeryong"),
    ("남양", "Namyang"),
    ("원산", "Wonsan"),
    ("강계", "Kanggye"),
    ("무산", "Musan"),
)


@dataclass(frozen=True)
class Name:
    hangul: str
    hanzi: str
    latin: str

    def __str__(self) -> str:
        return f"{self.hangul} ({self.latin})"


def korean_name(rng: random.Random, sex: str, surname: Syllable | None = None) -> Name:
    """A name for a person of `sex` ("male" or "female"), with `surname` or a drawn one."""
    family = surname or rng.choice(SURNAMES)
    first, second = GIVEN[sex]
    given = [rng.choice(first)]
    if rng.random() < 0.85:  # most given names have two syllables
        given.append(rng.choice(second))
    return Name(
        hangul=family.hangul + "".join(s.hangul for s in given),
        hanzi=family.hanzi + "".join(s.hanzi for s in given),
        latin=" ".join([family.latin, *(s.latin for s in given)]),
    )
