"""The one place that answers "may this official see / act on this object".

An official sees the subtree of their unit's jurisdiction and nothing else. Every read of a
jurisdiction-bound object goes through `scope` or `get_for_user`; every write goes through
`get_for_update`. "Missing" and "not yours" raise the same Http404, so an official cannot probe
for the existence of another jurisdiction's records; every refusal is audited, once per burst
with its count (see _audited_denial).

How each model is tied to a jurisdiction is declared in RULES, keyed by model label, so that adding
a model means adding one line here rather than writing a filter in a view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tumen.lib.reads import columns, from_row
from tumen.org.models import Jurisdiction, Official, Role, UnitKind

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Authority:
    """Who may make a move: officials holding one of `roles`, in a unit of one of `unit_kinds`
    (none: a unit of any kind). Jurisdiction is not part of it: `scope` answers that."""

    roles: tuple[str, ...]
    unit_kinds: tuple[str, ...] = ()
    # What an official with the role but in another kind of unit is told.
    unit_refusal: str = ""

    def allows(self, official: Official) -> bool:
        return self.refusal(official) is None

    def refusal(self, official: Official) -> str | None:
        if not may_use_system(official) or not official.has_role(*self.roles):
            return str(_("Your role does not allow this action."))
        if self.unit_kinds and official.unit.kind not in self.unit_kinds:
            return str(self.unit_refusal or _("Your unit does not take this action."))
        return None


# Who may act outside the case workflow (whose moves carry their own Authority in
# tumen.cases.workflow). These two tables are the only places that name roles for a permission.
AUTHORITIES: dict[str, Authority] = {
    "person.register": Authority((Role.CLERK, Role.CLEARING_OFFICER)),
    "person.update": Authority((Role.CLERK, Role.CLEARING_OFFICER)),
    # Deciding a possible duplicate: merge, undo a merge, or mark two records different persons.
    "person.merge": Authority((Role.CLERK, Role.CLEARING_OFFICER)),
    # Referring a person whose number is held by another jurisdiction to that jurisdiction.
    "person.refer": Authority((Role.CLERK, Role.CLEARING_OFFICER)),
    # Receipt is acknowledged by whoever handles the unit's correspondence. Analysts and
    # checkpoint officers read directives but do not answer for their unit.
    "directive.acknowledge": Authority(
        (Role.CLERK, Role.CLEARING_OFFICER, Role.APPROVER, Role.ADMINISTRATOR)
    ),
    "administer": Authority((Role.ADMINISTRATOR,)),
    # Taking a register out of the system (tumen.imports.export): those who work with it.
    "export": Authority((Role.CLERK, Role.CLEARING_OFFICER, Role.ANALYST)),
    # Travel authorizations (tumen.authorizations): the county's approver re-issues and revokes,
    # its clerk or approver prints; a checkpoint officer of a unit at the border records crossings.
    "authorization.manage": Authority((Role.APPROVER,)),
    "authorization.print": Authority((Role.CLERK, Role.APPROVER)),
    "crossing.record": Authority(
        (Role.CHECKPOINT_OFFICER,),
        (UnitKind.BORDER_DEFENCE, UnitKind.CUSTOMS),
        gettext_lazy(
            "Crossings are recorded by border-defence and customs units; your unit is not one."
        ),
    ),
}


@dataclass(frozen=True)
class Rule:
    condition: Callable[[Official], Q]
    # True when the condition crosses a many-valued relation, so a row can match more than once.
    spans_many: bool = False
    # For in_subtree_by_id: the lookup of the jurisdiction ("jurisdiction", "case__jurisdiction"),
    # which lock_in_subtree turns into one plain statement.
    jurisdiction_lookup: str = ""
    # The same condition as SQL over the row `t`, with one %s for the official's subtree pattern
    # (path LIKE '/cn/ne/jilin/%') per `%s`, for get_visible's plain statement; tested against
    # `condition` on both engines.
    sql: str = ""


def in_subtree(path_lookup: str) -> Rule:
    """Objects whose jurisdiction path lies under the official's jurisdiction."""

    def condition(official: Official) -> Q:
        return Q(**{f"{path_lookup}__startswith": official.unit.jurisdiction.path})

    return Rule(condition)


def in_subtree_by_id(jurisdiction_lookup: str) -> Rule:
    """Like in_subtree, for the big tables: match jurisdiction ids, not a join on the path.

    `path LIKE '/cn/ne/jilin/%'` can use no index on SQLite, so a join on it made the planner walk
    every case of a status in every province. The ids of the subtree (a small table) let it start
    from the case's own (jurisdiction, status, …) index instead.
    """

    def condition(official: Official) -> Q:
        subtree = Jurisdiction.objects.filter(path__startswith=official.unit.jurisdiction.path)
        return Q(**{f"{jurisdiction_lookup}__in": subtree.values("pk")})

    return Rule(condition, jurisdiction_lookup=jurisdiction_lookup)


def addressed_along(path_lookup: str) -> Rule:
    """Objects addressed to the official's jurisdiction, to one above it, or to one below it.

    A directive to the Jilin committee concerns every county office in Jilin, and the Jilin
    committee follows what is sent to its counties.
    """

    def condition(official: Official) -> Q:
        jurisdiction = official.unit.jurisdiction
        return Q(**{f"{path_lookup}__in": jurisdiction.ancestor_paths}) | Q(
            **{f"{path_lookup}__startswith": jurisdiction.path}
        )

    return Rule(condition, spans_many=True)


RULES: dict[str, Rule] = {
    "org.jurisdiction": in_subtree("path"),
    "org.workunit": in_subtree("jurisdiction__path"),
    "org.official": in_subtree("unit__jurisdiction__path"),
    "directives.directive": addressed_along("addressees__jurisdiction__path"),
    "cases.case": in_subtree_by_id("jurisdiction"),
    "cases.clearance": in_subtree_by_id("case__jurisdiction"),
    "cases.foreignrequest": in_subtree("jurisdiction__path"),
    # Existing issues (flags, refusals, …) belong to their case's county; reports link them.
    "cases.existingissue": in_subtree_by_id("jurisdiction"),
    # Travel authorizations belong to the county of their case; a checkpoint officer acts on a
    # presented document through tumen.authorizations.services, where the document is the key.
    "authorizations.authorization": in_subtree_by_id("case__jurisdiction"),
    "authorizations.crossingpoint": in_subtree("jurisdiction__path"),
    # A scan is seen by the units that issued the document and by those above the crossing.
    "authorizations.checkpointscan": Rule(
        lambda official: (
            Q(point__jurisdiction__path__startswith=official.unit.jurisdiction.path)
            | Q(authorization__case__jurisdiction__path__startswith=official.unit.jurisdiction.path)
        )
    ),
    # A unit sees its own situation reports and those sent up to it from below, never a draft
    # of another jurisdiction's (a county never sees a sibling's, a province not its county's).
    "reports.situationreport": Rule(
        lambda official: (
            Q(jurisdiction__path__startswith=official.unit.jurisdiction.path)
            & (Q(jurisdiction_id=official.unit.jurisdiction_id) | ~Q(status="draft"))
        )
    ),
    # An import run is seen where its unit is; a run from the command line (no unit) by no page.
    "imports.importrun": in_subtree("unit__jurisdiction__path"),
    # A referral is the holding jurisdiction's to see; the referring official is not shown it.
    "web.referral": in_subtree("to_jurisdiction__path"),
    # A person is seen where they live; a person living abroad only through the cases that
    # name them (people.Person's rule is the one place this is decided).
    "people.person": Rule(
        lambda official: (
            Q(residence__path__startswith=official.unit.jurisdiction.path)
            | Q(
                case_memberships__case__jurisdiction__path__startswith=official.unit.jurisdiction.path
            )
        ),
        spans_many=True,
        sql=(
            "(t.residence_id IN (SELECT id FROM org_jurisdiction WHERE path {like}) "
            "OR EXISTS (SELECT 1 FROM cases_casemember m JOIN cases_case c ON c.id = m.case_id "
            "WHERE m.person_id = t.id AND c.jurisdiction_id IN "
            "(SELECT id FROM org_jurisdiction WHERE path {like})))"
        ),
    ),
    # A possible duplicate is reviewed where either of its two persons lives.
    "people.duplicatecandidate": Rule(
        lambda official: (
            Q(first__residence__path__startswith=official.unit.jurisdiction.path)
            | Q(second__residence__path__startswith=official.unit.jurisdiction.path)
        ),
    ),
}


def rule_for(model: type[models.Model]) -> Rule:
    try:
        return RULES[model._meta.label_lower]
    except KeyError:
        raise LookupError(
            f"No access rule for {model._meta.label}: add one to tumen.org.access.RULES."
        ) from None


def may_use_system(official: Official) -> bool:
    return bool(
        official.is_authenticated and official.is_active and getattr(official, "unit_id", None)
    )


def scope(queryset: QuerySet[M], official: Official) -> QuerySet[M]:
    """The part of `queryset` this official may see; empty for anyone without a unit."""
    if not may_use_system(official):
        return queryset.none()
    rule = rule_for(queryset.model)
    filtered = queryset.filter(rule.condition(official))
    return filtered.distinct() if rule.spans_many else filtered


def can_see(official: Official, obj: models.Model) -> bool:
    model = type(obj)
    return scope(model._default_manager.filter(pk=obj.pk), official).exists()


class NotVisible(Http404):
    """The 404 every refusal shares.

    When the object exists, the refusal is audited at once; but a refusal inside a service's
    transaction is rolled back with it. The exception therefore carries the event, and the
    request boundary (tumen.org.middleware) records it again if it did not survive.
    """

    def __init__(self, denial: dict | None = None):
        super().__init__(_("No such record, or it is not within your jurisdiction."))
        self.denial = denial


def _audited_denial(official: Official, model: type[models.Model], object_id, **why) -> dict:
    """Audit a denial once per burst: the burst's first denial (by this official, of this kind
    of record, for this reason) is an event; later ones are only counted, outside the log, and
    the next burst's first denial writes the closed burst's count (access.denied_burst).

    Returns the denial with what was written ("row_hash") or counted ("burst"), so that
    _record_again can tell whether it survived a rollback."""
    from tumen.audit.services import audit_access_denied
    from tumen.web.throttle import denial_key, record_denial

    denial = {"official": official, "model": model, "object_id": object_id, **why}
    key = denial_key(getattr(official, "pk", None), model._meta.label_lower, why.get("reason", ""))
    with transaction.atomic():
        burst = record_denial(key)
        if burst.ended_burst > 1:
            audit_access_denied(**{**denial, "object_id": ""}, count=burst.ended_burst)
        if burst.failures == 1:
            return {**denial, "row_hash": audit_access_denied(**denial).row_hash}
    return {**denial, "burst": (key, burst)}


def _deny(official: Official, queryset: QuerySet, lookup: dict) -> None:
    """Refuse with the shared 404, by one path whether the object exists or not.

    Missing and not-yours run the same query and write the same audit event (object_id "" when
    nothing matched), so neither the answer nor its timing tells a probe which it was.
    """
    existing = queryset.filter(**lookup).values_list("pk", flat=True).first()
    object_id = "" if existing is None else existing
    raise NotVisible(_audited_denial(official, queryset.model, object_id))


def clash_outside_jurisdiction(official: Official, obj: models.Model) -> dict:
    """Audit that a unique value the official entered belongs to a record they may not see.

    The caller's message names no record; the returned denial rides on its ValidationError
    (`error.denials`) so that record_lost_denials can write it again after a rollback.
    """
    return _audited_denial(official, type(obj), obj.pk, reason="unique_clash")


def record_lost_denial(error: NotVisible) -> None:
    """Re-record a refusal whose audit event was rolled back with the caller's transaction."""
    if error.denial:
        _record_again(error.denial)


def record_lost_denials(error: Exception) -> None:
    """The same for the denials a ValidationError carries (uniqueness clashes)."""
    for denial in getattr(error, "denials", ()):
        _record_again(denial)


def _record_again(denial: dict) -> None:
    from tumen.audit.models import AuditEvent
    from tumen.web.throttle import denial_counted

    if "row_hash" in denial:
        survived = AuditEvent.objects.filter(row_hash=denial["row_hash"]).exists()
    else:
        survived = denial_counted(*denial["burst"])
    if not survived:
        fields = {k: v for k, v in denial.items() if k not in ("row_hash", "burst")}
        again = _audited_denial(**fields)
        denial.pop("row_hash", None), denial.pop("burst", None)
        denial.update({k: v for k, v in again.items() if k in ("row_hash", "burst")})


def _as_queryset(source: type[M] | QuerySet[M]) -> QuerySet[M]:
    return source if isinstance(source, QuerySet) else source._default_manager.all()


def get_for_user(official: Official, source: type[M] | QuerySet[M], **lookup) -> M:
    """The object, if it exists and the official may see it; otherwise the shared 404."""
    queryset = _as_queryset(source)
    obj = scope(queryset, official).filter(**lookup).first()
    if obj is None:
        _deny(official, queryset, lookup)
    return obj


# GET_VISIBLE: get_for_user(official, model, pk=pk) as one plain statement, for models whose rule
# carries its SQL form (a person at every intake); its answer is get_for_user's, tested on both.
_GET_SQL: dict[tuple, tuple[str, int]] = {}


def get_visible(
    official: Official, model: type[M], pk: int, *, extra: dict[str, str] | None = None
) -> M:
    """The object with this id if the official may see it; otherwise the shared 404. Each
    `extra` SQL expression (over the row `t`) is read with it, as an attribute."""
    rule = rule_for(model)
    extra = extra or {}
    if not rule.sql:
        obj = get_for_user(official, model, pk=pk)
        for name in extra:
            setattr(obj, name, None)
        return obj
    row = None
    if may_use_system(official):
        key = (model._meta.label, tuple(extra.values()), connection.vendor)
        if key not in _GET_SQL:
            like = connection.operators["startswith"] % "%s"
            condition = rule.sql.format(like=like)
            selected = ", ".join([columns(model, "t"), *extra.values()])
            sql = (
                f"SELECT {selected} FROM "  # noqa: S608
                f"{connection.ops.quote_name(model._meta.db_table)} t "
                f"WHERE t.{connection.ops.quote_name(model._meta.pk.column)} = %s AND {condition}"
            )
            _GET_SQL[key] = (sql, condition.count("%s"))
        sql, patterns = _GET_SQL[key]
        path = connection.ops.prep_for_like_query(official.unit.jurisdiction.path)
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk, *[f"{path}%"] * patterns])
            row = cursor.fetchone()
    if row is None:
        _deny(official, model._default_manager.all(), {"pk": pk})
    obj, rest = from_row(model, row)
    for name, value in zip(extra, rest, strict=True):
        setattr(obj, name, value)
    return obj


def rows_of(queryset: QuerySet, fields: dict[str, Any], limit: int | None = None) -> list[dict]:
    """`queryset` as rows of plain values: `fields` maps each key of a row to the field of that
    name (the same string) or to an expression (`F("jurisdiction__code")`)."""
    names = [key for key, value in fields.items() if value == key]
    # Under another name in SQL: a key may be a relation's own name ("jurisdiction").
    expressions = {f"v_{key}": value for key, value in fields.items() if value != key}
    values = queryset.values(*names, **expressions)
    rows = list(values if limit is None else values[:limit])
    for row in rows:
        for alias in expressions:
            row[alias[2:]] = row.pop(alias)
    return rows


def values_for_user(
    official: Official, source: type[M] | QuerySet[M], fields: dict[str, Any], **lookup
) -> dict[str, Any]:
    """Like get_for_user, as one row of plain values (`fields` as for rows_of): a lean read
    for the API, where building a model instance and its related objects costs more than the
    query. The same scope, the same shared 404 and the same audited denial."""
    queryset = _as_queryset(source)
    rows = rows_of(scope(queryset, official).filter(**lookup), fields, limit=2)
    if len(rows) != 1:
        _deny(official, queryset, lookup)
    return rows[0]


def authorised(official: Official, action: str | Authority) -> bool:
    """May the official take `action` (a key of AUTHORITIES, or a move's Authority) at all?"""
    authority = AUTHORITIES[action] if isinstance(action, str) else action
    return authority.allows(official)


def require(official: Official, action: str | Authority) -> None:
    authority = AUTHORITIES[action] if isinstance(action, str) else action
    refused = authority.refusal(official)
    if refused is not None:
        raise PermissionDenied(refused)


def get_for_update(
    official: Official,
    source: type[M] | QuerySet[M],
    *,
    action: str | Authority,
    of: tuple[str, ...] = ("self",),
    **lookup,
) -> M:
    """Lock the object for this transaction after checking jurisdiction and authority.

    Must be called inside transaction.atomic(); the row lock (PostgreSQL) or the write lock taken
    at BEGIN IMMEDIATE (SQLite) makes a second officer acting at once wait, then see the new state.
    One statement reads and locks the object within the official's scope; a second runs only to
    tell "missing" from "not yours" for the audit, when the first finds nothing. `of` names the
    rows locked (PostgreSQL's FOR UPDATE OF): the object's own, and those `source` selects with it.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("get_for_update must run inside transaction.atomic().")
    queryset = _as_queryset(source)
    if rule_for(queryset.model).spans_many:
        # FOR UPDATE cannot be combined with the DISTINCT such a scope needs: check, then lock.
        visible = scope(queryset, official).filter(**lookup).values_list("pk", flat=True).first()
        obj = None if visible is None else queryset.select_for_update().get(pk=visible)
    else:
        locked = scope(queryset, official).select_for_update(of=of)
        obj = locked.filter(**lookup).order_by().first()
    if obj is None:
        _deny(official, queryset, lookup)
    require(official, action)
    return obj


# LOCK_IN_SUBTREE: one object by primary key, within the official's subtree, locked (FOR UPDATE on
# PostgreSQL), with at most one related row joined and a few extra columns, as plain SQL: the
# write path's every step starts here, and compiling the same ORM query each time cost more than
# running it (docs/performance.md). Its answer is get_for_update's, tested on both engines.
_LOCK_SQL: dict[tuple, str] = {}


def _lock_sql(model, related: str | None, extra: tuple[str, ...]) -> str:
    rule = rule_for(model)
    key = (model._meta.label, related, extra, connection.vendor)
    if key in _LOCK_SQL:
        return _LOCK_SQL[key]
    q = connection.ops.quote_name
    meta = model._meta
    columns = [f"t.{q(f.column)}" for f in meta.concrete_fields]
    joins = ""
    owner = "t"
    if related is not None:
        field = meta.get_field(related)
        rmeta = field.related_model._meta
        columns += [f"r.{q(f.column)}" for f in rmeta.concrete_fields]
        joins = f" JOIN {q(rmeta.db_table)} r ON r.{q(rmeta.pk.column)} = t.{q(field.column)}"
        if rule.jurisdiction_lookup == f"{related}__jurisdiction":
            owner, meta_of_owner = "r", rmeta
    if owner == "t":
        if rule.jurisdiction_lookup != "jurisdiction":
            raise LookupError(f"lock_in_subtree cannot lock {meta.label} this way")
        meta_of_owner = meta
    jurisdiction = q(meta_of_owner.get_field("jurisdiction").column)
    like = connection.operators["startswith"] % "%s"
    sql = (
        f"SELECT {', '.join([*columns, *extra])} FROM {q(meta.db_table)} t{joins} "  # noqa: S608
        f"WHERE t.{q(meta.pk.column)} = %s AND {owner}.{jurisdiction} IN "
        f"(SELECT id FROM {q(Jurisdiction._meta.db_table)} WHERE path {like})"
    )
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE OF t"
    _LOCK_SQL[key] = sql
    return sql


def lock_in_subtree(
    official: Official,
    model: type[M],
    pk: int,
    *,
    action: str | Authority,
    related: str | None = None,
    extra: dict[str, str] | None = None,
) -> M:
    """get_for_update(official, model, action=action, pk=pk) in one plain statement: the object
    (with `related` joined and each `extra` SQL expression as an attribute), locked, or the same
    audited 404. Only for models whose rule is in_subtree_by_id."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_in_subtree must run inside transaction.atomic().")
    row = None
    if may_use_system(official):
        names = tuple(extra or ())
        sql = _lock_sql(model, related, tuple((extra or {}).values()))
        path = connection.ops.prep_for_like_query(official.unit.jurisdiction.path)
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk, f"{path}%"])
            row = cursor.fetchone()
    if row is None:
        _deny(official, model._default_manager.all(), {"pk": pk})
    require(official, action)
    obj, rest = from_row(model, row)
    if related is not None:
        other, rest = from_row(model._meta.get_field(related).related_model, rest)
        setattr(obj, related, other)
    for name, value in zip(names, rest, strict=True):
        setattr(obj, name, value)
    return obj
