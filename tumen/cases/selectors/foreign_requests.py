"""Reading foreign requests: the list an office keeps, and one request with its persons and cases.

Every read goes through the access module (`scope`, `get_for_user`).
"""

from __future__ import annotations

from django.db.models import (
    Prefetch,
    QuerySet,
)

from tumen.cases.models import (
    Case,
    ForeignRequest,
    ForeignRequestPerson,
)
from tumen.org.access import get_for_user, scope
from tumen.org.models import Official


def foreign_requests_for(official: Official) -> QuerySet[ForeignRequest]:
    return (
        scope(ForeignRequest.objects.all(), official)
        .select_related("registered_by")
        .prefetch_related("persons", "cases")
        .order_by("-received_on", "-pk")
    )


def foreign_request_page(official: Official, request_id: int) -> ForeignRequest:
    """One foreign request with its persons and cases; else the access module's 404."""
    requests = ForeignRequest.objects.select_related(
        "registered_by", "jurisdiction"
    ).prefetch_related(
        Prefetch(
            "persons",
            ForeignRequestPerson.objects.select_related("person__residence").order_by(
                "household", "-is_principal", "pk"
            ),
        ),
        Prefetch("cases", Case.objects.select_related("jurisdiction").order_by("number")),
    )
    return get_for_user(official, requests, pk=request_id)
