"""Reads that only the web pages need."""

from __future__ import annotations

from django.db.models import QuerySet

from tumen.org.access import scope
from tumen.org.models import Jurisdiction, Level, Official


def jurisdiction_chain(jurisdiction: Jurisdiction) -> list[Jurisdiction]:
    """The jurisdiction and every one above it, root first, in one query.

    An official may always see the names of the line above their own jurisdiction (it is where
    their instructions come from), so this is not an access question and uses no scope.
    """
    return list(Jurisdiction.objects.filter(path__in=jurisdiction.ancestor_paths).order_by("path"))


def visible_counties(official: Official) -> QuerySet[Jurisdiction]:
    """Counties the official may see: where their cases are filed and where persons may live."""
    return scope(Jurisdiction.objects.filter(level=Level.COUNTY), official).order_by("path")
