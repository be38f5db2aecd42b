"""Reads of travel authorizations: a case's documents, and reconciliation for issuing units."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from tumen.authorizations.models import (
    Authorization,
    AuthorizationStatus,
    CheckpointScan,
    ScanOutcome,
)
from tumen.cases.models import Case, Status
from tumen.lib import clock
from tumen.org.access import get_for_user, scope
from tumen.org.models import Official

RECENT = 20


def documents_of_case(official: Official, case: Case) -> list[Authorization]:
    visible = scope(Authorization.objects.filter(case=case), official)
    return list(
        visible.select_related("person", "replaces").prefetch_related("crossing_points", "scans")
    )


def authorization_for_user(official: Official, number: str) -> Authorization:
    return get_for_user(official, Authorization.objects.select_related("case"), number=number)


def _crossed() -> Exists:
    return Exists(
        CheckpointScan.objects.filter(authorization=OuterRef("pk"), outcome=ScanOutcome.CROSSED)
    )


@dataclass
class Reconciliation:
    expired_unused: QuerySet
    partly_crossed: QuerySet
    unnamed_point: QuerySet
    refused: QuerySet

    def counts(self) -> dict[str, int]:
        return {
            "expired_unused": self.expired_unused.count(),
            "partly_crossed": self.partly_crossed.count(),
            "unnamed_point": self.unnamed_point.count(),
            "refused": self.refused.count(),
        }


def reconciliation(official: Official, *, limit: int = 200) -> Reconciliation:
    """What the units that issued documents must look into (and the situation report counts)."""
    documents = scope(Authorization.objects.all(), official).select_related("case", "person")
    expired = documents.filter(
        status=AuthorizationStatus.VALID, valid_until__lt=clock.now()
    ).filter(~_crossed())
    crossed_docs = Authorization.objects.filter(case=OuterRef("pk")).filter(_crossed())
    waiting_docs = Authorization.objects.filter(
        case=OuterRef("pk"), status=AuthorizationStatus.VALID
    ).filter(~_crossed())
    partly = (
        scope(Case.objects.filter(status=Status.AUTHORIZED), official)
        .filter(Exists(crossed_docs), Exists(waiting_docs))
        .order_by("number")
    )
    scans = scope(CheckpointScan.objects.all(), official).select_related(
        "point", "authorization", "authorization__case"
    )
    return Reconciliation(
        expired_unused=expired.order_by("valid_until")[:limit],
        partly_crossed=partly[:limit],
        unnamed_point=scans.filter(outcome=ScanOutcome.CROSSED, point_named=False)[:limit],
        refused=scans.filter(outcome=ScanOutcome.REFUSED)[:limit],
    )


def recent_scans(official: Official) -> list[CheckpointScan]:
    """What this checkpoint officer's unit recorded lately, newest first."""
    return list(
        CheckpointScan.objects.filter(unit=official.unit_id).select_related(
            "point", "authorization", "authorization__person"
        )[:RECENT]
    )
