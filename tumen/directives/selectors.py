"""Reads of directives, always through the access module, shaped for the pages that show them."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from tumen.directives.models import Acknowledgement, Addressee, Clause, Directive
from tumen.org.access import get_for_user, scope
from tumen.org.models import Official, WorkUnit


def directive_list_for_official(*, official: Official) -> list[Directive]:
    """Directives addressed along the official's line, each with its clauses.

    Each carries `acknowledged_by_my_unit`, answered in the same query.
    """
    own_acknowledgement = Acknowledgement.objects.filter(
        directive=OuterRef("pk"), unit_id=official.unit_id
    )
    queryset = (
        Directive.objects.select_related("issued_by")
        .prefetch_related(Prefetch("clauses", queryset=Clause.objects.order_by("number")))
        .annotate(acknowledged_by_my_unit=Exists(own_acknowledgement))
    )
    return list(scope(queryset, official))


def _acknowledgements_visible_to(official: Official) -> QuerySet[Acknowledgement]:
    # Only units inside the official's own subtree: a Liaoning officer must not learn which Jilin
    # offices have acknowledged, even of a directive both provinces received.
    visible_units = scope(WorkUnit.objects.all(), official)
    return (
        Acknowledgement.objects.filter(unit__in=visible_units)
        .select_related("unit")
        .order_by("acknowledged_at", "pk")
    )


def directive_for_official(*, official: Official, code: str) -> Directive:
    """One directive with everything its page shows, or the access module's shared 404.

    Sets `visible_acknowledgements` (a list) and `my_acknowledgement` (or None).
    """
    queryset = Directive.objects.select_related("issued_by", "report_back_clause").prefetch_related(
        Prefetch("clauses", queryset=Clause.objects.order_by("number")),
        Prefetch(
            "addressees",
            # In the order they were entered, which is the order the directive names them.
            queryset=Addressee.objects.select_related("jurisdiction", "unit").order_by("pk"),
        ),
        Prefetch(
            "acknowledgements",
            queryset=_acknowledgements_visible_to(official),
            to_attr="visible_acknowledgements",
        ),
    )
    directive = get_for_user(official, queryset, code=code)
    directive.my_acknowledgement = next(
        (a for a in directive.visible_acknowledgements if a.unit_id == official.unit_id), None
    )
    return directive
