"""How services refuse (cases, people, and every app after them).

A rejected input raises django's ValidationError with a dict {field: [errors]}, so that a form
or the API can put each message beside its field. Each error carries a stable `code` from
MESSAGES below and its `params` as values, never a sentence put together at raise time: the
message is rendered when it is read, in the reader's language, with field keys
(`members[0].household_number`) turned into labels ("household number of member 1"), case
types into their titles, grounds into their labels and lists joined the language's way. A list
with nothing in it has a sentence of its own.

A stale form raises StaleVersion, which carries the version the record is now at.
"""

from __future__ import annotations

import datetime
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from tumen.lib.localized import localized

# ---------------------------------------------------------------------------------------------
# Parameters: each kind renders itself in the active language when the message is read.


def _pack_label(text: dict[str, str]) -> str:
    """A pack label ({zh, ko, en}) in the active language."""
    return localized(SimpleNamespace(**{f"label_{k}": v for k, v in text.items()}), "label")


def join(items: Iterable[Any]) -> str:
    """Items as the reader's language lists them ("a, b" / "a、b")."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


class Param(ABC):
    """A parameter of a message: `raw` is what the API reports, str() what the reader sees."""

    raw: Any

    @abstractmethod
    def __str__(self) -> str:
        """The parameter in the reader's language."""

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.raw!r})"


class Text(Param):
    """What the reader typed or a name the registry holds, shown as it is (quoted if asked)."""

    def __init__(self, value: Any, quoted: bool = False):
        self.raw = "" if value is None else str(value)
        self.quoted = quoted

    def __str__(self) -> str:
        return pgettext("quoted", "“%(text)s”") % {"text": self.raw} if self.quoted else self.raw


class Phrase(Param):
    """Words of ours (a lazy translation), rendered in the reader's language."""

    def __init__(self, value: Any):
        self.value = value
        self.raw = str(value)

    def __str__(self) -> str:
        return str(self.value)


class Choice(Param):
    """A member of a TextChoices: its code for the API, its label for the reader."""

    def __init__(self, value: Any, choices: Any = None):
        member = choices(value) if choices is not None else value
        self.raw = str(member.value)
        self.label = member.label

    def __str__(self) -> str:
        return str(self.label)


class Label(Param):
    """A label the policy pack gives in every language ({zh, ko, en})."""

    def __init__(self, value: dict[str, str], code: str = ""):
        self.raw = code or value.get("en", "")
        self.text = dict(value)

    def __str__(self) -> str:
        return _pack_label(self.text)


class CaseTypeRef(Param):
    def __init__(self, case_type: Any):
        self.raw = case_type.code
        self.title = dict(case_type.title)

    def __str__(self) -> str:
        return _pack_label(self.title)


class GroundRef(Param):
    """A ground of a pack: its label, with its clause."""

    def __init__(self, ground: Any):
        self.raw = ground.code
        self.label = dict(ground.label)
        self.clause = ground.clause

    def __str__(self) -> str:
        return _("%(ground)s (%(clause)s)") % {
            "ground": _pack_label(self.label),
            "clause": self.clause,
        }


class DateRef(Param):
    def __init__(self, value: datetime.date):
        self.raw = value.isoformat()
        self.value = value

    def __str__(self) -> str:
        return formats.date_format(self.value)


class Nested(Param):
    """Another validation error's messages (django's own checks of a model field)."""

    def __init__(self, error: ValidationError):
        self.error = error
        self.raw = [e.code for e in error.error_list] if hasattr(error, "error_list") else []

    def __str__(self) -> str:
        return " ".join(self.error.messages)


class Many(Param):
    """A list of parameters of one kind, joined the reader's way."""

    def __init__(self, items: Iterable[Param]):
        self.items = list(items)
        self.raw = [item.raw for item in self.items]

    def __bool__(self) -> bool:
        return bool(self.items)

    def __str__(self) -> str:
        return join(self.items)


# Field keys, as services name their arguments, and their labels.
_FIELD_WORDS = {
    "case_type": gettext_lazy("case type"),
    "dependants": gettext_lazy("household members"),
    "details": gettext_lazy("case details"),
    "note": gettext_lazy("note"),
    "reason": gettext_lazy("reason"),
    "ground": gettext_lazy("ground"),
    "person_id": gettext_lazy("person"),
    "member_id": gettext_lazy("member"),
    "reference": gettext_lazy("reference of the note"),
    "received_on": gettext_lazy("date the note was received"),
    "authority": gettext_lazy("issuing authority"),
    "persons": gettext_lazy("persons named in the note"),
    "household": gettext_lazy("household"),
    "residence_code": gettext_lazy("residence"),
    "relative_id": gettext_lazy("relative"),
    "relative_name": gettext_lazy("relative's name"),
    "kind": gettext_lazy("kind of relation"),
    "survivor_id": gettext_lazy("record to keep"),
    "candidate": gettext_lazy("possible duplicate"),
    "merge": gettext_lazy("merge"),
    "status": gettext_lazy("status"),
    "case": gettext_lazy("case"),
    "number": gettext_lazy("travel authorization number"),
    "point": gettext_lazy("crossing point"),
    "directive": gettext_lazy("directive"),
    "period": gettext_lazy("period"),
    "cases": gettext_lazy("cases"),
    "flags": gettext_lazy("flags"),
    "issues_text": gettext_lazy("existing issues"),
    "comment": gettext_lazy("comment on return"),
    "name": gettext_lazy("name"),
    "days": gettext_lazy("days of validity"),
    "official": gettext_lazy("official"),
    "token": gettext_lazy("API token"),
}
_INDEXED = re.compile(r"^(?P<list>members|persons)\[(?P<index>\d+)\](?:\.(?P<rest>.+))?$")


def _person_field(name: str) -> str | None:
    from django.apps import apps

    try:
        return str(apps.get_model("people", "Person")._meta.get_field(name).verbose_name)
    except Exception:
        return None


def _unit_kind(code: str) -> str:
    from django.apps import apps

    kinds = apps.get_model("org", "WorkUnit")._meta.get_field("kind").choices
    return str(dict(kinds).get(code, code))


def field_words(key: str) -> str:
    """A field key as the reader's language names it."""
    if key in _FIELD_WORDS:
        return str(_FIELD_WORDS[key])
    indexed = _INDEXED.match(key)
    if indexed:
        number = int(indexed["index"]) + 1
        rest = indexed["rest"]
        if indexed["list"] == "members":
            if rest is None:
                return _("member %(n)d") % {"n": number}
            return _("%(field)s of member %(n)d") % {"field": field_words(rest), "n": number}
        if rest is None:
            return _("person %(n)d of the note") % {"n": number}
        return _("%(field)s of person %(n)d of the note") % {
            "field": field_words(rest),
            "n": number,
        }
    if key.startswith("member_outcomes["):
        return _("the member's outcome")
    if key.startswith("clearances."):
        return _("clearance by %(unit)s") % {"unit": _unit_kind(key.split(".", 1)[1])}
    if key.startswith("households."):
        return _("household %(label)s") % {"label": key.split(".", 1)[1]}
    if key.startswith("details."):
        return _("case detail %(name)s") % {
            "name": pgettext("quoted", "“%(text)s”") % {"text": key.split(".", 1)[1]}
        }
    return _person_field(key) or key


class FieldRef(Param):
    """A field key; with `label` (a pack label) when the pack names the field."""

    def __init__(self, key: str, label: dict[str, str] | None = None):
        self.raw = key
        self.label = label

    def __str__(self) -> str:
        if self.label:
            return _pack_label(self.label)
        return field_words(self.raw)


# ---------------------------------------------------------------------------------------------
# The registry.

KINDS = {
    "text": Text,
    "quoted": lambda value: Text(value, quoted=True),
    "phrase": Phrase,
    "choice": Choice,
    "label": Label,
    "case_type": CaseTypeRef,
    "ground": GroundRef,
    "date": DateRef,
    "field": lambda value: value if isinstance(value, FieldRef) else FieldRef(value),
    "nested": Nested,
    "number": int,
    "case_types": lambda values: Many(CaseTypeRef(v) for v in values),
    "grounds": lambda values: Many(GroundRef(v) for v in values),
    "choices": lambda values: Many(Choice(v) for v in values),
    "labels": lambda values: Many(Label(v) for v in values),
    "fields": lambda values: Many(KINDS["field"](v) for v in values),
    "texts": lambda values: Many(Text(v) for v in values),
}
LIST_KINDS = {"case_types", "grounds", "choices", "labels", "fields", "texts"}


@dataclass(frozen=True)
class Message:
    """A message template with its named parameters and their kinds.

    `empty` holds, per list parameter, the sentence said when that list is empty (or the
    parameter is None): a list with nothing in it is never printed as "…: .".
    """

    template: Any
    params: dict[str, str] = dataclass_field(default_factory=dict)
    empty: dict[str, Any] = dataclass_field(default_factory=dict)


def M(template, empty=None, **params) -> Message:
    return Message(template, params, empty or {})


L = gettext_lazy

MESSAGES: dict[str, Message] = {
    # Any record: dates a clerk types.
    "date_in_future": M(
        L("%(date)s is in the future; today is %(today)s."), date="date", today="date"
    ),
    "date_before_1880": M(L("%(date)s is before 1880; check the year."), date="date"),
    # The state a case or a clearance is in.
    "case_state": M(
        L(
            "Case %(number)s is %(status)s, so it cannot %(action)s; that is possible only "
            "while it is: %(allowed)s."
        ),
        {"allowed": L("Case %(number)s is %(status)s, so it can no longer %(action)s.")},
        number="text",
        status="choice",
        action="phrase",
        allowed="choices",
    ),
    "clearance_state": M(
        L(
            "The %(kind)s clearance of case %(number)s is %(status)s, so it cannot %(action)s; "
            "that is possible only while it is: %(allowed)s."
        ),
        {
            "allowed": L(
                "The %(kind)s clearance of case %(number)s is %(status)s, so it can no longer "
                "%(action)s."
            )
        },
        kind="choice",
        number="text",
        status="choice",
        action="phrase",
        allowed="choices",
    ),
    # Intake.
    "case_type_unknown": M(
        L("No active policy pack defines the case type %(type)s; case types open: %(offered)s."),
        {
            "offered": L(
                "No active policy pack defines the case type %(type)s, and no case type is "
                "open for intake."
            )
        },
        type="quoted",
        offered="case_types",
    ),
    "member_listed_twice": M(
        L("Person P%(pk)d is listed twice; a person travels once per case."), pk="number"
    ),
    "member_already": M(
        L("Person P%(pk)d is already a member of case %(number)s."), pk="number", number="text"
    ),
    "member_not_on_case": M(
        L("Person P%(pk)d is not a member of case %(number)s."), pk="number", number="text"
    ),
    "principal_not_removable": M(
        L(
            "Person P%(pk)d is the principal of case %(number)s and cannot be removed; "
            "withdraw the case and open a new one instead."
        ),
        pk="number",
        number="text",
    ),
    "no_clearing_unit": M(
        L(
            "No %(kind)s unit at or above %(county)s can clear a %(type)s case (%(clause)s); "
            "the organisation needs one."
        ),
        kind="choice",
        county="text",
        type="case_type",
        clause="text",
    ),
    "details_not_mapping": M(L("Give the case details as a mapping of field to text.")),
    "details_field_unknown": M(
        L(
            "%(name)s is not a field the policy lists for a %(type)s case (%(clause)s); fields: "
            "%(known)s."
        ),
        {
            "known": L(
                "%(name)s is not a field the policy lists for a %(type)s case (%(clause)s), "
                "which asks for no details."
            )
        },
        name="quoted",
        type="case_type",
        clause="text",
        known="labels",
    ),
    "details_not_text": M(L("%(label)s must be given as text."), label="label"),
    "details_required": M(
        L("%(label)s is required for a %(type)s case (%(clause)s)."),
        label="label",
        type="case_type",
        clause="text",
    ),
    "details_not_date": M(
        L("%(value)s is not a date; write it as YYYY-MM-DD (%(label)s, %(clause)s)."),
        value="quoted",
        label="label",
        clause="text",
    ),
    "member_field_missing": M(
        L(
            "A %(type)s case needs the %(field)s (%(clause)s); person P%(person)d has none "
            "recorded."
        ),
        field="field",
        type="case_type",
        clause="text",
        person="number",
    ),
    # Clearances.
    "note_required": M(
        L("Say what was found; a clearance cannot be %(action)s without a note."),
        action="phrase",
    ),
    "clearance_not_assigned": M(
        L(
            "This clearance is assigned to another unit; only its officers, or those of the "
            "unit it was escalated to, may act on it."
        )
    ),
    "ground_unknown": M(
        L(
            "%(code)s is not a ground the policy lists for a %(type)s case (%(pack)s "
            "v%(version)d, %(clause)s); allowed: %(allowed)s."
        ),
        {
            "allowed": L(
                "%(code)s is not a ground: the policy lists no grounds for a %(type)s case "
                "(%(pack)s v%(version)d, %(clause)s)."
            )
        },
        code="quoted",
        type="case_type",
        pack="text",
        version="number",
        clause="text",
        allowed="grounds",
    ),
    "member_id_unknown": M(
        L("Member %(pk)s is not a member of case %(number)s."), pk="text", number="text"
    ),
    # Decisions.
    "proposal_withdraw_elsewhere": M(
        L(
            "The policy proposes to withdraw case %(number)s on %(ground)s, which is not "
            "decided here: withdraw it with its own action, or have the flag resolved first."
        ),
        {
            "ground": L(
                "The policy proposes to withdraw case %(number)s, which is not decided here: "
                "withdraw it with its own action, or have the flag resolved first."
            )
        },
        number="text",
        ground="ground",
    ),
    "proposal_retype_elsewhere": M(
        L(
            "The policy proposes to re-type case %(number)s on %(ground)s, which is not decided "
            "here: re-type it with its own action, or have the flag resolved first."
        ),
        {
            "ground": L(
                "The policy proposes to re-type case %(number)s, which is not decided here: "
                "re-type it with its own action, or have the flag resolved first."
            )
        },
        number="text",
        ground="ground",
    ),
    "bulk_flagged": M(
        L(
            "Case %(number)s has an unresolved flag: decide it on its own page, with a ground "
            "and a reason."
        ),
        number="text",
    ),
    "bulk_not_all_approved": M(
        L(
            "The policy does not propose to approve every member of case %(number)s: decide it "
            "on its own page, with a ground and a reason."
        ),
        number="text",
    ),
    "refusal_needs_ground": M(
        L("A refusal needs a ground; refusal grounds for a %(type)s case: %(grounds)s."),
        {
            "grounds": L(
                "The policy lists no refusal ground for a %(type)s case, so it cannot be "
                "refused; approve it or hold it."
            )
        },
        type="case_type",
        grounds="grounds",
    ),
    "not_refusal_ground": M(
        L("%(ground)s is not a refusal ground for a %(type)s case; refusal grounds: %(grounds)s."),
        {
            "grounds": L(
                "%(ground)s is not a refusal ground, and the policy lists none for a %(type)s "
                "case; approve it or hold it."
            )
        },
        ground="ground",
        type="case_type",
        grounds="grounds",
    ),
    "hold_needs_ground": M(
        L("A hold needs a ground; hold grounds for a %(type)s case: %(grounds)s."),
        {
            "grounds": L(
                "The policy lists no ground to hold a %(type)s case on, so it cannot be held."
            )
        },
        type="case_type",
        grounds="grounds",
    ),
    "outcome_unknown": M(
        L("%(outcome)s is not an outcome; choose approved, refused or on hold."),
        outcome="quoted",
    ),
    "outcome_not_member": M(
        L("Member %(pk)s is not a member of case %(number)s."), pk="text", number="text"
    ),
    "departure_needs_note": M(L("You depart from the policy's proposal; say why, in a few words.")),
    "reason_required": M(
        L("Say in at most %(max)d characters why the case is withdrawn."), max="number"
    ),
    "not_retype_ground": M(
        L("%(ground)s does not re-type a %(type)s case; re-typing grounds: %(grounds)s."),
        {
            "grounds": L(
                "%(ground)s does not re-type a %(type)s case, and the policy lists no ground "
                "that does."
            )
        },
        ground="ground",
        type="case_type",
        grounds="grounds",
    ),
    # Foreign requests.
    "foreign_household_missing": M(
        L("Say which household of the request this person travels with.")
    ),
    "foreign_residence_missing": M(
        L("Give the county this person lives in; the household's case is opened there.")
    ),
    "foreign_principals": M(
        L("Household %(household)s has %(count)d principals; each household needs exactly one."),
        household="quoted",
        count="number",
    ),
    "foreign_person_repeated": M(
        L("Person P%(pk)d is already named in this request."), pk="number"
    ),
    "foreign_reference_known": M(
        L("The note %(reference)s is already registered; a request is registered once."),
        reference="text",
    ),
    "foreign_reference_elsewhere": M(
        L(
            "A note with this reference is registered by another jurisdiction (%(place)s), "
            "whose request you may not open. Refer the matter to that office."
        ),
        place="text",
    ),
    "foreign_no_pack": M(L("No active policy pack opens cases from foreign requests.")),
    "foreign_principal_outside": M(
        L(
            "The principal P%(pk)d does not live in a county within your jurisdiction, so no "
            "county can take the case."
        ),
        pk="number",
    ),
    "foreign_no_county_office": M(
        L("%(county)s has no county office to take the case."), county="text"
    ),
    "foreign_already_split": M(
        L("The request %(reference)s was already split on %(at)s, into cases %(numbers)s."),
        {"numbers": L("The request %(reference)s was already split on %(at)s.")},
        reference="text",
        at="date",
        numbers="texts",
    ),
    # The person registry.
    "residence_not_county": M(
        L("A person's residence is a county or district; %(code)s is a %(level)s."),
        code="text",
        level="choice",
    ),
    "name_missing": M(
        L("Give the person's name in at least one script (Hangul, Chinese characters or Latin).")
    ),
    "field_invalid": M(L("%(problem)s"), problem="nested"),
    "hanzi_in_hangul": M(L("This is written in Hangul; put it in the Hangul name field.")),
    "prc_id_shape": M(L("Write the 18 characters: 17 digits and a digit or X.")),
    "prc_id_check": M(L("The last character does not match the others; check the number.")),
    "passport_state_missing": M(L("Give the state that issued the passport.")),
    "passport_state_code": M(L("Write the state's three-letter code, like CHN.")),
    "document_registered": M(
        L("Already registered as person P%(pk)d; use that record."), pk="number"
    ),
    "document_registered_elsewhere": M(
        L(
            "This number is registered to a person held by another jurisdiction (%(place)s), "
            "whose record you may not open. Refer the person to that office."
        ),
        place="text",
    ),
    "person_field_unknown": M(
        L("%(name)s is not part of a person's record; the parts are %(fields)s."),
        {"fields": L("%(name)s is not part of a person's record.")},
        name="quoted",
        fields="fields",
    ),
    "own_relative": M(L("A person cannot be their own relative.")),
    "relation_kind_unknown": M(
        L("%(kind)s is not a kind of relation; choose one of %(kinds)s."),
        {"kinds": L("%(kind)s is not a kind of relation.")},
        kind="quoted",
        kinds="choices",
    ),
    "relative_name_missing": M(
        L("Name the relative, or choose the relative's record if they are registered.")
    ),
    "relation_exists": M(
        L("Person P%(person)d already has this relation (%(kind)s, R%(pk)d)."),
        person="number",
        kind="choice",
        pk="number",
    ),
    "pair_decided": M(L("This pair was already decided: %(status)s."), status="choice"),
    "survivor_not_in_pair": M(L("Keep one of the two records of this pair.")),
    "already_merged": M(L("One of the two records was already merged into another.")),
    "merge_shared_case": M(
        L(
            "Both records are members of the same case (%(cases)s); remove one of them from "
            "that case before merging."
        ),
        {
            "cases": L(
                "Both records are members of the same case; remove one of them from that case "
                "before merging."
            )
        },
        cases="texts",
    ),
    "merge_relatives": M(
        L("The two records are recorded as relatives of each other; they cannot be merged.")
    ),
    "merge_numbers_differ": M(
        L(
            "The two records hold different numbers of one kind (%(field)s); correct one of "
            "them before merging."
        ),
        field="field",
    ),
    "merge_unknown": M(L("No such merge.")),
    "merge_undone": M(L("This merge was already undone.")),
    # Travel authorizations.
    "authz_no_issuing_unit": M(
        L(
            "No provincial public-security unit above the county of case %(number)s issues "
            "documents."
        ),
        number="text",
    ),
    "authz_no_crossing_point": M(
        L("No crossing point lies in the county, prefecture or province of case %(number)s."),
        number="text",
    ),
    "authz_not_in_pack": M(
        L("The policy pack of case %(number)s says nothing of travel authorizations."),
        number="text",
    ),
    "authz_case_unknown": M(L("There is no case %(number)s."), number="text"),
    "authz_case_not_approved": M(
        L("Case %(number)s is %(status)s; documents are issued only to approved cases."),
        number="text",
        status="choice",
    ),
    "authz_unknown": M(L("There is no travel authorization %(number)s."), number="text"),
    "authz_reason_required": M(L("Say why in at most %(max)d characters."), max="number"),
    "authz_not_valid": M(
        L("The travel authorization %(number)s is %(status)s already."),
        number="text",
        status="choice",
    ),
    "authz_point_not_staffed": M(
        L("Your unit does not staff a crossing point %(code)s."), code="quoted"
    ),
    # Situation reports.
    "report_not_owed": M(L("Your jurisdiction is not asked to report under this directive.")),
    "report_state": M(
        L("This report is %(status)s, so it cannot be changed that way."), status="choice"
    ),
    "report_other_level": M(L("Only the level above reviews a report; its own level writes it.")),
    "report_case_unknown": M(
        L("line %(line)d: there is no case %(number)s in this jurisdiction."),
        line="number",
        number="text",
    ),
    "report_flag_unknown": M(L("there is no flag %(id)d in this jurisdiction."), id="number"),
    "report_text_too_long": M(L("At most %(limit)d characters, please."), limit="number"),
    "report_comment_required": M(L("Say what the report must correct before it is sent back.")),
    "period_format": M(
        L("write the month as YYYY-MM, from 1900-01 to 2099-12, for example 1963-09.")
    ),
    # API tokens.
    "token_name_length": M(L("Give the token a name of 1 to %(max)d characters."), max="number"),
    "token_name_taken": M(L("You already have a token called %(name)s."), name="quoted"),
    "token_days_range": M(L("A token lives from 1 to %(max)d days."), max="number"),
    "token_official_inactive": M(L("Only an active official with a work unit gets tokens.")),
    "token_unknown": M(L("You have no token with this id.")),
    # Referrals and the official's settings.
    "refer_no_holder": M(L("No registered person holds this number; nothing to refer.")),
    "refer_within_jurisdiction": M(
        L("This person's record is within your jurisdiction; open it instead of referring.")
    ),
    "refer_no_office": M(L("No office can be named for this record; nothing to refer.")),
    "invalid_language": M(L("Choose one of the languages offered.")),
}


def _rendered(code: str, params: dict[str, Any]) -> dict[str, Any]:
    spec = MESSAGES[code].params
    unknown = set(params) - set(spec)
    if unknown:
        raise KeyError(f"message {code!r} has no parameter {sorted(unknown)}")
    out = {}
    for name, kind in spec.items():
        value = params.get(name)
        out[name] = value if value is None or isinstance(value, Param) else KINDS[kind](value)
    return out


class Lazy:
    """The message, put into words when it is read: the empty-list sentence if a list is empty,
    else the full one; the field it is about (`subject`) in front, unless it names it itself.
    """

    def __init__(self, code: str, params: dict[str, Any]):
        self.code = code
        self.message = MESSAGES[code]
        self.params = params
        self.subject: FieldRef | None = None

    def core(self, params=None) -> str:
        """The words without the field in front: what is shown beside the field."""
        template = self.message.template
        for name, alternative in self.message.empty.items():
            value = self.params.get(name)
            if value is None or not value:
                template = alternative
                break
        return str(template) % (self.params if params is None else params)

    def __mod__(self, params):
        text = self.core(params)
        if self.subject is None or names_its_field(self.code):
            return text
        return _("%(field)s: %(message)s") % {"field": self.subject, "message": text}

    def __str__(self) -> str:
        return self % self.params


def error(code: str, /, **params: Any) -> ValidationError:
    """A refusal by its registered code, with its parameters; rendered when read."""
    rendered = _rendered(code, params)  # a KeyError here is a message nobody registered
    return ValidationError(Lazy(code, rendered), code=code, params=rendered)


def invalid(field: str | FieldRef, code: str, /, **params: Any) -> ValidationError:
    """A refusal keyed by `field`, by its registered code (words are refused: a KeyError)."""
    problems = Problems()
    problems.add(field, code, **params)
    return ValidationError(problems.by_field)


def raw_params(params: dict[str, Any] | None) -> dict[str, Any]:
    """The parameters as codes and values, for the API."""
    return {
        name: value.raw if isinstance(value, Param) else value
        for name, value in (params or {}).items()
    }


def names_its_field(code: str | None) -> bool:
    """Whether the message names the field it is about (then nothing is put in front)."""
    return code in MESSAGES and bool({"field", "label"} & set(MESSAGES[code].params))


def described(key: str, error: ValidationError) -> str:
    """The message as it reads away from its field: the field's label in front."""
    text = " ".join(error.messages)
    lazy = getattr(error, "message", None)
    if isinstance(lazy, Lazy) and lazy.subject is not None:
        return text
    if key == NON_FIELD_ERRORS or not key or names_its_field(getattr(error, "code", None)):
        return text
    return _("%(field)s: %(message)s") % {"field": FieldRef(key), "message": text}


def beside(error: ValidationError) -> str:
    """The message as it reads beside its field: without the field in front."""
    lazy = getattr(error, "message", None)
    if isinstance(lazy, Lazy):
        return lazy.core()
    return message_of(error)


def errors_by_field(exc: ValidationError) -> dict[str, list[ValidationError]]:
    """Each field's errors, with their codes, whether the refusal was keyed or not."""
    if hasattr(exc, "error_dict"):
        return {key: list(errors) for key, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: list(exc.error_list)}


def message_of(error: ValidationError) -> str:
    """One error (of an error_list) as the reader sees it."""
    return next(iter(error))


def registered(code: str | None) -> bool:
    return code in MESSAGES


# ---------------------------------------------------------------------------------------------


class StaleVersion(Exception):
    """The record changed since the caller read it; nothing was changed by this call."""

    def __init__(self, *, current: int, what: str = "case"):
        self.current = current
        self.what = what
        super().__init__(self._message(what) % {"version": current})

    @staticmethod
    def _message(what: str) -> str:
        # Whole sentences per record kind, so that translators never assemble a sentence.
        if what == "clearance":
            return _(
                "This clearance was changed by someone else (it is now at version "
                "%(version)d); reload it and try again."
            )
        if what == "person":
            return _(
                "This person's record was changed by someone else (it is now at version "
                "%(version)d); reload it and try again."
            )
        if what == "travel authorization":
            return _(
                "This travel authorization was changed by someone else (it is now at version "
                "%(version)d); reload it and try again."
            )
        if what == "foreign_request":
            return _(
                "This foreign request was changed by someone else (it is now at version "
                "%(version)d); reload it and try again."
            )
        return _(
            "This case was changed by someone else (it is now at version %(version)d); "
            "reload it and try again."
        )


def ensure_version(record, version: int, *, what: str = "case") -> None:
    if record.version != version:
        raise StaleVersion(current=record.version, what=what)


class Problems:
    """Every problem found, keyed by field, raised together so that none has to wait a round."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str | FieldRef, code: str, /, **params: Any) -> None:
        """`field` is a key, or a FieldRef when the pack gives the field a label."""
        found = error(code, **params)
        subject = field if isinstance(field, FieldRef) else FieldRef(field)
        if subject.raw != NON_FIELD_ERRORS:
            # The message names its field wherever it is read away from it (the API, a list).
            found.message.subject = subject
        self.by_field.setdefault(subject.raw, []).append(found)

    def merge(self, other: ValidationError | Problems) -> None:
        found = other.by_field if isinstance(other, Problems) else errors_by_field(other)
        for field, errors in found.items():
            self.by_field.setdefault(field, []).extend(errors)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
