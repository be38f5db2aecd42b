"""The curated table of Korean surnames, the correction the libraries need.

`hanja` gives one reading per character (金 → 금, where the surname is 김) and `pypinyin` reads some
surname characters as their common word (朴 → pu, 单 → dan, 都 → dou); a surname is read from this
table first and from the libraries only when it is not here.

One line per surname: traditional | simplified | South Hangul | North Hangul | Pinyin | Revised
Romanization | McCune-Reischauer | common passport spellings (comma-separated). The rows follow the
order of frequency of the South Korean census, with the Chinese-Korean surnames of Yanbian added.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

_TABLE = """
金|金|김|김|jin|Gim|Kim|Kim,Gim,Ghim,Kym,Keem
李|李|이|리|li|I|Yi|Lee,Yi,Rhee,Ri,Rhie,Ree,Leigh,Li,I,Yie
朴|朴|박|박|piao|Bak|Pak|Park,Pak,Bak,Bahk,Pag
崔|崔|최|최|cui|Choe|Ch'oe|Choi,Choe,Chwe,Choy,Chey
鄭|郑|정|정|zheng|Jeong|Chŏng|Jung,Jeong,Chung,Chong,Joung,Jong
姜|姜|강|강|jiang|Gang|Kang|Kang,Gang,Khang
趙|赵|조|조|zhao|Jo|Cho|Cho,Jo,Joe,Choh,Jho
尹|尹|윤|윤|yin|Yun|Yun|Yoon,Yun,Youn,Youn
張|张|장|장|zhang|Jang|Chang|Jang,Chang,Jhang
林|林|임|림|lin|Im|Im|Lim,Im,Rim,Yim,Lym
韓|韩|한|한|han|Han|Han|Han,Hahn
吳|吴|오|오|wu|O|O|Oh,O,Oe
徐|徐|서|서|xu|Seo|Sŏ|Seo,Suh,So,Su,Seoh
申|申|신|신|shen|Sin|Sin|Shin,Sin,Sheen,Shinn
權|权|권|권|quan|Gwon|Kwŏn|Kwon,Gwon,Kwun,Kweon
黃|黄|황|황|huang|Hwang|Hwang|Hwang,Whang
安|安|안|안|an|An|An|Ahn,An,Ahnn
宋|宋|송|송|song|Song|Song|Song,Soung,Sung
柳|柳|유|류|liu|Yu|Yu|Yoo,Yu,Ryu,Ryoo,Rew,Lyu,You
全|全|전|전|quan|Jeon|Chŏn|Jeon,Jun,Chun,Chon,Jeun
洪|洪|홍|홍|hong|Hong|Hong|Hong,Houng
高|高|고|고|gao|Go|Ko|Ko,Go,Koh,Goh
文|文|문|문|wen|Mun|Mun|Moon,Mun,Mon
梁|梁|양|량|liang|Yang|Yang|Yang,Ryang,Lyang
孫|孙|손|손|sun|Son|Son|Son,Sohn
裵|裴|배|배|pei|Bae|Pae|Bae,Pae,Bai,Bea
白|白|백|백|bai|Baek|Paek|Baek,Paik,Baik,Paek,Back,Bak
曺|曹|조|조|cao|Jo|Cho|Cho,Jo,Joe
許|许|허|허|xu|Heo|Hŏ|Heo,Hur,Huh,Her,Ho
劉|刘|유|류|liu|Yu|Yu|Yoo,Yu,Ryu,Liu,You
南|南|남|남|nan|Nam|Nam|Nam,Nahm
沈|沈|심|심|shen|Sim|Sim|Shim,Sim,Seem
盧|卢|노|로|lu|No|No|Noh,Roh,No,Ro,Rho
河|河|하|하|he|Ha|Ha|Ha,Hah
丁|丁|정|정|ding|Jeong|Chŏng|Jung,Jeong,Chung,Chong
成|成|성|성|cheng|Seong|Sŏng|Sung,Seong,Song,Sing
車|车|차|차|che|Cha|Ch'a|Cha,Chah
具|具|구|구|ju|Gu|Ku|Koo,Ku,Gu,Goo
郭|郭|곽|곽|guo|Gwak|Kwak|Kwak,Gwak,Kwag
禹|禹|우|우|yu|U|U|Woo,U,Wu
閔|闵|민|민|min|Min|Min|Min
羅|罗|나|라|luo|Na|Na|Na,Ra,La,Rha,Nah
任|任|임|림|ren|Im|Im|Lim,Im,Yim,Rim
田|田|전|전|tian|Jeon|Chŏn|Jeon,Jun,Chun,Chon
辛|辛|신|신|xin|Sin|Sin|Shin,Sin
陳|陈|진|진|chen|Jin|Chin|Jin,Chin
秦|秦|진|진|qin|Jin|Chin|Jin,Chin
池|池|지|지|chi|Ji|Chi|Ji,Chi,Jee
嚴|严|엄|엄|yan|Eom|Ŏm|Eom,Um,Uhm,Om,Ohm
元|元|원|원|yuan|Won|Wŏn|Won,Weon,Woen
蔡|蔡|채|채|cai|Chae|Ch'ae|Chae,Chai,Chea
千|千|천|천|qian|Cheon|Ch'ŏn|Chun,Cheon,Chon
方|方|방|방|fang|Bang|Pang|Bang,Pang
孔|孔|공|공|kong|Gong|Kong|Kong,Gong
康|康|강|강|kang|Gang|Kang|Kang,Gang
玄|玄|현|현|xuan|Hyeon|Hyŏn|Hyun,Hyeon,Hyon
咸|咸|함|함|xian|Ham|Ham|Ham,Hahm
卞|卞|변|변|bian|Byeon|Pyŏn|Byun,Byeon,Pyun,Pyon
廉|廉|염|렴|lian|Yeom|Yŏm|Yeom,Youm,Yum,Ryom
楊|杨|양|량|yang|Yang|Yang|Yang,Ryang
邊|边|변|변|bian|Byeon|Pyŏn|Byun,Byeon,Pyon
呂|吕|여|려|lü|Yeo|Yŏ|Yeo,Yuh,Yoh,Ryo,Lyu
秋|秋|추|추|qiu|Chu|Ch'u|Choo,Chu
魯|鲁|노|로|lu|No|No|Noh,Roh,Ro
都|都|도|도|du|Do|To|Do,Doh,To
蘇|苏|소|소|su|So|So|So,Soh
愼|慎|신|신|shen|Sin|Sin|Shin,Sin
石|石|석|석|shi|Seok|Sŏk|Seok,Suk,Sok
宣|宣|선|선|xuan|Seon|Sŏn|Sun,Seon,Son
薛|薛|설|설|xue|Seol|Sŏl|Seol,Sul,Sol
馬|马|마|마|ma|Ma|Ma|Ma
吉|吉|길|길|ji|Gil|Kil|Gil,Kil
周|周|주|주|zhou|Ju|Chu|Joo,Ju,Chu
延|延|연|련|yan|Yeon|Yŏn|Yeon,Youn,Yun,Ryon
房|房|방|방|fang|Bang|Pang|Bang,Pang
魏|魏|위|위|wei|Wi|Wi|Wi,Wee
表|表|표|표|biao|Pyo|P'yo|Pyo,Pyoh
明|明|명|명|ming|Myeong|Myŏng|Myung,Myeong,Myong
奇|奇|기|기|qi|Gi|Ki|Ki,Gi,Kee
潘|潘|반|반|pan|Ban|Pan|Ban,Pan
王|王|왕|왕|wang|Wang|Wang|Wang
琴|琴|금|금|qin|Geum|Kŭm|Keum,Geum,Kum
玉|玉|옥|옥|yu|Ok|Ok|Ok,Oak
陸|陆|육|륙|lu|Yuk|Yuk|Yuk,Yook,Ryuk
印|印|인|인|yin|In|In|In
孟|孟|맹|맹|meng|Maeng|Maeng|Maeng
諸|诸|제|제|zhu|Je|Che|Je,Jae,Che
卓|卓|탁|탁|zhuo|Tak|T'ak|Tak,Tahk
牟|牟|모|모|mou|Mo|Mo|Mo,Moh
南宮|南宫|남궁|남궁|nangong|Namgung|Namgung|Namkoong,Namgung,Namkung
鞠|鞠|국|국|ju|Guk|Kuk|Kook,Kuk,Guk
余|余|여|여|yu|Yeo|Yŏ|Yeo,Yu,Yoh
魚|鱼|어|어|yu|Eo|Ŏ|Eo,Uh,Eoh
殷|殷|은|은|yin|Eun|Ŭn|Eun,Un
片|片|편|편|pian|Pyeon|P'yŏn|Pyun,Pyeon,Pyon
龍|龙|용|룡|long|Yong|Yong|Yong,Ryong,Ryung
芮|芮|예|예|rui|Ye|Ye|Yeh,Ye
慶|庆|경|경|qing|Gyeong|Kyŏng|Kyung,Gyeong,Kyong
夫|夫|부|부|fu|Bu|Pu|Boo,Bu,Pu
奉|奉|봉|봉|feng|Bong|Pong|Bong,Pong
程|程|정|정|cheng|Jeong|Chŏng|Jung,Jeong,Chung
昔|昔|석|석|xi|Seok|Sŏk|Seok,Suk
太|太|태|태|tai|Tae|T'ae|Tae,Tai
睦|睦|목|목|mu|Mok|Mok|Mok
邢|邢|형|형|xing|Hyeong|Hyŏng|Hyung,Hyeong
皇甫|皇甫|황보|황보|huangfu|Hwangbo|Hwangbo|Hwangbo,Whangbo
諸葛|诸葛|제갈|제갈|zhuge|Jegal|Chegal|Jegal,Chegal
鮮于|鲜于|선우|선우|xianyu|Seonu|Sŏnu|Sunwoo,Seonwoo,Sonu
司空|司空|사공|사공|sikong|Sagong|Sagong|Sagong
獨孤|独孤|독고|독고|dugu|Dokgo|Tokko|Dokgo,Tokko
單|单|단|단|shan|Dan|Tan|Dan,Tan
晉|晋|진|진|jin|Jin|Chin|Jin,Chin
董|董|동|동|dong|Dong|Tong|Dong,Tong
桂|桂|계|계|gui|Gye|Kye|Kye,Gye
杜|杜|두|두|du|Du|Tu|Doo,Du,Too
陰|阴|음|음|yin|Eum|Ŭm|Eum,Um
溫|温|온|온|wen|On|On|On
智|智|지|지|zhi|Ji|Chi|Ji,Chi
葛|葛|갈|갈|ge|Gal|Kal|Gal,Kal
兪|俞|유|류|yu|Yu|Yu|Yoo,Yu,Ryu
朱|朱|주|주|zhu|Ju|Chu|Joo,Ju
景|景|경|경|jing|Gyeong|Kyŏng|Kyung,Gyeong
賈|贾|가|가|jia|Ga|Ka|Ka,Ga
于|于|우|우|yu|U|U|Woo,U,Yu
"""


@dataclass(frozen=True)
class Surname:
    traditional: str
    simplified: str
    hangul_south: str
    hangul_north: str
    pinyin: str
    rr: str
    mr: str
    passport: tuple[str, ...]

    @property
    def code(self) -> str:
        """The comparable surname: its South Hangul, which every script can reach."""
        return self.hangul_south


def _parse(text: str) -> tuple[Surname, ...]:
    rows = []
    for line in text.strip().splitlines():
        trad, simp, south, north, pinyin, rr, mr, passport = line.split("|")
        rows.append(Surname(trad, simp, south, north, pinyin, rr, mr, tuple(passport.split(","))))
    return tuple(rows)


SURNAMES: tuple[Surname, ...] = _parse(_TABLE)


_NOT_LETTER = re.compile(r"[^a-z]+")


def latin_token(text: str) -> str:
    """A Latin spelling without case, breves, apostrophes or hyphens: "Ch'ŏng" → "chong"."""
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text.replace("ü", "v"))
    return _NOT_LETTER.sub("", text)


@cache
def _by_hanzi() -> dict[str, Surname]:
    table: dict[str, Surname] = {}
    for s in SURNAMES:
        table.setdefault(s.traditional, s)
        table.setdefault(s.simplified, s)
    return table


@cache
def _by_hangul() -> dict[str, list[Surname]]:
    table: dict[str, list[Surname]] = {}
    for s in SURNAMES:
        for h in {s.hangul_south, s.hangul_north}:
            table.setdefault(h, []).append(s)
    return table


@cache
def _by_latin() -> dict[str, frozenset[str]]:
    """Every Latin spelling (Pinyin, RR, MR, passport) → the surname codes it may stand for."""
    table: dict[str, set[str]] = {}
    for s in SURNAMES:
        for spelling in (s.pinyin, s.rr, s.mr, *s.passport):
            table.setdefault(latin_token(spelling), set()).add(s.code)
    return {k: frozenset(v) for k, v in table.items()}


def by_hanzi(chars: str) -> Surname | None:
    """The surname written with these characters, traditional or simplified."""
    return _by_hanzi().get(chars)


def by_hangul(syllables: str) -> list[Surname]:
    """The surnames written with this Hangul, South (이) or North (리) spelling."""
    return _by_hangul().get(syllables, [])


def codes_for_latin(spelling: str) -> frozenset[str]:
    """The surname codes a Latin spelling may stand for: "Jin" → {김, 진}, "Rhee" → {이}."""
    return _by_latin().get(latin_token(spelling), frozenset())


@cache
def compound_hanzi() -> frozenset[str]:
    return frozenset(c for s in SURNAMES for c in (s.traditional, s.simplified) if len(c) == 2)


@cache
def compound_hangul() -> frozenset[str]:
    return frozenset(s.hangul_south for s in SURNAMES if len(s.hangul_south) == 2)
