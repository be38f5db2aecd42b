"""Policy packs: the written policy a case is decided under, as data.

A pack is a YAML file (see tumen/policy/packs/cc1963.yaml for the full, commented example):

    schema: tumen.policy/1
    code: cc1963                 # the pack; a policy change is a new `version` of the same code
    version: 1
    title: {zh: …, ko: …, en: …}
    directive: cc-1963-08-08     # the directive whose clause ids the rules cite
    case_types:
      - code: relocation
        title: {…}
        clause: cc1963.3         # the rule that admits this kind of case
        priority: normal         # normal | high | expedited
        restriction_clause: cc1963.4   # optional: the rule that allows no grounds but the listed
        from_foreign_request: false    # optional: true for the type a foreign request opens
        eligibility: {nationality: [prc], ethnicity: [korean],
                      relation: [social_relation_korea], clause: cc1963.3,
                      applies_to: principal,       # or every_member (the default)
                      otherwise: not_eligible}   # the ground a mismatch is flagged with
        fields:                  # case details the intake form asks for
          - {name: destination, kind: text, required: true, clause: cc1963.3, label: {…}}
        member_fields:           # each member's record must have these
          - date_of_birth
          - {name: residence_permit_number, when: {nationality: [dprk]}}   # only of these
        clearances:              # in parallel, one per unit kind
          - {unit_kind: public_security, deadline_days: 10, clause: cc1963.2}
        grounds:                 # the only grounds a unit may flag, and what each leads to
          - {code: identity_unverified, effect: refuse, clause: cc1963.3, label: {…}}
          - {code: not_korean_national, effect: retype, retype_to: relocation, clause: …}
        decision: {deadline_days: 30, approve_clause: cc1963.4}
        escalation: {after_days: 0}   # escalate an overdue clearance this many days past due
        authorization: {valid_days: 90, single_use: true, clause: cc1963.3}   # the travel document

Effects: `refuse` (the member is refused on that ground), `hold` (the decision waits),
`withdraw` (the applicant withdrew: the case is withdrawn), `retype` (the case is re-opened as
`retype_to`). A case may be refused only on a ground whose effect is `refuse`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from tumen.lib.yamldoc import DocumentError, Problem, line_at, parse, schema_problems

EFFECTS = ("refuse", "hold", "withdraw", "retype")
PRIORITIES = {"normal": 0, "high": 1, "expedited": 2}
UNIT_KINDS = (
    "county_office",
    "foreign_affairs",
    "public_security",
    "border_defence",
    "customs",
    "party_committee",
)
MEMBER_FIELDS = (
    "date_of_birth",
    "sex",
    "household_number",
    "personal_id_number",
    "residence_permit_number",
    "passport_number",
    "name_hangul",
    "name_hanzi",
    "name_latin",
    "residence",
)
NATIONALITIES = ("prc", "dprk", "other", "stateless")
ETHNICITIES = ("korean", "han", "other")
RELATIONS = ("spouse", "parent", "child", "sibling", "social_relation_korea", "officer_family")

_LABEL = {
    "type": "object",
    "required": ["zh"],
    "properties": {
        "zh": {"type": "string", "minLength": 1},
        "ko": {"type": "string"},
        "en": {"type": "string"},
    },
    "additionalProperties": False,
}
_CODE = {"type": "string", "pattern": "^[a-z][a-z0-9_-]*$"}
_CLAUSE = {"type": "string", "minLength": 1}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["schema", "code", "version", "title", "case_types"],
    "additionalProperties": False,
    "properties": {
        "schema": {"const": "tumen.policy/1"},
        "code": _CODE,
        "version": {"type": "integer", "minimum": 1},
        "title": _LABEL,
        "directive": {"type": "string"},
        "case_types": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": [
                    "code",
                    "title",
                    "clause",
                    "priority",
                    "clearances",
                    "grounds",
                    "decision",
                ],
                "additionalProperties": False,
                "properties": {
                    "code": _CODE,
                    "title": _LABEL,
                    "clause": _CLAUSE,
                    "restriction_clause": _CLAUSE,
                    "from_foreign_request": {"type": "boolean"},
                    "priority": {"enum": list(PRIORITIES)},
                    "eligibility": {
                        "type": "object",
                        "required": ["clause", "otherwise"],
                        "additionalProperties": False,
                        "properties": {
                            "nationality": {"type": "array", "items": {"enum": NATIONALITIES}},
                            "ethnicity": {"type": "array", "items": {"enum": ETHNICITIES}},
                            "relation": {"type": "array", "items": {"enum": RELATIONS}},
                            "applies_to": {"enum": ["principal", "every_member"]},
                            "clause": _CLAUSE,
                            "otherwise": _CODE,
                        },
                    },
                    "fields": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name", "kind", "clause", "label"],
                            "additionalProperties": False,
                            "properties": {
                                "name": _CODE,
                                "kind": {"enum": ["text", "date"]},
                                "required": {"type": "boolean"},
                                "clause": _CLAUSE,
                                "label": _LABEL,
                            },
                        },
                    },
                    "member_fields": {
                        "type": "array",
                        "items": {
                            "oneOf": [
                                {"enum": MEMBER_FIELDS},
                                {
                                    "type": "object",
                                    "required": ["name", "when"],
                                    "additionalProperties": False,
                                    "properties": {
                                        "name": {"enum": MEMBER_FIELDS},
                                        # Asked only of members of these nationalities.
                                        "when": {
                                            "type": "object",
                                            "required": ["nationality"],
                                            "additionalProperties": False,
                                            "properties": {
                                                "nationality": {
                                                    "type": "array",
                                                    "minItems": 1,
                                                    "items": {"enum": NATIONALITIES},
                                                }
                                            },
                                        },
                                    },
                                },
                            ]
                        },
                    },
                    "clearances": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "required": ["unit_kind", "deadline_days", "clause"],
                            "additionalProperties": False,
                            "properties": {
                                "unit_kind": {"enum": UNIT_KINDS},
                                "deadline_days": {"type": "integer", "minimum": 1},
                                "clause": _CLAUSE,
                            },
                        },
                    },
                    "grounds": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["code", "effect", "clause", "label"],
                            "additionalProperties": False,
                            "properties": {
                                "code": _CODE,
                                "effect": {"enum": EFFECTS},
                                "retype_to": _CODE,
                                "clause": _CLAUSE,
                                "label": _LABEL,
                            },
                        },
                    },
                    "decision": {
                        "type": "object",
                        "required": ["deadline_days", "approve_clause"],
                        "additionalProperties": False,
                        "properties": {
                            "deadline_days": {"type": "integer", "minimum": 1},
                            "approve_clause": _CLAUSE,
                        },
                    },
                    # The travel authorization an approved member receives.
                    "authorization": {
                        "type": "object",
                        "required": ["valid_days", "single_use", "clause"],
                        "additionalProperties": False,
                        "properties": {
                            "valid_days": {"type": "integer", "minimum": 1, "maximum": 3660},
                            "single_use": {"type": "boolean"},
                            "clause": _CLAUSE,
                        },
                    },
                    "escalation": {
                        "type": "object",
                        "required": ["after_days"],
                        "additionalProperties": False,
                        "properties": {"after_days": {"type": "integer", "minimum": 0}},
                    },
                },
            },
        },
    },
}


@dataclass(frozen=True)
class Ground:
    code: str
    effect: str
    clause: str
    label: dict[str, str]
    retype_to: str | None = None


@dataclass(frozen=True)
class ClearanceRule:
    unit_kind: str
    deadline_days: int
    clause: str


@dataclass(frozen=True)
class FieldRule:
    name: str
    kind: str
    required: bool
    clause: str
    label: dict[str, str]


@dataclass(frozen=True)
class MemberField:
    """A field every member's record must carry; with `nationality`, only members of those."""

    name: str
    nationality: tuple[str, ...] = ()

    def applies_to(self, nationality: str) -> bool:
        return not self.nationality or nationality in self.nationality


def _member_field(raw: str | dict) -> MemberField:
    if isinstance(raw, str):
        return MemberField(raw)
    return MemberField(raw["name"], tuple(raw["when"]["nationality"]))


@dataclass(frozen=True)
class Eligibility:
    clause: str
    otherwise: str
    nationality: tuple[str, ...] = ()
    ethnicity: tuple[str, ...] = ()
    relation: tuple[str, ...] = ()
    # "principal": the household qualifies through its principal (dependants travel with them);
    # "every_member": each member must qualify in their own right.
    applies_to: str = "every_member"


@dataclass(frozen=True)
class AuthorizationRule:
    valid_days: int
    single_use: bool
    clause: str


@dataclass(frozen=True)
class CaseType:
    code: str
    title: dict[str, str]
    clause: str
    priority: int
    clearances: tuple[ClearanceRule, ...]
    grounds: dict[str, Ground]
    decision_deadline_days: int
    approve_clause: str
    fields: tuple[FieldRule, ...] = ()
    member_fields: tuple[MemberField, ...] = ()
    eligibility: Eligibility | None = None
    escalate_after_days: int | None = None
    restriction_clause: str | None = None
    from_foreign_request: bool = False
    authorization: AuthorizationRule | None = None

    @property
    def refusal_grounds(self) -> dict[str, Ground]:
        return {code: g for code, g in self.grounds.items() if g.effect == "refuse"}

    def clause_ids(self) -> set[str]:
        ids = {self.clause, self.approve_clause}
        ids |= {rule.clause for rule in self.clearances} | {f.clause for f in self.fields}
        ids |= {ground.clause for ground in self.grounds.values()}
        if self.eligibility:
            ids.add(self.eligibility.clause)
        if self.restriction_clause:
            ids.add(self.restriction_clause)
        if self.authorization:
            ids.add(self.authorization.clause)
        return ids


@dataclass(frozen=True)
class Pack:
    code: str
    version: int
    title: dict[str, str]
    case_types: dict[str, CaseType]
    directive: str | None = None
    document: dict = field(default_factory=dict, compare=False, repr=False)

    def case_type(self, code: str) -> CaseType:
        try:
            return self.case_types[code]
        except KeyError:
            raise KeyError(
                f"policy pack {self.code} v{self.version} has no case type {code!r}"
            ) from None

    def clause_ids(self) -> set[str]:
        return set().union(*(t.clause_ids() for t in self.case_types.values()))


def _case_type(raw: dict) -> CaseType:
    eligibility = raw.get("eligibility")
    return CaseType(
        code=raw["code"],
        title=dict(raw["title"]),
        clause=raw["clause"],
        priority=PRIORITIES[raw["priority"]],
        clearances=tuple(ClearanceRule(**dict(rule)) for rule in raw["clearances"]),
        grounds={
            g["code"]: Ground(
                code=g["code"],
                effect=g["effect"],
                clause=g["clause"],
                label=dict(g["label"]),
                retype_to=g.get("retype_to"),
            )
            for g in raw["grounds"]
        },
        decision_deadline_days=raw["decision"]["deadline_days"],
        approve_clause=raw["decision"]["approve_clause"],
        fields=tuple(
            FieldRule(
                name=f["name"],
                kind=f["kind"],
                required=f.get("required", False),
                clause=f["clause"],
                label=dict(f["label"]),
            )
            for f in raw.get("fields", [])
        ),
        member_fields=tuple(_member_field(raw) for raw in raw.get("member_fields", [])),
        eligibility=Eligibility(
            clause=eligibility["clause"],
            otherwise=eligibility["otherwise"],
            nationality=tuple(eligibility.get("nationality", [])),
            ethnicity=tuple(eligibility.get("ethnicity", [])),
            relation=tuple(eligibility.get("relation", [])),
            applies_to=eligibility.get("applies_to", "every_member"),
        )
        if eligibility
        else None,
        escalate_after_days=raw["escalation"]["after_days"] if "escalation" in raw else None,
        restriction_clause=raw.get("restriction_clause"),
        from_foreign_request=raw.get("from_foreign_request", False),
        authorization=AuthorizationRule(**dict(raw["authorization"]))
        if "authorization" in raw
        else None,
    )


def _plain(value: Any) -> Any:
    """Strip line bookkeeping: the stored document is plain JSON."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _consistency_problems(document: dict) -> list[Problem]:
    """What a schema cannot say: unique codes, and references that must resolve in the pack."""
    problems: list[Problem] = []
    types = document["case_types"]
    type_codes = [t["code"] for t in types]
    from_requests = [i for i, t in enumerate(types) if t.get("from_foreign_request")]
    for index in from_requests[1:]:
        problems.append(
            Problem(
                line_at(document, ["case_types", index, "from_foreign_request"]),
                "only one case type may be opened from foreign requests.",
            )
        )
    for index, case_type in enumerate(types):
        path = ["case_types", index]
        if type_codes.count(case_type["code"]) > 1:
            problems.append(
                Problem(
                    line_at(document, [*path, "code"]),
                    f"case type {case_type['code']!r} is defined twice.",
                )
            )
        problems += _unique(document, path, "clearances", "unit_kind", "clearance for")
        problems += _unique(document, path, "grounds", "code", "ground")
        problems += _unique(document, path, "fields", "name", "field")
        grounds = {g["code"]: g for g in case_type["grounds"]}
        for g_index, ground in enumerate(case_type["grounds"]):
            where = line_at(document, [*path, "grounds", g_index])
            if ground["effect"] == "retype" and ground.get("retype_to") not in type_codes:
                problems.append(
                    Problem(
                        where,
                        f"ground {ground['code']!r} re-types to "
                        f"{ground.get('retype_to')!r}, which is not a case type "
                        f"of this pack.",
                    )
                )
            if ground["effect"] != "retype" and "retype_to" in ground:
                problems.append(
                    Problem(
                        where,
                        f"ground {ground['code']!r} names retype_to but "
                        f"its effect is {ground['effect']!r}.",
                    )
                )
        otherwise = case_type.get("eligibility", {}).get("otherwise")
        if otherwise is not None and otherwise not in grounds:
            problems.append(
                Problem(
                    line_at(document, [*path, "eligibility", "otherwise"]),
                    f"eligibility names the ground {otherwise!r}, which case type "
                    f"{case_type['code']!r} does not list.",
                )
            )
    return problems


def _unique(document: dict, path: list, key: str, attribute: str, noun: str) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for index, item in enumerate(document["case_types"][path[1]].get(key, [])):
        value = item[attribute]
        if value in seen:
            problems.append(
                Problem(line_at(document, [*path, key, index]), f"{noun} {value!r} appears twice.")
            )
        seen.add(value)
    return problems


def parse_pack(text: str, source: str) -> Pack:
    """A validated Pack, or DocumentError listing every problem with its line."""
    document = parse(text, source)
    problems = schema_problems(document, SCHEMA)
    if not problems:
        problems = _consistency_problems(document)
    if problems:
        raise DocumentError(source, problems)
    plain = _plain(document)
    plain["source_sha256"] = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return pack_from_document(plain)


def pack_from_document(document: dict) -> Pack:
    """Rebuild a Pack from the stored JSON document (already validated when it was loaded)."""
    return Pack(
        code=document["code"],
        version=document["version"],
        title=dict(document["title"]),
        directive=document.get("directive"),
        case_types={raw["code"]: _case_type(raw) for raw in document["case_types"]},
        document=document,
    )
