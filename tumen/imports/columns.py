"""The column contracts of import files, and the checks each row must pass.

Persons follow the identity issue's CSV contract:

    record_id,name_hangul,name_hanzi,name_latin,sex,birth_date,nationality,id_number

plus `ethnicity`, `residence` (a county's code), `household_number` (shared by a household) and
`passport_state` (for a passport's number). `id_number` is the personal number the nationality
carries (ID_NUMBER_FIELD): a PRC resident identity number (its check character is checked), a
Korean national's residence permit, or a passport. An application (cases import) is one row: the
principal's person columns, `case_type`, `county` (the county of intake) and the detail fields the
policy pack lists for the case type (`destination`, `application_date`, `officer_name`, …).

Every check returns problems as (column, value, reason) with the reason in the active language, so
that the error report tells the clerk which line, which column, which value and why.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tumen.lib.dates import EARLIEST as EARLIEST_BIRTH
from tumen.lib.dates import past_date_problem
from tumen.lib.identity import normal_prc_id, prc_id_problem
from tumen.lib.policy import CaseType
from tumen.lib.tables import FORMULA_START, formula_like
from tumen.org.models import Jurisdiction, Level, UnitKind, WorkUnit
from tumen.people.models import Ethnicity, Nationality, Person, Sex
from tumen.policy.selectors import intake_case_types

PERSON_COLUMNS = (
    "record_id",
    "name_hangul",
    "name_hanzi",
    "name_latin",
    "sex",
    "birth_date",
    "nationality",
    "id_number",
    "ethnicity",
    "residence",
    "household_number",
    "passport_state",
)
CASE_COLUMNS = ("case_type", "county")
# A foreign request: the note's reference, date and sender, and each person's household in it.
NOTE_COLUMNS = (
    "reference",
    "received_on",
    "authority",
    "household",
    "is_principal",
    "officer_name",
)
# Columns an error report adds; a corrected report is re-imported as it is.
REPORT_COLUMNS = ("import_line", "import_errors")
RECORD_ID_MAX = 100
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SURROGATE = re.compile(r"[\udc80-\udcff]")
# U+FFFD stands for bytes some earlier program could not decode: the value is already lost.
UNDECODED = re.compile(r"[\udc80-\udcff\ufffd]")
DATE_FORMATS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$"),
)

SEX_WORDS = {
    "female": Sex.FEMALE, "f": Sex.FEMALE, "女": Sex.FEMALE, "여": Sex.FEMALE,
    "male": Sex.MALE, "m": Sex.MALE, "男": Sex.MALE, "남": Sex.MALE,
    "unknown": Sex.UNKNOWN, "": Sex.UNKNOWN,
}  # fmt: skip
NATIONALITY_WORDS = {
    "prc": Nationality.PRC, "cn": Nationality.PRC, "chn": Nationality.PRC, "中国": Nationality.PRC,
    "dprk": Nationality.DPRK, "kp": Nationality.DPRK, "prk": Nationality.DPRK,
    "朝鲜": Nationality.DPRK, "조선": Nationality.DPRK,
    "other": Nationality.OTHER, "stateless": Nationality.STATELESS,
}  # fmt: skip
# Which registry field a row's `id_number` fills, by nationality: the personal document a person
# of that nationality carries in China. One table, so the identity model's next shape is one edit.
ID_NUMBER_FIELD = {
    Nationality.PRC: "personal_id_number",
    Nationality.DPRK: "residence_permit_number",
    Nationality.OTHER: "passport_number",
    Nationality.STATELESS: "passport_number",
}
PERSON_MAX = {
    name: Person._meta.get_field(name).max_length
    for name in ("name_hangul", "name_hanzi", "name_latin", "passport_number", "household_number")
}
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
STATE_CODE = re.compile(r"^[A-Z]{3}$")

ETHNICITIES = frozenset(Ethnicity.values)
# Anything cell_problem might object to: a row without any of these has no cell problem.
SUSPECT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1e\x7f\udc80-\udcff\ufffd]|(?:^|\x1f)[=+\-@']")

MEMBER_FIELD_COLUMNS = {
    "date_of_birth": "birth_date",
    "household_number": "household_number",
    "residence": "residence",
    "passport_state": "passport_state",
}

Problem = tuple[str, str, str]  # (column, value, reason)


@dataclass
class Lookups:
    """Reference data a run checks rows against, read once per run."""

    counties: dict[str, tuple[int, str]]  # code → (id, path)
    other_codes: dict[str, str]  # code of a non-county jurisdiction → its level label
    offices: dict[int, int]  # county id → its county office's id
    case_types: dict[str, tuple[int, CaseType]]  # code → (stored pack id, case type)
    scope_path: str  # the actor's jurisdiction path; "/" for the system
    detail_fields: tuple[str, ...] = field(default=())

    @classmethod
    def load(cls, scope_path: str) -> Lookups:
        counties, other = {}, {}
        for pk, code, path, level in Jurisdiction.objects.values_list(
            "pk", "code", "path", "level"
        ):
            if level == Level.COUNTY:
                counties[code] = (pk, path)
            else:
                other[code] = str(Level(level).label)
        offices = dict(
            WorkUnit.objects.filter(kind=UnitKind.COUNTY_OFFICE)
            .order_by("-pk")
            .values_list("jurisdiction_id", "pk")
        )
        case_types = {kind.code: (stored.pk, kind) for stored, kind in intake_case_types()}
        fields = sorted({rule.name for _pk, kind in case_types.values() for rule in kind.fields})
        return cls(counties, other, offices, case_types, scope_path, tuple(fields))

    def columns(self, kind: str) -> tuple[str, ...]:
        if kind == "cases":
            return (*PERSON_COLUMNS, *CASE_COLUMNS, *self.detail_fields)
        if kind == "foreign-request":
            return (*PERSON_COLUMNS, *NOTE_COLUMNS)
        return PERSON_COLUMNS


def header_problems(header: Iterable[str], allowed: tuple[str, ...]) -> list[str]:
    """What is wrong with the file's first line as a whole; the import stops on any of these."""
    header = list(header)
    problems = []
    unknown = [name for name in header if name not in allowed and name not in REPORT_COLUMNS]
    if unknown:
        problems.append(
            _("unknown columns: %(unknown)s; the columns are: %(allowed)s.")
            % {"unknown": ", ".join(unknown), "allowed": ", ".join(allowed)}
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        problems.append(_("columns named twice: %(names)s.") % {"names": ", ".join(repeated)})
    if not any(name in header for name in ("name_hangul", "name_hanzi", "name_latin")):
        problems.append(
            _("the file needs at least one name column (name_hangul, name_hanzi or name_latin).")
        )
    return problems


def cell_problem(value: str) -> str | None:
    """A text cell's own faults, whatever its column: encoding, control characters, formulas."""
    if UNDECODED.search(value):
        return _("bytes that are not valid in the file's encoding; save the file as UTF-8")
    if CONTROL.search(value):
        return _("contains control characters")
    if formula_like(value):
        return _("begins with %(char)s, which a spreadsheet runs as a formula") % {"char": value[0]}
    return None


def _unquoted(value: str) -> str:
    """Undo the ' an error report or export puts before = + - @, so the check sees the cell."""
    if value.startswith("'") and value[1:2] in FORMULA_START and value[1:2]:
        return value[1:]
    return value


def parse_date(value: str) -> datetime.date | None:
    if len(value) == 10 and value[4] == value[7] == "-" and value[:4].isdigit():
        try:
            return datetime.date.fromisoformat(value)  # the usual case, in C
        except ValueError:
            return None
    for pattern in DATE_FORMATS:
        match = pattern.match(value)
        if match:
            try:
                return datetime.date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


def content_digest(joined: str) -> str:
    """A digest of a row's cells (joined in column order), the same however they were encoded."""
    text = unicodedata.normalize("NFC", joined)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:32]


@dataclass
class CleanRow:
    line: int
    key: str
    digest: str
    person: dict[str, object]
    case: dict[str, object] | None = None


class RowChecker:
    """Turns a file row into registry values, or into the problems that keep it out."""

    def __init__(self, kind: str, lookups: Lookups, *, today: datetime.date) -> None:
        self.kind = kind
        self.lookups = lookups
        self.columns = lookups.columns(kind)
        self.today = today

    def check(self, line: int, raw: dict[str, str]) -> tuple[CleanRow | None, list[Problem]]:
        get = raw.get
        values = {name: (get(name) or "").strip() for name in self.columns}
        problems: list[Problem] = []
        if get("__extra__"):
            problems.append(("", raw["__extra__"], _("more cells than the header has columns")))
        joined = "\x1f".join(values.values())
        # One scan of the whole row; only a row that has something to say is read cell by cell.
        if SUSPECT.search(joined) or joined.count("\x1f") != len(values) - 1:
            for name, value in values.items():
                value = values[name] = _unquoted(value)
                reason = cell_problem(value)
                if reason:
                    problems.append((name, value, reason))
        if problems:
            return None, problems
        person = self._person(values, problems)
        case = self._case(values, person, problems) if self.kind == "cases" else None
        if problems:
            return None, problems
        digest = content_digest(joined)
        key = values["record_id"] or f"sha:{digest}"
        if len(key) > RECORD_ID_MAX:
            problems.append(
                ("record_id", key, _("longer than %(max)d characters") % {"max": RECORD_ID_MAX})
            )
            return None, problems
        return CleanRow(line, key, digest, person, case), problems

    def _person(self, values: dict[str, str], problems: list[Problem]) -> dict[str, object]:
        person: dict[str, object] = {}
        names = ("name_hangul", "name_hanzi", "name_latin")
        for name in names:
            text = " ".join(values[name].split()) if name == "name_latin" else values[name]
            if len(text) > PERSON_MAX[name]:
                problems.append(
                    (name, text, _("longer than %(max)d characters") % {"max": PERSON_MAX[name]})
                )
            person[name] = text
        if HANGUL.search(person["name_hanzi"]):
            problems.append(
                (
                    "name_hanzi",
                    person["name_hanzi"],
                    _("this is written in Hangul; put it in the Hangul name field."),
                )
            )
        if not any(person[name] for name in names):
            problems.append(
                (
                    "name_hangul",
                    "",
                    _(
                        "required: give the name in at least one script "
                        "(name_hangul, name_hanzi or name_latin)"
                    ),
                )
            )
        person["sex"] = self._choice(values, "sex", SEX_WORDS, problems)
        person["nationality"] = self._choice(
            values, "nationality", NATIONALITY_WORDS, problems, required=True
        )
        ethnicity = values["ethnicity"].lower()
        if ethnicity and ethnicity not in ETHNICITIES:
            problems.append(
                (
                    "ethnicity",
                    values["ethnicity"],
                    _("not one of: %(choices)s") % {"choices": ", ".join(Ethnicity.values)},
                )
            )
        person["ethnicity"] = ethnicity
        person["date_of_birth"] = self._birth_date(values["birth_date"], problems)
        person["residence_id"] = self._county(values, "residence", problems, required=False)
        self._id_number(values, person, problems)
        return person

    def _choice(self, values, column, words, problems, *, required: bool = False):
        value = values[column]
        if not value and required:
            problems.append((column, "", _("required")))
            return ""
        choice = words.get(value.lower()) or words.get(value)
        if choice is None:
            offered = ", ".join(sorted({str(v) for v in words.values()}))
            problems.append((column, value, _("not one of: %(choices)s") % {"choices": offered}))
            return ""
        return str(choice)

    def _birth_date(self, value: str, problems: list[Problem]) -> datetime.date | None:
        if not value:
            return None
        date = parse_date(value)
        if date is None:
            problems.append(("birth_date", value, _("not a date; write it as YYYY-MM-DD")))
        elif date > self.today or date < EARLIEST_BIRTH:
            problems.append(("birth_date", value, past_date_problem(date)))
        return date

    def _id_number(self, values, person: dict[str, object], problems: list[Problem]) -> None:
        for name in set(ID_NUMBER_FIELD.values()):
            person[name] = ""
        value = values["id_number"]
        household = values["household_number"]
        if len(household) > PERSON_MAX["household_number"]:
            limit = {"max": PERSON_MAX["household_number"]}
            problems.append(
                ("household_number", household, _("longer than %(max)d characters") % limit)
            )
        person["household_number"] = household
        state = values["passport_state"].upper()
        person["passport_state"] = ""
        if not value:
            return
        target = ID_NUMBER_FIELD.get(person["nationality"])
        if target == "personal_id_number":
            value = normal_prc_id(value)
            problem = prc_id_problem(value)
            if problem == "shape":
                problems.append(
                    ("id_number", value, _("write the 18 characters: 17 digits and a digit or X."))
                )
            elif problem == "check":
                problems.append(
                    (
                        "id_number",
                        value,
                        _("the last character does not match the others; check the number."),
                    )
                )
        elif len(value) > 40:
            problems.append(("id_number", value, _("longer than %(max)d characters") % {"max": 40}))
        if target == "passport_number":
            if not STATE_CODE.match(state):
                problems.append(
                    ("passport_state", state, _("write the state's three-letter code, like CHN."))
                )
            person["passport_state"] = state
        if target:
            person[target] = value

    def _county(
        self, values, column: str, problems: list[Problem], *, required: bool
    ) -> int | None:
        code = values.get(column, "").lower()
        if not code:
            if required:
                problems.append((column, "", _("required")))
            return None
        found = self.lookups.counties.get(code)
        if found is None:
            level = self.lookups.other_codes.get(code)
            if level:
                reason = _("%(code)s is a %(level)s, not a county or district") % {
                    "code": code,
                    "level": level,
                }
            else:
                reason = _("no county or district has this code")
            problems.append((column, code, reason))
            return None
        pk, path = found
        if not path.startswith(self.lookups.scope_path):
            problems.append((column, code, _("outside your jurisdiction")))
            return None
        return pk

    def _case(self, values, person, problems: list[Problem]) -> dict[str, object] | None:
        code = values["case_type"]
        found = self.lookups.case_types.get(code)
        if found is None:
            offered = ", ".join(sorted(self.lookups.case_types))
            problems.append(
                (
                    "case_type",
                    code,
                    _("not a case type of an active policy pack; types: %(types)s")
                    % {"types": offered},
                )
            )
            return None
        pack_id, case_type = found
        county = self._county(values, "county", problems, required=True)
        if county is not None and county not in self.lookups.offices:
            problems.append(
                ("county", values["county"], _("this county has no county office to take the case"))
            )
        details = self._details(case_type, values, problems)
        for rule in case_type.member_fields:
            # The pack names registry fields; the file has them in these columns.
            field = "residence_id" if rule.name == "residence" else rule.name
            if rule.applies_to(person["nationality"]) and person.get(field) in (None, ""):
                column = MEMBER_FIELD_COLUMNS.get(rule.name, "id_number")
                reason = _("required for a %(type)s case (%(clause)s)") % {
                    "type": code,
                    "clause": case_type.clause,
                }
                problems.append((column, "", reason))
        return {"pack_id": pack_id, "case_type": case_type, "county_id": county, "details": details}

    def _details(self, case_type: CaseType, values, problems: list[Problem]) -> dict[str, str]:
        details = {}
        for rule in case_type.fields:
            value = values.get(rule.name, "")
            if not value:
                if rule.required:
                    problems.append(
                        (
                            rule.name,
                            "",
                            _("required for a %(type)s case (%(clause)s)")
                            % {"type": case_type.code, "clause": rule.clause},
                        )
                    )
                continue
            if rule.kind == "date":
                date = parse_date(value)
                if date is None:
                    problems.append((rule.name, value, _("not a date; write it as YYYY-MM-DD")))
                    continue
                if date > self.today or date < EARLIEST_BIRTH:
                    problems.append((rule.name, value, past_date_problem(date)))
                    continue
                value = date.isoformat()
            elif len(value) > 200:
                problems.append(
                    (rule.name, value, _("longer than %(max)d characters") % {"max": 200})
                )
                continue
            details[rule.name] = value
        for name in self.lookups.detail_fields:
            if values.get(name) and name not in {rule.name for rule in case_type.fields}:
                problems.append(
                    (
                        name,
                        values[name],
                        _("not a field of a %(type)s case") % {"type": case_type.code},
                    )
                )
        return details
