"""The one place that answers "may this official see / act on this object".

An official sees the subtree of their unit's jurisdiction and nothing else. Every read of a
jurisdiction-bound object goes through `scope` or `get_for_user`; every write goes through
`get_for_update`. "Missing" and "not yours" raise the same Http404, so an official cannot probe
for the existence of another jurisdiction's records; an attempt on an object that exists is audited.

How each model is tied to a jurisdiction is declared in RULES, keyed by model label, so that adding
a model means adding one line here rather than writing a filter in a view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from tumen.org.models import Jurisdiction, Official

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Rule:
    condition: Callable[[Official], Q]
    # True when the condition crosses a many-valued relation, so a row can match more than once.
    spans_many: bool = False


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

    return Rule(condition)


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


def _deny(official: Official, queryset: QuerySet, lookup: dict) -> None:
    existing = queryset.filter(**lookup).values_list("pk", flat=True).first()
    if existing is None:
        raise NotVisible()
    from tumen.audit.services import audit_access_denied

    denial = {"official": official, "model": queryset.model, "object_id": existing}
    event = audit_access_denied(**denial)
    raise NotVisible({**denial, "row_hash": event.row_hash})


def record_lost_denial(error: NotVisible) -> None:
    """Re-record a refusal whose audit event was rolled back with the caller's transaction."""
    if not error.denial:
        return
    from tumen.audit.models import AuditEvent
    from tumen.audit.services import audit_access_denied

    if not AuditEvent.objects.filter(row_hash=error.denial["row_hash"]).exists():
        event = audit_access_denied(
            official=error.denial["official"],
            model=error.denial["model"],
            object_id=error.denial["object_id"],
        )
        error.denial["row_hash"] = event.row_hash


def _as_queryset(source: type[M] | QuerySet[M]) -> QuerySet[M]:
    return source if isinstance(source, QuerySet) else source._default_manager.all()


def get_for_user(official: Official, source: type[M] | QuerySet[M], **lookup) -> M:
    """The object, if it exists and the official may see it; otherwise the shared 404."""
    queryset = _as_queryset(source)
    obj = scope(queryset, official).filter(**lookup).first()
    if obj is None:
        _deny(official, queryset, lookup)
    return obj


def require_role(official: Official, *roles: str) -> None:
    if not may_use_system(official) or not official.has_role(*roles):
        raise PermissionDenied(_("Your role does not allow this action."))


def get_for_update(
    official: Official, source: type[M] | QuerySet[M], *, roles: tuple[str, ...], **lookup
) -> M:
    """Lock the object for this transaction after checking jurisdiction and role.

    Must be called inside transaction.atomic(); the row lock (PostgreSQL) or the write lock taken
    at BEGIN IMMEDIATE (SQLite) makes a second officer acting at once wait, then see the new state.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("get_for_update must run inside transaction.atomic().")
    queryset = _as_queryset(source)
    visible = scope(queryset, official).filter(**lookup).values_list("pk", flat=True).first()
    if visible is None:
        _deny(official, queryset, lookup)
    require_role(official, *roles)
    return queryset.select_for_update().get(pk=visible)
