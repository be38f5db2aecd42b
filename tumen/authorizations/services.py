"""Issuing, re-issuing, revoking and printing travel authorizations, and the crossing itself.

Every state change is one function here: keyword-only, atomic, authorized, audited. Issuance
runs inside the approval (registered as a `tumen.cases.hooks.on_approved` hook), so a case is
never approved without its documents. `official=None` means the command line, run by whoever
operates the server (as `tumen deadlines` does); pages always pass the signed-in official.

At the crossing, the document itself is the credential: a checkpoint officer anywhere may check
it and record the crossing at a point their unit staffs, whatever county issued it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _

from tumen.audit.services import audit_record
from tumen.authorizations import keys, tmn1
from tumen.authorizations.models import (
    Authorization,
    AuthorizationStatus,
    CheckpointScan,
    CrossingPoint,
    ScanOutcome,
)
from tumen.cases.hooks import case_link, decide_column, on_approved
from tumen.cases.models import (
    Case,
    CaseMember,
    ExistingIssue,
    IssueKind,
    MemberOutcome,
    Status,
)
from tumen.cases.workflow import authority_for, save_case, transition
from tumen.lib import clock
from tumen.lib.errors import ensure_version, invalid
from tumen.lib.reads import columns, from_row
from tumen.lib.writes import insert_rows
from tumen.org.access import get_for_update, require
from tumen.org.models import Level, Official, UnitKind, WorkUnit
from tumen.org.reference import remembered
from tumen.policy.selectors import case_type_for

REASON_MAX = 200
NATIONALITY_CODES = {"prc": "CN", "dprk": "KP", "stateless": "XXA", "other": "XXX"}
# Online refusals that the offline lists cannot know of.
ONLINE_REASONS = {
    "not_on_record": "signed, but not on record here",
    "already_used": "a single-use document that has already crossed",
}


# Who issues, for where ----------------------------------------------------------------------


def _place_paths(case: Case) -> list[str]:
    """The paths of the case's county and every place above it, the province's first."""
    path = getattr(case, "jurisdiction_path", None) or case.jurisdiction.path
    codes = path.strip("/").split("/")
    return ["/" + "/".join(codes[: depth + 1]) + "/" for depth in range(len(codes))]


# Read with the case that case_decide locks (tumen.cases.hooks.decide_column), so that an
# approval asks nothing more of the database unless the case has documents already.
DOCUMENTS_TAKEN = "(SELECT COUNT(*) FROM authorizations_authorization doc WHERE doc.case_id = t.id)"
# The code of the issuing authority (see issuing_authority): the public-security unit of the
# deepest province at or above the case's place, the first by code.
ISSUING_AUTHORITY = (  # Built from two enum constants, never from input.
    "(SELECT unit.code FROM org_workunit unit"  # noqa: S608
    " JOIN org_jurisdiction province ON province.id = unit.jurisdiction_id"
    " JOIN org_jurisdiction place ON place.id = t.jurisdiction_id"
    f" WHERE unit.kind = '{UnitKind.PUBLIC_SECURITY.value}'"
    f" AND province.level = '{Level.PROVINCE.value}'"
    " AND substr(place.path, 1, length(province.path)) = province.path"
    " ORDER BY length(province.path) DESC, unit.code LIMIT 1)"
)
decide_column("documents_taken", DOCUMENTS_TAKEN)
decide_column("issuing_authority_code", ISSUING_AUTHORITY)


def _authority_code(case: Case) -> str:
    code = getattr(case, "issuing_authority_code", None)
    return code if code is not None else issuing_authority(case).code


def issuing_authority(case: Case) -> WorkUnit:
    """The public-security unit of the case's province issues its exit documents (one query)."""
    codes = [path.strip("/").rsplit("/", 1)[-1] for path in _place_paths(case)]
    units = WorkUnit.objects.filter(
        kind=UnitKind.PUBLIC_SECURITY,
        jurisdiction__code__in=codes,
        jurisdiction__level=Level.PROVINCE,
    ).annotate(place_code=F("jurisdiction__code"))
    by_place: dict[str, WorkUnit] = {}
    for unit in sorted(units, key=lambda unit: unit.code):
        by_place.setdefault(unit.place_code, unit)
    for code in reversed(codes):
        if code in by_place:
            return by_place[code]
    raise invalid(NON_FIELD_ERRORS, "authz_no_issuing_unit", number=case.number)


# CROSSINGS_UNDER: every crossing point in a subtree, by code, each with its place's path; read
# at every approval, so plain SQL (tested against the ORM's answer on both engines).
_CROSSINGS_UNDER = (
    "SELECT {points}, place.path FROM authorizations_crossingpoint cp "
    "JOIN org_jurisdiction place ON place.id = cp.jurisdiction_id "
    "WHERE place.path {like} ORDER BY cp.code"
)


def _crossings_under(path: str) -> list[CrossingPoint]:
    sql = _CROSSINGS_UNDER.format(
        points=columns(CrossingPoint, "cp"),
        like=connection.operators["startswith"] % "%s",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"{connection.ops.prep_for_like_query(path)}%"])
        rows = cursor.fetchall()
    points = []
    for row in rows:
        point, (place_path,) = from_row(CrossingPoint, row)
        point.place_path = place_path
        points.append(point)
    return points


def crossing_points_for(case: Case) -> list[CrossingPoint]:
    """The crossings of the nearest place at or above the case's county that has any (one
    query: every crossing under the topmost place, then the nearest place's share of them)."""
    paths = _place_paths(case)
    token = getattr(case, "reference_token", None)
    points = remembered(token, ("crossings", paths[0]), lambda: _crossings_under(paths[0]))
    for path in reversed(paths):
        nearest = [point for point in points if point.place_path.startswith(path)]
        if nearest:
            return nearest
    raise invalid(NON_FIELD_ERRORS, "authz_no_crossing_point", number=case.number)


def _holder(person) -> dict[str, str]:
    names = {"hangul": person.name_hangul, "hanja": person.name_hanzi, "latin": person.name_latin}
    return {script: name for script, name in names.items() if name}


def identity_number(person) -> str:
    for name in ("personal_id_number", "passport_number", "residence_permit_number"):
        value = getattr(person, name, "")
        if value:
            return value
    return person.household_number or ""


def _document(authz: Authorization, case: Case, points, authority: str) -> tmn1.Document:
    person = authz.person
    return tmn1.Document(
        number=authz.number,
        authority=authority,
        holder=_holder(person),
        birth_date=person.date_of_birth.isoformat() if person.date_of_birth else "",
        nationality=NATIONALITY_CODES.get(person.nationality, "XXX"),
        identity_number=identity_number(person),
        case_number=case.number,
        case_type=case.case_type,
        crossings=tuple(point.code for point in points),
        valid_from=authz.valid_from,
        valid_until=authz.valid_until,
        single_use=authz.single_use,
        issued_at=authz.issued_at,
    )


def _next_number(case: Case, taken: int | None = None) -> str:
    if taken is None:
        taken = Authorization.objects.filter(case=case).count()
    return f"TA-{case.number}-{taken + 1:02d}"


def _rule(case: Case):
    rule = case_type_for(case).authorization
    if rule is None:
        raise invalid(NON_FIELD_ERRORS, "authz_not_in_pack", number=case.number)
    return rule


def _unsigned(
    case: Case, member: CaseMember, actor, now, number: str, *, rule, authority, key, replaces=None
) -> Authorization:
    return Authorization(
        number=number,
        case=case,
        member=member,
        person=member.person,
        valid_from=now,
        valid_until=now + dt.timedelta(days=rule.valid_days),
        single_use=rule.single_use,
        clause_id=rule.clause,
        authority=authority,
        kid=key.kid.hex(),
        issued_at=now,
        issued_by=actor,
        replaces=replaces,
    )


def _sign_all(case: Case, members, actor, now, *, taken: int, replaces=None) -> list[Authorization]:
    """Sign one document per member and write them with their crossing points: the authority,
    the crossings and the key are looked up once for the household, the documents and their
    crossing-point links go in with one INSERT each."""
    if not members:
        return []
    rule = _rule(case)
    authority = _authority_code(case)
    private_key, key = keys.signing_key(authority, now=now)
    points = crossing_points_for(case)
    issued = []
    for offset, member in enumerate(members):
        authz = _unsigned(
            case,
            member,
            actor,
            now,
            _next_number(case, taken + offset),
            rule=rule,
            authority=authority,
            key=key,
            replaces=replaces,
        )
        authz.payload = tmn1.encode(_document(authz, case, points, authority), private_key)
        issued.append(authz)
    insert_rows(Authorization, issued, returning_ids=True)
    links = Authorization.crossing_points.through
    insert_rows(
        links, [links(authorization_id=a.pk, crossingpoint_id=p.pk) for a in issued for p in points]
    )
    return issued


def _sign_new(case: Case, member: CaseMember, actor, now, *, replaces=None) -> Authorization:
    taken = Authorization.objects.filter(case=case).count()
    return _sign_all(case, [member], actor, now, taken=taken, replaces=replaces)[0]


def _now() -> dt.datetime:
    # Whole seconds: the signed times (CWT iat, nbf, exp) are whole seconds.
    return clock.now().replace(microsecond=0)


def _sign_missing(case: Case, actor, approved_members) -> list[Authorization]:
    """Sign what the case's approved members lack (one read of the case's documents).

    `approved_members` with their persons, when the caller has them (case_decide); else read."""
    if getattr(case, "documents_taken", None) == 0:
        existing = []
    else:
        existing = list(Authorization.objects.filter(case=case).values_list("member_id", "status"))
    holding = {member for member, status in existing if status == AuthorizationStatus.VALID}
    if approved_members is None:
        approved_members = case.members.filter(outcome=MemberOutcome.APPROVED).select_related(
            "person"
        )
    lacking = [member for member in approved_members if member.pk not in holding]
    return _sign_all(case, lacking, actor, _now(), taken=len(existing))


def _authorize(case: Case, actor) -> None:
    """approved → authorized, in memory; the caller saves the case."""
    if case.status == Status.APPROVED:
        rule = case_type_for(case).authorization
        transition(case, "authorize", actor=actor, clause_id=rule.clause if rule else "")


def _issued_event(case: Case, issued: list[Authorization]):
    payload = {
        "case": case.pk,
        "number": case.number,
        "documents": [a.number for a in issued],
        "kid": issued[0].kid,
    }
    return ("authorization.issued", case, payload)


def _issue_for_locked_case(case: Case, actor: Official | None) -> list[Authorization]:
    """Sign what the approved members of a locked case lack, and move it on to authorized."""
    issued = _sign_missing(case, actor, None)
    if case.status == Status.APPROVED:
        _authorize(case, actor)
        save_case(case, "status")
    if issued:
        action, target, payload = _issued_event(case, issued)
        audit_record(actor=actor, action=action, target=target, payload=payload)
    return issued


@on_approved
def issue_on_approval(*, official: Official, case: Case, members) -> list:
    """The hook case_decide runs before it saves the case: the approver's decision issues the
    documents of the `members` it approved, and the case moves on to authorized with the same
    save. Returns the audit event to append after the decision's own.

    A pack that says nothing of travel authorizations issues none: its cases stay approved.
    """
    if case_type_for(case).authorization is None:
        return []
    issued = _sign_missing(case, official, members)
    _authorize(case, official)
    return [_issued_event(case, issued)] if issued else []


@case_link
def documents_link(*, official: Official, case: Case) -> list[tuple[str, str, str]]:
    """The case page links to the case's documents once there are any."""
    if case.status not in (Status.AUTHORIZED, Status.DEPARTED, Status.CLOSED):
        return []
    url = reverse("case_documents", kwargs={"number": case.number})
    return [(_("Travel authorizations"), url, "action-documents")]


@transaction.atomic
def authorizations_issue(
    *, official: Official | None, case_number: str, version: int | None = None
) -> list[Authorization]:
    """Issue what an approved case lacks (a case approved before documents existed).

    `version`: the case's version as the caller read it (the API's If-Match); None from the
    command line."""
    if official is None:
        case = Case.objects.select_for_update().filter(number=case_number).first()
        if case is None:
            raise invalid("case", "authz_case_unknown", number=case_number)
    else:
        case = get_for_update(official, Case, action=authority_for("approve"), number=case_number)
    if version is not None:
        ensure_version(case, version)
    if case.status not in (Status.APPROVED, Status.AUTHORIZED):
        # The case's state, not a value the caller sent: a conflict (409 in the API).
        raise invalid(
            NON_FIELD_ERRORS,
            "authz_case_not_approved",
            number=case.number,
            status=Status(case.status),
        )
    return _issue_for_locked_case(case, official)


def _lock_authorization(official: Official | None, number: str) -> Authorization:
    if official is None:
        authz = Authorization.objects.select_for_update().filter(number=number).first()
        if authz is None:
            raise invalid("number", "authz_unknown", number=number)
        return authz
    return get_for_update(official, Authorization, action="authorization.manage", number=number)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason or len(reason) > REASON_MAX:
        raise invalid("reason", "authz_reason_required", max=REASON_MAX)
    return reason


def _ensure_valid(authz: Authorization) -> None:
    if authz.status != AuthorizationStatus.VALID:
        raise invalid(
            NON_FIELD_ERRORS,
            "authz_not_valid",
            number=authz.number,
            status=AuthorizationStatus(authz.status),
        )


def _lock_valid(official: Official | None, number: str, version: int | None) -> Authorization:
    """The document, locked, if it is still valid and (from a page) as the official saw it."""
    authz = _lock_authorization(official, number)
    if version is not None:
        ensure_version(authz, version, what="travel authorization")
    _ensure_valid(authz)
    return authz


def _end(authz: Authorization, status: str, reason: str) -> None:
    authz.status, authz.revoked_reason = status, reason
    authz.version += 1
    authz.save(update_fields=["status", "revoked_reason", "version"])


@transaction.atomic
def authorization_revoke(
    *, official: Official | None, number: str, reason: str, version: int | None = None
) -> Authorization:
    authz = _lock_valid(official, number, version)
    _end(authz, AuthorizationStatus.REVOKED, _reason(reason))
    audit_record(
        actor=official,
        action="authorization.revoked",
        target=authz,
        payload={"number": authz.number, "case": authz.case_id},
    )
    return authz


@transaction.atomic
def authorization_reissue(
    *, official: Official | None, number: str, reason: str, version: int | None = None
) -> Authorization:
    """A lost document: the old number is superseded and never verifies again."""
    old = _lock_valid(official, number, version)
    _end(old, AuthorizationStatus.SUPERSEDED, _reason(reason))
    case = Case.objects.select_for_update().get(pk=old.case_id)
    new = _sign_new(case, old.member, official, _now(), replaces=old)
    audit_record(
        actor=official,
        action="authorization.reissued",
        target=new,
        payload={"number": new.number, "replaces": old.number, "case": case.pk},
    )
    return new


@transaction.atomic
def authorizations_printed(*, official: Official | None, numbers: list[str]) -> list[Authorization]:
    """Record a print (or reprint) of these documents; returns them for the PDF."""
    printed = []
    for number in numbers:
        if official is None:
            authz = Authorization.objects.select_for_update().get(number=number)
        else:
            authz = get_for_update(
                official, Authorization, action="authorization.print", number=number
            )
        _ensure_valid(authz)
        authz.printed_count += 1
        authz.save(update_fields=["printed_count"])
        printed.append(authz)
    audit_record(
        actor=official,
        action="authorization.printed",
        payload={"documents": [a.number for a in printed]},
    )
    return printed


@transaction.atomic
def authorization_payload(*, official: Official, number: str) -> Authorization:
    """The signed text of a document, for those who may print it; each reading is audited, as a
    print is (whoever holds the text can print the document)."""
    authz = get_for_update(official, Authorization, action="authorization.print", number=number)
    audit_record(
        actor=official,
        action="authorization.payload_read",
        target=authz,
        payload={"number": authz.number, "case": authz.case_id},
    )
    return authz


# At the crossing ----------------------------------------------------------------------------


@dataclass
class Verdict:
    valid: bool
    reason: str
    detail: str
    document: tmn1.Document | None = None
    authorization: Authorization | None = None
    point_named: bool = True
    recorded: bool = False


def trusted_keys() -> dict[bytes, tmn1.TrustedKey]:
    return tmn1.trusted_by_kid(keys.all_keys())


def staffed_points(official: Official):
    return CrossingPoint.objects.filter(units=official.unit_id).order_by("code")


def _point(official: Official, point_code: str) -> CrossingPoint:
    require(official, "crossing.record")
    point = staffed_points(official).filter(code=point_code).first()
    if point is None:
        raise invalid("point", "authz_point_not_staffed", code=point_code)
    return point


def _check(text: str, now, *, lock: bool) -> Verdict:
    try:
        document = tmn1.verify(text, trusted_keys(), now=now)
    except tmn1.Refused as refusal:
        return Verdict(False, refusal.reason, refusal.detail)
    records = Authorization.objects.select_related("case")
    authz = (records.select_for_update() if lock else records).filter(number=document.number)
    authz = authz.first()
    if authz is None:
        return Verdict(False, "not_on_record", ONLINE_REASONS["not_on_record"], document)
    if authz.status != AuthorizationStatus.VALID:
        return Verdict(False, authz.status, tmn1.REASONS[authz.status], document, authz)
    if authz.single_use and authz.scans.filter(outcome=ScanOutcome.CROSSED).exists():
        return Verdict(False, "already_used", ONLINE_REASONS["already_used"], document, authz)
    return Verdict(True, "valid", tmn1.REASONS["valid"], document, authz)


def _record_refusal(official: Official, point: CrossingPoint, verdict: Verdict, now) -> None:
    CheckpointScan.objects.create(
        point=point,
        authorization=verdict.authorization,
        outcome=ScanOutcome.REFUSED,
        reason=verdict.reason,
        official=official,
        unit=official.unit,
        at=now,
    )
    if verdict.reason == "already_used":
        case = verdict.authorization.case
        ExistingIssue.objects.create(
            case=case,
            jurisdiction_id=case.jurisdiction_id,
            kind=IssueKind.REUSED,
            ground=verdict.reason,
            clause_id=verdict.authorization.clause_id,
            note=f"{verdict.authorization.number} @ {point.code}",
            raised_at=now,
        )
    audit_record(
        actor=official,
        action="crossing.refused",
        target=verdict.authorization,
        payload={"point": point.code, "reason": verdict.reason},
    )
    verdict.recorded = True


@transaction.atomic
def checkpoint_verify(*, official: Official, point_code: str, text: str) -> Verdict:
    """Check a presented document; a refusal is recorded (and reported), a valid one is not."""
    point = _point(official, point_code)
    now = clock.now()
    verdict = _check(text, now, lock=False)
    if verdict.valid:
        verdict.point_named = verdict.authorization.crossing_points.filter(pk=point.pk).exists()
    else:
        _record_refusal(official, point, verdict, now)
    return verdict


def _departed_if_all_crossed(official: Official, case_id: int) -> None:
    case = Case.objects.select_for_update().get(pk=case_id)
    if case.status != Status.AUTHORIZED:
        return
    current = Authorization.objects.filter(case=case, status=AuthorizationStatus.VALID)
    if current.exclude(scans__outcome=ScanOutcome.CROSSED).exists():
        return
    transition(case, "depart", actor=official, reason="every holder crossed")
    transition(case, "close", actor=official, reason="every holder crossed")
    save_case(case, "status")
    audit_record(actor=official, action="case.departed", target=case, payload={"case": case.pk})


@transaction.atomic
def crossing_record(*, official: Official, point_code: str, text: str) -> Verdict:
    """Record the holder's crossing; the document is checked again under a lock first."""
    point = _point(official, point_code)
    now = clock.now()
    verdict = _check(text, now, lock=True)
    if not verdict.valid:
        _record_refusal(official, point, verdict, now)
        return verdict
    authz = verdict.authorization
    verdict.point_named = authz.crossing_points.filter(pk=point.pk).exists()
    CheckpointScan.objects.create(
        point=point,
        authorization=authz,
        outcome=ScanOutcome.CROSSED,
        reason="valid",
        point_named=verdict.point_named,
        official=official,
        unit=official.unit,
        at=now,
    )
    audit_record(
        actor=official,
        action="crossing.recorded",
        target=authz,
        payload={"point": point.code, "number": authz.number, "named": verdict.point_named},
    )
    _departed_if_all_crossed(official, authz.case_id)
    verdict.recorded = True
    return verdict
